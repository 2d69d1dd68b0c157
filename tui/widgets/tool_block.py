"""A tool call inside the conversation: one line when collapsed, arguments and table when open."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text
from textual.content import Content
from textual.widgets import Collapsible, Static

from advisor.events import ToolCall, ToolResult
from tui.tables import format_args, render_result


class ToolBlock(Collapsible):
    """Title: tool name and a one-line summary of the result; body: the arguments and the table.

    Collapsed by default so the answer stays readable; the reader opens it to check a figure.
    """

    def __init__(self, call: ToolCall, *, collapsed: bool = True) -> None:
        self.call = call
        self.args_line = Text.assemble(("arguments: ", "bold"), format_args(call.args) or "none")
        self.body = Static(self.args_line, classes="tool-body")
        super().__init__(self.body, title="", collapsed=collapsed, classes="tool-block")
        self.set_title(f"⚙ {call.name} · running…")

    def set_title(self, text: str) -> None:
        """Titles hold model-written names and arguments: plain text, never markup."""
        self.title = Content(text)  # type: ignore[assignment]

    def show_result(self, result: ToolResult) -> None:
        if not result.ok:
            self.set_title(f"✗ {self.call.name} failed")
            error = Text.assemble(("error: ", "bold"), result.error or "the tool failed without a message")
            self.body.update(Group(self.args_line, error))
            self.add_class("-failed")
            return
        rendered = render_result(result.result, result.name)  # the name reads results saved before payloads had a type
        self.set_title(f"⚙ {self.call.name} → {rendered.summary}")
        self.body.update(Group(self.args_line, rendered.table))
