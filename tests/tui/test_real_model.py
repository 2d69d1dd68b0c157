"""One question through the real default model (llama.cpp), in the real app.

Slow (model load plus CPU generation, about a minute on two cores) but part of CI: it is the
only test where the app, the agent, llama.cpp and the tools all run together.
"""

from __future__ import annotations

import pytest

from tui.app import AdvisorApp
from tui.backend import real_advisor
from tui.profiles import ProfileStore
from tui.widgets.conversation import Turn

from chat_scripts import SIZE


@pytest.mark.slow
async def test_real_model_answers_in_the_app(data_dir, wait_for, send):
    app = AdvisorApp(real_advisor(data_dir), profiles=ProfileStore(data_dir), data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.advisor is not None or app.screen.load_error, timeout=300)
        assert app.screen.load_error is None, app.screen.load_error
        await send(pilot, "How much memory does Qwen3-30B-A3B need at Q4_K_M on an RTX 4090?")
        turn = app.screen.query_one(Turn)
        await wait_for(pilot, lambda: app.screen.current is None and not app.screen.queue, timeout=600)
        assert not turn.failed
        assert turn.answer_text and turn.answer_text.strip()
        assert [t.turns for t in app.advisor.threads()] == [1]
