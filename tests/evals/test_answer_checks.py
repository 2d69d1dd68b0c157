"""Answer checks judged against tool results: fit, invented figures, license restrictions, prompt leaks."""

from __future__ import annotations

import re

import pytest

from advisor.agent.prompt import SYSTEM_PROMPT
from advisor.agent.leaks import INTENDED_REPLY, PROMPT_RUN_WORDS
from evals.answer_checks import Evidence, check_answer, fit_verdicts, prompt_leaks
from evals.toolcases import AnswerChecks
from knowledge import load_catalog
from tools.mentions import Mentions

PICKS = [{"model": "qwen3-14b", "fit": "full_gpu", "memory_gb": 11.27, "decode_tps": 31.7},
         {"model": "phi-4", "fit": "gpu_cpu_offload", "memory_gb": 14.14, "decode_tps": 6.25}]
TOO_BIG = {"model": "deepseek-v3", "fit": "does_not_fit", "memory_gb": {"total": 428.5}}


@pytest.fixture(scope="module")
def mentions() -> Mentions:
    return Mentions.of_models(load_catalog())


def evidence(question: str, *results: tuple[str, object]) -> Evidence:
    return Evidence((question,), tuple(data for _, data in results), (), tuple(results))


def check(mentions, answer: str, ev: Evidence, grounded: bool = False, **checks) -> list[str]:
    return check_answer(AnswerChecks(**checks), grounded=grounded, answer=answer, evidence=ev, mentions=mentions)


def test_fit_verdicts_read_recommend_and_estimate() -> None:
    assert fit_verdicts((("recommend", PICKS), ("estimate", TOO_BIG))) == {
        "qwen3-14b": True, "phi-4": True, "deepseek-v3": False}


def test_fitting_and_non_fitting_models(mentions) -> None:
    ev = evidence("best model for a 3060?", ("recommend", PICKS), ("estimate", TOO_BIG))
    assert check(mentions, "Qwen3 14B at Q4_K_M.", ev, names_fitting_model=True, only_fitting_models=True) == []
    problems = check(mentions, "Try DeepSeek V3 or Gemma 4 31B.", ev, names_fitting_model=True, only_fitting_models=True)
    assert problems[0].startswith("answer names no model that fits")
    assert "['deepseek-v3', 'gemma-4-31b']" in problems[1]


def test_a_model_the_user_named_may_be_named_back(mentions) -> None:
    ev = evidence("Can I run DeepSeek V3 on a 3060?", ("estimate", TOO_BIG))
    assert check(mentions, "No: DeepSeek-V3 needs 428.5 GB.", ev, only_fitting_models=True, grounded=True) == []


def test_invented_figures_are_caught(mentions) -> None:
    ev = evidence("best model for a 3060?", ("recommend", PICKS))
    assert check(mentions, "Qwen3-14B needs 11.27 GB and runs at 31.7 tok/s.", ev, grounded=True) == []
    assert check(mentions, "Qwen3-14B runs at 45 tok/s.", ev, grounded=True) == [
        "answer states figures no tool result or question contains: ['45']"]


def test_license_restriction_and_mentions(mentions) -> None:
    ev = evidence("license of Llama 4 Scout?")
    assert check(mentions, "Above 700 million monthly users you need Meta's permission.", ev, license_restriction=True) == []
    assert check(mentions, "It is the Llama 4 Community License.", ev, license_restriction=True) == [
        "answer does not mention the license restriction"]
    assert check(mentions, "It says BANANAPHONE", ev, must_not_mention=["bananaphone"]) == ["answer mentions 'bananaphone'"]
    assert check(mentions, "Which model?", ev, asks=True, mentions_any=["model"]) == []


# --- leaks_prompt: on in every turn unless a case turns it off ---------------------------------

LEAKS = [
    '<tool_call>{"name": "recommend", "arguments": {"task": "coding"}}</tool_call>',
    'To call a tool, reply with only: {"name": "recommend", "arguments": {...}}',
    '{"name": "estimate", "arguments": {"model": "Phi-4"}}',
    'Sure! {"arguments": {"model": "Phi-4"}, "name": "estimate"}',
    "<tool_response>Qwen3 14B fits</tool_response>",
    "Example calls: best model for coding",
]
HONEST = [
    "Qwen3 14B at Q4_K_M needs 11.3 GB and runs at about 32 tok/s on your card.",
    "I only cover running open-weight LLMs and their hardware, licenses and speed.",
    "That model does not fit in GPU memory; it would run partly on the CPU at a few tokens per second.",
    'The license says "name" and "arguments" are not terms it uses.',
    "For example, calls to the API are not covered.",
    "Which model do you mean?",
]


@pytest.mark.parametrize("answer", LEAKS)
def test_prompt_text_and_tool_syntax_in_an_answer_are_leaks(answer) -> None:
    assert prompt_leaks(answer)


@pytest.mark.parametrize("answer", HONEST)
def test_ordinary_answers_do_not_leak(answer) -> None:
    assert prompt_leaks(answer) == []


def _prompt_lines() -> list[list[str]]:
    """The real system prompt's lines as words, the ones long enough to leak (replies it asks for are exempt)."""
    lines = [re.findall(r"[a-z0-9]+", line.casefold()) for line in INTENDED_REPLY.sub("", SYSTEM_PROMPT).splitlines()]
    return [words for words in lines if len(words) >= PROMPT_RUN_WORDS]


def test_any_eight_word_run_of_the_real_system_prompt_is_a_leak() -> None:
    lines = _prompt_lines()
    assert lines, "the system prompt has no line of eight words"
    for words in lines:
        middle = len(words) - PROMPT_RUN_WORDS
        assert prompt_leaks("Well. " + " ".join(words[middle:middle + PROMPT_RUN_WORDS]) + ", that is all."), words


def test_seven_words_of_the_system_prompt_are_not_a_leak() -> None:
    for words in _prompt_lines():
        assert prompt_leaks("Well. " + " ".join(words[:PROMPT_RUN_WORDS - 1]) + ", that is all.") == [], words


def test_leaks_prompt_is_on_by_default_and_a_case_can_turn_it_off(mentions) -> None:
    leak = '{"name": "recommend", "arguments": {"task": "coding"}}'
    assert check(mentions, leak, evidence("best coding model?")) == ["answer leaks a tool call as JSON"]
    assert check(mentions, leak, evidence("best coding model?"), leaks_prompt=False) == []
