"""Schemas for the knowledge files, checked by pydantic when they are loaded.

Every number in the knowledge base says where it came from, because the advisor's answers
cite it: a seed article, a public model config, or something we derived from those. A value
nobody published stays ``None`` rather than being guessed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Origin = Literal["article", "public_config", "derived"]
"""Where a value comes from: a seed article, a public model card/config, or our own arithmetic."""

Task = Literal[
    "coding", "general", "reasoning", "vision", "long-context", "agentic", "multilingual",
    "math", "audio", "edge", "creative",
]
Modality = Literal["text", "image", "audio", "video"]
Permission = Literal["yes", "conditional", "no", "unclear"]


class Frozen(BaseModel):
    """Base for knowledge records: immutable, and strict about unknown keys to catch typos."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Fact(Frozen):
    """One number with its provenance."""

    value: float
    origin: Origin
    source: str = Field(description="Seed file name, public config (e.g. 'hf:Qwen/Qwen3-8B config.json') or 'derived: how'")


class Claim(Frozen):
    """A figure some source reported about a model: kept as reported, never merged.

    Sources disagree (speeds especially), so each claim stands on its own with its source and
    the conditions it was measured under.
    """

    kind: Literal["speed", "prefill_speed", "memory", "benchmark", "context", "license", "params", "ranking", "other"]
    text: str = Field(description="Short statement in our own words")
    value: float | None = None
    value_high: float | None = Field(default=None, description="Upper end when the source gives a range")
    unit: str | None = None  # "tok/s", "GB", "%", "Elo", "tokens"
    hardware: str | None = None
    quant: str | None = None
    backend: str | None = None
    benchmark: str | None = None
    source: str
    caveat: str | None = Field(default=None, description="e.g. 'vendor-reported, unverified'")


class AttentionGroup(Frozen):
    """A run of layers that share one KV-cache shape.

    The KV cache is the sum over groups, which lets one formula cover plain GQA, interleaved
    sliding-window/global attention, MLA latents and recurrent (SSM / linear-attention) layers.
    """

    kind: Literal["full", "sliding", "mla", "recurrent"]
    layers: int
    kv_heads: int | None = None  # full / sliding
    head_dim: int | None = None  # full / sliding (per K and per V)
    window: int | None = None  # sliding: tokens kept per layer
    latent_dim: int | None = None  # mla: kv_lora_rank + rope dim cached per token per layer
    state_mib: float | None = Field(default=None, description="recurrent: fixed state per layer, MiB, independent of context")
    origin: Origin
    source: str

    @model_validator(mode="after")
    def _shape_is_complete(self) -> "AttentionGroup":
        needs = {
            "full": ("kv_heads", "head_dim"),
            "sliding": ("kv_heads", "head_dim", "window"),
            "mla": ("latent_dim",),
            "recurrent": (),
        }[self.kind]
        missing = [name for name in needs if getattr(self, name) is None]
        if missing:
            raise ValueError(f"{self.kind} attention group needs {', '.join(missing)}")
        return self


class FixedPrecision(Frozen):
    """Weights shipped in one format whatever the GGUF label says (gpt-oss keeps MXFP4 experts)."""

    share_of_params: float = Field(gt=0, le=1)
    bits_per_weight: float
    origin: Origin
    source: str


class LicenseClaim(Frozen):
    """Which license a source says a model is under."""

    license: str = Field(description="Id in licenses.yaml")
    source: str
    note: str | None = None


class Model(Frozen):
    """One model of the catalog."""

    id: str
    name: str
    aliases: list[str] = []
    family: str
    vendor: str
    release: str | None = None  # "2026-04" or "2026-04-14"
    weights: Literal["open", "api_only", "unreleased"]
    architecture: Literal["dense", "moe", "hybrid"]
    params_total_b: Fact | None = None
    params_active_b: Fact | None = None  # None for dense means "all of them"
    layers: Fact | None = None
    attention: list[AttentionGroup] = Field(default_factory=list, description="Empty when unknown")
    context_tokens: Fact | None = None
    modalities: list[Modality] = ["text"]
    tasks: list[Task] = []
    licenses: list[LicenseClaim] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    fixed_precision: FixedPrecision | None = None
    notes: str | None = None

    @property
    def active_params_b(self) -> float | None:
        """Parameters read per generated token (all of them for a dense model)."""
        if self.params_active_b is not None:
            return self.params_active_b.value
        return self.params_total_b.value if self.params_total_b else None


