"""The advice eval builds its scenarios from the articles' picks and holds an article out honestly."""

from __future__ import annotations

from evals.advice_eval import in_sample, leave_one_article_out, scenarios, without
from knowledge.schema import Model
from tests.tools.conftest import catalog, dense_model  # noqa: F401  (the synthetic catalog fixture)

PICK = {"memory_gb_min": 20, "memory_gb_max": 24, "kind": "discrete", "tasks": ["coding"], "text": "best coder", "source": "a.txt"}


def catalog_with_pick(base):
    coder = Model.model_validate({**dense_model("picked-14b", 14.0, 40, 8, 128, tasks=["coding"]), "endorsements": [PICK]})
    return base.model_copy(update={"models": [*base.models, coder]})


def test_each_tier_and_task_an_article_names_becomes_one_scenario(catalog):  # noqa: F811  (fixture)
    found = scenarios(catalog_with_pick(catalog))
    assert [(s.name, s.task, s.sources) for s in found] == [("RTX 4090 + 64 GB RAM", "coding", ("a.txt",))]


def test_holding_an_article_out_removes_its_picks_from_the_ranking():
    from knowledge import load_catalog

    real = load_catalog()
    source = "003_dae5bd0b82ab0b9c.txt"
    blind = without(real, source)
    assert not any(e.source == source for m in blind.models for e in m.endorsements)
    assert any(e.source != source for m in blind.models for e in m.endorsements)


def test_in_sample_picks_hit_and_never_repeat_a_base_model():
    from knowledge import load_catalog

    real = load_catalog()
    score = in_sample(real)
    assert score.duplicates == 0
    assert score.hit_at_3 >= 0.9  # in-sample: the ranking weighs these very picks
    held_out = leave_one_article_out(real)
    assert held_out.duplicates == 0 and len(held_out.verdicts) > len(score.verdicts)
