"""Score the CPU and integrated-GPU branch of the estimator on public measured rows.

`evals/data/cpu_igpu_speeds.csv` holds llama-bench runs on laptop, desktop, mini-PC and board
CPUs and on integrated GPUs, each with its source. They are kept apart from speeds.csv because
they test what bounds these chips besides bandwidth (tools/cpu_speed.py): the decode rows the
cores' compute floor, the prefill rows the compute-bound prompt rate. Run:

    python -m evals.cpu_eval [--truth FILE] [--fit] [--json]

`--fit` searches the four FLOP shares of tools/cpu_speed.py on these rows and prints them; the
module's constants are what it printed (they are fitted on these same rows, so the score is
in-sample; the held-out check is `advisor eval estimator --truth ../shared/truth/speeds.csv`).
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import statistics
from pathlib import Path

from evals.estimator_eval import (
    DATA_DIR,
    Row,
    RowResult,
    Score,
    SkipRow,
    _score,
    measured_column,
    score_rows,
    score_speeds,
    speed_label,
    speed_request,
)
from knowledge.schema import Catalog
from tools import cpu_speed
from tools.estimate import estimate

CPU_IGPU_FILE = DATA_DIR / "cpu_igpu_speeds.csv"


def score_prefill(path: Path, catalog: Catalog) -> Score:
    """Estimated vs measured prompt processing (pp512) on rows whose chip has a validated prefill."""
    def prefill(row: Row, label: str, measured: float) -> RowResult:
        result = estimate(speed_request(row, catalog), catalog)
        if result.prefill_tps is None:
            raise SkipRow("no validated prefill estimate for this hardware")
        return RowResult(label, measured, result.prefill_tps, group=result.hardware.name if result.hardware else "")

    return score_rows(path, speed_label, measured_column("pp_tps"), prefill, missing="no measured prompt speed")


CPU_IGPU_TITLES = {
    "cpu_igpu_decode": "CPU and iGPU rows, decode (cpu_igpu_speeds.csv)",
    "cpu_igpu_prefill": "CPU and iGPU rows, prefill pp512 (compute-bound rule)",
}


def cpu_igpu_scores(catalog: Catalog, path: Path = CPU_IGPU_FILE) -> dict[str, Score]:
    """The two CPU/iGPU scores, keyed as `advisor eval estimator` (evals/estimator_report.py) lists them."""
    return {"cpu_igpu_decode": score_speeds(path, catalog), "cpu_igpu_prefill": score_prefill(path, catalog)}


def cpu_igpu_report(catalog: Catalog, path: Path = CPU_IGPU_FILE) -> dict:
    """Decode and prefill scores on the CPU/iGPU rows, in the shape `advisor eval estimator --json` uses."""
    return {"file": str(path), "decode_speed": score_speeds(path, catalog).as_dict(),
            "prefill_speed": score_prefill(path, catalog).as_dict()}


def _fit_rows(path: Path, into: Path) -> Path:
    """The rows marked for fitting (column `fit` not starting with "no"), written to `into`.

    Two rows are known to be broken runs (the source says so); they stay in every score but do
    not steer the constants.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], [r for r in reader if not (r.get("fit") or "").startswith("no")]
    with into.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return into


def fit_shares(catalog: Catalog, path: Path = CPU_IGPU_FILE) -> dict[str, dict[str, float]]:
    """Grid-search the FLOP shares of tools.cpu_speed on these rows (decode and prefill apart).

    The module's dicts are swapped in place for the search and restored afterwards.
    """
    import tempfile  # noqa: PLC0415 - only when fitting

    with tempfile.TemporaryDirectory() as tmp:
        return _fit_shares(catalog, _fit_rows(path, Path(tmp) / "fit.csv"))


