"""Tool results as compact tables, so a reader can check every figure an answer quotes.

The words and rows come from advisor/present, the same presenters the CLI and the model's
text use; this module only turns them into a summary line and a Rich table. A result is
known by its "type" tag (or, for results saved before the tag, the tool that produced it),
never by which keys it happens to have; anything else gets a field table. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.table import Table

from advisor import present


@dataclass(frozen=True)
class RenderedResult:
    """A one-line summary for the collapsed block title, and the full table for the body."""

    summary: str
    table: Table


def render_result(result: Any, tool: str | None = None) -> RenderedResult:
    """The summary and table for one tool result: a tagged payload or the pydantic value itself."""
    module, value = present.presenter(result, tool)
    return RenderedResult(module.summary(value), present.to_rich(module.table(value)))


def format_args(args: dict[str, Any]) -> str:
    """Tool arguments as `key=value` pairs, nested dicts flattened one level for brevity."""
    parts = []
    for key, value in args.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k}={v!r}" for k, v in value.items() if v not in (None, False))
            parts.append(f"{key}({inner})")
        elif value is not None:
            parts.append(f"{key}={value!r}")
    return ", ".join(parts)
