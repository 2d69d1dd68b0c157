"""The messages of a chat: the person's question and the advisor's turn as it arrives."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from advisor.events import Answer, Event, Failure, Token, ToolCall, ToolResult
from tui.widgets.tool_block import ToolBlock


class Question(Static):
    """What the person asked."""

    def __init__(self, text: str) -> None:
        super().__init__(text, classes="question", markup=False)


class Turn(Vertical):
    """One answer in arrival order: text segments (Markdown, streamed) and tool blocks between them.

    Tokens that follow a tool call start a new Markdown segment, so the conversation reads in
    the order the agent worked. Streaming goes through Textual's MarkdownStream, which batches
    fragments when tokens arrive faster than the widget can re-render.
    """

    def __init__(self, status: str = "") -> None:
        super().__init__(classes="turn")
        self.status = Static(status, classes="turn-status")
        self.tool_blocks: dict[str, ToolBlock] = {}
        self.streamed: list[str] = []
        self.answer_text: str | None = None
        self.failed = False
        self._held: list[str] = []  # restored tokens not shown yet (history is not streamed)
        self._segment: Markdown | None = None
        self._stream: MarkdownStream | None = None

    def compose(self) -> ComposeResult:
        yield self.status

    @property
    def text(self) -> str:
        """The answer so far: the final text once it is known, else what has streamed."""
        return self.answer_text if self.answer_text is not None else "".join(self.streamed)

    def set_status(self, text: str) -> None:
        self.status.update(text)
        self.status.display = bool(text)

    async def apply(self, event: Event, *, live: bool = True) -> None:
        """Render one event; `live=False` (restoring history) skips the streaming machinery."""
        if isinstance(event, Token):
            self.set_status("")
            self.streamed.append(event.text)
            if live:
                await self._write(event.text)
            else:
                self._held.append(event.text)
        elif isinstance(event, ToolCall):
            await self._end_segment()
            self.set_status("")
            block = ToolBlock(event)
            self.tool_blocks[event.call_id] = block
            await self.mount(block)
        elif isinstance(event, ToolResult):
            block = self.tool_blocks.get(event.call_id)
            if block is None:  # a result without its call (older history): still show it
                block = ToolBlock(ToolCall(event.call_id, event.name, {}))
                self.tool_blocks[event.call_id] = block
                await self.mount(block)
            block.show_result(event)
        elif isinstance(event, Answer):
            await self._finish_answer(event, live=live)
        elif isinstance(event, Failure):
            self.failed = True
            await self._end_segment()
            self.set_status("")
            await self.mount(Static(f"⚠ {event.message}", classes="turn-error", markup=False))

    async def stop(self, note: str) -> None:
        """The turn ended without an Answer (cancelled, or the app closed): keep what arrived."""
        await self._end_segment()
        self.set_status(note)
        self.status.add_class("-stopped")

    async def _write(self, text: str) -> None:
        if self._segment is None:
            self._segment = Markdown()
            await self.mount(self._segment)
            self._stream = Markdown.get_stream(self._segment)
        assert self._stream is not None
        await self._stream.write(text)

    async def _end_segment(self) -> None:
        if self._held:
            await self.mount(Markdown("".join(self._held)))
            self._held.clear()
        if self._stream is not None:
            await self._stream.stop()
        self._stream = None
        self._segment = None

    async def _finish_answer(self, answer: Answer, *, live: bool) -> None:
        streamed = "".join(self.streamed).strip()
        self._held.clear()  # the Answer's text supersedes restored fragments
        await self._end_segment()
        self.set_status("")
        self.answer_text = answer.text
        if answer.fallback or not streamed or not live:
            # Nothing streamed (a fallback written from tool results, or restored history):
            # show the final text in one piece.
            await self.mount(Markdown(answer.text))
        if answer.sources:
            await self.mount(Static(f"Sources: {', '.join(answer.sources)}", classes="turn-sources", markup=False))
        if answer.ungrounded:
            figures = ", ".join(answer.ungrounded)
            await self.mount(Static(f"Check: {figures} — not found in any tool result", classes="turn-ungrounded", markup=False))
