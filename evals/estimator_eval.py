"""Score the estimator against measured llama.cpp speeds and real GGUF file sizes.

Each truth row is turned into the same `EstimateRequest` a user would send: hardware and
models the catalog knows are looked up by name (so the tables are tested too); anything else
is described by the row's own columns (bandwidth, parameters, file size). Rows that cannot
be turned into a request are reported as skipped with the reason, never dropped silently.

The backend constants were fitted on the same speed rows, so the plain score is in-sample;
`leave_one_device_out` refits them without each device in turn and scores that device's rows
with constants that never saw it, which is the figure to expect on hardware nobody measured.
Expert-offload rows (`moe_offload.csv`) and prompt-processing rows are scored separately.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, TypeVar

import numpy as np

from knowledge.schema import Catalog
from tools.backend_labels import parse_backend_label
from tools.cpu_names import igpu_of, match_cpu
from tools.errors import AdvisorError
from tools.estimate import backend_profile, decode_seconds_per_token, estimate, speed, weights_bytes
from tools.requests import CustomModel, EstimateRequest, HardwareSpec
from tools.resolve import resolve_hardware, resolve_model, resolve_quant
from tools.shapes import device_from_spec, shape_of_custom, shape_of_model

DATA_DIR = Path(__file__).parent / "data"
# Public llama-bench rows of devices the truth file lacks (Intel Arc cards besides the B70): fitted
# on, never scored, so that a vendor's constants have more than one card to learn from.
MORE_SPEEDS_FILE = DATA_DIR / "more_speeds.csv"
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
    group: str = ""  # what the row is reported under: its device (speeds) or quant family (sizes)

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


Row = dict[str, str]
T = TypeVar("T")


class SkipRow(Exception):
    """Raised by a row scorer for a row it cannot score; the message is the reason the report gives."""


def measured_column(name: str) -> Callable[[Row], float | None]:
    """The measured figure of a row: the number that starts one of its columns."""
    return lambda row: _float(row.get(name))


def speed_label(row: Row) -> str:
    """How a speed row is named in the reports."""
    return f"{row['hardware']} | {row['backend']} | {row['model']} {row['quant']}"


def collect_rows(path: Path, label: Callable[[Row], str], measured: Callable[[Row], float | None],
                 make: Callable[[Row, str, float], T], missing: str | None = None,
                 errors: tuple[type[Exception], ...] = (AdvisorError, ValueError)) -> tuple[list[T], list[tuple[str, str]]]:
    """`make(row, label, measured)` for every row of a truth CSV, and the (label, reason) of each row skipped.

    One loop for every score, so each one skips rows alike: a row without a measured figure is
    skipped with `missing` as its reason (left out when `missing` is None: the row does not test
    this score), and a row `make` cannot estimate (SkipRow or one of `errors`) is skipped with
    the reason, never dropped silently.
    """
    made: list[T] = []
    skipped: list[tuple[str, str]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            name = label(row)
            figure = measured(row)
            if not figure:
                if missing is not None:
                    skipped.append((name, missing))
                continue
            try:
                made.append(make(row, name, figure))
            except (SkipRow, *errors) as exc:
                skipped.append((name, getattr(exc, "message", str(exc))))
    return made, skipped


def score_rows(path: Path, label: Callable[[Row], str], measured: Callable[[Row], float | None],
               make: Callable[[Row, str, float], RowResult], missing: str | None = None,
               errors: tuple[type[Exception], ...] = (AdvisorError, ValueError)) -> Score:
    """The Score of the rows `make` estimates, with the skipped rows and their reasons (see collect_rows)."""
    return _score(*collect_rows(path, label, measured, make, missing, errors))


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
    backend = parse_backend_label(row["backend"])  # "ROCm/HIP", "CUDA (fa 1)", ... (tools.backend_labels)
    if backend is None:
        raise ValueError(f"unknown backend {row['backend']!r}")
    if backend == "cpu" and (cpu := match_cpu(label, catalog)) is not None:
        label = cpu.hardware.id  # a CPU by name or by family (tools.cpu_names)
    elif backend != "cpu" and (igpu := igpu_of(label, catalog)) is not None:
        label = igpu.id  # a chip named by its CPU, run on its integrated GPU
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
    def decode(row: Row, label: str, measured: float) -> RowResult:
        req = speed_request(row, catalog)
        result = estimate(req, catalog)
        if result.decode_tps is None:
            raise SkipRow(f"estimator gave no speed ({result.fit})")
        return RowResult(label, measured, result.decode_tps.expected, _flat_rule(row, result), group=_device_key(req, catalog))

    return score_rows(path, speed_label, measured_column("tg_tps"), decode, missing="no measured decode speed")


def _device_key(req: EstimateRequest, catalog: Catalog) -> str:
    """One name per physical device, so '2x RTX 3090' and 'RTX 3090 24GB' are the same device."""
    if req.hardware.gpu:
        return resolve_hardware(req.hardware.gpu, catalog).hardware.id
    return f"{req.hardware.vram_gb:g} GB at {req.hardware.bandwidth_gbps:g} GB/s"


def quant_family(model: str, quant_id: str) -> str:
    """'Q4' for Q4_K_M/Q4_0, 'IQ3' for IQ3_XXS, '16/32-bit' for F16/BF16/F32; gpt-oss on its own line."""
    if "gpt-oss" in model.lower():
        return "gpt-oss (MXFP4 experts)"
    if quant_id in ("F16", "BF16", "F32"):
        return "16/32-bit"
    match = re.match(r"([A-Z]+\d)", quant_id)
    return match.group(1) if match else quant_id


def _flat_rule(row: dict[str, str], result) -> float | None:
    size_gib = _float(row.get("model_size_gib"))
    size_gb = size_gib * 1.073741824 if size_gib else result.memory_gb.weights
    bandwidth = _float(row.get("memory_bandwidth_gbps")) or (result.hardware.bandwidth_gbps if result.hardware else None)
    return bandwidth / size_gb * FLAT_RULE_FACTOR if bandwidth and size_gb else None


def score_sizes(path: Path, catalog: Catalog) -> Score:
    def file_size(row: Row, label: str, measured: float) -> RowResult:
        if "mmproj" in row["quant"].lower():
            raise SkipRow("vision projector file, not model weights")
        quant = resolve_quant(_quant_id(row["quant"], catalog), catalog)
        total, _ = _params(row["params_b"])
        model = _catalog_model(row["model"], total, catalog)
        if model is not None and model.params_total_b is not None:
            shape = shape_of_model(model)
        elif total:
            shape = shape_of_custom(CustomModel(params_b=total))
        else:
            raise ValueError("no parameter count")
        return RowResult(label, measured, weights_bytes(shape, quant) / 1e9, group=quant_family(row["model"], quant.id))

    def label(row: Row) -> str:
        return f"{row['model']} {row['quant']} ({row.get('uploader', '')})"

    return score_rows(path, label, measured_column("file_size_gb"), file_size, missing="no file size")


def by_group(score: Score) -> dict[str, Score]:
    """The same score per group (device, quant family), largest group first."""
    groups: dict[str, list[RowResult]] = defaultdict(list)
    for r in score.results:
        groups[r.group].append(r)
    return {name: _score(rows, [], n_worst=3) for name, rows in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))}


# --- prompt processing --------------------------------------------------------------------

def score_prefill(path: Path, catalog: Catalog) -> Score:
    """The prefill ratio rule (backend prefill_ratio / decode time) against measured pp512 rows.

    This is why `estimate` shows no prefill figure: the rule is scored here, and it misses.
    """
    def prefill(row: Row, label: str, measured: float) -> RowResult:
        req, result, device, shape = _speed_case(row, catalog)
        if result.gpu_layers is None or result.decode_tps is None:
            raise SkipRow(f"estimator gave no speed ({result.fit})")
        engine = next(e for e in catalog.engines if e.id == "llama.cpp")
        _, tps = speed(shape, resolve_quant(req.quant, catalog), device, result.gpu_layers, 512, "f16", catalog, engine)
        return RowResult(label, measured, tps, group=_device_key(req, catalog))

    def pp512(row: Row) -> float | None:  # other prompt lengths do not test this rule
        return _float(row.get("pp_tps")) if (row.get("pp_test") or "").strip() == "pp512" else None

    return score_rows(path, speed_label, pp512, prefill)


def _shape_of(req: EstimateRequest, catalog: Catalog):
    return shape_of_model(resolve_model(req.model, catalog)) if req.model else shape_of_custom(req.custom)


def _speed_case(row: Row, catalog: Catalog):
    """The request, estimate, device and model shape behind one speed row."""
    req = speed_request(row, catalog)
    return req, estimate(req, catalog), device_from_spec(req.hardware, catalog), _shape_of(req, catalog)


# --- expert offload -----------------------------------------------------------------------

def offload_request(row: dict[str, str], catalog: Catalog) -> tuple[EstimateRequest, int, float]:
    """The request for an expert-offload row, the row's number of expert layers on the CPU and its RAM bandwidth."""
    req = speed_request(row, catalog)
    layers = int(row["cpu_moe_layers"])
    ram_bw = _float(row.get("ram_bandwidth_gbps"))
    if not ram_bw:
        raise ValueError("no RAM bandwidth for the offloaded experts")
    return req, layers, ram_bw


