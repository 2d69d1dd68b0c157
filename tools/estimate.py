"""Memory and speed arithmetic: will this model fit, and how fast will it generate?

Memory = weights (effective bits per weight of real GGUF files) + KV cache (summed over the
model's attention groups, so sliding-window, MLA and recurrent layers cost what they really
cost) + a runtime overhead. Decode speed is bandwidth-bound: every generated token reads the
active weights once, plus a fixed per-layer cost that dominates small models. Both are
plain functions of frozen inputs; the only I/O is the catalog the caller passes in.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Literal

from pydantic import BaseModel, ConfigDict

from knowledge.schema import GB, GIB, MEMORY_UNIT, BackendProfile, Catalog, Claim, EngineProfile, Hardware, Quant
from tools import cpu_speed
from tools.errors import InvalidRequest
from tools.launch import llama_server_line, ollama_line
from tools.requests import EstimateRequest, KvCacheType
from tools.resolve import resolve_model, resolve_quant
from tools.shapes import Device, ModelShape, device_from_spec, shape_of_custom, shape_of_model

KV_BYTES = {"f16": 2.0, "q8_0": 34 / 32, "q4_0": 18 / 32}  # ggml block sizes: 32 values + scale
RUNTIME_BASE_GB = 0.5  # backend context, scratch buffers
RUNTIME_SHARE = 0.04  # compute buffers grow with model width; ~4 % of weights
MULTI_GPU_PENALTY = 0.93  # layer split: cards take turns, plus the hop between them
QUANT_LADDER = ("F16", "Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M", "IQ3_XXS", "Q2_K", "IQ2_XXS")

Fit = Literal["full_gpu", "multi_gpu", "unified_memory", "moe_offload", "gpu_cpu_offload", "cpu_only", "does_not_fit",
              "no_hardware"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class MemoryBreakdown(Frozen):
    weights: float
    kv_cache: float
    overhead: float
    total: float


class SpeedRange(Frozen):
    low: float
    expected: float
    high: float


class DeviceSummary(Frozen):
    name: str
    kind: str
    backend: str
    gpus: int
    memory_gb: float  # marketed size of one device (GiB, as sold); the GB fields below are what a need compares with
    bandwidth_gbps: float
    ram_gb: float | None
    capacity_gb: float | None = None  # all devices together, in GB (10^9 bytes)
    usable_gb: float | None = None  # what a model may occupy, in GB


class Estimate(Frozen):
    """Everything `estimate` says, each figure marked as estimated; `reported` holds measured claims."""

    model: str
    model_name: str
    quant: str
    context: int
    kv_cache_type: str
    backend: str
    hardware: DeviceSummary | None
    memory_gb: MemoryBreakdown
    fit: Fit
    fit_detail: str
    gpu_layers: int | None
    offload_layers: int | None
    best_quant: str | None
    max_context: int | None
    decode_tps: SpeedRange | None
    prefill_tps: float | None
    assumptions: list[str]
    reported: list[Claim]
    sources: list[str]
    provenance: str = "estimated by the advisor's formula; see `reported` for figures measured by others"
    memory_unit: str = MEMORY_UNIT  # every *_gb figure above and in fit_detail: 10^9 bytes
    cpu_moe_layers: int | None = None  # moe_offload: expert layers kept in system RAM (llama.cpp --n-cpu-moe)
    llama_server: str | None = None  # a copy-paste llama.cpp command for this run
    ollama_run: str | None = None  # `ollama run TAG` where the catalog knows the tag
    prefill_validated: bool = False  # True only when prefill_tps is a figure checked against measured rows


# --- memory -------------------------------------------------------------------------------

def bits_per_weight(shape: ModelShape, quant: Quant) -> float:
    """Effective bpw; models that ship part of their weights in a fixed format blend the two."""
    if shape.file_bytes:
        return shape.file_bytes * 8 / (shape.params_total_b * 1e9)
    fixed = shape.fixed_precision
    if fixed is None:
        return quant.bits_per_weight
    # The fixed share keeps its format at every label, above or below it (gpt-oss Q2_K files
    # still carry MXFP4 experts); the rest follows the label down to the floor its tensors keep.
    rest = max(quant.bits_per_weight, fixed.other_min_bits or 0.0)
    return fixed.share_of_params * fixed.bits_per_weight + (1 - fixed.share_of_params) * rest


def weights_bytes(shape: ModelShape, quant: Quant) -> float:
    return shape.params_total_b * 1e9 * bits_per_weight(shape, quant) / 8


def kv_cache_bytes(shape: ModelShape, context: int, kv_type: KvCacheType) -> float:
    """KV cache for `context` tokens, summed over attention groups.

    Sliding-window layers keep at most `window` tokens, MLA layers cache one compressed latent
    per token (K and V together), recurrent layers hold a fixed state whatever the context.
    """
    per_value = KV_BYTES[kv_type]
    total = 0.0
    for group in shape.attention:
        if group.kind == "full":
            total += 2 * group.layers * group.kv_heads * group.head_dim * context * per_value
        elif group.kind == "sliding":
            total += 2 * group.layers * group.kv_heads * group.head_dim * min(context, group.window) * per_value
        elif group.kind == "mla":
            total += group.layers * group.latent_dim * context * per_value
        else:
            total += group.layers * (group.state_mib or 0.0) * 2**20
    return total


def overhead_bytes(weights: float) -> float:
    return RUNTIME_BASE_GB * GB + RUNTIME_SHARE * weights


def memory(shape: ModelShape, quant: Quant, context: int, kv_type: KvCacheType) -> MemoryBreakdown:
    w = weights_bytes(shape, quant)
    kv = kv_cache_bytes(shape, context, kv_type)
    over = overhead_bytes(w)
    return MemoryBreakdown(weights=_gb(w), kv_cache=_gb(kv), overhead=_gb(over), total=_gb(w + kv + over))


def _gb(n_bytes: float) -> float:
    return round(n_bytes / GB, 2)


# --- fit ----------------------------------------------------------------------------------

def _capacity(device: Device) -> str:
    """'2 x 24 GiB = 51.54 GB': the marketed size, then the same memory in the unit needs are given in."""
    what = {"cpu": "of system RAM", "unified": "unified memory"}.get(device.kind, "per card" if device.gpus > 1 else "card")
    count = f"{device.gpus} x " if device.gpus > 1 else ""
    return f"{count}{device.memory_gb:g} GiB {what} = {_gb(device.memory_gb * device.gpus * GIB)} GB"


def placement(shape: ModelShape, total_bytes: float, weights: float, device: Device) -> tuple[Fit, int | None, str]:
    """Where the model goes: all on the accelerator, split with system RAM, CPU only, or nowhere.

    Every figure in the detail is in GB (10^9 bytes); the device's marketed GiB is converted.
    """
    usable = device.usable_bytes
    need = f"needs {_gb(total_bytes)} GB"
    if device.kind == "cpu":
        if total_bytes <= usable:
            return "cpu_only", 0, f"{need} of {_gb(usable)} GB usable ({_capacity(device)})"
        return "does_not_fit", None, f"{need} but only {_gb(usable)} GB is usable ({_capacity(device)})"
    if total_bytes <= usable:
        if device.kind == "unified":
            return "unified_memory", shape.layers, f"{need} of the ~{device.usable_fraction:.0%} GPU share, {_gb(usable)} GB ({_capacity(device)})"
        if device.gpus > 1:
            return "multi_gpu", shape.layers, f"{need} across {device.gpus} GPUs, {_gb(usable)} GB usable ({_capacity(device)})"
        return "full_gpu", shape.layers, f"{need} of {_gb(usable)} GB usable GPU memory ({_capacity(device)})"
    fixed = total_bytes - weights
    per_layer = weights / shape.layers
    gpu_layers = int(max(0.0, usable - fixed) // per_layer)
    ram = device.usable_ram_bytes
    needed_in_ram = weights - gpu_layers * per_layer
    if device.kind == "unified" or ram is None:
        why = "unified memory cannot offload further" if device.kind == "unified" else "no system RAM size given to offload into"
        return "does_not_fit", None, f"{need}, {_gb(usable)} GB usable ({_capacity(device)}); {why}"
    if needed_in_ram > ram:
        return "does_not_fit", None, f"{need}; GPU ({_gb(usable)} GB usable) plus RAM ({_gb(ram)} GB usable) is not enough"
    if gpu_layers == 0:
        return "cpu_only", 0, f"{need}; the GPU ({_gb(usable)} GB usable) is too small for even one layer next to the KV cache; runs from system RAM"
    return "gpu_cpu_offload", gpu_layers, f"{need}: {gpu_layers} of {shape.layers} layers on the GPU ({_gb(usable)} GB usable), {shape.layers - gpu_layers} in system RAM"


def moe_placement(shape: ModelShape, quant: Quant, total_bytes: float, weights: float, device: Device) -> tuple[int, str] | None:
    """Expert offload for a MoE model too big for the card: how many layers keep their experts in RAM.

    Attention, shared weights, the KV cache and the runtime buffers stay on the GPU, as do the
    experts of as many layers as still fit; the experts of the other N layers are read from
    system RAM (llama.cpp `--n-cpu-moe N`). None when the model is dense, the device has no
    separate RAM, or even N = all layers does not fit.
    """
    if not shape.is_moe or device.kind != "discrete" or device.usable_ram_bytes is None:
        return None
    bpw = bits_per_weight(shape, quant)
    layers = shape.moe_layers or shape.layers
    experts = (shape.params_total_b - shape.dense_params_b) * 1e9 * bpw / 8
    per_layer = experts / layers
    on_gpu_always = total_bytes - experts  # dense weights + KV cache + overhead
    room = device.usable_bytes - on_gpu_always
    if room < 0:
        return None
    cpu_layers = max(0, layers - int(room // per_layer))
    if cpu_layers == 0 or cpu_layers * per_layer > device.usable_ram_bytes:
        return None
    gpu_part = on_gpu_always + (layers - cpu_layers) * per_layer
    return cpu_layers, (f"needs {_gb(total_bytes)} GB: {_gb(gpu_part)} GB on the GPU ({_gb(device.usable_bytes)} GB usable; "
                        f"attention, shared weights, KV cache and the experts of {layers - cpu_layers} layers), the experts of "
                        f"{cpu_layers} of {layers} layers ({_gb(cpu_layers * per_layer)} GB) in system RAM")


# --- speed --------------------------------------------------------------------------------

def weight_bytes_read(params_b: float, bpw: float, profile: BackendProfile) -> float:
    """What `params_b` billion weights of `bpw` bits cost to decode, in bytes read.

    Their own bytes, except below the profile's `min_decode_bits`: there unpacking the blocks,
    not reading them, bounds the matrix-vector kernels, so a 2-bit weight takes as long as one
    of `min_decode_bits` bits (measured: a 7B Q2_K decodes no faster than its Q4_0).
    """
    return params_b * 1e9 * max(bpw, profile.min_decode_bits) / 8


def decode_seconds_per_token(
    shape: ModelShape, quant: Quant, device: Device, backend: BackendProfile, cpu: BackendProfile,
    gpu_layers: int, context: int, kv_type: KvCacheType, cpu_moe_layers: int = 0,
) -> float:
    """Time to generate one token: bytes read at the effective bandwidth plus per-layer costs.

    Only active parameters are read per token (MoE), less the input token table's rows the
    token does not use (untied embeddings), the KV cache up to `context` is read too, and layers left in system RAM are read at RAM bandwidth by the CPU backend. With
    expert offload (`cpu_moe_layers` > 0) every layer runs on the GPU except the routed
    experts of those layers, whose active share is read from RAM.
    """
    bpw = bits_per_weight(shape, quant)
    kv = kv_cache_bytes(shape, context, kv_type)
    if cpu_moe_layers and shape.is_moe:
        return _moe_offload_seconds(shape, bpw, kv, device, backend, cpu, cpu_moe_layers)
    gpu_share = gpu_layers / shape.layers
    seconds = 0.0
    if gpu_share > 0:
        per_token = weight_bytes_read(shape.params_read_b, bpw, backend) + kv
        seconds += per_token * gpu_share / (device.bandwidth_gbps * GB * backend.bandwidth_efficiency)
        seconds += gpu_layers * backend.per_layer_ms / 1000
    if gpu_share < 1:
        cpu_layers = shape.layers - gpu_layers
        per_token = weight_bytes_read(shape.params_read_b, bpw, cpu) + kv
        seconds += per_token * (1 - gpu_share) / (device.ram_bandwidth_gbps * GB * cpu.bandwidth_efficiency)
        seconds += cpu_layers * cpu.per_layer_ms / 1000
    if device.gpus > 1 and gpu_share > 0:
        seconds /= MULTI_GPU_PENALTY
    return seconds


def _moe_offload_seconds(shape: ModelShape, bpw: float, kv: float, device: Device, backend: BackendProfile,
                         cpu: BackendProfile, cpu_moe_layers: int) -> float:
    """Active expert bytes of the offloaded layers over RAM bandwidth, everything else over VRAM."""
    layers = shape.moe_layers or shape.layers
    expert_active_b = shape.params_active_b - shape.dense_params_b
    in_ram_b = expert_active_b * cpu_moe_layers / layers  # billions of weights the CPU reads per token
    on_gpu = weight_bytes_read(shape.params_read_b - in_ram_b, bpw, backend) + kv
    seconds = on_gpu / (device.bandwidth_gbps * GB * backend.bandwidth_efficiency)
    seconds += shape.layers * backend.per_layer_ms / 1000
    seconds += weight_bytes_read(in_ram_b, bpw, cpu) / (device.ram_bandwidth_gbps * GB * cpu.bandwidth_efficiency)
    seconds += cpu_moe_layers * (cpu.expert_layer_ms if cpu.expert_layer_ms is not None else cpu.per_layer_ms) / 1000
    if device.gpus > 1:
        seconds /= MULTI_GPU_PENALTY
    return seconds


def backend_profile(catalog: Catalog, backend: str, device: Device | None = None) -> BackendProfile:
    """The most specific profile for this backend and device.

    Measurements justify a few device-specific rows (Vulkan on Intel Arc, CUDA on datacenter
    HBM parts); every selector a row sets must match, and the row matching most wins.
    """
    best: tuple[int, BackendProfile] | None = None
    for profile in catalog.backends:
        if profile.id != backend:
            continue
        selectors = [(profile.vendor, device.vendor if device else None), (profile.segment, device.segment if device else None)]
        if any(want is not None and (have or "").lower() != want.lower() for want, have in selectors):
            continue
        rank = sum(want is not None for want, _ in selectors)
        if best is None or rank > best[0]:
            best = (rank, profile)
    if best is None:
        raise InvalidRequest(f"no speed profile for the {backend} backend")
    return best[1]


def speed(
    shape: ModelShape, quant: Quant, device: Device, gpu_layers: int, context: int, kv_type: KvCacheType,
    catalog: Catalog, engine: EngineProfile, cpu_moe_layers: int = 0,
) -> tuple[SpeedRange, float]:
    """Decode range and prefill. Expected and low are at the requested context, whose KV cache
    every token reads; high is an empty context on the fastest engine."""
    cpu = backend_profile(catalog, "cpu")
    backend = cpu if device.kind == "cpu" else backend_profile(catalog, device.backend, device)
    short = decode_seconds_per_token(shape, quant, device, backend, cpu, gpu_layers, 0, kv_type, cpu_moe_layers)
    full = decode_seconds_per_token(shape, quant, device, backend, cpu, gpu_layers, context, kv_type, cpu_moe_layers)
    short, full = cpu_speed.bound_by_compute(shape, device, short, full)  # few/small cores (issue 15)
    expected = engine.factor / full
    low = engine.factor_low * 0.8 / full
    high = engine.factor_high * 1.2 / short
    prefill = backend.prefill_ratio / short if gpu_layers == shape.layers else cpu.prefill_ratio / short
    prefill = cpu_speed.prefill_tps(shape, device) or prefill  # compute-bound on a CPU or iGPU (issue 15)
    return SpeedRange(low=round(low, 1), expected=round(expected, 1), high=round(high, 1)), round(prefill * engine.factor, 0)


def cards_of_size(memory_gb: float, catalog: Catalog) -> list[Hardware]:
    """NVIDIA consumer cards sold with this much memory, slowest first: what "a 16 GB card" may be.

    NVIDIA only, because a GPU known only by its size is treated as a CUDA card.
    """
    cards = [h for h in catalog.hardware if h.kind == "discrete" and h.segment == "consumer" and h.vendor == "NVIDIA"
             and memory_gb in (h.memory_gb, *h.memory_options_gb)]
    return sorted(cards, key=lambda h: h.bandwidth_gbps)


def speed_across(cards: list[Hardware], shape: ModelShape, quant: Quant, device: Device, gpu_layers: int,
                 req: EstimateRequest, catalog: Catalog, engine: EngineProfile, cpu_moe_layers: int = 0) -> tuple[SpeedRange, float]:
    """Decode from the slowest card's low to the fastest card's high; prefill of the slowest."""
    slow, slow_prefill = speed(shape, quant, replace(device, bandwidth_gbps=cards[0].bandwidth_gbps), gpu_layers,
                               req.context, req.kv_cache, catalog, engine, cpu_moe_layers)
    fast, _ = speed(shape, quant, replace(device, bandwidth_gbps=cards[-1].bandwidth_gbps), gpu_layers,
                    req.context, req.kv_cache, catalog, engine, cpu_moe_layers)
    expected = round(math.sqrt(slow.expected * fast.expected), 1)
    return SpeedRange(low=slow.low, expected=expected, high=fast.high), slow_prefill


# --- searches over quant and context ------------------------------------------------------

def _fits(shape: ModelShape, quant: Quant, context: int, kv_type: KvCacheType, device: Device) -> bool:
    weights = weights_bytes(shape, quant)
    total = weights + kv_cache_bytes(shape, context, kv_type) + overhead_bytes(weights)
    return total <= device.usable_bytes


def best_quant(shape: ModelShape, context: int, kv_type: KvCacheType, device: Device, catalog: Catalog) -> str | None:
    """Highest-precision common quant that fits entirely on the accelerator at this context."""
    if shape.file_bytes and shape.model is not None and shape.model.file is not None:
        return None  # the user's own file: its quant is fixed, there is no ladder to climb
    quants = {q.id: q for q in catalog.quants}
    for qid in QUANT_LADDER:
        if qid in quants and _fits(shape, quants[qid], context, kv_type, device):
            return qid
    return None


def max_context(shape: ModelShape, quant: Quant, kv_type: KvCacheType, device: Device) -> int | None:
    """Largest context (tokens) that still fits entirely on the accelerator, by bisection."""
    ceiling = shape.context_limit or 131072
    if not _fits(shape, quant, 1, kv_type, device):
        return None
    if _fits(shape, quant, ceiling, kv_type, device):
        return ceiling
    lo, hi = 1, ceiling
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if _fits(shape, quant, mid, kv_type, device) else (lo, mid)
    return lo // 256 * 256 or lo


# --- the tool -----------------------------------------------------------------------------

def estimate(req: EstimateRequest, catalog: Catalog) -> Estimate:
    """Memory, fit, speed and the sources' own measurements for one model on one machine."""
    shape = shape_of_model(resolve_model(req.model, catalog)) if req.model else shape_of_custom(req.custom)
    quant = resolve_quant(req.quant, catalog)
    if shape.context_limit and req.context > shape.context_limit:
        raise InvalidRequest(f"{shape.name} supports at most {shape.context_limit:,} tokens of context; {req.context:,} was asked.")
    device = device_from_spec(req.hardware, catalog)
    mem = memory(shape, quant, req.context, req.kv_cache)
    engine = next(e for e in catalog.engines if e.id == req.backend)
    assumptions = [
        *shape.assumptions,
        f"weights at {bits_per_weight(shape, quant):.2f} effective bits per weight ({quant.id} as in published GGUF files)",
        f"KV cache {req.kv_cache} for {req.context:,} tokens",
        f"runtime overhead {RUNTIME_BASE_GB} GB + {RUNTIME_SHARE:.0%} of weights",
    ]
    fit: Fit = "no_hardware"
    detail = "no hardware given: memory only"
    gpu_layers = offload = cpu_moe = None
    decode = prefill = None
    best = ctx_max = None
    summary = None
    if device is not None:
        assumptions += list(device.assumptions)
        assumptions.append(f"usable memory: {device.usable_fraction:.0%} of {device.memory_gb:g} GiB per device "
                           f"({_gb(device.memory_gb * GIB)} GB); every memory figure here is in GB = 10^9 bytes")
        weights = weights_bytes(shape, quant)
        total = mem.total * GB
        fit, gpu_layers, detail = placement(shape, total, weights, device)
        if fit in ("gpu_cpu_offload", "cpu_only", "does_not_fit") and (moe := moe_placement(shape, quant, total, weights, device)):
            fit, gpu_layers, offload, (cpu_moe, detail) = "moe_offload", shape.layers, 0, moe
            assumptions.append(f"MoE expert offload: {shape.dense_params_b:.1f}B parameters outside the routed experts stay on the GPU; "
                               f"expert layers in RAM are read at {device.ram_bandwidth_gbps:g} GB/s")
        else:
            offload = None if gpu_layers is None else shape.layers - gpu_layers
        if fit != "does_not_fit" and device.bandwidth_gbps > 0:
            decode, prefill = speed(shape, quant, device, gpu_layers or 0, req.context, req.kv_cache, catalog, engine, cpu_moe or 0)
            assumptions.append(
                f"decode: expected and low with the KV cache filled to the requested {req.context:,} tokens (low on a slower engine), "
                f"high at an empty context; with {req.backend}, "
                f"bandwidth {device.bandwidth_gbps:g} GB/s (spec) on the {device.backend if device.kind != 'cpu' else 'cpu'} backend"
            )
        elif fit != "does_not_fit" and device.kind == "discrete" and (cards := cards_of_size(device.memory_gb, catalog)):
            decode, prefill = speed_across(cards, shape, quant, device, gpu_layers or 0, req, catalog, engine, cpu_moe or 0)
            assumptions = [a for a in assumptions if "no speed estimate" not in a]
            assumptions.append(
                f"no GPU named: decode spans the NVIDIA consumer {device.memory_gb:g} GB cards of the catalog, low on the "
                f"{cards[0].name} ({cards[0].bandwidth_gbps:g} GB/s), high on the {cards[-1].name} ({cards[-1].bandwidth_gbps:g} GB/s), "
                f"expected = their geometric mean")
        if device.kind != "cpu":
            best = best_quant(shape, req.context, req.kv_cache, device, catalog)
            ctx_max = max_context(shape, quant, req.kv_cache, device)
        summary = DeviceSummary(name=device.name, kind=device.kind, backend=device.backend, gpus=device.gpus,
                                memory_gb=device.memory_gb, bandwidth_gbps=device.bandwidth_gbps, ram_gb=device.ram_gb,
                                capacity_gb=_gb(device.memory_gb * device.gpus * GIB), usable_gb=_gb(device.usable_bytes))
    if prefill is not None and not cpu_speed.prefill_validated(device):
        # Prompt processing is compute-bound and the catalog holds no compute figures: the ratio
        # rule in `speed` missed measured pp512 rows by a median 64% (evals/estimator_eval.py,
        # score_prefill), so no prefill figure is shown; the sources' own prefill claims are.
        assumptions.append("prefill (prompt processing) speed is not estimated: it is compute-bound and unvalidated here; "
                           "see the reported figures")
        prefill = None
    reported = [c for c in shape.model.claims if c.kind in ("speed", "prefill_speed", "memory")] if shape.model else []
    sources = sorted({c.source for c in reported})
    return Estimate(
        model=shape.id, model_name=shape.name, quant=quant.id, context=req.context, kv_cache_type=req.kv_cache,
        backend=req.backend, hardware=summary, memory_gb=mem, fit=fit, fit_detail=detail, gpu_layers=gpu_layers,
        offload_layers=offload, best_quant=best, max_context=ctx_max, decode_tps=decode, prefill_tps=prefill,
        assumptions=assumptions, reported=reported, sources=sources, cpu_moe_layers=cpu_moe,
        prefill_validated=prefill is not None,
        llama_server=llama_server_line(shape, quant.id, req.context, req.kv_cache, fit, gpu_layers, cpu_moe),
        ollama_run=ollama_line(shape.model, quant.id),
    )
