"""One presenter per tool result type, for every front end.

Each module here owns the words of one result kind: its verdict sentence, one-line summary,
table rows, the plain sentences a perfect answer would say, and the compact text the model
reads. The CLI (advisor/commands/facts.py), the agent's text and fallback answer
(advisor/agent/render.py), the TUI (tui/tables.py) and the eval oracle all draw on them, so
"fits in GPU memory" is written once. Results cross boundaries as tagged payloads
(payload.py); anything without a presenter goes to generic.py.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from tools.estimate import Estimate
from tools.licenses import LicenseAnswer
from tools.plan import PlanResult
from tools.recommend import Pick

from advisor.present import estimate, generic, hits, licenses, picks, plan
from advisor.present.grid import Grid, Note, to_markdown, to_rich
from advisor.present.payload import TOOL_KINDS, from_payload, kind_of, to_payload

__all__ = ["Grid", "Note", "from_payload", "presenter", "to_markdown", "to_payload", "to_rich",
           "summary", "table", "verdict", "sentences", "answer_markdown"]

_LIST_PRESENTERS: dict[str, ModuleType] = {"pick": picks, "hit": hits}


def presenter(result: Any, tool: str | None = None) -> tuple[ModuleType, Any]:
    """The presenter module for a result (payload or pydantic) and the result as its typed value."""
    value = from_payload(result, tool)
    if isinstance(value, Estimate):
        return estimate, value
    if isinstance(value, LicenseAnswer):
        return licenses, value
    if isinstance(value, PlanResult):
        return plan, value
    if isinstance(value, list):
        kinds = {kind_of(item) for item in value} or {TOOL_KINDS.get(tool or "")}
        if len(kinds) == 1 and (kind := kinds.pop()) in _LIST_PRESENTERS:
            return _LIST_PRESENTERS[kind], value
        if value and all(isinstance(item, Pick) for item in value):
            return picks, value
    return generic, value


def summary(result: Any, tool: str | None = None) -> str:
    """One line for a collapsed tool block: 'full gpu, 20.73 GB, ~152.7 tok/s'."""
    module, value = presenter(result, tool)
    return module.summary(value)


def table(result: Any, tool: str | None = None) -> Grid:
    module, value = presenter(result, tool)
    return module.table(value)


def verdict(result: Any, tool: str | None = None) -> str | None:
    module, value = presenter(result, tool)
    return None if module is generic else module.verdict(value)


def sentences(result: Any, tool: str | None = None) -> list[str]:
    """What a perfect answer says about the result; nothing for a result without a presenter."""
    module, value = presenter(result, tool)
    return [] if module is generic else module.sentences(value)


def answer_markdown(result: Any, tool: str | None = None) -> str:
    """The verdict, then the essentials as a Markdown table: an answer written without the model."""
    module, value = presenter(result, tool)
    if module is generic:
        return ""
    brief = module.brief_table(value)
    return module.verdict(value) + ("\n\n" + to_markdown(brief) if brief.rows else "")
