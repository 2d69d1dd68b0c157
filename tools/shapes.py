"""The few numbers of a model and a device that the arithmetic needs, with what was assumed.

A catalog entry may lack its layer count or attention layout (API-only or unpublished
models); rather than refuse, the estimator fills the gap with a stated assumption, so every
output can say exactly which of its inputs were guesses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from knowledge.schema import GIB, AttentionGroup, Catalog, FixedPrecision, Hardware, Model, MoeRouting
from tools import cpu_speed
from tools.errors import InvalidRequest
from tools.requests import CustomModel, HardwareSpec
from tools.resolve import resolve_hardware

# A MoE model whose router is not in the catalog is assumed to send each token to 1 in 16 of
# its routed experts (Qwen3-30B-A3B: 8 of 128), the ratio of most open MoE releases of 2025-26.
_DEFAULT_ROUTED_FRACTION = 1 / 16

# Fallback layout for a model whose attention is not public: grouped-query attention with
# 8 KV heads of 128 dims on every layer, the most common shape among 7B-70B open models.
_DEFAULT_KV_HEADS = 8
_DEFAULT_HEAD_DIM = 128

# Share of device memory a model may use: a discrete card keeps some for the driver and the
# display; macOS lets the GPU wire roughly three quarters of unified memory by default.
USABLE_FRACTION = {"discrete": 0.95, "unified": 0.75, "cpu": 0.80}

DEFAULT_RAM_BANDWIDTH_GBPS = 70.0  # dual-channel DDR5-4800 is 76.8 GB/s on paper


def estimated_layers(params_b: float) -> int:
    """Layer count typical of open models of this total size (8B ~ 32, 70B ~ 66, 235B ~ 98)."""
    return max(8, round(32 * (params_b / 8) ** 0.33))


@dataclass(frozen=True)
class ModelShape:
    id: str
    name: str
    params_total_b: float
    params_active_b: float
    layers: int
    attention: tuple[AttentionGroup, ...]
    context_limit: int | None
    fixed_precision: FixedPrecision | None
    model: Model | None = None
    file_bytes: float | None = None  # a known GGUF file size beats the per-quant average
    assumptions: tuple[str, ...] = field(default=())
    dense_params_b: float | None = None  # MoE: parameters outside the routed experts (attention, shared); None = dense
    moe_layers: int | None = None  # MoE: layers holding routed experts
    input_embedding_b: float = 0.0  # untied input token table: counted in the parameters, one row read per token

    @property
    def params_read_b(self) -> float:
        """Parameters decode reads per token: the active ones less the input table's unread rows."""
        return self.params_active_b - self.input_embedding_b

    @property
    def is_moe(self) -> bool:
        return self.dense_params_b is not None and self.dense_params_b < self.params_active_b <= self.params_total_b


def routed_split(moe: MoeRouting | None, total: float, active: float, layers: int) -> tuple[float | None, int | None, list[str]]:
    """Parameters outside the routed experts, and the number of expert layers, of a MoE model.

    With r = experts used / experts per layer, active = dense + r x (total - dense), so
    dense = (active - r x total) / (1 - r). Only the routed experts can move to system RAM.
    """
    if active >= total:
        return None, None, []
    notes: list[str] = []
    if moe is not None:
        r = moe.experts_per_token / moe.experts
        moe_layers = moe.moe_layers or layers
    else:
        r = _DEFAULT_ROUTED_FRACTION
        moe_layers = layers
        notes.append(f"expert routing not in the catalog; assumed 1 of {round(1 / r)} routed experts active per token")
    dense = (active - r * total) / (1 - r)
    if dense <= 0:
        dense = 0.1 * active
        notes.append("routing ratio inconsistent with the parameter counts; assumed 10% of the active parameters outside the experts")
    return dense, moe_layers, notes