def offload_tps(req: EstimateRequest, cpu_moe_layers: int, ram_bandwidth_gbps: float, catalog: Catalog) -> float:
    """Expected decode tok/s with the row's own --n-cpu-moe and RAM bandwidth (not the ones the estimator would pick)."""
    shape = _shape_of(req, catalog)
    if not shape.is_moe:
        raise ValueError(f"{shape.name} is not a MoE model in the catalog")
    device = replace(device_from_spec(req.hardware, catalog), ram_bandwidth_gbps=ram_bandwidth_gbps)
    engine = next(e for e in catalog.engines if e.id == "llama.cpp")
    layers = min(cpu_moe_layers, shape.moe_layers or shape.layers)
    decode, _ = speed(shape, resolve_quant(req.quant, catalog), device, shape.layers, req.context, req.kv_cache, catalog,
                      engine, layers)
    return decode.expected


def score_offload(path: Path, catalog: Catalog) -> Score:
    """Expert-offload rows (llama.cpp --n-cpu-moe / -ot exps=CPU) against the moe_offload speed model."""
    def offload(row: Row, label: str, measured: float) -> RowResult:
        req, layers, ram_bw = offload_request(row, catalog)
        return RowResult(label, measured, offload_tps(req, layers, ram_bw, catalog), group=row.get("source_url", ""))

    def label(row: Row) -> str:
        return f"{row['hardware']} | {row['model']} {row['quant']} | {row['cpu_moe_layers']} expert layers on CPU"

    return score_rows(path, label, measured_column("tg_tps"), offload, missing="no measured decode speed",
                      errors=(AdvisorError, ValueError, KeyError))


