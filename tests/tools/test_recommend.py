"""Ranking and filtering of `recommend` on the synthetic catalog."""

from __future__ import annotations

import pytest

from tools.errors import InvalidRequest
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