def shape_of_model(model: Model) -> ModelShape:
    if model.params_total_b is None:
        why = {"open": "no source we hold gives it", "api_only": "it is served by API only",
               "unreleased": "it is not released"}[model.weights]
        raise InvalidRequest(f"{model.name}'s parameter count is not known ({why}), so its memory cannot be estimated.")
    notes: list[str] = []
    total = model.params_total_b.value
    active = model.active_params_b or total
    if model.layers is not None:
        layers = int(model.layers.value)
    else:
        layers = estimated_layers(total)
        notes.append(f"layer count not public; assumed {layers} from the model size")
    attention = tuple(model.attention)
    if not attention:
        attention = (_default_group(layers),)
        notes.append(
            f"attention layout not public; assumed {_DEFAULT_KV_HEADS} KV heads x {_DEFAULT_HEAD_DIM} dims on all {layers} layers"
        )
    dense, moe_layers, moe_notes = (None, None, []) if model.architecture == "dense" else routed_split(model.moe, total, active, layers)
    if model.file is not None and model.file.tensor_bytes:
        notes.append(f"weights: the {model.file.tensor_bytes:,} bytes of tensors in your file {model.file.path}, "
                     "whatever the quant label says")
    return ModelShape(
        id=model.id, name=model.name, params_total_b=total, params_active_b=active, layers=layers,
        attention=attention, context_limit=int(model.context_tokens.value) if model.context_tokens else None,
        fixed_precision=model.fixed_precision, model=model, assumptions=tuple(notes + moe_notes),
        dense_params_b=dense, moe_layers=moe_layers,
        file_bytes=float(model.file.tensor_bytes) if model.file and model.file.tensor_bytes else None,
        input_embedding_b=input_embedding_b(model),
    )


def input_embedding_b(model: Model) -> float:
    """Billions of weights in the model's input token table that decode never reads: 0 when the
    table is also the output head (tied) or the catalog does not give it."""
    e = model.embedding
    return 0.0 if e is None or e.tied else e.vocab_size * e.hidden_size / 1e9


def shape_of_custom(custom: CustomModel) -> ModelShape:
    notes = ["custom model: shape as given on the command line"]
    layers = custom.layers or estimated_layers(custom.params_b)
    if custom.layers is None:
        notes.append(f"layer count not given; assumed {layers} from the model size")
    if custom.kv_heads and custom.head_dim:
        group = AttentionGroup(kind="full", layers=layers, kv_heads=custom.kv_heads, head_dim=custom.head_dim,
                               origin="derived", source="given by the user")
    else:
        group = _default_group(layers)
        notes.append(f"attention not given; assumed {_DEFAULT_KV_HEADS} KV heads x {_DEFAULT_HEAD_DIM} dims on every layer")
    dense, moe_layers, moe_notes = routed_split(None, custom.params_b, custom.active_params_b or custom.params_b, layers)
    return ModelShape(
        id="custom", name=f"custom {custom.params_b:g}B model", params_total_b=custom.params_b,
        params_active_b=custom.active_params_b or custom.params_b, layers=layers, attention=(group,),
        context_limit=None, fixed_precision=None, assumptions=tuple(notes + moe_notes),
        file_bytes=custom.file_size_gb * 1e9 if custom.file_size_gb else None,
        dense_params_b=dense, moe_layers=moe_layers,
    )


def _default_group(layers: int) -> AttentionGroup:
    return AttentionGroup(kind="full", layers=layers, kv_heads=_DEFAULT_KV_HEADS, head_dim=_DEFAULT_HEAD_DIM,
                          origin="derived", source="assumed typical GQA layout")


@dataclass(frozen=True)
class Device:
    """Where the weights live: GPU memory (or unified memory) plus system RAM for offload."""

    name: str
    kind: str  # discrete | unified | cpu
    backend: str
    gpus: int
    memory_gb: float  # marketed size of one device, binary GB (a "24 GB" card holds 24 GiB)
    bandwidth_gbps: float
    ram_gb: float | None
    ram_bandwidth_gbps: float
    assumptions: tuple[str, ...] = ()
    vendor: str | None = None
    segment: str | None = None
    compute: cpu_speed.Compute | None = None  # CPU cores / iGPU shaders, when the catalog gives them
    memory_share: float | None = None  # an iGPU's share of system RAM, replacing USABLE_FRACTION

    @property
    def usable_fraction(self) -> float:
        return self.memory_share if self.memory_share is not None else USABLE_FRACTION[self.kind]

    @property
    def usable_bytes(self) -> float:
        """Bytes a model may occupy on the accelerator (all GPUs together)."""
        return self.memory_gb * self.gpus * GIB * self.usable_fraction

    @property
    def usable_ram_bytes(self) -> float | None:
        return None if self.ram_gb is None else self.ram_gb * GIB * USABLE_FRACTION["cpu"]


