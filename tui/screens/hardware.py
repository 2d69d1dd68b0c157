"""Edit the hardware profile in free text ("RTX 4070 Ti Super 16 GB, 64 GB RAM")."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

DETECT = "detect"


class HardwareScreen(ModalScreen[str | None]):
    """Returns the accepted text, `DETECT` to go back to the detected machine, or None.

    `check` parses the text the same way the profile will (so the dialog can show the error
    in place, with the closest names) and returns an error message or None.
    """

    BINDINGS = [("escape", "dismiss(None)", "Cancel"), ("ctrl+r", "detect", "Use detected")]

    def __init__(self, current: str, check: Callable[[str], str | None]) -> None:
        super().__init__()
        self.current = current
        self.check = check

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Hardware used for answers", classes="dialog-title")
            yield Input(value=self.current, placeholder="e.g. RTX 4070 Ti Super 16 GB, 64 GB RAM", id="hardware-input")
            yield Static("", id="hardware-error", markup=False)
            yield Label("Enter to save · Ctrl+R use this machine · Esc cancel", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        error = self.check(text)
        if error:
            self.query_one("#hardware-error", Static).update(error)
            return
        self.dismiss(text)

    def action_detect(self) -> None:
        self.dismiss(DETECT)
