"""Article hits are named by title and date, each title once."""

from __future__ import annotations

from present_samples import GUIDE, GUIDE_NAME, hits

from advisor.present import hits as words


def test_the_model_reads_passages_under_their_article_title():
    text = words.model_text(hits())
    assert text.splitlines()[0] == f"From {GUIDE_NAME}:"
    assert text.splitlines()[1].startswith("- Quantization: Quantization to 4 bits")
    assert "From My notes:\n- A user file passage." in text
    assert GUIDE not in text and "no title in source" not in text


def test_long_passages_are_clipped():
    first = words.model_text(hits()).splitlines()[1]
    assert len(first) <= len("- Quantization: ") + words.PASSAGE_CHARS and first.endswith("…")


def test_the_summary_names_the_best_article():
    assert words.summary(hits()) == "2 passages, best from Open-weight LLMs and VLMs you can run… (2026-04)"
    assert words.summary([]) == "no passage matches"


def test_no_hit_says_so():
    assert words.model_text([]) == "No passage in the articles matches."
