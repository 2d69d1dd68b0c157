"""The estimator eval's held-out, offload and per-family figures."""

from __future__ import annotations

import csv
import statistics

import pytest

from evals.estimator_eval import DATA_DIR, leave_one_device_out, quant_family, score_offload, score_speeds


def test_sizes_are_grouped_by_quant_family_with_gpt_oss_apart():
    assert quant_family("Llama-3.1-8B", "Q4_K_M") == "Q4"
    assert quant_family("Llama-3.1-8B", "IQ3_XXS") == "IQ3"
    assert quant_family("Llama-3.1-8B", "BF16") == "16/32-bit"
    assert quant_family("gpt-oss-20b", "Q2_K") == "gpt-oss (MXFP4 experts)"


def test_expert_offload_rows_are_within_25_percent_median():
    from knowledge import load_catalog

    score = score_offload(DATA_DIR / "moe_offload.csv", load_catalog())
    assert score.rows_used >= 7 and not score.skipped
    assert score.mdape <= 0.25


def test_leave_one_device_out_scores_every_row_with_constants_that_never_saw_its_device(tmp_path):
    from knowledge import load_catalog

    catalog = load_catalog()
    with (DATA_DIR / "speeds.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keep = [r for r in rows if r["hardware"] in ("RTX 3090 24GB", "RTX 4090 24GB", "RTX 3070 8GB") and r["backend"] == "CUDA"]
    small = tmp_path / "speeds.csv"
    with small.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(keep)
    in_sample = score_speeds(small, catalog)
    held_out = leave_one_device_out(small, catalog)
    assert held_out.rows_used == in_sample.rows_used >= 3
    # Refitted without the row's device, the estimate of at least one row moves.
    moved = {r.label: r.estimated for r in held_out.results}
    assert any(abs(moved[r.label] - r.estimated) > 0.05 for r in in_sample.results)


def _synthetic_rows(constants: dict, per_layer_ms: float, min_decode_bits: float = 0.0) -> list:
    """Rows whose measured speed is exactly what the given constants predict."""
    from evals.estimator_eval import MIN_DECODE_BITS, RowResult, _LinearRow

    rows = []
    for profile, efficiency in constants.items():
        for n, (a, bits, layers) in enumerate([(0.010, 4.9, 32), (0.020, 16.0, 40), (0.005, 2.6, 28), (0.030, 8.5, 80),
                                               (0.002, 3.4, 24), (0.006, 4.9, 36)]):
            b = layers / 1000  # seconds per ms of per-layer cost
            at = {f: a * max(bits, f) / bits for f in MIN_DECODE_BITS}  # below the floor a weight costs `floor` bits
            measured = 1 / (at[min_decode_bits] / efficiency + b * per_layer_ms)
            rows.append(_LinearRow(RowResult(f"{profile[0]} {n}", measured, measured, group=f"{profile[0]}-{n}"), profile, at, b))
    return rows


def test_backend_constants_are_recovered_from_rows_they_generated():
    from evals.estimator_eval import fit_constants

    truth = {("cuda", None, None): 0.8, ("metal", None, None): 0.6, ("vulkan", "Intel", None): 0.35}
    fitted = fit_constants(_synthetic_rows(truth, per_layer_ms=0.1))
    for profile, efficiency in truth.items():
        assert fitted[profile][0] == pytest.approx(efficiency, abs=0.006)
        assert fitted[profile][1] == pytest.approx(0.1, abs=0.006), "the GPU backends share one per-layer cost"
        assert fitted[profile][2] == 0.0, "no floor where the rows have none"


def test_a_decode_bits_floor_is_recovered_and_shared_by_the_gpu_backends():
    from evals.estimator_eval import fit_constants

    truth = {("cuda", None, None): 0.9, ("vulkan", None, None): 0.7}
    fitted = fit_constants(_synthetic_rows(truth, per_layer_ms=0.12, min_decode_bits=4.5))
    for profile, efficiency in truth.items():
        assert fitted[profile] == pytest.approx((efficiency, 0.12, 4.5), abs=0.006)


def test_more_rows_are_fitted_on_but_never_scored(tmp_path):
    from knowledge import load_catalog

    catalog = load_catalog()
    with (DATA_DIR / "speeds.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    b70 = [r for r in rows if "Arc Pro B70" in r["hardware"] and r["backend"] == "Vulkan"]
    small = tmp_path / "speeds.csv"
    with small.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(b70 + [r for r in rows if r["hardware"] == "RTX 4090 24GB"])
    alone = leave_one_device_out(small, catalog, more=None)
    helped = leave_one_device_out(small, catalog)  # with evals/data/more_speeds.csv: other Arc cards
    assert helped.rows_used == alone.rows_used == len(b70) + 3
    b70_error = lambda score: statistics.median(r.ape for r in score.results if "B70" in r.label)  # noqa: E731
    # Without another Intel card, the B70 falls back to the generic Vulkan constants: far too fast.
    assert b70_error(helped) < b70_error(alone) / 2
