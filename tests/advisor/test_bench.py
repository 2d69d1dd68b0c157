"""`advisor bench`: a stored measurement scales estimates for the machine it was taken on, and only those."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from advisor.bench import BenchResult, calibrate, calibrate_picks, load_bench, on_this_machine, save_bench, shape_from_metadata
from advisor.cli import app
from knowledge import load_catalog
from tools.estimate import estimate
from tools.recommend import recommend
from tools.requests import EstimateRequest, HardwareSpec, RecommendRequest
from tools.resolve import resolve_model

MACHINE = HardwareSpec(cpu_only=True, ram_gb=23.5)


def _bench(**changes) -> BenchResult:
    values = dict(model="Qwen2.5-Coder-0.5B-Instruct", path="/models/q.gguf", file_bytes=491_400_064, params_b=0.63,
                  layers=24, threads=2, prompt_tokens=256, prompt_tps=64.0, gen_tokens=32, gen_tps=20.0, load_s=1.0,
                  spec=MACHINE, predicted_gen_tps=50.0, measured_at="2026-12-03T08:29:00+00:00", machine="AMD EPYC, 2 cores")
    return BenchResult(**{**values, **changes})


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def _estimate(catalog, hardware=MACHINE):
    return estimate(EstimateRequest(model="qwen2.5-coder-1.5b", context=512, hardware=hardware), catalog)


def test_a_stored_run_scales_decode_by_measured_over_predicted_and_says_so(catalog):
    plain = _estimate(catalog)
    scaled = calibrate(plain, MACHINE, _bench())
    assert scaled.decode_tps.expected == pytest.approx(plain.decode_tps.expected * 0.4, abs=0.1)
    assert scaled.decode_tps.low < scaled.decode_tps.expected < scaled.decode_tps.high
    assert scaled.assumptions[0].startswith("calibrated on this machine (measured 20.0 tok/s generation")


def test_prefill_follows_the_measured_prompt_rate_by_active_parameters(catalog):
    scaled = calibrate(_estimate(catalog), MACHINE, _bench())
    active = resolve_model("qwen2.5-coder-1.5b", catalog).active_params_b
    assert scaled.prefill_tps == pytest.approx(64.0 * 0.63 / active, abs=1)
    assert scaled.prefill_validated


def test_other_hardware_is_not_calibrated_by_this_machines_run(catalog):
    gpu = HardwareSpec(gpu="RTX 4090", ram_gb=64)
    plain = _estimate(catalog, gpu)
    assert calibrate(plain, gpu, _bench()) == plain


def test_without_a_stored_run_the_estimate_is_unchanged(catalog, tmp_path):
    plain = _estimate(catalog)
    assert load_bench(tmp_path) is None
    assert on_this_machine(plain, MACHINE, [], tmp_path) == plain


def test_a_saved_run_reads_back_and_a_corrupt_file_is_ignored(tmp_path):
    path = save_bench(_bench(), tmp_path)
    assert load_bench(tmp_path) == _bench()
    path.write_text("{not json")
    assert load_bench(tmp_path) is None


def test_the_gguf_metadata_gives_the_estimator_its_shape():
    meta = {"general.architecture": "qwen2", "qwen2.block_count": "28", "qwen2.attention.head_count_kv": "2",
            "qwen2.attention.head_count": "12", "qwen2.embedding_length": "1536"}
    custom = shape_from_metadata(meta, 1_777_088_000, 1_117_320_768)
    assert (custom.layers, custom.kv_heads, custom.head_dim, custom.params_b) == (28, 2, 128, 1.777)
    assert custom.file_size_gb == pytest.approx(1.117, abs=0.001)


def test_bench_is_a_command_with_a_model_option():
    result = CliRunner().invoke(app, ["bench", "--help"])
    assert result.exit_code == 0 and "--model" in result.output


def test_a_run_that_kept_its_shape_is_predicted_again_with_todays_spec(catalog):
    from tools.requests import CustomModel
    shape = CustomModel(params_b=0.63, layers=24, kv_heads=2, head_dim=64, file_size_gb=0.4914)
    stale = _bench(predicted_gen_tps=500.0, shape=shape, context=288)
    today = MACHINE.model_copy(update={"cpu_cores": 2, "cpu_gflops": 166.0})
    scaled = calibrate(_estimate(catalog, today), today, stale)
    assert "predicted 500" not in scaled.assumptions[0]
    assert scaled.decode_tps.expected > calibrate(_estimate(catalog, today), today, _bench(predicted_gen_tps=500.0)).decode_tps.expected


def test_recommendations_for_the_measured_machine_are_scaled_in_the_same_order(catalog):
    picks = recommend(RecommendRequest(hardware=MACHINE, task="coding", limit=4), catalog)
    scaled = calibrate_picks(picks, MACHINE, _bench())
    assert [p.model for p in scaled] == [p.model for p in picks]
    for before, after in zip(picks, scaled):
        assert after.decode_tps == pytest.approx(before.decode_tps * 0.4, abs=0.1)
        low, high = after.decode_tps_range
        assert low <= after.decode_tps <= high
        assert after.reasons[-1].startswith("calibrated on this machine")
    gpu = HardwareSpec(gpu="RTX 4090", ram_gb=64)
    assert calibrate_picks(picks, gpu, _bench()) == picks, "another machine's picks are left alone"
    assert calibrate_picks(picks, MACHINE, None) == picks


def test_the_model_reads_that_the_picks_speeds_were_measured_here(catalog):
    from advisor.present.picks import model_text  # noqa: PLC0415

    req = RecommendRequest(hardware=MACHINE, task="coding", limit=3)
    picks = calibrate_picks(recommend(req, catalog), MACHINE, _bench())
    text = model_text(picks, "Hardware: this computer.", req)
    assert "Speeds calibrated on this machine (measured 20.0 tok/s generation" in text
    assert "calibrated" not in model_text(recommend(req, catalog), "Hardware: this computer.", req)
