"""Measure this machine with the advisor's own llama.cpp, and scale its estimates by what was measured.

No formula knows a laptop's thermal limits, a VM's share of its host or what else is running;
the advisor carries llama.cpp and a GGUF, so it can simply time them. `run_bench` evaluates a
short prompt and generates a few tokens, timing each phase; the result is stored in the data
directory next to what the estimator predicted for the same model on the same hardware spec.
`calibrate` then multiplies later estimates for that hardware by measured / predicted (decode)
and derives prefill from the measured prompt rate (prefill is compute-bound, so it scales with
the active parameters), and says so in the estimate's assumptions.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from pydantic import BaseModel, ConfigDict, ValidationError

from advisor.settings import Paths, paths
from knowledge.schema import Catalog
from tools.errors import AdvisorError
from tools.estimate import Estimate, SpeedRange, estimate
from tools.recommend import Pick
from tools.requests import CustomModel, EstimateRequest, HardwareSpec

BENCH_FILE = "bench.json"
PROMPT_TOKENS = 256  # a typical first turn's prompt; long enough for a stable rate, a few seconds on 2 cores
GEN_TOKENS = 32
PROMPT_CHUNK = 64  # prompt evaluated in chunks so the progress bar moves; same kernels as one batch
_PROMPT_TEXT = ("The advisor measures how fast this computer processes a prompt and generates text with a small "
                "local model, so that its estimates for larger models can be scaled to what this machine really does. ")

CALIBRATED = "calibrated on this machine"  # opens the note on every scaled estimate or pick
Progress = Callable[[str, int, int], None]  # phase ("load", "prompt", "generate"), done, total


class BenchError(AdvisorError):
    """The benchmark could not run (no llama.cpp, a model that does not load)."""


class BenchResult(BaseModel):
    """One timed run, with what the estimator predicted for it on the same hardware spec."""

    model_config = ConfigDict(frozen=True)

    model: str  # display name of the GGUF
    path: str
    file_bytes: int
    params_b: float
    layers: int
    threads: int
    prompt_tokens: int
    prompt_tps: float
    gen_tokens: int
    gen_tps: float
    load_s: float
    spec: HardwareSpec  # the hardware the prediction (and later calibration) is for
    predicted_gen_tps: float | None
    measured_at: str
    machine: str  # CPU and cores, as detected
    shape: CustomModel | None = None  # the GGUF's shape, so the prediction can be redone with today's formula
    context: int | None = None

    @property
    def gen_ratio(self) -> float | None:
        return self.gen_tps / self.predicted_gen_tps if self.predicted_gen_tps else None

    def summary(self) -> str:
        return (f"measured {self.gen_tps:.1f} tok/s generation and {self.prompt_tps:.0f} tok/s prompt processing on "
                f"{self.model} ({self.threads} threads, {self.measured_at[:10]})")


def bench_file(data_dir: Path | None = None) -> Path:
    where = paths()
    return (Paths(where.cache_dir, data_dir) if data_dir else where).data_dir / BENCH_FILE


def load_bench(data_dir: Path | None = None) -> BenchResult | None:
    """The stored measurement, or None when there is none or it no longer parses."""
    path = bench_file(data_dir)
    try:
        return BenchResult.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError):
        return None


def save_bench(result: BenchResult, data_dir: Path | None = None) -> Path:
    path = bench_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(result.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def shape_from_metadata(meta: dict[str, str], n_params: int, file_bytes: int) -> CustomModel:
    """The GGUF's own shape (layers, KV heads, head size, size) as a custom model for the estimator."""
    arch = meta.get("general.architecture", "llama")

    def number(key: str) -> int | None:
        value = meta.get(f"{arch}.{key}")
        return int(value) if value and str(value).isdigit() else None

    layers, kv_heads = number("block_count"), number("attention.head_count_kv")
    heads, width = number("attention.head_count"), number("embedding_length")
    head_dim = number("attention.key_length") or (width // heads if width and heads else None)
    complete = all((layers, kv_heads, head_dim))
    return CustomModel(params_b=round(n_params / 1e9, 3), layers=layers if complete else None,
                       kv_heads=kv_heads if complete else None, head_dim=head_dim if complete else None,
                       file_size_gb=file_bytes / 1e9)


def predicted_gen_tps(custom: CustomModel, context: int, spec: HardwareSpec, catalog: Catalog) -> float | None:
    """What the estimator says for this very GGUF on this hardware spec (None when it gives no speed)."""
    if spec.is_empty:
        return None
    result = estimate(EstimateRequest(custom=custom, context=context, hardware=spec), catalog)
    return result.decode_tps.expected if result.decode_tps else None


def run_bench(path: Path, display: str, spec: HardwareSpec, catalog: Catalog, threads: int, machine: str,
              progress: Progress | None = None, prompt_tokens: int = PROMPT_TOKENS, gen_tokens: int = GEN_TOKENS) -> BenchResult:
    """Load the GGUF, time a prompt of `prompt_tokens` and `gen_tokens` greedy tokens; nothing is stored."""
    try:
        from llama_cpp import Llama  # noqa: PLC0415 - heavy import, only when a benchmark runs
    except ImportError as exc:
        raise BenchError(f"llama-cpp-python is not installed ({exc}); install the models extra to benchmark.") from None
    tick = progress or (lambda phase, done, total: None)
    tick("load", 0, 1)
    started = time.perf_counter()
    try:
        llm = Llama(model_path=str(path), n_ctx=prompt_tokens + gen_tokens + 16, n_threads=threads,
                    n_threads_batch=threads, n_batch=PROMPT_CHUNK, verbose=False)
    except (ValueError, RuntimeError) as exc:
        raise BenchError(f"llama.cpp could not load {path}: {exc}") from None
    load_s = time.perf_counter() - started
    tick("load", 1, 1)
    text = _PROMPT_TEXT * (1 + prompt_tokens // 30)
    tokens = llm.tokenize(text.encode(), add_bos=True)[:prompt_tokens]
    llm.eval(tokens[:8])  # warm-up: first-call allocations are not prompt processing
    llm.reset()
    started = time.perf_counter()
    for start in range(0, len(tokens), PROMPT_CHUNK):
        llm.eval(tokens[start:start + PROMPT_CHUNK])
        tick("prompt", min(start + PROMPT_CHUNK, len(tokens)), len(tokens))
    prompt_s = time.perf_counter() - started
    started = time.perf_counter()
    for done in range(1, gen_tokens + 1):
        token = llm.sample(top_k=1, temp=0.0)
        llm.eval([token])
        tick("generate", done, gen_tokens)
    gen_s = time.perf_counter() - started
    custom = shape_from_metadata(llm.metadata, llm._model.n_params(), path.stat().st_size)
    predicted = predicted_gen_tps(custom, len(tokens) + gen_tokens, spec, catalog)
    return BenchResult(
        model=display, path=str(path), file_bytes=path.stat().st_size, params_b=custom.params_b,
        layers=custom.layers or 0, threads=threads, prompt_tokens=len(tokens), prompt_tps=round(len(tokens) / prompt_s, 1),
        gen_tokens=gen_tokens, gen_tps=round(gen_tokens / gen_s, 2), load_s=round(load_s, 2), spec=spec,
        predicted_gen_tps=predicted, measured_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), machine=machine,
        shape=custom, context=len(tokens) + gen_tokens,
    )


_MACHINE_FIELDS = ("gpu", "gpus", "vram_gb", "bandwidth_gbps", "cpu_only", "gpu_backend", "ram_gb")


def same_machine(a: HardwareSpec, b: HardwareSpec) -> bool:
    """Whether two requests describe the same hardware (detail a newer probe adds, like cores, aside)."""
    return all(getattr(a, f) == getattr(b, f) for f in _MACHINE_FIELDS)


def _measured(spec: HardwareSpec, bench: BenchResult | None) -> BenchResult | None:
    """The stored run when it is for `spec` and has a ratio, its prediction redone with today's formula."""
    if bench is None or not same_machine(spec, bench.spec):
        return None
    if bench.shape is not None and bench.context:
        from knowledge import load_catalog  # noqa: PLC0415 - only when calibrating

        bench = bench.model_copy(update={"predicted_gen_tps": predicted_gen_tps(bench.shape, bench.context, spec, load_catalog())})
    return bench if bench.gen_ratio is not None else None


def _note(bench: BenchResult) -> str:
    return (f"{CALIBRATED} ({bench.summary()}; the formula predicted {bench.predicted_gen_tps:g} tok/s "
            f"there, so decode is scaled by {bench.gen_ratio:.2f} and prefill follows the measured prompt rate)")


def calibrate(result: Estimate, spec: HardwareSpec, bench: BenchResult | None) -> Estimate:
    """The estimate scaled to this machine's measurement, when it is for the hardware that was measured.

    Decode (low, expected, high) is multiplied by measured / predicted for the benchmark model,
    predicted again with today's formula on today's spec when the run stored the GGUF's shape;
    prefill is the measured prompt rate times the ratio of active parameters (compute-bound).
    Anything else (another machine, no speed, no stored run) comes back unchanged.
    """
    bench = _measured(spec, bench) if result.decode_tps is not None else None
    if bench is None or bench.gen_ratio is None or result.decode_tps is None:
        return result
    ratio = bench.gen_ratio
    d = result.decode_tps
    decode = SpeedRange(low=round(d.low * ratio, 1), expected=round(d.expected * ratio, 1), high=round(d.high * ratio, 1))
    active_b = _active_params_b(result.model)
    prefill = round(bench.prompt_tps * bench.params_b / active_b, 0) if active_b else result.prefill_tps
    return result.model_copy(update={"decode_tps": decode, "prefill_tps": prefill, "prefill_validated": prefill is not None,
                                     "assumptions": [_note(bench), *result.assumptions]})


def calibrate_picks(picks: list[Pick], spec: HardwareSpec, bench: BenchResult | None) -> list[Pick]:
    """Recommendations for the measured machine with their speeds scaled as `calibrate` scales an
    estimate; the order stays (every pick's decode speed is scaled by the same ratio)."""
    bench = _measured(spec, bench)
    if bench is None or bench.gen_ratio is None:
        return picks
    ratio = bench.gen_ratio
    calibrated = []
    for pick in picks:
        if pick.decode_tps is None:
            calibrated.append(pick)
            continue
        low_high = pick.decode_tps_range
        active_b = _active_params_b(pick.model)
        calibrated.append(pick.model_copy(update={
            "decode_tps": round(pick.decode_tps * ratio, 1),
            "decode_tps_range": (round(low_high[0] * ratio, 1), round(low_high[1] * ratio, 1)) if low_high else None,
            "prefill_tps": round(bench.prompt_tps * bench.params_b / active_b, 0) if active_b else pick.prefill_tps,
            "reasons": [*pick.reasons, _note(bench)],
        }))
    return calibrated


def _active_params_b(model: str) -> float | None:
    """Active parameters of a catalog model (None for a custom one)."""
    from knowledge import load_catalog  # noqa: PLC0415 - only needed when calibrating
    from tools.resolve import resolve_model  # noqa: PLC0415

    try:
        return resolve_model(model, load_catalog()).active_params_b
    except AdvisorError:
        return None


def measure_and_store(choice: str, data_dir: Path | None = None, progress: Progress | None = None) -> BenchResult:
    """`advisor bench`: time a pack (or GGUF path) on this machine's profile and keep the result."""
    from advisor.llm.packs import model_path  # noqa: PLC0415 - packs pull in importlib metadata lookups
    from advisor.profile import load_profile  # noqa: PLC0415
    from knowledge import load_catalog  # noqa: PLC0415
    from tools.hardware_probe import detect  # noqa: PLC0415

    path, display = model_path(choice, paths().models_dir)
    found = detect()
    profile = load_profile(data_dir)
    result = run_bench(path, display, profile.spec, load_catalog(), threads=max(1, found.physical_cores),
                       machine=f"{found.cpu}, {found.physical_cores} cores", progress=progress)
    save_bench(result, data_dir)
    return result


def on_this_machine(result: Estimate, spec: HardwareSpec, filled: list[str], data_dir: Path | None = None) -> Estimate:
    """An estimate as the CLI shows it: calibrated when it is for the measured machine, with the
    hardware that was filled in (this machine, its RAM) listed first among the assumptions."""
    calibrated = calibrate(result, spec, load_bench(data_dir))
    if not filled:
        return calibrated
    return calibrated.model_copy(update={"assumptions": [*filled, *calibrated.assumptions]})
