"""Pick the backing chat model: one of the installed packs, or a GGUF file on disk."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option


class ModelScreen(ModalScreen[str | None]):
    """Returns a pack name or a GGUF path, or None when cancelled."""

    BINDINGS = [("escape", "dismiss(None)", "Cancel")]

    def __init__(self, packs: Sequence[tuple[str, str]], current: str) -> None:
        super().__init__()
        self.packs = packs
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Backing model", classes="dialog-title")
            options = [Option(Text.assemble(name, "  ", (about, "dim")), id=name) for name, about in self.packs]
            yield OptionList(*options, id="model-options")
            yield Input(placeholder="…or a path to a .gguf file", id="model-path")
            yield Static("", id="model-error", markup=False)
            yield Label("Enter to choose · Esc cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        names = [name for name, _ in self.packs]
        options = self.query_one(OptionList)
        if self.current in names:
            options.highlighted = names.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if path.suffix.lower() != ".gguf" or not path.is_file():
            self.query_one("#model-error", Static).update(f"Not a .gguf file: {path}")
            return
        self.dismiss(str(path))
