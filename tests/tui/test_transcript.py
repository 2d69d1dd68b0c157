"""Export: the chat as Markdown, with every tool result kept in full."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.events import Answer, Failure, Token, ToolCall, ToolResult, UserMessage
from tui.transcript import export_path, to_markdown, write_export

EVENTS = [
    UserMessage("Best model for 16 GB?"),
    ToolCall("c1", "recommend", {"vram_gb": 16}),
    ToolResult("c1", "recommend", True, {"anything": 1}),
    Token("Take "), Token("Qwen."),
    Answer("Take Qwen.", sources=["001_a.txt"]),
    UserMessage("And for 8 GB?"),
    Token("Half an ans"),
    UserMessage("Hello?"),
    ToolCall("c2", "estimate", {"model": "x"}),
    ToolResult("c2", "estimate", False, None, error="Unknown model 'x'."),
    Failure("The model stopped responding."),
]


def test_markdown_keeps_questions_tools_answers_and_stops():
    text = to_markdown("Best model", EVENTS)
    assert text.startswith("# Best model\n")
    assert "## Best model for 16 GB?" in text
    assert '"anything": 1' in text and "recommend(vram_gb=16)" in text
    assert "Take Qwen.\n\nSources: 001_a.txt" in text
    assert "Half an ans *(stopped)*" in text
    assert "Tool `estimate(model='x')` failed:** Unknown model 'x'." in text
    assert "> **Error:** The model stopped responding." in text


def test_fallback_answer_text_wins_over_streamed_tokens():
    text = to_markdown("t", [UserMessage("q"), Token("draft"), Answer("| table |", fallback=True)])
    assert "| table |" in text and "draft" not in text


def test_export_falls_back_to_the_next_directory(tmp_path: Path):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    path = write_export([blocked, tmp_path / "data"], "Best model: 16 GB?", "abcdef123456", EVENTS)
    assert path == tmp_path / "data" / "advisor-chat-best-model-16-gb-abcdef12.md"
    assert path.read_text().startswith("# Best model: 16 GB?")


def test_export_reports_when_nowhere_is_writable(tmp_path: Path):
    blocked = tmp_path / "file"
    blocked.write_text("x")
    with pytest.raises(OSError, match="could not write"):
        write_export([blocked], "t", "id", EVENTS)


def test_export_name_is_safe_for_odd_titles(tmp_path: Path):
    assert export_path(tmp_path, "???", "1234567890").name == "advisor-chat-chat-12345678.md"