# --- leave one device out -----------------------------------------------------------------

# The grid the backend constants are searched on: share of spec bandwidth reached, ms per layer,
# and the bits per weight below which unpacking, not reading, bounds decode (0 = never).
EFFICIENCIES = np.round(np.arange(0.05, 1.0001, 0.005), 3)  # no backend reads memory faster than its spec
PER_LAYER_MS = np.round(np.arange(0.0, 0.6001, 0.005), 3)
MIN_DECODE_BITS = (0.0, *np.round(np.arange(3.0, 6.0001, 0.25), 2).tolist())
_Profile = tuple[str, str | None, str | None]
Constants = tuple[float, float, float]  # bandwidth_efficiency, per_layer_ms, min_decode_bits


@dataclass(frozen=True)
class _LinearRow:
    """seconds per token = a[min_decode_bits] / efficiency + b x per_layer_ms, for one row and its backend profile.

    `a` holds the bandwidth term at every value of MIN_DECODE_BITS (and at the catalog's own): for a
    fixed floor the row is linear in the other two constants, so the grid search stays exhaustive.
    """

    result: RowResult
    profile: _Profile
    a: dict[float, float]
    b: float


def _profile_key(profile) -> _Profile:
    return profile.id, profile.vendor, profile.segment


def _linear_rows(path: Path, catalog: Catalog) -> tuple[list[_LinearRow], list[RowResult]]:
    """Each scored speed row as a linear function of its backend's constants.

    The estimator's own decode function is called with (efficiency 1, 0 ms) and (1, 1 ms) at each
    floor of the grid, so the refit uses exactly the arithmetic `estimate` uses. Rows that are not
    linear in those constants (layer offload, a CPU path with other terms) are kept at their catalog estimate.
    """
    def case(row: Row, label: str, measured: float):
        req, result, device, shape = _speed_case(row, catalog)
        if result.decode_tps is None:
            raise SkipRow(f"estimator gave no speed ({result.fit})")
        scored = RowResult(label, measured, result.decode_tps.expected, group=_device_key(req, catalog))
        return scored, req, result, device, shape

    cases, _ = collect_rows(path, speed_label, measured_column("tg_tps"), case)  # rows score_speeds skips stay out
    linear: list[_LinearRow] = []
    fixed: list[RowResult] = []
    for scored, req, result, device, shape in cases:
        quant = resolve_quant(req.quant, catalog)
        cpu = backend_profile(catalog, "cpu")
        profile = cpu if device.kind == "cpu" else backend_profile(catalog, device.backend, device)

        def seconds(eff: float, per_layer_ms: float, floor: float) -> float:
            p = profile.model_copy(update={"bandwidth_efficiency": eff, "per_layer_ms": per_layer_ms, "min_decode_bits": floor})
            return decode_seconds_per_token(shape, quant, device, p, p if device.kind == "cpu" else cpu,
                                            result.gpu_layers or 0, req.context, req.kv_cache)

        floors = sorted({*MIN_DECODE_BITS, profile.min_decode_bits})
        a = {f: seconds(1.0, 0.0, f) for f in floors}
        b = seconds(1.0, 1.0, 0.0) - a[0.0]
        own = a[profile.min_decode_bits]
        if result.fit not in ("full_gpu", "multi_gpu", "unified_memory", "cpu_only") or not np.isclose(
                own / profile.bandwidth_efficiency + b * profile.per_layer_ms,
                seconds(profile.bandwidth_efficiency, profile.per_layer_ms, profile.min_decode_bits), rtol=1e-6):
            fixed.append(scored)
            continue
        linear.append(_LinearRow(scored, _profile_key(profile), a, b))
    return linear, fixed


