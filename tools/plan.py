"""The inverse question: what would it take to run this model? Memory per run mode, and devices.

`estimate` answers "does M run on D?"; people also ask "what do I need for M at 32k context and
30 tok/s?". This works the arithmetic backwards from the same functions, so the two answers
agree: the memory each way of running needs (all on the GPU, MoE experts in RAM, layers in RAM,
CPU only) and the catalog devices that meet it. The catalog holds no prices, so "cheapest" is
approximated by the least memory, then the least bandwidth, that still meets the request.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from knowledge.schema import GB, GIB, MEMORY_UNIT, Catalog
from tools.errors import AdvisorError, InvalidRequest
from tools.estimate import bits_per_weight, estimate, kv_cache_bytes, memory, overhead_bytes, weights_bytes
from tools.requests import MAX_CONTEXT, Backend, EstimateRequest, HardwareSpec, KvCacheType
from tools.resolve import resolve_model, resolve_quant
from tools.shapes import USABLE_FRACTION, shape_of_model

Mode = Literal["full_gpu", "moe_offload", "gpu_cpu_offload", "cpu_only"]
SEGMENTS = ("consumer", "workstation", "system")  # what one person buys; datacenter parts are listed only if nothing else fits
DEVICES_SHOWN = 5
_SIZE_IN_NAME = re.compile(r"\s*\d+\s*GB\b", re.IGNORECASE)  # "RTX 5060 Ti 16GB" sold with 8 GB too


class PlanRequest(BaseModel):
    """Arguments of the `plan` tool."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str = Field(description="Model name or id from the catalog")
    context: int = Field(default=8192, ge=1, le=MAX_CONTEXT, description="Context length in tokens")
    target_tps: float | None = Field(default=None, gt=0, le=10_000, description="Decode speed wanted, tokens/s")
    quant: str = Field(default="Q4_K_M", description="GGUF quant, e.g. Q4_K_M")
    kv_cache: KvCacheType = "f16"
    ram_gb: float = Field(default=64, gt=0, le=8192, description="System RAM assumed for the offload modes, GB")
    backend: Backend = "llama.cpp"


class ModeNeed(BaseModel):
    model_config = ConfigDict(frozen=True)

    mode: Mode
    gpu_gb: float = Field(description="GPU (or unified) memory the model occupies, GB = 10^9 bytes")
    ram_gb: float = Field(description="System RAM it occupies, GB")
    smallest_card_gib: float | None = Field(description="Smallest marketed GPU size (GiB, as sold) that holds gpu_gb")
    note: str


class DeviceOption(BaseModel):
    model_config = ConfigDict(frozen=True)

    device: str
    memory_gib: float  # marketed size, all GPUs together
    fit: str
    decode_tps: float | None
    cpu_moe_layers: int | None
    llama_server: str | None


class PlanResult(BaseModel):
    """Memory per run mode and the cheapest catalog devices that run the model as asked."""

    model_config = ConfigDict(frozen=True)

    model: str
    model_name: str
    quant: str
    context: int
    target_tps: float | None = None  # the decode speed asked for, tokens/s; None when none was
    ram_gb: float | None = None  # system RAM the offload modes assume, GB
    memory_unit: str = MEMORY_UNIT
    modes: list[ModeNeed]
    devices: list[DeviceOption]
    assumptions: list[str]


def _card_gib(gpu_bytes: float) -> float:
    """Marketed GiB a discrete card needs to hold this much (95% of it is usable)."""
    return round(gpu_bytes / USABLE_FRACTION["discrete"] / GIB, 1)


def modes(req: PlanRequest, catalog: Catalog) -> tuple[list[ModeNeed], str, str]:
    shape = shape_of_model(resolve_model(req.model, catalog))
    quant = resolve_quant(req.quant, catalog)
    if shape.context_limit and req.context > shape.context_limit:
        raise InvalidRequest(f"{shape.name} supports at most {shape.context_limit:,} tokens of context; {req.context:,} was asked.")
    mem = memory(shape, quant, req.context, req.kv_cache)
    weights = weights_bytes(shape, quant)
    fixed = kv_cache_bytes(shape, req.context, req.kv_cache) + overhead_bytes(weights)
    total = mem.total * GB
    out = [ModeNeed(mode="full_gpu", gpu_gb=mem.total, ram_gb=0.0, smallest_card_gib=_card_gib(total),
                    note="everything on the GPU: the fastest way")]
    if shape.is_moe:
        experts = (shape.params_total_b - shape.dense_params_b) * 1e9 * bits_per_weight(shape, quant) / 8
        gpu = total - experts
        out.append(ModeNeed(mode="moe_offload", gpu_gb=round(gpu / GB, 2), ram_gb=round(experts / GB, 2),
                            smallest_card_gib=_card_gib(gpu),
                            note="attention, shared weights and KV cache on the GPU, every expert layer in RAM "
                                 "(--cpu-moe); each expert layer moved back to the GPU needs "
                                 f"{experts / (shape.moe_layers or shape.layers) / GB:.2f} GB more there"))
    per_layer = weights / shape.layers
    out.append(ModeNeed(mode="gpu_cpu_offload", gpu_gb=round((fixed + per_layer) / GB, 2), ram_gb=round((weights - per_layer) / GB, 2),
                        smallest_card_gib=_card_gib(fixed + per_layer),
                        note=f"layers split with RAM (-ngl); each layer on the GPU needs {per_layer / GB:.2f} GB more there"))
    out.append(ModeNeed(mode="cpu_only", gpu_gb=0.0, ram_gb=mem.total, smallest_card_gib=None,
                        note=f"all in RAM: needs {mem.total / USABLE_FRACTION['cpu']:.1f} GB installed (80% usable)"))
    return out, shape.id, shape.name


