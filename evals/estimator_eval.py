"""Score the estimator against measured llama.cpp speeds and real GGUF file sizes.

Each truth row is turned into the same `EstimateRequest` a user would send: hardware and
models the catalog knows are looked up by name (so the tables are tested too); anything else
is described by the row's own columns (bandwidth, parameters, file size). Rows that cannot
be turned into a request are reported as skipped with the reason, never dropped silently.
"""

from __future__ import annotations

import csv
import re
import statistics
from dataclasses import dataclass
from pathlib import Path

from knowledge.schema import Catalog
from tools.errors import AdvisorError
from tools.estimate import estimate, weights_bytes
from tools.requests import CustomModel, EstimateRequest, HardwareSpec
from tools.resolve import resolve_hardware, resolve_model, resolve_quant
from tools.shapes import shape_of_custom, shape_of_model

DATA_DIR = Path(__file__).parent / "data"
FLAT_RULE_FACTOR = 0.55  # the peers' rule of thumb: bandwidth / weights size x 0.55
_BACKENDS = {"cuda": "cuda", "metal": "metal", "vulkan": "vulkan", "rocm": "rocm", "hip": "rocm", "sycl": "sycl", "cpu": "cpu"}
_QUANT_PREFIXES = re.compile(r"^(ud-|i1-)", re.IGNORECASE)
_QUANT_EQUIVALENTS = {"Q4_K_XL": "Q4_K_M"}  # Unsloth dynamic 4-bit files weigh about what Q4_K_M does


@dataclass(frozen=True)
class RowResult:
    label: str
    measured: float
    estimated: float
    baseline: float | None = None

    @property
    def ape(self) -> float:
        return abs(self.estimated - self.measured) / self.measured


@dataclass(frozen=True)
class Score:
    rows_used: int
    mdape: float
    within_25: float
    worst: list[RowResult]
    skipped: list[tuple[str, str]]
    baseline_mdape: float | None = None
    baseline_within_25: float | None = None
    results: tuple[RowResult, ...] = ()

    def as_dict(self) -> dict:
        return {
            "rows_used": self.rows_used,
            "rows_skipped": len(self.skipped),
            "mdape": round(self.mdape, 4),
            "within_25": round(self.within_25, 4),
            "baseline_flat_rule": None if self.baseline_mdape is None else {
                "mdape": round(self.baseline_mdape, 4), "within_25": round(self.baseline_within_25 or 0, 4)},
            "worst": [{"row": r.label, "measured": r.measured, "estimated": round(r.estimated, 2),
                       "error": round(r.ape, 3)} for r in self.worst],
            "skipped": [{"row": label, "reason": why} for label, why in self.skipped],
        }


def _score(results: list[RowResult], skipped: list[tuple[str, str]], n_worst: int = 8) -> Score:
    if not results:
        return Score(0, float("nan"), 0.0, [], skipped)
    apes = [r.ape for r in results]
    baseline = [abs(r.baseline - r.measured) / r.measured for r in results if r.baseline is not None]
    return Score(
        rows_used=len(results),
        mdape=statistics.median(apes),
        within_25=sum(a <= 0.25 for a in apes) / len(apes),
        worst=sorted(results, key=lambda r: r.ape, reverse=True)[:n_worst],
        skipped=skipped,
        baseline_mdape=statistics.median(baseline) if baseline else None,
        baseline_within_25=(sum(a <= 0.25 for a in baseline) / len(baseline)) if baseline else None,
        results=tuple(results),
    )


def _float(text: str | None) -> float | None:
    match = re.match(r"\s*([\d.]+)", text or "")
    return float(match.group(1)) if match else None


def _params(text: str, model: str = "") -> tuple[float | None, float | None]:
    """'30 (3 active)' -> (30, 3); '8.03' -> (8.03, None); MoE names like '106B.A12B' or '~3.6B active' give the active count."""
    total = _float(text)
    active = (re.search(r"\(([\d.]+)\s*active", text or "") or re.search(r"[~(]\s*([\d.]+)B active", model)
              or re.search(r"[-.]A([\d.]+)B\b", model))
    return total, float(active.group(1)) if active else None


def _quant_id(label: str, catalog: Catalog) -> str:
    cleaned = _QUANT_PREFIXES.sub("", label.split("(")[0].strip())
    cleaned = _QUANT_EQUIVALENTS.get(cleaned.upper(), cleaned)
    return resolve_quant(cleaned, catalog).id


def _catalog_model(name: str, params_b: float | None, catalog: Catalog):
    """The catalog entry for a row's model, only when its size agrees (guards fuzzy mismatches)."""
    try:
        model = resolve_model(name.split("(")[0].strip(), catalog)
    except AdvisorError:
        return None
    if params_b and model.params_total_b and abs(model.params_total_b.value - params_b) / params_b > 0.1:
        return None
    return model