def _objective(ape: np.ndarray) -> np.ndarray:
    """The calibration objective over the last axis of `ape` (relative errors): the median, plus
    the share beyond 25 % and a little of the capped mean, which give a flat median a slope."""
    return np.median(ape, axis=-1) + 0.3 * np.mean(ape > 0.25, axis=-1) + 0.01 * np.mean(np.minimum(ape, 1.0), axis=-1)


def _scores_on_grid(a: np.ndarray, b: np.ndarray, measured: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every per-layer cost of the grid: the best efficiency of these rows and its objective x rows."""
    estimated = 1 / (a[None, None, :] / EFFICIENCIES[:, None, None] + b[None, None, :] * PER_LAYER_MS[None, :, None])
    score = _objective(np.abs(estimated - measured) / measured)  # (efficiency, per-layer cost)
    best = np.argmin(score, axis=0)
    return EFFICIENCIES[best], score[best, np.arange(len(PER_LAYER_MS))] * len(measured)


def fit_constants(rows: list[_LinearRow]) -> dict[_Profile, Constants]:
    """Backend constants for `rows` by exhaustive search on the grid, so they do not depend on where
    a search starts (Nelder-Mead from the catalog's own values barely moved: refits without a device
    kept most of what that device had taught them, and leave-one-device-out looked better than it is).

    The GPU backends share one per-layer cost and one decode-bits floor, and each profile has its own
    efficiency: with a per-layer cost per profile, profiles with a few rows overfit (leave-one-device-out
    13.4 % vs 12.5 % on the shared truth). The CPU profile keeps its own two and no floor: what bounds
    a CPU besides bandwidth is its cores (tools/cpu_speed.py).
    """
    by_profile: dict[_Profile, list[_LinearRow]] = defaultdict(list)
    for r in rows:
        by_profile[r.profile].append(r)

    def best(profiles: dict[_Profile, list[_LinearRow]], floors: tuple[float, ...]) -> dict[_Profile, Constants]:
        """One per-layer cost and one floor for all of `profiles`, and each one's best efficiency at them."""
        if not profiles:
            return {}
        found: tuple[float, float, float, dict[_Profile, float]] | None = None
        for floor in floors:
            total = np.zeros(len(PER_LAYER_MS))
            effs: dict[_Profile, np.ndarray] = {}
            for key, mine in profiles.items():
                effs[key], score = _scores_on_grid(np.array([r.a[floor] for r in mine]), np.array([r.b for r in mine]),
                                                   np.array([r.result.measured for r in mine]))
                total += score
            i = int(np.argmin(total))
            if found is None or total[i] < found[0]:
                found = (float(total[i]), float(PER_LAYER_MS[i]), floor, {k: float(e[i]) for k, e in effs.items()})
        _, cost, floor, chosen = found
        return {k: (eff, cost, floor) for k, eff in chosen.items()}

    ordered = dict(sorted(by_profile.items(), key=lambda kv: str(kv[0])))
    fitted = best({k: v for k, v in ordered.items() if k[0] != "cpu"}, MIN_DECODE_BITS)
    for key, rows_of_cpu in ordered.items():
        if key[0] == "cpu":
            fitted |= best({key: rows_of_cpu}, (0.0,))
    return fitted


def fitting_rows(paths: list[Path], catalog: Catalog) -> list[_LinearRow]:
    """The rows of `paths` the constants are fitted on (see _linear_rows)."""
    return [row for path in paths if path.exists() for row in _linear_rows(path, catalog)[0]]


def leave_one_device_out(path: Path, catalog: Catalog, more: Path | None = MORE_SPEEDS_FILE) -> Score:
    """Score each device's rows with backend constants refitted on every other device's rows.

    `more` holds rows of devices `path` lacks (other Intel Arc cards): they are fitted on, as
    when the catalog's constants were, and never scored. A device-specific profile (Vulkan on
    Intel, CUDA on datacenter parts) left without rows falls back to the refitted generic profile
    of its backend, as a new device would.
    """
    linear, fixed = _linear_rows(path, catalog)
    extra = fitting_rows([more], catalog) if more is not None else []
    start = {_profile_key(p): (p.bandwidth_efficiency, p.per_layer_ms, p.min_decode_bits) for p in catalog.backends}
    results: list[RowResult] = list(fixed)
    for device in sorted({r.result.group for r in linear}):
        train = [r for r in linear + extra if r.result.group != device]
        fitted = {**start, **fit_constants(train)}
        trained = {r.profile for r in train}
        for r in (r for r in linear if r.result.group == device):
            key = r.profile if r.profile in trained else (r.profile[0], None, None)
            eff, per_layer, floor = fitted[key]
            results.append(replace(r.result, estimated=1 / (r.a[floor] / eff + r.b * per_layer)))
    return _score(results, [])


EXPERT_LAYER_GRID = [round(0.01 * i, 2) for i in range(51)]  # ms per offloaded expert layer, 0 to 0.5


def _with_expert_layer_ms(catalog: Catalog, value: float) -> Catalog:
    backends = [b.model_copy(update={"expert_layer_ms": value}) if b.id == "cpu" else b for b in catalog.backends]
    return catalog.model_copy(update={"backends": backends})


def fit_expert_layer_ms(rows: list[tuple[EstimateRequest, int, float, float]], catalog: Catalog) -> float:
    """The per-layer cost of offloaded experts that minimises the median error on (request, layers, RAM GB/s, measured) rows."""
    def median_error(value: float) -> float:
        fitted = _with_expert_layer_ms(catalog, value)
        return statistics.median(abs(offload_tps(req, n, bw, fitted) - m) / m for req, n, bw, m in rows)
    return min(EXPERT_LAYER_GRID, key=median_error)


def offload_rows(path: Path, catalog: Catalog) -> list[tuple[str, tuple[EstimateRequest, int, float, float]]]:
    """(source, (request, expert layers on CPU, RAM GB/s, measured tok/s)) for every usable offload row."""
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                req, layers, ram_bw = offload_request(row, catalog)
                offload_tps(req, layers, ram_bw, catalog)
            except (AdvisorError, ValueError, KeyError):
                continue
            rows.append((row["source_url"], (req, layers, ram_bw, float(row["tg_tps"]))))
    return rows


def offload_leave_one_source_out(path: Path, catalog: Catalog) -> Score:
    """Offload rows scored with the expert-layer cost refitted on the other sources' rows only."""
    rows = offload_rows(path, catalog)
    results = []
    for source in sorted({s for s, _ in rows}):
        value = fit_expert_layer_ms([r for s, r in rows if s != source], catalog)
        fitted = _with_expert_layer_ms(catalog, value)
        for s, (req, n, bw, measured) in rows:
            if s == source:
                results.append(RowResult(f"{req.model or 'custom'} | {n} expert layers on CPU", measured,
                                         offload_tps(req, n, bw, fitted), group=source))
    return _score(results, [])
