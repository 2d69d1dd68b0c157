"""Refit the per-backend decode constants to the measured speeds, and print them.

The estimator's decode model has two constants per llama.cpp backend: the share of spec
bandwidth it reaches and a fixed per-layer cost. This script searches both to minimise the
median error on evals/data/speeds.csv and prints YAML for knowledge/data/backends.yaml; it
also reports leave-one-out error so overfitting shows. Run: python -m evals.calibrate
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from scipy.optimize import minimize

from evals.estimator_eval import DATA_DIR, score_speeds
from knowledge import load_catalog
from knowledge.schema import Catalog

FITTED = ("cuda", "metal", "vulkan", "rocm", "cpu")


def with_constants(catalog: Catalog, values: list[float]) -> Catalog:
    backends = []
    for backend in catalog.backends:
        if backend.id in FITTED:
            i = FITTED.index(backend.id)
            backend = backend.model_copy(update={"bandwidth_efficiency": min(1.2, max(0.05, values[2 * i])),
                                                  "per_layer_ms": max(0.0, values[2 * i + 1])})
        backends.append(backend)
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
    for name in FITTED:
        profile = next(b for b in catalog.backends if b.id == name)
        start += [profile.bandwidth_efficiency, profile.per_layer_ms]
    best = minimize(objective, start, args=(catalog, args.truth), method="Nelder-Mead",
                    options={"maxiter": 1500, "xatol": 1e-3, "fatol": 1e-4})
    fitted = with_constants(catalog, list(best.x))
    score = score_speeds(args.truth, fitted)
    print(f"mdape {score.mdape:.3f}  within25 {score.within_25:.3f}  rows {score.rows_used}")
    for backend in fitted.backends:
        if backend.id in FITTED:
            print(f"- id: {backend.id}\n  bandwidth_efficiency: {backend.bandwidth_efficiency:.3f}\n  per_layer_ms: {backend.per_layer_ms:.3f}")


if __name__ == "__main__":
    main()
