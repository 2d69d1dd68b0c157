"""The key list, built from the live bindings and palette commands so it cannot drift from them."""

from __future__ import annotations

from rich import box
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

FIXED_KEYS = (("Enter", "Send the question"), ("Ctrl+P", "Command palette"), ("Tab", "Next pane"), ("Ctrl+Q", "Quit"))


def key_name(key: str) -> str:
    """'ctrl+n' -> 'Ctrl+N', 'escape' -> 'Esc'."""
    names = {"escape": "Esc", "delete": "Del"}
    return "+".join(names.get(p, p.capitalize() if len(p) > 1 else p.upper()) for p in key.strip().split("+"))


def keys_table(bindings: list[Binding]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("key", style="bold")
    table.add_column("action")
    for key, action in FIXED_KEYS[:1]:
        table.add_row(key, action)
    for binding in bindings:
        if binding.description:
            table.add_row(", ".join(key_name(k) for k in binding.key.split(",")), binding.description)
    for key, action in FIXED_KEYS[1:]:
        table.add_row(key, action)
    return table


def palette_table(palette: list[tuple[str, str]]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("command (Ctrl+P)", style="bold")
    table.add_column("does")
    for title, help_text in palette:
        table.add_row(title, help_text)
    return table


class HelpScreen(ModalScreen[None]):
    """Every key and palette action; Esc, F1 or q closes it."""

    BINDINGS = [("escape,f1,q", "dismiss", "Close")]

    def __init__(self, bindings: list[Binding], palette: list[tuple[str, str]]) -> None:
        super().__init__()
        self.bindings = bindings
        self.palette = palette

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog", classes="dialog"):
            yield Label("Keys", classes="dialog-title")
            yield Static(keys_table(self.bindings))
            yield Label("Command palette", classes="dialog-title")
            yield Static(palette_table(self.palette))
            yield Label("Esc to close", classes="dialog-hint")
