"""`advisor eval estimator` in full: in-sample and held-out speed error, sizes per quant family,
expert offload and prompt processing, as one JSON-ready dict and as tables.

Kept apart from evals/cli.py so the command stays a thin wrapper and the figures quoted in the
README come from one function.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from evals.estimator_eval import (
    DATA_DIR,
    Score,
    by_group,
    leave_one_device_out,
    offload_leave_one_source_out,
    score_offload,
    score_prefill,
    score_sizes,
    score_speeds,
)
from evals.cpu_eval import CPU_IGPU_TITLES, cpu_igpu_scores
from knowledge.schema import Catalog


def run(catalog: Catalog, truth: Path | None = None, sizes: Path | None = None, offload: Path | None = None) -> dict[str, Score]:
    truth = truth or DATA_DIR / "speeds.csv"
    offload = offload or DATA_DIR / "moe_offload.csv"
    return {
        "decode_speed": score_speeds(truth, catalog),
        "decode_speed_leave_one_device_out": leave_one_device_out(truth, catalog),
        "moe_offload": score_offload(offload, catalog),
        "moe_offload_refit_leave_one_source_out": offload_leave_one_source_out(offload, catalog),
        "prefill_ratio_rule": score_prefill(truth, catalog),
        "file_size": score_sizes(sizes or DATA_DIR / "sizes.csv", catalog),
        **cpu_igpu_scores(catalog),  # issue 15: CPU and integrated-GPU rows (evals/cpu_eval.py)
    }


TITLES = {
    "decode_speed": "Decode speed, in-sample (constants fitted on these rows)",
    "decode_speed_leave_one_device_out": "Decode speed, leave one device out (constants refitted without the device)",
    "moe_offload": "Expert offload rows (--n-cpu-moe), no constant fitted to them",
    "moe_offload_refit_leave_one_source_out": "Expert offload if its cost were refitted, leave one source out",
    "prefill_ratio_rule": "Prefill ratio rule vs pp512 rows (why no prefill figure is shown)",
    "file_size": "GGUF file size",
    **CPU_IGPU_TITLES,
}


def as_dict(scores: dict[str, Score]) -> dict:
    out = {name: score.as_dict() for name, score in scores.items()}
    out["file_size"]["by_quant_family"] = {family: {"rows": s.rows_used, "mdape": round(s.mdape, 4)}
                                           for family, s in by_group(scores["file_size"]).items()}
    return out


def print_report(scores: dict[str, Score], console: Console) -> None:
    table = Table("what", "rows", "skipped", "median error", "within ±25%", "flat rule",
                  title="Estimator accuracy (median absolute error)")
    for name, score in scores.items():
        flat = "-" if score.baseline_mdape is None else f"{score.baseline_mdape:.1%}"
        table.add_row(TITLES[name], str(score.rows_used), str(len(score.skipped)), f"{score.mdape:.1%}",
                      f"{score.within_25:.0%}", flat)
    console.print(table)
    families = Table("family", "rows", "median error", "worst row", title="GGUF file size by quant family")
    for family, s in by_group(scores["file_size"]).items():
        worst = s.worst[0]
        families.add_row(family, str(s.rows_used), f"{s.mdape:.1%}", f"{worst.label}: {worst.estimated:.2f} vs {worst.measured:g} GB")
    console.print(families)
    for name in ("decode_speed_leave_one_device_out", "moe_offload"):
        worst = Table("row", "measured", "estimated", "error", title=f"Worst rows: {TITLES[name]}")
        for r in scores[name].worst:
            worst.add_row(r.label, f"{r.measured:g}", f"{r.estimated:.1f}", f"{r.ape:.0%}")
        console.print(worst)
    for label, why in scores["decode_speed"].skipped + scores["file_size"].skipped + scores["moe_offload"].skipped:
        console.print(f"skipped: {label}: {why}", highlight=False)
