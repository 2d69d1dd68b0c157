"""Ranking and filtering of `recommend` on the synthetic catalog."""

from __future__ import annotations

import pytest

from knowledge.schema import Model
from tests.tools.conftest import dense_model
from tools.errors import InvalidRequest, UnknownName
from tools.recommend import recommend
from tools.requests import HardwareSpec, RecommendRequest


def test_picks_fit_the_card_and_carry_reasons(catalog):
    picks = recommend(RecommendRequest(hardware=HardwareSpec(gpu="Test GPU 16GB"), task="coding"), catalog)
    assert picks, "a 16 GB card runs at least the 8B coder"
    assert [p.rank for p in picks] == list(range(1, len(picks) + 1))
    for pick in picks:
        assert pick.fit in ("full_gpu", "gpu_cpu_offload")
        assert pick.memory_gb <= 16 * 1.074 or pick.fit == "gpu_cpu_offload"
        assert pick.reasons and pick.decode_tps
    assert picks[0].model == "moe-30b-a3b" or picks[0].model == "dense-8b"
    assert "api-model" not in {p.model for p in picks}


def test_commercial_filter_drops_non_commercial_licenses(catalog):
    hw = HardwareSpec(gpu="Test GPU 24GB")
    anything = {p.model for p in recommend(RecommendRequest(hardware=hw, task="coding", limit=10), catalog)}
    commercial = {p.model for p in recommend(RecommendRequest(hardware=hw, task="coding", license="commercial", limit=10), catalog)}
    assert "restricted-8b" in anything
    assert "restricted-8b" not in commercial


def test_min_context_and_limit(catalog):
    hw = HardwareSpec(gpu="Test GPU 24GB", ram_gb=64)
    assert recommend(RecommendRequest(hardware=hw, min_context=1_000_000), catalog) == []
    assert len(recommend(RecommendRequest(hardware=hw, limit=2), catalog)) == 2


def test_needs_hardware(catalog):
    with pytest.raises(InvalidRequest):
        recommend(RecommendRequest(), catalog)


def test_an_unknown_gpu_is_an_error_with_the_closest_names_not_an_empty_list(catalog):
    with pytest.raises(UnknownName) as err:
        recommend(RecommendRequest(hardware=HardwareSpec(gpu="Test GPU 9090")), catalog)
    assert err.value.suggestions


def test_a_memory_size_the_device_is_not_sold_with_is_an_error(catalog):
    with pytest.raises(UnknownName) as err:
        recommend(RecommendRequest(hardware=HardwareSpec(gpu="Test Mac Max 48GB")), catalog)
    assert "36 GB" in err.value.message and "128 GB" in err.value.message


def variant(mid: str, **extra) -> dict:
    return {**dense_model(mid, 14.0, 40, 10, 128, tasks=["coding"]), **extra}


def with_models(catalog, *models: dict):
    return catalog.model_copy(update={"models": [*catalog.models, *(Model.model_validate(m) for m in models)]})


def test_only_the_best_variant_of_a_base_model_is_listed_unless_all_are_asked(catalog):
    cat = with_models(catalog, variant("tiny-4"), variant("tiny-4-reasoning"), variant("tiny-4-reasoning-plus"))
    hw = HardwareSpec(gpu="Test GPU 24GB")
    picks = recommend(RecommendRequest(hardware=hw, task="coding", limit=10), cat)
    assert [p.model for p in picks].count("tiny-4") + sum(p.model.startswith("tiny-4-") for p in picks) == 1
    assert len({p.base_model for p in picks}) == len(picks)
    every = recommend(RecommendRequest(hardware=hw, task="coding", limit=10, all_variants=True), cat)
    assert {"tiny-4", "tiny-4-reasoning", "tiny-4-reasoning-plus"} <= {p.model for p in every}


def test_an_article_pick_for_this_tier_and_task_ranks_first_with_its_source(catalog):
    pick = {"memory_gb_min": 12, "memory_gb_max": 16, "kind": "discrete", "tasks": ["coding"],
            "text": "best coder for 16 GB cards", "source": "999_test.txt"}
    cat = with_models(catalog, variant("endorsed-14b", endorsements=[pick]))
    picks = recommend(RecommendRequest(hardware=HardwareSpec(gpu="Test GPU 16GB"), task="coding"), cat)
    assert picks[0].model == "endorsed-14b"
    assert picks[0].why.startswith("best coder for 16 GB cards") and picks[0].why_source == "999_test.txt"
    assert picks[0].endorsed_by == ["999_test.txt"] and "999_test.txt" in picks[0].sources
    # The same pick does not apply to a 24 GB card: its tier is 12-16 GB.
    on_24 = recommend(RecommendRequest(hardware=HardwareSpec(gpu="Test GPU 24GB"), task="coding", limit=10), cat)
    assert all(p.endorsed_by == [] for p in on_24)


def test_a_moe_too_big_for_the_card_is_picked_with_expert_offload_when_ram_allows(catalog):
    without_ram = recommend(RecommendRequest(hardware=HardwareSpec(gpu="Test GPU 16GB"), task="coding", limit=10), catalog)
    with_ram = recommend(RecommendRequest(hardware=HardwareSpec(gpu="Test GPU 16GB", ram_gb=64), task="coding", limit=10), catalog)
    assert "moe-30b-a3b" not in {p.model for p in without_ram}  # 17 GB even at Q3_K_M: no room without RAM
    moe = next(p for p in with_ram if p.model == "moe-30b-a3b")
    assert moe.fit == "moe_offload" and moe.quant == "Q4_K_M" and moe.cpu_moe_layers
    assert f"--n-cpu-moe {moe.cpu_moe_layers}" in moe.llama_server
    assert all(p.why and p.llama_server for p in with_ram)
