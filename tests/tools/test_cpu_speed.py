"""CPU and iGPU speed: bandwidth-bound until the cores cannot keep up; prefill bound by arithmetic."""

import pytest

from knowledge import load_catalog
from tools.estimate import estimate
from tools.requests import EstimateRequest, HardwareSpec


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _run(catalog, gpu: str, model: str = "llama-3.1-8b", ram_gb: float | None = None):
    return estimate(EstimateRequest(model=model, context=512, hardware=HardwareSpec(gpu=gpu, ram_gb=ram_gb)), catalog)


def test_cpu_records_state_memory_type_channels_and_cores(catalog):
    by_id = {h.id: h for h in catalog.hardware}
    for hw_id, memory, channels in (("cpu-ddr4-2666", "DDR4-2666", 2), ("cpu-ddr5-4800", "DDR5-4800", 2),
                                    ("cpu-ddr5-6400", "DDR5-6400", 2), ("cpu-lpddr5x-8000-256", "LPDDR5X-8000", 4),
                                    ("cpu-server-8ch-ddr5-4800", "DDR5-4800", 8), ("cpu-epyc-genoa", "DDR5-4800", 12)):
        hw = by_id[hw_id]
        assert (hw.memory.type, hw.memory.channels) == (memory, channels) and hw.cpu.cores > 0
        assert hw.sources and hw.memory.source


def test_integrated_gpus_share_system_ram_and_say_how_much(catalog):
    by_id = {h.id: h for h in catalog.hardware}
    for hw_id in ("radeon-680m", "radeon-780m", "radeon-890m", "ryzen-ai-max-395", "intel-arc-meteor-lake", "intel-arc-140v"):
        hw = by_id[hw_id]
        assert hw.kind == "unified" and 0 < hw.igpu.memory_share <= 1 and hw.igpu.share_note


def test_workstation_cards_people_buy_are_in_the_catalog(catalog):
    ids = {h.id for h in catalog.hardware if h.segment == "workstation"}
    assert {"rtx-5000-ada", "rtx-4500-ada", "rtx-a5000", "radeon-pro-w7900"} <= ids


def test_a_record_whose_bandwidth_disagrees_with_its_memory_is_refused(catalog):
    from pydantic import ValidationError

    from knowledge.schema import Hardware
    good = next(h for h in catalog.hardware if h.id == "cpu-ddr5-5600").model_dump()
    with pytest.raises(ValidationError, match="disagrees"):
        Hardware.model_validate({**good, "bandwidth_gbps": 120})


def test_four_small_cores_make_decode_slower_than_their_memory_allows(catalog):
    n100 = _run(catalog, "Intel N100")
    by_bandwidth = 38.4 * 0.7 / 4.9  # one DDR5-4800 channel at the CPU backend's efficiency, ~4.9 GB of weights
    assert n100.decode_tps.expected < 0.8 * by_bandwidth
    assert any("4 cores" in a for a in n100.assumptions)


def test_many_cores_leave_decode_bound_by_memory(catalog):
    threadripper = _run(catalog, "Threadripper 3970X")
    i5 = _run(catalog, "Core i5-9500")
    # 102.4 vs 42.7 GB/s: the ratio of their decode speeds follows bandwidth (less the fixed per-layer
    # cost), not their 5x core ratio
    ratio = threadripper.decode_tps.expected / i5.decode_tps.expected
    assert 2.0 < ratio < 102.4 / 42.7


def test_cpu_prefill_is_shown_and_follows_the_cores_arithmetic(catalog):
    i5 = _run(catalog, "Core i5-9500")
    threadripper = _run(catalog, "Threadripper 3970X")
    assert i5.prefill_validated and i5.prefill_tps is not None
    assert threadripper.prefill_tps / i5.prefill_tps == pytest.approx(3789 / 749, rel=0.05)


def test_a_gpu_without_compute_figures_still_hides_prefill(catalog):
    result = _run(catalog, "RTX 4090")
    assert result.prefill_tps is None and not result.prefill_validated


def test_an_igpu_fits_only_in_its_share_of_ram(catalog):
    small = estimate(EstimateRequest(model="qwen3-32b", context=512, hardware=HardwareSpec(gpu="Radeon 780M 32GB")), catalog)
    assert small.fit == "does_not_fit"  # ~20 GB of weights, 16 GiB usable (half of 32)
    strix = estimate(EstimateRequest(model="qwen3-32b", context=512, hardware=HardwareSpec(gpu="Strix Halo")), catalog)
    assert strix.fit == "unified_memory" and "90% GPU share" in strix.fit_detail