def device_from_spec(spec: HardwareSpec, catalog: Catalog) -> Device | None:
    """Turn the request's hardware into a Device; None when nothing was said about hardware."""
    if spec.is_empty:
        return None
    notes: list[str] = []
    ram_bw = DEFAULT_RAM_BANDWIDTH_GBPS
    if spec.gpu:
        choice = resolve_hardware(spec.gpu, catalog)
        hw = choice.hardware
        backend = spec.gpu_backend or hw.backend
        if hw.kind == "cpu":
            ram = spec.ram_gb or choice.memory_gb
            return _with_chip(Device(hw.name, "cpu", "cpu", 1, ram, hw.bandwidth_gbps, ram, hw.bandwidth_gbps), hw, spec)
        if hw.kind == "unified":
            if spec.gpus > 1:
                raise InvalidRequest(f"{hw.name} is a unified-memory system; multi-GPU counts apply to discrete cards only.")
            return _with_chip(Device(hw.name, "unified", backend, 1, choice.memory_gb, hw.bandwidth_gbps, spec.ram_gb, ram_bw,
                                     vendor=hw.vendor, segment=hw.segment), hw)
        if spec.ram_gb is not None:
            notes.append(f"system RAM bandwidth assumed {ram_bw:g} GB/s for offloaded layers")
        return Device(hw.name, "discrete", backend, spec.gpus, choice.memory_gb, hw.bandwidth_gbps,
                      spec.ram_gb, ram_bw, tuple(notes), vendor=hw.vendor, segment=hw.segment)
    if spec.vram_gb:
        bandwidth = spec.bandwidth_gbps
        if bandwidth is None:
            bandwidth = 0.0
            notes.append("GPU bandwidth not given, so no speed estimate")
        if spec.gpu_backend is None:
            notes.append("unnamed GPU treated as an NVIDIA card (CUDA backend)")
        return Device(f"{spec.vram_gb:g} GB GPU", "discrete", spec.gpu_backend or "cuda", spec.gpus, spec.vram_gb,
                      bandwidth, spec.ram_gb, ram_bw, tuple(notes))
    ram = spec.ram_gb
    if ram is None:
        raise InvalidRequest("CPU-only estimates need the system RAM size (ram_gb).")
    notes.append(f"system RAM bandwidth assumed {ram_bw:g} GB/s")
    compute, cpu_notes = cpu_speed.compute_of_spec(spec.cpu_cores, spec.cpu_gflops)  # detected cores (issue 15)
    return Device(f"CPU with {ram:g} GB RAM", "cpu", "cpu", 1, ram, ram_bw, ram, ram_bw, tuple(notes) + cpu_notes,
                  compute=compute)


def _with_chip(device: Device, hw: Hardware, spec: HardwareSpec | None = None) -> Device:
    """Add what bounds a CPU or iGPU besides bandwidth (tools.cpu_speed), with its assumptions.

    Cores given in the request (detected on this machine) replace the record's typical count.
    """
    notes = cpu_speed.chip_notes(hw)
    compute = cpu_speed.compute_of(hw)
    if spec is not None and (spec.cpu_cores or spec.cpu_gflops):
        compute, given = cpu_speed.compute_of_spec(spec.cpu_cores, spec.cpu_gflops)
        notes = tuple(n for n in notes if not n.startswith("CPU:")) + given
    return replace(device, compute=compute, memory_share=cpu_speed.usable_share(hw),
                   assumptions=device.assumptions + notes)