def _fit_shares(catalog: Catalog, path: Path) -> dict[str, dict[str, float]]:
    saved = dict(cpu_speed.DECODE_FLOP_SHARE), dict(cpu_speed.PREFILL_FLOP_SHARE)
    grid_decode = [0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]
    grid_prefill = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0]
    best: dict[str, dict[str, float]] = {}
    try:
        for table, grid, scorer in ((cpu_speed.DECODE_FLOP_SHARE, grid_decode, score_speeds),
                                    (cpu_speed.PREFILL_FLOP_SHARE, grid_prefill, score_prefill)):
            top: tuple[float, float, tuple[float, float]] | None = None
            for cpu_share, igpu_share in itertools.product(grid, grid):
                table.update(cpu=cpu_share, igpu=igpu_share)
                score = scorer(path, catalog)
                # The median alone is flat over wide ranges (ties would pick the first grid value);
                # the capped mean error gives the search a slope, as evals/calibrate.py does.
                objective = score.mdape + 0.1 * statistics.mean(min(r.ape, 1.0) for r in score.results)
                if top is None or objective < top[0]:
                    top = (objective, score.mdape, (cpu_share, igpu_share))
            assert top is not None
            table.update(cpu=top[2][0], igpu=top[2][1])
            best["decode" if scorer is score_speeds else "prefill"] = {"cpu": top[2][0], "igpu": top[2][1], "mdape": round(top[1], 4)}
    finally:
        cpu_speed.DECODE_FLOP_SHARE.update(saved[0])
        cpu_speed.PREFILL_FLOP_SHARE.update(saved[1])
    return best


def leave_one_row_out(catalog: Catalog, path: Path = CPU_IGPU_FILE) -> dict[str, Score]:
    """Each row scored with FLOP shares fitted on the other rows: the error to expect on a chip nobody measured."""
    import tempfile  # noqa: PLC0415 - only for this slow check

    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields, rows = reader.fieldnames or [], list(reader)
    decode: list[RowResult] = []
    prefill: list[RowResult] = []
    saved = dict(cpu_speed.DECODE_FLOP_SHARE), dict(cpu_speed.PREFILL_FLOP_SHARE)
    with tempfile.TemporaryDirectory() as tmp:
        train, test = Path(tmp) / "train.csv", Path(tmp) / "test.csv"
        for i in range(len(rows)):
            for target, chosen in ((train, rows[:i] + rows[i + 1:]), (test, [rows[i]])):
                with target.open("w", newline="", encoding="utf-8") as handle:
                    writer = csv.DictWriter(handle, fieldnames=fields)
                    writer.writeheader()
                    writer.writerows(chosen)
            fitted = fit_shares(catalog, train)
            try:
                cpu_speed.DECODE_FLOP_SHARE.update(cpu=fitted["decode"]["cpu"], igpu=fitted["decode"]["igpu"])
                cpu_speed.PREFILL_FLOP_SHARE.update(cpu=fitted["prefill"]["cpu"], igpu=fitted["prefill"]["igpu"])
                decode += score_speeds(test, catalog).results
                prefill += score_prefill(test, catalog).results
            finally:
                cpu_speed.DECODE_FLOP_SHARE.update(saved[0])
                cpu_speed.PREFILL_FLOP_SHARE.update(saved[1])
    return {"decode": _score(decode, []), "prefill": _score(prefill, [])}


def main() -> None:
    from knowledge import load_catalog

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--truth", type=Path, default=CPU_IGPU_FILE)
    parser.add_argument("--fit", action="store_true", help="search the FLOP shares on these rows and print them")
    parser.add_argument("--loo", action="store_true", help="leave one row out: refit without each row, score it (~1 min)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    catalog = load_catalog()
    if args.fit:
        print(json.dumps(fit_shares(catalog, args.truth), indent=2))
        return
    if args.loo:
        scores = leave_one_row_out(catalog, args.truth)
        print(json.dumps({k: {"rows": v.rows_used, "mdape": round(v.mdape, 4), "within_25": round(v.within_25, 3)}
                          for k, v in scores.items()}, indent=2))
        return
    report = cpu_igpu_report(catalog, args.truth)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    for key in ("decode_speed", "prefill_speed"):
        part = report[key]
        print(f"{key}: {part['rows_used']} rows, {part['rows_skipped']} skipped, median error {part['mdape']:.1%}, "
              f"within 25% {part['within_25']:.0%}")
        for worst in part["worst"][:5]:
            print(f"  {worst['row']}: measured {worst['measured']:g}, estimated {worst['estimated']:g}")
        for skipped in part["skipped"]:
            print(f"  skipped: {skipped['row']}: {skipped['reason']}")


if __name__ == "__main__":
    main()
