"""A conversation as Markdown, for "export chat": the same event log the screen renders.

The chat screen keeps every event of the open thread (restored history plus live turns), so
export is a pure fold over that list: questions become headings, streamed tokens are joined,
and each tool call is kept with its arguments and full result so figures stay checkable.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Sequence

from advisor.events import Answer, Event, Failure, Token, ToolCall, ToolResult, UserMessage
from tui.tables import format_args, render_result


def _result_block(call: ToolCall | None, result: ToolResult) -> list[str]:
    args = format_args(call.args) if call else ""
    if not result.ok:
        return [f"**Tool `{result.name}({args})` failed:** {result.error}", ""]
    summary = render_result(result.result, result.name).summary
    body = json.dumps(result.result, indent=2, ensure_ascii=False, default=str)
    return [
        "<details>",
        f"<summary>Tool <code>{result.name}({args})</code>: {summary}</summary>",
        "",
        "```json",
        body,
        "```",
        "</details>",
        "",
    ]


def to_markdown(title: str, events: Sequence[Event]) -> str:
    """The whole chat: each question, the tools it used, and the answer (or what was streamed)."""
    lines = [f"# {title}", ""]
    calls: dict[str, ToolCall] = {}
    streamed: list[str] = []

    def flush_stream(note: str = "") -> None:
        if streamed:
            lines.extend(["".join(streamed).strip() + note, ""])
            streamed.clear()

    for event in events:
        if isinstance(event, UserMessage):
            flush_stream(" *(stopped)*")
            lines.extend([f"## {event.text}", ""])
        elif isinstance(event, Token):
            streamed.append(event.text)
        elif isinstance(event, ToolCall):
            flush_stream()
            calls[event.call_id] = event
        elif isinstance(event, ToolResult):
            lines.extend(_result_block(calls.get(event.call_id), event))
        elif isinstance(event, Answer):
            text = "".join(streamed).strip()
            streamed.clear()
            lines.extend([event.text.strip() if event.fallback or not text else text, ""])
            if event.sources:
                lines.extend([f"Sources: {', '.join(event.sources)}", ""])
        elif isinstance(event, Failure):
            flush_stream()
            lines.extend([f"> **Error:** {event.message}", ""])
    flush_stream(" *(stopped)*")
    return "\n".join(lines).rstrip() + "\n"


def export_path(directory: Path, title: str, thread_id: str) -> Path:
    """A readable, collision-free file name: the chat title as a slug plus the thread id."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "chat"
    return directory / f"advisor-chat-{slug}-{thread_id[:8]}.md"


def write_export(directories: Sequence[Path], title: str, thread_id: str, events: Sequence[Event]) -> Path:
    """Write to the first directory that accepts the file (cwd, else the data dir); return the path."""
    text = to_markdown(title, events)
    error: OSError | None = None
    for directory in directories:
        path = export_path(directory, title, thread_id)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            error = exc
            continue
        return path
    raise OSError(f"could not write the export anywhere: {error}")
