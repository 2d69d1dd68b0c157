"""Esc stops the model itself, not only the screen: an answer whose model is busy and sends no
events (as while llama.cpp evaluates a prompt) still ends at once, and what was written stays."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable

from advisor.agent import open_advisor
from advisor.llm.scripted import ScriptedChatModel
from tui.app import AdvisorApp
from tui.profiles import ProfileStore
from tui.widgets.conversation import Turn

from chat_scripts import SIZE

THINK_S = 30.0  # how long the model stays silent unless told to stop: far beyond any test's wait


class Pondering(ScriptedChatModel):
    """Writes its first words, then goes silent for THINK_S unless interrupted, like a model
    evaluating a long prompt. The Advisor hands llama.cpp models its interrupt; here the test does."""

    interrupt: Any = None
    told_to_stop: Any = None

    def _stream(self, *args: Any, **kwargs: Any):
        for n, chunk in enumerate(super()._stream(*args, **kwargs)):
            if n == 3 and self.interrupt.wait(THINK_S):
                self.told_to_stop.set()
                return
            yield chunk


def _app(data_dir: Path, model: Pondering) -> AdvisorApp:
    def factory(name: str | None, progress: Callable[[str, float], None]):
        advisor = open_advisor(name, chat_model=model, data_dir=data_dir)
        model.interrupt = advisor._interrupt  # what load_chat_model does for the llama.cpp model
        return advisor

    return AdvisorApp(factory, profiles=ProfileStore(data_dir), data_dir=data_dir)


async def test_escape_while_the_model_is_silent_stops_the_model_and_keeps_the_words_written(data_dir, wait_for, send):
    told_to_stop = threading.Event()
    model = Pondering(replies=["Three words first, then a long silence and more text."], told_to_stop=told_to_stop)
    app = _app(data_dir, model)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.advisor is not None)
        await send(pilot, "hello, how are you?")
        turn = app.screen.query(Turn).last()
        await wait_for(pilot, lambda: len(turn.streamed) == 3)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen.current is None)  # the worker ended, well before THINK_S

        assert told_to_stop.is_set(), "the model itself was told to stop"
        assert "".join(turn.streamed) == "Three words first, "
        assert "stopped" in str(turn.status.render())
        assert turn.answer_text is None
