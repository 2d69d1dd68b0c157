"""Estimator arithmetic on cases checkable by hand (synthetic catalog in conftest.py)."""

from __future__ import annotations

import pytest

from knowledge.schema import Model
from tests.tools.conftest import SRC, dense_model, fact
from tools.errors import InvalidRequest, UnknownName
from tools.estimate import estimate, kv_cache_bytes, weights_bytes
from tools.requests import CustomModel, EstimateRequest, HardwareSpec
from tools.resolve import resolve_model, resolve_quant
from tools.shapes import shape_of_model

GIB = 2**30


def shape(catalog, model_id):
    return shape_of_model(resolve_model(model_id, catalog))


def test_kv_cache_per_token_matches_hand_arithmetic(catalog):
    # 48 layers x 4 KV heads x 128 dims x (K and V) x 2 bytes = 96 KiB per token at f16.
    moe = shape(catalog, "moe-30b-a3b")
    assert kv_cache_bytes(moe, 1, "f16") == 96 * 1024
    assert kv_cache_bytes(moe, 8192, "f16") == 96 * 1024 * 8192
    # q8_0 stores 32 values in 34 bytes.
    assert kv_cache_bytes(moe, 1, "q8_0") == pytest.approx(2 * 48 * 4 * 128 * 34 / 32)


def test_sliding_window_layers_stop_growing_at_their_window(catalog):
    swa = shape(catalog, "swa-27b")
    per_layer_token = 2 * 16 * 128 * 2
    expected = per_layer_token * (52 * 1024 + 10 * 32768)
    assert kv_cache_bytes(swa, 32768, "f16") == expected
    # Below the window every layer grows; above it only the 10 global layers do.
    assert kv_cache_bytes(swa, 2048, "f16") - kv_cache_bytes(swa, 1024, "f16") == per_layer_token * 10 * 1024


def test_mla_caches_one_latent_per_layer_and_token(catalog):
    assert kv_cache_bytes(shape(catalog, "mla-671b"), 1000, "f16") == 61 * 576 * 2 * 1000


def test_weights_use_effective_bits_per_weight(catalog):
    q4 = resolve_quant("Q4_K_M", catalog)
    assert q4.bits_per_weight == pytest.approx(4.9, abs=0.15)  # real Q4_K_M files, not a flat 4.0
    assert weights_bytes(shape(catalog, "dense-8b"), q4) == pytest.approx(8e9 * q4.bits_per_weight / 8)


def test_small_model_fits_fully_and_reports_speed(catalog):
    result = estimate(EstimateRequest(model="dense-8b", hardware=HardwareSpec(gpu="Test GPU 24GB")), catalog)
    assert result.fit == "full_gpu"
    assert result.offload_layers == 0
    assert result.memory_gb.total == pytest.approx(result.memory_gb.weights + result.memory_gb.kv_cache + result.memory_gb.overhead, abs=0.02)
    assert result.decode_tps.low <= result.decode_tps.expected <= result.decode_tps.high
    assert result.best_quant == "F16"
    assert any("effective bits per weight" in a for a in result.assumptions)


def test_seventy_b_offloads_the_layers_that_do_not_fit(catalog):
    hw = HardwareSpec(gpu="tg24", ram_gb=64)
    result = estimate(EstimateRequest(model="dense-70b", hardware=hw), catalog)
    # weights 42.875 GB over 80 layers; KV 2.68 GB + overhead 2.22 GB stay; 24 GiB x 0.95 usable -> 36 layers.
    assert result.fit == "gpu_cpu_offload"
    assert result.gpu_layers == 36
    assert result.offload_layers == 44
    full = estimate(EstimateRequest(model="dense-70b", hardware=HardwareSpec(gpu="tg24", gpus=2)), catalog)
    assert full.fit == "multi_gpu"
    assert full.decode_tps.expected > result.decode_tps.expected


