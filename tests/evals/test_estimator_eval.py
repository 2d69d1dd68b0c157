"""The estimator eval's held-out, offload and per-family figures."""

from __future__ import annotations

import csv

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
