"""Any result no presenter knows: shown by its Python type, never guessed from its keys.

Dicts and lists become a field table with values as JSON, long text is clipped, None reads
"(none)". New fields on a known result type (see `extra_fields`) use the same words, so a
field added in tools/ shows up before anyone writes a presenter line for it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from advisor.present.grid import Grid
from advisor.present.words import clip

VALUE_CHARS = 200  # characters of one value in a table cell or the model's text before '…'


def show(value: Any, limit: int = VALUE_CHARS) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, str):
        return clip(value, limit)
    if isinstance(value, float):
        return f"{value:g}"
    return clip(json.dumps(value, ensure_ascii=False, default=str), limit)


def extra_fields(result: BaseModel, known: frozenset[str]) -> list[tuple[str, Any]]:
    """Fields of `result` its presenter has no words for, that the result actually carries."""
    return [(name, getattr(result, name)) for name in type(result).model_fields
            if name not in known and name in result.model_fields_set and getattr(result, name) not in (None, False, [], {}, "")]


def summary(result: Any) -> str:
    if isinstance(result, dict):
        return f"{len(result)} fields"
    if isinstance(result, list):
        return f"{len(result)} items"
    return show(result, 60)


def table(result: Any) -> Grid:
    if isinstance(result, dict):
        return Grid(("field", "value"), [(str(k), show(v)) for k, v in result.items()])
    if isinstance(result, list):
        return Grid(("field", "value"), [(str(i), show(v)) for i, v in enumerate(result, start=1)])
    return Grid(("field", "value"), [("result", show(result))])


def model_text(result: Any) -> str:
    return show(result, 600)
