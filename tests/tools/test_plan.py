"""`plan`, the inverse of `estimate`, on the synthetic catalog (conftest.py)."""

from __future__ import annotations

import pytest

from tools.errors import UnknownName
from tools.estimate import estimate
from tools.plan import PlanRequest, plan
from tools.requests import EstimateRequest


def test_full_gpu_need_is_what_estimate_says_and_offload_needs_less_gpu(catalog):
    result = plan(PlanRequest(model="moe-30b-a3b", context=16384), catalog)
    need = {m.mode: m for m in result.modes}
    same = estimate(EstimateRequest(model="moe-30b-a3b", context=16384), catalog)
    assert need["full_gpu"].gpu_gb == same.memory_gb.total and need["full_gpu"].ram_gb == 0
    assert need["moe_offload"].gpu_gb < need["full_gpu"].gpu_gb / 4  # only attention, shared weights and KV
    assert need["moe_offload"].gpu_gb + need["moe_offload"].ram_gb == pytest.approx(need["full_gpu"].gpu_gb, abs=0.02)
    assert need["cpu_only"].gpu_gb == 0
    assert result.memory_unit == "GB"


def test_a_dense_model_has_no_expert_offload_mode(catalog):
    modes = {m.mode for m in plan(PlanRequest(model="dense-70b"), catalog).modes}
    assert modes == {"full_gpu", "gpu_cpu_offload", "cpu_only"}


def test_devices_meet_the_target_speed_smallest_memory_first(catalog):
    result = plan(PlanRequest(model="dense-8b", target_tps=60), catalog)
    assert result.devices, "the 24 GB test card runs an 8B model faster than 60 tok/s"
    assert all(d.decode_tps >= 60 for d in result.devices)
    sizes = [d.memory_gib for d in result.devices]
    assert sizes == sorted(sizes)
    assert all(d.llama_server.startswith("llama-server -m dense-8b-Q4_K_M.gguf") for d in result.devices)
    assert plan(PlanRequest(model="dense-8b", target_tps=5000), catalog).devices == []


def test_an_unknown_model_is_an_error(catalog):
    with pytest.raises(UnknownName):
        plan(PlanRequest(model="dens-9"), catalog)
