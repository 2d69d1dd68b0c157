"""Build the real app over the real Advisor, with a scripted chat model and a fixed machine.

Detection is replaced by a fixed profile so snapshots do not depend on the test machine;
everything else (graph, tools, SQLite checkpointer, profile file) is the real code.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

import pytest

from advisor.agent import open_advisor
from advisor.llm.scripted import ScriptedChatModel
from tui.app import AdvisorApp
from tui.profiles import ProfileStore
from tui.widgets.conversation import Turn

from chat_scripts import FIXED_MACHINE  # shared test data, next to this file


@pytest.fixture(autouse=True)
def fixed_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("advisor.profile.detect", lambda: FIXED_MACHINE)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


AppMaker = Callable[..., AdvisorApp]


@pytest.fixture
def make_app(data_dir: Path) -> AppMaker:
    """`make_app(replies)`: the app over a real Advisor whose model replays `replies`.

    `gate`, when given, holds the loading worker until the test sets it, to act while loading.
    """

    def make(replies: list[Any], *, gate: threading.Event | None = None,
             fail: Exception | None = None) -> AdvisorApp:
        chat_model = ScriptedChatModel(replies=replies)

        def factory(model: str | None, progress: Callable[[str, float], None]):
            progress("Loading the chat model…", 0.3)
            if gate is not None:
                gate.wait(timeout=30)
            if fail is not None:
                raise fail
            return open_advisor(model, chat_model=chat_model, data_dir=data_dir)

        return AdvisorApp(factory, profiles=ProfileStore(data_dir), data_dir=data_dir)

    return make


async def _wait_for(pilot: Any, condition: Callable[[], Any], timeout: float = 10.0) -> None:
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise AssertionError("condition not met in time")
        await pilot.pause(0.05)
        waited += 0.05


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    """`await wait_for(pilot, condition)`: run the app until a worker's result has landed."""
    return _wait_for


async def ask(pilot: Any, text: str) -> None:
    """Type a question into the input and press Enter, as a person would."""
    field = pilot.app.screen.query_one("#question")
    field.focus()
    field.value = text
    await pilot.press("enter")


@pytest.fixture
def send() -> Callable[..., Any]:
    return ask


async def _answered(pilot: Any, text: str) -> Turn:
    """Wait for the advisor, ask `text` and return its Turn once the answer is in."""
    await _wait_for(pilot, lambda: pilot.app.advisor is not None)
    await ask(pilot, text)
    turn = pilot.app.screen.query_one(Turn)
    await _wait_for(pilot, lambda: turn.answer_text is not None)
    return turn


@pytest.fixture
def answered() -> Callable[..., Any]:
    """`turn = await answered(pilot, question)`: the first exchange of a test, done."""
    return _answered
