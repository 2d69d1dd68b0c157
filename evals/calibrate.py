"""Refit the per-backend decode constants to the measured speeds, and print them.

The estimator's decode model has three constants per llama.cpp backend: the share of spec
bandwidth it reaches, a fixed per-layer cost, and the bits per weight below which unpacking,
not reading, bounds decode (shared by the GPU backends, as the per-layer cost is). This script searches them on a grid
(evals/estimator_eval.fit_constants) over evals/data/speeds.csv and more_speeds.csv (other
Intel Arc cards), prints them for knowledge/data/backends.yaml and the scores they give, and
reports the leave-one-device-out error (each device scored with constants fitted without it)
so overfitting shows, and the expert-offload cost that would fit evals/data/moe_offload.csv next
to its leave-one-source-out error. Run: python -m evals.calibrate
"""

from __future__ import annotations

import argparse
from pathlib import Path

from evals.estimator_eval import (
    DATA_DIR,
    Constants,
    MORE_SPEEDS_FILE,
    fit_constants,
    fit_expert_layer_ms,
    fitting_rows,
    leave_one_device_out,
    offload_leave_one_source_out,
    offload_rows,
    score_speeds,
)
from knowledge import load_catalog
from knowledge.schema import Catalog


def with_constants(catalog: Catalog, constants: dict[tuple[str, str | None, str | None], Constants]) -> Catalog:
    """The catalog with each backend profile's (efficiency, per-layer ms, decode-bits floor) replaced where `constants` has it."""
    backends = []
    for b in catalog.backends:
        eff, per_layer, floor = constants.get((b.id, b.vendor, b.segment), (b.bandwidth_efficiency, b.per_layer_ms, b.min_decode_bits))
        backends.append(b.model_copy(update={"bandwidth_efficiency": eff, "per_layer_ms": per_layer, "min_decode_bits": floor}))
    return catalog.model_copy(update={"backends": backends})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--truth", type=Path, default=DATA_DIR / "speeds.csv")
    args = parser.parse_args()
    catalog = load_catalog()
    constants = fit_constants(fitting_rows([args.truth, MORE_SPEEDS_FILE], catalog))
    fitted = with_constants(catalog, constants)
    score = score_speeds(args.truth, fitted)
    print(f"in-sample on {args.truth.name}: mdape {score.mdape:.3f}  within25 {score.within_25:.3f}  rows {score.rows_used}")
    for (backend, vendor, segment), (eff, per_layer, floor) in sorted(constants.items(), key=str):
        where = ", ".join(f"{k}={v}" for k, v in (("vendor", vendor), ("segment", segment)) if v)
        print(f"{backend} {where}: bandwidth_efficiency {eff:.3f}  per_layer_ms {per_layer:.3f}  min_decode_bits {floor:g}")
    held_out = leave_one_device_out(args.truth, catalog)
    print(f"leave-one-device-out: mdape {held_out.mdape:.3f}  within25 {held_out.within_25:.3f}  rows {held_out.rows_used}")
    offload = DATA_DIR / "moe_offload.csv"
    value = fit_expert_layer_ms([r for _, r in offload_rows(offload, fitted)], fitted)
    loso = offload_leave_one_source_out(offload, fitted)
    print(f"expert offload: best expert_layer_ms {value:.2f} in-sample; leave-one-source-out mdape {loso.mdape:.3f} "
          f"(keep the catalog value unless this beats the unfitted score of `advisor eval estimator`)")


if __name__ == "__main__":
    main()
