"""A result as rows of text, drawn as a Rich table (CLI, TUI) or a Markdown table (fallback answer).

The presenters decide what the rows say; this module only draws them, so the CLI's table and
the TUI's table of the same estimate cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich import box
from rich.table import Table
from rich.text import Text


@dataclass(frozen=True)
class Note:
    """A cell shown in italics: a figure someone else reported, next to the advisor's estimates."""

    text: str


Cell = str | Note


@dataclass(frozen=True)
class Grid:
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    caption: str | None = None


def to_rich(grid: Grid, title: str | None = None) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False, title=title)
    for column in grid.columns:
        table.add_column(column, overflow="fold")
    for row in grid.rows:
        table.add_row(*(Text(c.text, style="italic") if isinstance(c, Note) else c for c in row))
    table.caption = grid.caption
    return table


def _md(cell: Cell) -> str:
    text = f"*{cell.text}*" if isinstance(cell, Note) else cell
    return " ".join(text.split()).replace("|", "\\|")


def to_markdown(grid: Grid) -> str:
    lines = ["| " + " | ".join(grid.columns) + " |", "|" + "---|" * len(grid.columns)]
    lines += ["| " + " | ".join(_md(c) for c in row) + " |" for row in grid.rows]
    return "\n".join(lines)