def _candidates(catalog: Catalog, ram_gb: float) -> list[tuple[str, float, float, HardwareSpec, str]]:
    """(label, marketed GiB, bandwidth, spec) for each buyable GPU size and for two of each consumer card."""
    found = []
    for hw in catalog.hardware:
        if hw.kind == "cpu" or hw.segment not in (*SEGMENTS, "laptop", "datacenter"):
            continue
        for size in sorted({hw.memory_gb, *hw.memory_options_gb}):
            name = hw.name if size == hw.memory_gb else f"{_SIZE_IN_NAME.sub('', hw.name)} {size:g}GB"
            exact = hw.id if size == hw.memory_gb else f"{hw.id} {size:g}GB"  # ids resolve exactly; names can be fuzzy
            found.append((name, size, hw.bandwidth_gbps, HardwareSpec(gpu=exact, ram_gb=ram_gb if hw.kind == "discrete" else None),
                          hw.segment))
            if hw.kind == "discrete" and hw.segment == "consumer" and size == hw.memory_gb:
                found.append((f"2x {hw.name}", 2 * size, hw.bandwidth_gbps, HardwareSpec(gpu=hw.id, gpus=2, ram_gb=ram_gb),
                              hw.segment))
    return found


# With no speed asked, a device that runs the model at 1 tok/s is no answer to "what do I need".
# Article 001 puts responsive chat at about 10 tok/s, roughly reading speed.
USABLE_TPS = 10.0


def plan(req: PlanRequest, catalog: Catalog) -> PlanResult:
    """Memory needed per run mode and the devices with the least memory (then bandwidth) that meet the request."""
    needs, model_id, name = modes(req, catalog)
    options: list[tuple[int, float, float, DeviceOption]] = []
    for label, size, bandwidth, spec, segment in _candidates(catalog, req.ram_gb):
        try:
            run = estimate(EstimateRequest(model=model_id, quant=req.quant, context=req.context, kv_cache=req.kv_cache,
                                           hardware=spec, backend=req.backend), catalog)
        except AdvisorError:
            continue
        if run.fit in ("does_not_fit", "no_hardware") or run.decode_tps is None:
            continue
        if run.decode_tps.expected < (req.target_tps if req.target_tps is not None else USABLE_TPS):
            continue
        rank = 0 if segment in SEGMENTS else 1  # laptops and datacenter parts after what a desk can hold
        options.append((rank, size, bandwidth, DeviceOption(
            device=label, memory_gib=size, fit=run.fit, decode_tps=run.decode_tps.expected,
            cpu_moe_layers=run.cpu_moe_layers, llama_server=run.llama_server)))
    options.sort(key=lambda o: (o[0], o[1], o[2], o[3].device))
    assumptions = [
        "the catalog has no prices: devices are ordered by least memory, then least bandwidth, desktop parts first",
        f"offload modes assume {req.ram_gb:g} GB of system RAM",
        "memory needs in GB (10^9 bytes); device sizes in GiB as sold (a '24 GB' card holds 24 GiB)",
    ]
    wanted = req.target_tps if req.target_tps is not None else USABLE_TPS
    assumptions.append(f"only devices whose expected decode reaches {wanted:g} tok/s at {req.context:,} tokens"
                       + ("" if req.target_tps is not None else " (no speed asked: about reading speed)"))
    return PlanResult(model=model_id, model_name=name, quant=resolve_quant(req.quant, catalog).id, context=req.context,
                      target_tps=req.target_tps, ram_gb=req.ram_gb, modes=needs,
                      devices=[o[3] for o in options[:DEVICES_SHOWN]], assumptions=assumptions)
