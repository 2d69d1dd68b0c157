"""What the app needs from the advisor, and how it gets one.

The app never builds an Advisor itself: it is handed a factory, so tests inject
`open_advisor(chat_model=ScriptedChatModel(...))` and `advisor chat` passes the real one.
The factory runs in a worker thread (loading a model takes seconds), and `advisor.agent`
is imported only there, so the first screen paints before LangGraph or llama.cpp load.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator, Protocol

from advisor.events import Event

Progress = Callable[[str, float], None]


class AdvisorLike(Protocol):
    """The slice of advisor.agent.Advisor the app uses (see notes/CONTRACTS.md)."""

    model_name: str

    def stream(self, question: str, thread_id: str) -> Iterator[Event]: ...

    def threads(self) -> list[Any]: ...

    def history(self, thread_id: str) -> list[Event]: ...

    def delete_thread(self, thread_id: str) -> None: ...

    def close(self) -> None: ...


AdvisorFactory = Callable[[str | None, Progress], AdvisorLike]


def real_advisor(data_dir: Path | None = None) -> AdvisorFactory:
    """The factory `advisor chat` uses: the local model packs, the real index and checkpointer."""

    def open_real(model: str | None, progress: Progress) -> AdvisorLike:
        from advisor.agent import open_advisor  # noqa: PLC0415 - heavy import, off the UI thread

        return open_advisor(model, data_dir=data_dir, progress=progress)

    return open_real