def test_without_ram_an_oversized_model_does_not_fit(catalog):
    result = estimate(EstimateRequest(model="dense-70b", hardware=HardwareSpec(gpu="tg24")), catalog)
    assert result.fit == "does_not_fit"
    assert result.decode_tps is None
    assert result.best_quant == "IQ2_XXS"  # the only ladder step small enough for 24 GB


def test_moe_decodes_faster_than_dense_of_similar_size(catalog):
    hw = HardwareSpec(gpu="Test GPU 24GB", ram_gb=64)
    moe = estimate(EstimateRequest(model="moe-30b-a3b", quant="Q3_K_M", hardware=hw), catalog)
    dense = estimate(EstimateRequest(model="swa-27b", quant="Q3_K_M", hardware=hw), catalog)
    # ~9x fewer bytes per token; the per-layer cost (48 layers) keeps the gain nearer 3x
    assert moe.decode_tps.expected > 2.5 * dense.decode_tps.expected


def test_max_context_is_the_largest_that_fits(catalog):
    result = estimate(EstimateRequest(model="dense-8b", hardware=HardwareSpec(gpu="Test GPU 16GB")), catalog)
    usable = 16 * GIB * 0.95
    fixed = 8e9 * 4.9 / 8 * 1.04 + 0.5e9
    by_hand = (usable - fixed) / (2 * 32 * 8 * 128 * 2)
    assert result.max_context == pytest.approx(by_hand, rel=0.02)


def test_unified_memory_tier_is_picked_from_the_name(catalog):
    result = estimate(EstimateRequest(model="dense-70b", hardware=HardwareSpec(gpu="test mac max 128GB")), catalog)
    assert result.hardware.memory_gb == 128
    assert result.fit == "unified_memory"
    with pytest.raises(UnknownName) as err:
        estimate(EstimateRequest(model="dense-70b", hardware=HardwareSpec(gpu="test mac max 96GB")), catalog)
    assert "128 GB" in err.value.message


def test_custom_model_and_file_size(catalog):
    req = EstimateRequest(custom=CustomModel(params_b=7.0, file_size_gb=4.0), hardware=HardwareSpec(vram_gb=8, bandwidth_gbps=448))
    result = estimate(req, catalog)
    assert result.memory_gb.weights == pytest.approx(4.0)
    assert any("custom model" in a for a in result.assumptions)


def test_bad_input_gets_specific_errors(catalog):
    with pytest.raises(UnknownName) as err:
        estimate(EstimateRequest(model="dense-8b", quant="Q4_K_Q"), catalog)
    assert "Q4_K_M" in err.value.suggestions or "Q4_K_S" in err.value.suggestions
    with pytest.raises(UnknownName) as err:
        estimate(EstimateRequest(model="dens-8", hardware=HardwareSpec(gpu="tg24")), catalog)
    assert "dense-8b" in err.value.suggestions
    with pytest.raises(InvalidRequest):
        estimate(EstimateRequest(model="dense-8b", context=200_000), catalog)
    with pytest.raises(InvalidRequest):
        estimate(EstimateRequest(model="api-model"), catalog)
    with pytest.raises(ValueError):
        HardwareSpec(vram_gb=-4)
    with pytest.raises(ValueError):
        HardwareSpec(vram_gb=10_000_000)
    with pytest.raises(ValueError):
        EstimateRequest(model="dense-8b", context=0)


def with_model(catalog, model: dict):
    return catalog.model_copy(update={"models": [*catalog.models, Model.model_validate(model)]})


def fixed_precision_moe() -> dict:
    """Shaped like gpt-oss-20b: 91.4% of the weights ship as 4.25-bit MXFP4 whatever the label."""
    return {
        **dense_model("fp-moe-21b", 21.0, 24, 8, 64), "architecture": "moe", "params_active_b": fact(3.6),
        "fixed_precision": {"share_of_params": 0.914, "bits_per_weight": 4.25, "other_min_bits": 6.0, **SRC},
    }


