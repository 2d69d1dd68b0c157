"""The side panel: past chats, the hardware profile answers are computed for, and the model."""

from __future__ import annotations

from typing import Any, Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

NEW_CHAT = "__new__"


class ThreadList(OptionList):
    """Past chats, newest first; the first entry starts a new chat.

    Shows titles and turn counts only (no timestamps), so snapshots stay stable.
    """

    BINDINGS = [Binding("delete", "app.delete_chat", "Delete chat (in the chat list)")]

    def show_threads(self, threads: Sequence[Any], current: str | None) -> None:
        options = [Option("+ New chat", id=NEW_CHAT)]
        for info in threads:
            turns = f"{info.turns} turn{'s' if info.turns != 1 else ''}"
            options.append(Option(Text.assemble(info.title, "\n", (turns, "dim")), id=info.id))
        self.set_options(options)
        ids = [o.id for o in options]
        self.highlighted = ids.index(current) if current in ids else 0


class ProfilePanel(Vertical):
    """The hardware profile and backing model, so the person sees what answers assume."""

    def compose(self) -> ComposeResult:
        yield Label("Hardware", classes="panel-title")
        yield Static(id="hardware", markup=False)
        yield Label("Model", classes="panel-title")
        yield Static(id="model", markup=False)

    hardware_text = ""

    def show_hardware(self, description: str, origin: str) -> None:
        self.hardware_text = description
        self.query_one("#hardware", Static).update(f"{description}\n({origin}; F2 to edit)")

    def show_model(self, name: str, state: str) -> None:
        self.query_one("#model", Static).update(f"{name}\n({state}; F3 to switch)")
