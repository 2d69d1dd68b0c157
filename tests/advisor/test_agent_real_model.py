"""End to end through the real default model (Qwen2.5-Coder-1.5B): the tool it picks and its arguments.

Slow (a model load plus a few seconds of CPU generation per turn) but part of CI: it is the
only test that shows the prompt, the grammar and the model work together.
"""

from __future__ import annotations

import pytest

from advisor.agent import open_advisor
from advisor.agent.transcript import record_turn
from advisor.events import Token

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def advisor(tmp_path_factory):
    adv = open_advisor("qwen1.5b", data_dir=tmp_path_factory.mktemp("agent-data"))
    yield adv
    adv.close()


def test_best_coding_model_for_16gb_calls_recommend_with_task_and_memory(advisor):
    turn = record_turn(advisor.stream("What's the best coding model for a 16 GB card?", "e2e"))
    first = turn.tool_calls[0]
    assert first.name == "recommend"
    assert first.args.get("task") == "coding"
    assert "16" in first.args.get("hardware", ""), "the hardware is the user's words, copied"
    assert first.ok
    assert turn.answer.strip()
    assert turn.timings and turn.timings.prompt_tokens > 0 and turn.timings.completion_tokens > 0


def test_closing_the_stream_stops_generation_and_the_next_question_works(advisor):
    stream = advisor.stream("Is Gemma 3 27B licensed for commercial use?", "stop")
    for event in stream:
        if isinstance(event, Token):
            break
    stream.close()
    turn = record_turn(advisor.stream("Can I run Qwen3 30B-A3B on an RTX 4090?", "next"))
    assert turn.tool_calls and turn.tool_calls[0].name == "estimate"
    assert "4090" in turn.tool_calls[0].args.get("hardware", "")

