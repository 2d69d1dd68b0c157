"""The seed articles' own worked examples, recomputed by the estimator.

001's table sizes a 31B model at each quant with nominal bytes per parameter (Q4_K_M as 0.5);
real GGUF files are larger because each label mixes in higher-precision tensors, so the
estimate must sit at or above the nominal weight size and near the article's 'typical VRAM'.
"""

from __future__ import annotations

import pytest

from knowledge import load_catalog
from tools.estimate import estimate, kv_cache_bytes
from tools.requests import CustomModel, EstimateRequest
from tools.resolve import resolve_model
from tools.shapes import shape_of_model

# quant: (nominal weight GB, typical VRAM GB) for a 31B model, from 001_ea5be24a28733e52.txt
ARTICLE_31B = {
    "BF16": (62, 75), "Q8_0": (31, 38), "Q6_K": (23, 28), "Q5_K_M": (19, 24),
    "Q4_K_M": (15.5, 19), "Q3_K_M": (11.6, 15), "Q2_K": (7.75, 10),
}


@pytest.mark.parametrize("quant", sorted(ARTICLE_31B))
def test_31b_at_each_quant(quant):
    nominal, typical = ARTICLE_31B[quant]
    result = estimate(EstimateRequest(custom=CustomModel(params_b=31), quant=quant, context=4096), load_catalog())
    # Low-bit labels overshoot their nominal size most (Q2_K files average ~3.15 bits, not 2).
    assert nominal <= result.memory_gb.weights <= nominal * 1.6
    assert result.memory_gb.total == pytest.approx(typical, rel=0.45)
    if quant in ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M"):
        assert result.memory_gb.total == pytest.approx(typical, rel=0.15)


def test_qwen3_30b_a3b_kv_cache_is_96_kib_per_token():
    shape = shape_of_model(resolve_model("Qwen3-30B-A3B", load_catalog()))
    assert kv_cache_bytes(shape, 1, "f16") == 96 * 1024


def test_fp16_rule_of_thumb_from_004():
    # 004: a model of N billion parameters needs about 2N GB at FP16 before KV cache.
    result = estimate(EstimateRequest(custom=CustomModel(params_b=70), quant="F16", context=1), load_catalog())
    assert result.memory_gb.weights == pytest.approx(140, rel=0.01)
