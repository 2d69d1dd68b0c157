"""A license answer reads as the license and its main condition, or the disagreement."""

from __future__ import annotations

from present_samples import GUIDE, GUIDE_NAME, license_answer

from advisor import present
from advisor.present import licenses as words


def test_one_license_is_named_with_its_main_condition():
    assert words.verdict(license_answer()) == \
        "Gemma 4 31B: Apache License 2.0; commercial use yes; main condition: keep the NOTICE file."


def test_a_disagreement_names_each_claim_by_article_title_and_the_strictest_reading():
    verdict = words.verdict(license_answer(conflict=True))
    assert verdict.startswith(f"Sources disagree on the license of Gemma 4 31B: Apache License 2.0 per {GUIDE_NAME}")
    assert "Gemma Terms of Use per Best Open-Weight AI Models 2026 (2026-06)" in verdict
    assert verdict.endswith("Strictest reading: commercial use conditional; check the official model card.")


def test_the_model_never_reads_a_file_name():
    text = words.model_text(license_answer())
    assert GUIDE not in text and GUIDE_NAME in text


def test_the_summary_flags_disagreement():
    assert words.summary(license_answer()) == "Gemma 4 31B: commercial use yes"
    assert words.summary(license_answer(conflict=True)) == "Gemma 4 31B: commercial use conditional (sources disagree)"


def test_the_fallback_answer_has_a_license_table():
    answer = present.answer_markdown(present.to_payload(license_answer(conflict=True)), "license")
    assert "| license | commercial | fine-tuning | claimed by |" in answer
    assert "| Gemma Terms of Use | conditional | conditional | Best Open-Weight AI Models 2026 (2026-06) |" in answer


def test_the_oracle_sentences_state_the_disagreement_without_naming_articles():
    sentences = words.sentences(license_answer(conflict=True))
    assert sentences[0] == ("Sources disagree on the license of Gemma 4 31B: Apache License 2.0 (commercial use yes); "
                            "Gemma Terms of Use (commercial use conditional). Strictest reading: commercial use conditional.")
    assert sentences[1:] == ["Restrictions of Apache License 2.0: keep the NOTICE file",
                             "Restrictions of Gemma Terms of Use: follow the prohibited use policy"]
