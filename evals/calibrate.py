"""Refit the per-backend decode constants to the measured speeds, and print them.

The estimator's decode model has two constants per llama.cpp backend: the share of spec
bandwidth it reaches and a fixed per-layer cost. This script searches both to minimise the
median error on evals/data/speeds.csv and prints YAML for knowledge/data/backends.yaml; it
also reports the leave-one-device-out error (each device scored with constants fitted without
it) so overfitting shows, and the expert-offload cost that would fit evals/data/moe_offload.csv
next to its leave-one-source-out error. Run: python -m evals.calibrate
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from scipy.optimize import minimize

from evals.estimator_eval import (
    DATA_DIR,
    fit_expert_layer_ms,
    leave_one_device_out,
    offload_leave_one_source_out,
    offload_rows,
    score_speeds,
)
from knowledge import load_catalog
from knowledge.schema import Catalog

NOT_FITTED = ("sycl",)  # no measured rows


def _fitted(catalog: Catalog) -> list[int]:
    return [i for i, b in enumerate(catalog.backends) if b.id not in NOT_FITTED]


def with_constants(catalog: Catalog, values: list[float]) -> Catalog:
    backends = list(catalog.backends)
    for n, i in enumerate(_fitted(catalog)):
        backends[i] = backends[i].model_copy(update={"bandwidth_efficiency": min(1.2, max(0.05, values[2 * n])),
                                                     "per_layer_ms": max(0.0, values[2 * n + 1])})
    return catalog.model_copy(update={"backends": backends})


def objective(values: list[float], catalog: Catalog, truth: Path) -> float:
    score = score_speeds(truth, with_constants(catalog, list(values)))
    # The median alone is flat almost everywhere; adding the capped mean gives the search a slope.
    capped = [min(r.ape, 1.0) for r in score.results] or [1.0]
    return score.mdape + 0.3 * (1 - score.within_25) + 0.01 * statistics.mean(capped)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--truth", type=Path, default=DATA_DIR / "speeds.csv")
    args = parser.parse_args()
    catalog = load_catalog()
    start = []
    for i in _fitted(catalog):
        start += [catalog.backends[i].bandwidth_efficiency, catalog.backends[i].per_layer_ms]
    best = minimize(objective, start, args=(catalog, args.truth), method="Nelder-Mead",
                    options={"maxiter": 1500, "xatol": 1e-3, "fatol": 1e-4})
    fitted = with_constants(catalog, list(best.x))
    score = score_speeds(args.truth, fitted)
    print(f"mdape {score.mdape:.3f}  within25 {score.within_25:.3f}  rows {score.rows_used}")
    for i in _fitted(fitted):
        b = fitted.backends[i]
        where = ", ".join(f"{k}={v}" for k, v in (("vendor", b.vendor), ("segment", b.segment)) if v)
        print(f"{b.id} {where}: bandwidth_efficiency {b.bandwidth_efficiency:.3f}  per_layer_ms {b.per_layer_ms:.3f}")
    held_out = leave_one_device_out(args.truth, catalog)
    print(f"leave-one-device-out: mdape {held_out.mdape:.3f}  within25 {held_out.within_25:.3f}  rows {held_out.rows_used}")
    offload = DATA_DIR / "moe_offload.csv"
    value = fit_expert_layer_ms([r for _, r in offload_rows(offload, catalog)], catalog)
    loso = offload_leave_one_source_out(offload, catalog)
    print(f"expert offload: best expert_layer_ms {value:.2f} in-sample; leave-one-source-out mdape {loso.mdape:.3f} "
          f"(keep the catalog value unless this beats the unfitted score of `advisor eval estimator`)")


if __name__ == "__main__":
    main()