class HardwareSource(Frozen):
    source: str
    note: str | None = None


class Hardware(Frozen):
    """A GPU, an Apple chip, a unified-memory system or a CPU platform."""

    id: str
    name: str
    aliases: list[str] = []
    vendor: str
    kind: Literal["discrete", "unified", "cpu"]
    memory_gb: float = Field(description="Default memory size in GB (10^9 bytes)")
    memory_options_gb: list[float] = Field(default_factory=list, description="Other sold sizes (Apple tiers)")
    bandwidth_gbps: float = Field(description="Spec memory bandwidth, GB/s")
    backend: Literal["cuda", "metal", "rocm", "vulkan", "sycl", "cpu"]
    segment: Literal["consumer", "workstation", "datacenter", "laptop", "system"] = "consumer"
    sources: list[HardwareSource]


class License(Frozen):
    """Terms of one license, in our own words."""

    id: str
    name: str
    aliases: list[str] = []
    kind: Literal["permissive", "community", "custom", "proprietary", "unknown"]
    commercial_use: Permission
    fine_tuning: Permission
    redistribution: Permission
    restrictions: list[str] = []
    summary: str
    sources: list[str]


class Quant(Frozen):
    """A GGUF quantization type with its effective bits per weight in real files."""

    id: str
    aliases: list[str] = []
    bits_per_weight: float = Field(description="Effective bpw over a whole GGUF file (mixes and f16 norms included)")
    quality: Literal["lossless", "near-lossless", "good", "fair", "poor"]
    source: str


class BackendProfile(Frozen):
    """How close one GPU/CPU backend of llama.cpp gets to the memory-bandwidth bound.

    Decode time per token = bytes read / (spec bandwidth x efficiency) + layers x per-layer cost:
    the second term is the kernel-launch and synchronisation cost that makes small models run
    far below the bandwidth bound. Fitted to measured llama-bench rows, so it carries that source.
    """

    id: Literal["cuda", "metal", "rocm", "vulkan", "sycl", "cpu"]
    vendor: str | None = Field(default=None, description="GPU vendor this row is specific to; None = any vendor")
    segment: str | None = Field(default=None, description="Hardware segment this row is specific to (datacenter HBM parts)")
    bandwidth_efficiency: float = Field(gt=0, le=1.2)
    per_layer_ms: float = Field(ge=0)
    prefill_ratio: float = Field(gt=0, description="Prefill tok/s as a multiple of the decode bandwidth bound")
    source: str


class EngineProfile(Frozen):
    """A serving engine on top of the backend, as a speed factor range relative to llama.cpp."""

    id: Literal["llama.cpp", "ollama", "vllm"]
    factor_low: float = Field(gt=0)
    factor: float = Field(gt=0)
    factor_high: float = Field(gt=0)
    note: str
    source: str


class Catalog(Frozen):
    """Everything the tools know, loaded once."""

    models: list[Model]
    hardware: list[Hardware]
    licenses: list[License]
    quants: list[Quant]
    backends: list[BackendProfile]
    engines: list[EngineProfile]

    @model_validator(mode="after")
    def _references_resolve(self) -> "Catalog":
        for kind, items in (("model", self.models), ("hardware", self.hardware), ("license", self.licenses),
                            ("quant", self.quants), ("backend", self.backends), ("engine", self.engines)):
            ids = [(item.id, item.vendor, item.segment) if kind == "backend" else item.id for item in items]
            duplicated = sorted({i for i in ids if ids.count(i) > 1})
            if duplicated:
                raise ValueError(f"duplicate {kind} ids: {duplicated}")
        license_ids = {lic.id for lic in self.licenses}
        for model in self.models:
            for claim in model.licenses:
                if claim.license not in license_ids:
                    raise ValueError(f"model {model.id} names unknown license {claim.license!r}")
        return self
