"""The strip under the conversation while the model, embedder and index load."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar


class LoadingBar(Horizontal):
    """Stage name and progress; hidden once the advisor is ready (the input works throughout)."""

    def compose(self) -> ComposeResult:
        yield Label("Starting…", id="loading-stage")
        yield ProgressBar(total=1.0, show_eta=False, id="loading-progress")

    def show(self, stage: str, fraction: float) -> None:
        self.display = True
        self.query_one("#loading-stage", Label).update(stage)
        self.query_one(ProgressBar).update(progress=max(0.0, min(1.0, fraction)))

    def hide(self) -> None:
        self.display = False
