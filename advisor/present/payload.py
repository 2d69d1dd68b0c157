"""Tool results across a boundary (checkpoint artifact, --json, TUI event): tagged with their kind.

Every result is dumped with a "type" key ("estimate", "pick", "license", "hit", "plan"), as
simonw/llm's parts carry theirs, and `from_payload` is the one place that turns a payload
back into the pydantic object. A list result (picks, hits) is a JSON list of tagged items, so
`advisor recommend --json` stays a list. Results saved before the tag existed are read by the
tool that produced them (`tool=`); anything else stays as it is and renders generically.
"""

from __future__ import annotations

import importlib
from typing import Any

from pydantic import BaseModel, ValidationError

# Result kind -> "module:class" of its pydantic type. Strings, not imports: the article search
# type lives next to chromadb, which costs seconds to import and may not be installed.
KINDS: dict[str, str] = {
    "estimate": "tools.estimate:Estimate",
    "pick": "tools.recommend:Pick",
    "license": "tools.licenses:LicenseAnswer",
    "hit": "tools.article_search:Hit",
    "plan": "tools.plan:PlanResult",
}
# Agent tool name -> the kind of result it returns (a list of them for recommend and search).
TOOL_KINDS: dict[str, str] = {"estimate": "estimate", "recommend": "pick", "license": "license", "search_articles": "hit",
                              "plan": "plan"}
TAG = "type"


def _type(kind: str) -> type[BaseModel] | None:
    module, _, name = KINDS[kind].partition(":")
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        return None


def kind_of(value: BaseModel) -> str | None:
    for kind, where in KINDS.items():
        module, _, name = where.partition(":")
        if type(value).__module__ == module and type(value).__name__ == name:
            return kind
    return None


def to_payload(result: Any) -> Any:
    """A result as JSON-ready data, each pydantic value tagged with its kind."""
    if isinstance(result, (list, tuple)):
        return [to_payload(item) for item in result]
    if isinstance(result, BaseModel):
        kind = kind_of(result)
        data = result.model_dump(mode="json")
        return {TAG: kind, **data} if kind else data
    return result


def _one(data: Any, kind: str | None) -> Any:
    if not isinstance(data, dict):
        return data
    kind = data.get(TAG, kind)
    model = _type(kind) if kind in KINDS else None
    if model is None:
        return data
    try:
        return model.model_validate({k: v for k, v in data.items() if k != TAG})
    except ValidationError:
        return data  # a near-miss shape (an older or newer schema): shown field by field, not lost


def from_payload(data: Any, tool: str | None = None) -> Any:
    """Estimate, LicenseAnswer, list[Pick], list[Hit]; or `data` unchanged when it is none of them.

    Pydantic values pass through, so callers may hand over either form.
    """
    kind = TOOL_KINDS.get(tool or "")
    if isinstance(data, list):
        items = [_one(item, kind) for item in data]
        return items if all(isinstance(i, BaseModel) for i in items) else data
    return _one(data, kind)
