"""A finished turn as one record: what `advisor ask --json` prints and what the evals score."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from advisor.events import Answer, Event, Failure, Timings, Token, ToolCall, ToolResult


@dataclass
class CallRecord:
    name: str
    args: dict[str, Any]
    ok: bool | None = None  # None: the turn ended before the tool answered
    result: Any = None
    error: str | None = None


@dataclass
class TurnRecord:
    answer: str = ""
    tool_calls: list[CallRecord] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    timings: Timings | None = None
    fallback: bool = False
    ungrounded: list[str] = field(default_factory=list)
    failure: str | None = None

    def as_json(self, model: str, thread: str) -> dict[str, Any]:
        t = self.timings
        return {
            "answer": self.answer,
            "tool_calls": [asdict(c) for c in self.tool_calls],
            "sources": self.sources,
            "model": model,
            "thread": thread,
            "timings": {"total_s": t.total_s, "first_token_s": t.first_token_s, "prompt_tokens": t.prompt_tokens,
                        "completion_tokens": t.completion_tokens, "cached_prompt_tokens": t.cached_prompt_tokens} if t else None,
            "fallback": self.fallback,
            "ungrounded": self.ungrounded,
            "error": self.failure,
        }


def record_turn(events: Iterable[Event]) -> TurnRecord:
    """Fold a turn's events into a record (consumes the iterator)."""
    turn = TurnRecord()
    streamed: list[str] = []
    by_id: dict[str, CallRecord] = {}
    for event in events:
        if isinstance(event, Token):
            streamed.append(event.text)
        elif isinstance(event, ToolCall):
            by_id[event.call_id] = CallRecord(event.name, event.args)
            turn.tool_calls.append(by_id[event.call_id])
        elif isinstance(event, ToolResult) and event.call_id in by_id:
            call = by_id[event.call_id]
            call.ok, call.result, call.error = event.ok, event.result, event.error
        elif isinstance(event, Answer):
            turn.answer, turn.sources, turn.timings = event.text, event.sources, event.timings
            turn.fallback, turn.ungrounded = event.fallback, event.ungrounded
        elif isinstance(event, Failure):
            turn.failure = event.message
    if not turn.answer and not turn.failure:
        turn.answer = "".join(streamed)
    return turn
