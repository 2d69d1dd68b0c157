"""The retrieval cases are only a fair measure if each one can be answered from its sources."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.retrieval_eval import CASES_FILE, load_cases
from knowledge import ARTICLES_DIR

SEEDS_DIR = Path(__file__).resolve().parents[3] / "shared" / "seeds"  # next to the checkout, when present
CASES = load_cases(CASES_FILE)


def test_enough_cases_spread_over_every_article() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
    per_article = Counter(source for c in CASES for source in c.sources)
    digests = {f"{p.stem}.txt" for p in ARTICLES_DIR.glob("*.md")}
    assert set(per_article) == digests
    assert min(per_article.values()) >= 8


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_answer_is_in_the_digest_of_an_expected_article(case) -> None:
    texts = [(ARTICLES_DIR / source.replace(".txt", ".md")).read_text(encoding="utf-8").lower() for source in case.sources]
    assert case.answer, "every case names the answer it expects"
    assert any(a.lower() in text for a in case.answer for text in texts)


@pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="seed articles not next to this checkout")
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_answer_is_in_the_original_article(case) -> None:
    texts = [(SEEDS_DIR / source).read_text(encoding="utf-8").lower() for source in case.sources]
    assert any(a.lower() in text for a in case.answer for text in texts)
