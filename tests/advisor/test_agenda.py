"""The agenda: what a question names, and which part the calls so far leave open."""

from __future__ import annotations

import pytest

from advisor.agent.agenda import Call, Planner
from knowledge import load_catalog


@pytest.fixture(scope="module")
def planner() -> Planner:
    return Planner.from_catalog(load_catalog())


def next_step(planner: Planner, question: str, *calls: Call, earlier: list[Call] | None = None) -> str | None:
    return planner.next_step(planner.agenda(question, earlier or []), list(calls))


def test_a_second_named_model_gets_the_same_tool(planner: Planner) -> None:
    first = Call("estimate", {"model": "Mistral Nemo", "gpu": "RTX 3080"})
    question = "Is Mistral Nemo or Qwen3 8B faster on a 3080?"
    assert next_step(planner, question, first) == "call estimate for Qwen3-8B"
    assert next_step(planner, question, first, Call("estimate", {"model": "qwen3 8b", "gpu": "3080"})) is None


def test_a_second_device_and_a_second_quant_get_their_own_calls(planner: Planner) -> None:
    assert next_step(planner, "Phi-4 on a 3060 and on a 4080?", Call("estimate", {"model": "Phi-4", "gpu": "3060"})) \
        == 'call estimate again with gpu "NVIDIA GeForce RTX 4080"'
    assert next_step(planner, "Phi-4 at Q4_K_M and Q6_K on a 3090", Call("estimate", {"model": "Phi-4", "gpu": "3090"})) \
        == "call estimate again at Q6_K"


def test_a_context_length_the_user_named_must_reach_the_call(planner: Planner) -> None:
    question = "I need a model that handles 128k tokens on 48 GB of VRAM"
    assert next_step(planner, question, Call("recommend", {"vram_gb": 48})) == "call recommend again with min_context 128000"
    assert next_step(planner, question, Call("recommend", {"vram_gb": 48, "min_context": 131072})) is None


def test_a_search_covers_the_model_it_searched_for(planner: Planner) -> None:
    assert next_step(planner, "What do the articles say about Kimi K2.6?",
                     Call("search_articles", {"query": "Kimi K2.6 release"})) is None


def test_a_license_question_next_to_a_sizing_one(planner: Planner) -> None:
    question = "Can I run Gemma 3 27B on a 4090, and what is its license?"
    sized = Call("estimate", {"model": "Gemma 3 27B", "gpu": "4090"})
    assert next_step(planner, question, sized) == "call license for Gemma 3 27B"
    assert next_step(planner, question, sized, Call("license", {"name": "Gemma 3 27B"})) is None


def test_commercial_use_is_covered_by_a_recommend_filter(planner: Planner) -> None:
    question = "Best coding model for 24 GB that I can use commercially?"
    assert next_step(planner, question, Call("recommend", {"task": "coding", "vram_gb": 24, "license": "commercial"})) is None
    assert next_step(planner, question, Call("recommend", {"task": "coding", "vram_gb": 24})) \
        == "call recommend again with license commercial"


def test_a_follow_up_pointing_back_uses_the_previous_turns_models(planner: Planner) -> None:
    earlier = [Call("estimate", {"model": "Phi-4"}), Call("estimate", {"model": "Mistral Nemo"})]
    hint = next_step(planner, "Which one has the friendlier license?", Call("license", {"name": "Phi-4"}), earlier=earlier)
    assert hint == "call license for Mistral Nemo 12B"


def test_a_question_about_one_thing_needs_one_call(planner: Planner) -> None:
    assert next_step(planner, "Is Phi-4 OK for commercial use?", Call("license", {"name": "Phi-4"})) is None
    assert next_step(planner, "What's the best model for a 12 GB card?", Call("recommend", {"vram_gb": 12})) is None
