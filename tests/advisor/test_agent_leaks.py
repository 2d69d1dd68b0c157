"""advisor/agent/leaks.py: which sentences repeat the system prompt."""

from __future__ import annotations

from advisor.agent.leaks import PROMPT_RUN_WORDS, prompt_runs, without_prompt_text
from advisor.agent.prompt import SYSTEM_PROMPT

RUNS = prompt_runs(SYSTEM_PROMPT)


def test_a_sentence_holding_a_run_of_prompt_words_is_dropped_the_rest_kept():
    text = ("Qwen3 8B fits at Q4_K_M. Copy figures exactly as the results give them; no other figures.\n"
            "It runs at about 40 tok/s!")
    kept, cut = without_prompt_text(text, RUNS)
    assert cut and kept == "Qwen3 8B fits at Q4_K_M. It runs at about 40 tok/s!"


def test_short_overlaps_and_the_prompts_intended_replies_are_kept():
    for text in ["The model does not fit on your card.",  # a few prompt words, as honest answers say them
                 "Hi! Ask me which open-weight model suits your GPU or laptop, how fast it runs, or its license."]:
        assert without_prompt_text(text, RUNS) == (text, False)


def test_a_run_is_words_in_order_whatever_the_case_and_punctuation():
    words = "Start with the direct answer: whether it fits and how fast".split()[:PROMPT_RUN_WORDS]
    shouted = " ".join(w.upper() for w in words) + "!!!"
    assert without_prompt_text(f"{shouted} Fine.", RUNS) == ("Fine.", True)


def test_an_answer_made_only_of_prompt_text_leaves_nothing():
    assert without_prompt_text("Plain sentences, at most 5. No JSON, no tool syntax.", RUNS) == ("", True)