def speed_request(row: dict[str, str], catalog: Catalog) -> EstimateRequest:
    """The EstimateRequest a user would send for this measured row; AdvisorError/ValueError if impossible."""
    label = row["hardware"]
    gpus = 1
    multi = re.match(r"\s*(\d+)\s*x\s*(.*)", label, re.IGNORECASE)
    if multi:
        gpus, label = int(multi.group(1)), multi.group(2)
    backend = _BACKENDS.get(re.split(r"[\s,(]", row["backend"].strip().lower())[0])
    if backend is None:
        raise ValueError(f"unknown backend {row['backend']!r}")
    bandwidth = _float(row.get("memory_bandwidth_gbps"))
    try:
        choice = resolve_hardware(label, catalog)
        known = choice.hardware.kind != "cpu" or backend == "cpu"
    except AdvisorError:
        known = False
    if backend == "cpu":
        if not known:
            raise ValueError("CPU row without a catalog entry or bandwidth for its memory")
        hardware = HardwareSpec(gpu=label, ram_gb=128)
    elif known:
        hardware = HardwareSpec(gpu=label, gpus=gpus, gpu_backend=None if backend == choice.hardware.backend else backend,
                                ram_gb=128)
    elif bandwidth:
        vram = _float((re.search(r"(\d+)\s*GB", label) or [None, "48"])[1])
        hardware = HardwareSpec(vram_gb=vram, bandwidth_gbps=bandwidth, gpus=gpus, gpu_backend=backend, ram_gb=128)
    else:
        raise ValueError("hardware not in the catalog and no bandwidth given")
    total, active = _params(row["params_b"], row["model"])
    model = _catalog_model(row["model"], total, catalog)
    quant = _quant_id(row["quant"], catalog)
    if model is not None:
        return EstimateRequest(model=model.id, quant=quant, context=512, hardware=hardware)
    if total is None:
        raise ValueError("model not in the catalog and no parameter count")
    size_gib = _float(row.get("model_size_gib"))
    custom = CustomModel(params_b=total, active_params_b=active, file_size_gb=size_gib * 1.073741824 if size_gib else None)
    return EstimateRequest(custom=custom, quant=quant, context=512, hardware=hardware)


def score_speeds(path: Path, catalog: Catalog) -> Score:
    results: list[RowResult] = []
    skipped: list[tuple[str, str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label = f"{row['hardware']} | {row['backend']} | {row['model']} {row['quant']}"
            measured = _float(row.get("tg_tps"))
            if not measured:
                skipped.append((label, "no measured decode speed"))
                continue
            try:
                req = speed_request(row, catalog)
                result = estimate(req, catalog)
            except (AdvisorError, ValueError) as exc:
                skipped.append((label, getattr(exc, "message", str(exc))))
                continue
            if result.decode_tps is None:
                skipped.append((label, f"estimator gave no speed ({result.fit})"))
                continue
            results.append(RowResult(label, measured, result.decode_tps.expected, _flat_rule(row, result)))
    return _score(results, skipped)


def _flat_rule(row: dict[str, str], result) -> float | None:
    size_gib = _float(row.get("model_size_gib"))
    size_gb = size_gib * 1.073741824 if size_gib else result.memory_gb.weights
    bandwidth = _float(row.get("memory_bandwidth_gbps")) or (result.hardware.bandwidth_gbps if result.hardware else None)
    return bandwidth / size_gb * FLAT_RULE_FACTOR if bandwidth and size_gb else None


def score_sizes(path: Path, catalog: Catalog) -> Score:
    results: list[RowResult] = []
    skipped: list[tuple[str, str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            label = f"{row['model']} {row['quant']} ({row.get('uploader', '')})"
            measured = _float(row.get("file_size_gb"))
            if not measured:
                skipped.append((label, "no file size"))
                continue
            if "mmproj" in row["quant"].lower():
                skipped.append((label, "vision projector file, not model weights"))
                continue
            try:
                quant = resolve_quant(_quant_id(row["quant"], catalog), catalog)
                total, _ = _params(row["params_b"])
                model = _catalog_model(row["model"], total, catalog)
                if model is not None and model.params_total_b is not None:
                    shape = shape_of_model(model)
                elif total:
                    shape = shape_of_custom(CustomModel(params_b=total))
                else:
                    raise ValueError("no parameter count")
            except (AdvisorError, ValueError) as exc:
                skipped.append((label, getattr(exc, "message", str(exc))))
                continue
            results.append(RowResult(label, measured, weights_bytes(shape, quant) / 1e9))
    return _score(results, skipped)