def test_a_fixed_precision_share_is_kept_at_quants_below_its_own_bits(catalog):
    cat = with_model(catalog, fixed_precision_moe())
    moe = shape(cat, "fp-moe-21b")
    q2 = weights_bytes(moe, resolve_quant("Q2_K", cat))
    # 0.914 x 4.25 + 0.086 x max(3.15, 6.0) bits: ~11.55 GB, what real gpt-oss-20b Q2_K files weigh (11.5 GB).
    assert q2 == pytest.approx(21e9 * (0.914 * 4.25 + 0.086 * 6.0) / 8)
    assert q2 == pytest.approx(11.5e9, rel=0.03)
    assert weights_bytes(moe, resolve_quant("Q4_K_M", cat)) == pytest.approx(q2)  # the label barely moves the file
    assert weights_bytes(moe, resolve_quant("F16", cat)) > 13e9


def test_need_and_capacity_are_stated_in_one_unit(catalog):
    result = estimate(EstimateRequest(model="dense-8b", hardware=HardwareSpec(gpu="Test GPU 16GB")), catalog)
    assert result.memory_unit == "GB"
    usable = round(16 * GIB * 0.95 / 1e9, 2)  # 16.32 GB: the 16 GiB card converted, not "16 GB"
    assert result.hardware.usable_gb == usable
    assert result.hardware.capacity_gb == round(16 * GIB / 1e9, 2)
    assert f"{usable:g} GB usable" in result.fit_detail
    assert "16 GiB" in result.fit_detail and "16 GB" not in result.fit_detail


def test_expected_speed_falls_as_the_requested_context_grows(catalog):
    hw = HardwareSpec(gpu="Test GPU 24GB")
    short = estimate(EstimateRequest(model="dense-8b", context=1024, hardware=hw), catalog)
    long = estimate(EstimateRequest(model="dense-8b", context=65536, hardware=hw), catalog)
    # 64k tokens of f16 KV cache (8.6 GB) are read for every token, more than the 4.9 GB of weights.
    assert long.decode_tps.expected < 0.6 * short.decode_tps.expected
    assert long.decode_tps.high == short.decode_tps.high  # an empty context is the same in both


def test_prefill_is_not_shown_as_an_unvalidated_figure(catalog):
    result = estimate(EstimateRequest(model="dense-8b", hardware=HardwareSpec(gpu="Test GPU 24GB")), catalog)
    assert result.prefill_tps is None and result.prefill_validated is False
    assert any("prefill" in a and "not estimated" in a for a in result.assumptions)


def test_a_moe_model_too_big_for_the_card_keeps_its_experts_in_ram(catalog):
    hw = HardwareSpec(gpu="Test GPU 16GB", ram_gb=64)
    result = estimate(EstimateRequest(model="moe-30b-a3b", quant="Q8_0", hardware=hw), catalog)
    assert result.fit == "moe_offload"
    assert result.gpu_layers == 48 and result.offload_layers == 0
    assert 0 < result.cpu_moe_layers < 48  # some expert layers still fit on the 16 GiB card
    assert f"--n-cpu-moe {result.cpu_moe_layers}" in result.llama_server and "-ngl 99" in result.llama_server
    # Only the active experts of the offloaded layers cross RAM bandwidth: far faster than a layer split.
    layer_split = decode_seconds_per_token_for(catalog, "moe-30b-a3b", "Q8_0", hw, result)
    assert result.decode_tps.expected > 1.5 * layer_split


def decode_seconds_per_token_for(catalog, model_id, quant, hw, result) -> float:
    """tok/s of the same model with a plain layer split (-ngl), for comparison."""
    from tools.estimate import backend_profile, decode_seconds_per_token
    from tools.shapes import device_from_spec

    device = device_from_spec(hw, catalog)
    moe = shape(catalog, model_id)
    gpu_layers = 20  # about what a 16 GiB card holds of a 32 GB model
    cpu = backend_profile(catalog, "cpu")
    seconds = decode_seconds_per_token(moe, resolve_quant(quant, catalog), device, backend_profile(catalog, "cuda", device), cpu,
                                       gpu_layers, result.context, "f16")
    return 1 / seconds


