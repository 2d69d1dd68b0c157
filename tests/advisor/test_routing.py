"""The router: which questions must start with a tool call and which are answered without tools.

The phrasings here are not the eval cases' (evals/cases/ measures the router too); they check
the rules generalise: catalog names, domain words, devices only with a word about running
something on them, and pointers ("it") that need an earlier turn.
"""

from __future__ import annotations

import pytest

from advisor.agent.routing import Router
from knowledge import load_catalog


@pytest.fixture(scope="module")
def router() -> Router:
    return Router.from_catalog(load_catalog())


@pytest.mark.parametrize("question", [
    "Which LLM is best on a 4060?",
    "will deepseek fit my 3080",
    "is mistral small apache licensed",
    "How many tokens per second does Phi-4 get on an M2?",
    "what do the articles say about Ollama",
    "Which quant fits 12 GB?",
    "cheapest way to run a 70B",
    "I have a 3090, what should I run?",
    "can Scout run on two H100s?",
])
def test_questions_about_models_hardware_or_licenses_must_call(router: Router, question: str) -> None:
    assert router.route(question, has_history=False) == "call"


@pytest.mark.parametrize("question", [
    "good morning",
    "What can you help me with?",
    "recommend a pasta recipe",
    "Tell me about yourself",
    "what is the best gpu for gaming",
    "Is the 5090 worth it for video editing?",
    "Can it run on a Raspberry Pi?",  # "it" with nothing said before
    "Is it licensed for commercial use?",
])
def test_off_topic_and_unanchored_questions_are_answered_without_tools(router: Router, question: str) -> None:
    assert router.route(question, has_history=False) == "reply"


@pytest.mark.parametrize(("question", "route"), [
    ("what about on a 4080?", "call"),
    ("and the license?", "call"),
    ("How does it compare to Gemma?", "call"),
    ("which of these is cheaper?", "call"),
    ("ok thanks", "reply"),
    ("great, bye!", "reply"),
])
def test_follow_ups_call_when_they_point_back_at_the_answer(router: Router, question: str, route: str) -> None:
    assert router.route(question, has_history=True) == route
