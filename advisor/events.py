"""What an answer looks like while it is being produced.

The agent yields these events; the CLI prints them and the Textual app renders them. Keeping
them plain frozen dataclasses means neither front end knows about LangGraph or llama.cpp.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Literal, Protocol, Union

STOPPED = "[stopped]"  # ends an answer cut short (Esc in the chat, Ctrl-C in `advisor ask`), on screen and in the thread


@dataclass(frozen=True)
class UserMessage:
    """A question the person asked; appears in a restored thread's history."""

    text: str


@dataclass(frozen=True)
class Token:
    """A piece of the final answer text, streamed as the model writes it."""

    text: str


@dataclass(frozen=True)
class ToolCall:
    """The model asked for a tool."""

    call_id: str
    name: str
    args: dict[str, Any]  # exactly as the model emitted them: nothing is removed or repaired


@dataclass(frozen=True)
class ToolResult:
    """What the tool returned (ok) or the error that was handed back to the model (not ok)."""

    call_id: str
    name: str
    ok: bool
    result: Any
    error: str | None = None
    text: str = ""  # what the model read: the result as text, or the error
    # Why it failed: "call" when the model's call was malformed (bad JSON, unknown tool, wrong types;
    # it gets the error back to retry), "input" when the request itself is impossible (unknown GPU, -8 GB).
    error_kind: Literal["call", "input"] | None = None


@dataclass(frozen=True)
class Timings:
    total_s: float
    first_token_s: float | None
    prompt_tokens: int
    completion_tokens: int
    cached_prompt_tokens: int = 0


@dataclass(frozen=True)
class Answer:
    """The turn is over: full answer text, the sources it may cite, and how long it took."""

    text: str
    sources: list[str] = field(default_factory=list)
    timings: Timings | None = None
    fallback: bool = False  # True when the text was rendered from tool results, not written by the model
    repaired: bool = False  # True when sentences repeating the system prompt were dropped (advisor/agent/leaks.py)
    ungrounded: list[str] = field(default_factory=list)  # figures in the text that no tool result contains


@dataclass(frozen=True)
class Failure:
    """Something went wrong that the person should hear about (model missing, index broken)."""

    message: str


Event = Union[UserMessage, Token, ToolCall, ToolResult, Answer, Failure]


class ChatBackend(Protocol):
    """Anything that can answer a question in a thread, event by event."""

    def stream(self, question: str, thread_id: str) -> Iterator[Event]: ...