def test_dense_models_and_unified_memory_never_use_expert_offload(catalog):
    dense = estimate(EstimateRequest(model="dense-70b", hardware=HardwareSpec(gpu="tg24", ram_gb=64)), catalog)
    assert dense.fit == "gpu_cpu_offload" and dense.cpu_moe_layers is None
    assert "-ngl 36" in dense.llama_server and "--n-cpu-moe" not in dense.llama_server


def test_every_estimate_carries_a_llama_server_line(catalog):
    result = estimate(EstimateRequest(model="dense-8b", context=16384, kv_cache="q8_0", hardware=HardwareSpec(gpu="tg24")), catalog)
    assert result.llama_server == "llama-server -m dense-8b-Q4_K_M.gguf -c 16384 -ngl 99 -fa on -ctk q8_0 -ctv q8_0"
    assert result.ollama_run is None  # no tag known for the synthetic model


def test_below_the_decode_bits_floor_a_weight_costs_the_floor_not_its_bytes(catalog):
    from tools.estimate import backend_profile, decode_seconds_per_token, weight_bytes_read
    from tools.shapes import device_from_spec

    device = device_from_spec(HardwareSpec(gpu="Test GPU 24GB"), catalog)
    cuda = backend_profile(catalog, "cuda", device)
    floor = cuda.min_decode_bits
    assert 3 < floor < 6  # fitted: between the 2-3 bit k-quants and Q6_K
    assert weight_bytes_read(8.0, 2.6, cuda) == weight_bytes_read(8.0, floor, cuda) == pytest.approx(8e9 * floor / 8)
    assert weight_bytes_read(8.0, 8.5, cuda) == pytest.approx(8e9 * 8.5 / 8)  # above the floor: bytes as they are
    dense = shape(catalog, "dense-8b")
    cpu = backend_profile(catalog, "cpu")

    def tps(quant: str) -> float:
        return 1 / decode_seconds_per_token(dense, resolve_quant(quant, catalog), device, cuda, cpu, dense.layers, 512, "f16")

    assert tps("Q2_K") == pytest.approx(tps("IQ3_XXS"))  # both under the floor: no faster for fewer bits
    assert tps("Q8_0") < tps("Q6_K") < tps("Q2_K")
    # The CPU backend has no floor: its cores are bounded by tools/cpu_speed instead.
    assert cpu.min_decode_bits == 0 and weight_bytes_read(8.0, 2.6, cpu) == pytest.approx(8e9 * 2.6 / 8)


def test_an_untied_input_embedding_is_not_read_per_token_but_a_tied_one_is(catalog):
    from tools.estimate import backend_profile, decode_seconds_per_token
    from tools.shapes import device_from_spec

    table = {"vocab_size": 128000, "hidden_size": 4096, "origin": "public_config", "source": "test"}
    untied = shape_of_model(Model(**dense_model("emb-untied", 8.0, 32, 8, 128, embedding={**table, "tied": False})))
    tied = shape_of_model(Model(**dense_model("emb-tied", 8.0, 32, 8, 128, embedding={**table, "tied": True})))
    unknown = shape_of_model(Model(**dense_model("emb-unknown", 8.0, 32, 8, 128)))
    assert untied.input_embedding_b == pytest.approx(128000 * 4096 / 1e9)
    assert untied.params_read_b == pytest.approx(8.0 - 0.524288)
    assert tied.params_read_b == unknown.params_read_b == 8.0  # the tied table is the output head, read whole
    device = device_from_spec(HardwareSpec(gpu="Test GPU 24GB"), catalog)
    cuda, cpu, q8 = backend_profile(catalog, "cuda", device), backend_profile(catalog, "cpu"), resolve_quant("Q8_0", catalog)

    def seconds(s) -> float:
        return decode_seconds_per_token(s, q8, device, cuda, cpu, s.layers, 0, "f16")

    assert seconds(untied) < seconds(tied) == pytest.approx(seconds(unknown))
    # Memory is unchanged: the table is stored whole either way.
    assert weights_bytes(untied, q8) == weights_bytes(tied, q8)
