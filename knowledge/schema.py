"""Schemas for the knowledge files, checked by pydantic when they are loaded.

Every number in the knowledge base says where it came from, because the advisor's answers
cite it: a seed article, a public model config, or something we derived from those. A value
nobody published stays ``None`` rather than being guessed.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# Units. Every size the advisor prints (weights, KV cache, totals, usable memory) is in GB;
# what card makers and Apple call "24 GB" is 24 GiB, so a device's marketed size is read as
# GiB and converted before it is compared with a need.
GB = 10**9  # decimal gigabyte: the one unit of every printed memory figure
GIB = 2**30  # binary gibibyte: the unit of marketed device memory ("a 24 GB card" holds 24 GiB)
MEMORY_UNIT = "GB"  # stated in every estimate and pick, so no output mixes the two

Origin = Literal["article", "public_config", "derived", "user_file"]
"""Where a value comes from: a seed article, a public model card/config, our own arithmetic, or a
file the user pointed us at (a GGUF's metadata and tensors, a Hugging Face config.json)."""

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
    other_min_bits: float | None = Field(
        default=None, description="Lowest effective bpw the remaining tensors keep whatever the label "
        "(gpt-oss: no k-quant fits its 2880-wide rows, so Q2_K..Q5_K_M files all weigh ~11.5 GB)")
    other_min_bits_source: str | None = None


class MoeRouting(Frozen):
    """How many routed experts a MoE layer has and how many each token uses (public config)."""

    experts: int = Field(gt=1)
    experts_per_token: int = Field(gt=0)
    moe_layers: int | None = Field(default=None, description="Layers with routed experts, when not all of them")
    origin: Origin
    source: str


class Embedding(Frozen):
    """The input token-embedding table (public config.json): vocab_size x hidden_size weights.

    Decode looks up one row of it per token, so unless it doubles as the output head
    (tie_word_embeddings) it is stored but not read: 6 % of Llama 3 8B's bytes.
    """

    vocab_size: int = Field(gt=0)
    hidden_size: int = Field(gt=0)
    tied: bool = Field(description="tie_word_embeddings: the same matrix is the output head, read whole every token")
    origin: Origin
    source: str


class Endorsement(Frozen):
    """A source's explicit pick of this model for a hardware tier and a task ("best for 16 GB, coding")."""

    memory_gb_min: float = Field(ge=0, description="Lower end of the tier, marketed GB (GiB) of GPU or unified memory")
    memory_gb_max: float = Field(gt=0, description="Upper end of the tier, same unit")
    kind: Literal["discrete", "unified", "cpu", "any"] = "any"
    tasks: list[str] = Field(default_factory=lambda: ["general"], description="Task names as in recommend; 'general' = any")
    text: str = Field(description="The pick in our own words")
    source: str


class ModelFile(Frozen):
    """The user's own file a catalog record was read from (`advisor models add`, `--gguf`).

    A GGUF's tensors are the weights, so their byte count replaces the per-quant average: the
    memory estimate for that file is exact rather than typical.
    """

    path: str
    format: Literal["gguf", "hf_config"]
    file_bytes: int | None = Field(default=None, description="Size of the file on disk")
    tensor_bytes: int | None = Field(default=None, description="Bytes of all tensors: the weights as loaded")
    quant: str | None = Field(default=None, description="GGUF file type, e.g. 'Q4_K_M'")
    tensor_types: dict[str, int] = Field(default_factory=dict, description="Tensor count per ggml type")
    architecture: str | None = Field(default=None, description="general.architecture or config.json model_type")
    matches: str | None = Field(default=None, description="Id of the packaged catalog model this file is a build of")


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
    moe: MoeRouting | None = None
    embedding: Embedding | None = Field(default=None, description="Only where the active count includes the input table")
    endorsements: list[Endorsement] = Field(default_factory=list, description="Explicit picks by the sources")
    ollama_tag: str | None = Field(default=None, description="`ollama run` tag, e.g. 'gpt-oss:20b'")
    gguf_repo: str | None = Field(default=None, description="A public GGUF repository, for the llama-server line")
    file: ModelFile | None = Field(default=None, description="Set on models read from the user's own file")

    @property
    def active_params_b(self) -> float | None:
        """Parameters read per generated token (all of them for a dense model)."""
        if self.params_active_b is not None:
            return self.params_active_b.value
        return self.params_total_b.value if self.params_total_b else None


class HardwareSource(Frozen):
    source: str
    note: str | None = None


class CpuSpec(Frozen):
    """What bounds a CPU's llama.cpp speed besides its memory: how many cores and how fast each is.

    Decode reads every weight once per token, so it is memory-bound until too few cores
    cannot keep up; prefill multiplies whole prompts at once and is bound by arithmetic.
    """

    cores: int = Field(gt=0, description="Physical cores llama.cpp uses by default (P + E cores)")
    threads: int | None = Field(default=None, gt=0)
    fp32_gflops: float = Field(gt=0, description="Peak FP32 GFLOP/s of all cores: cores x all-core GHz x FLOP/cycle")
    simd: str = Field(description="Widest vector unit llama.cpp uses: 'AVX2', 'AVX-512', 'NEON' ...")
    source: str
    note: str | None = None


class MemorySpec(Frozen):
    """The system memory a CPU or an integrated GPU reads from."""

    type: str = Field(description="'DDR4-3200', 'DDR5-5600', 'LPDDR5X-8000' ...")
    channels: int = Field(gt=0, description="64-bit channel equivalents (a 128-bit LPDDR bus counts as 2)")
    bus_bits: int = Field(gt=0)
    mt_s: int = Field(gt=0, description="Transfers per second, millions")
    source: str
    note: str | None = None


class IgpuSpec(Frozen):
    """An integrated GPU: it has no memory of its own and borrows part of system RAM."""

    fp32_gflops: float = Field(gt=0, description="Peak FP32 GFLOP/s of the shader array (dual-issue counted as the vendor does)")
    memory_share: float = Field(gt=0, le=1, description="Share of system RAM the GPU can address (an assumption; see note)")
    share_note: str = Field(description="Why that share: BIOS carve-out (UMA frame buffer) vs. GTT / shared memory limits")
    source: str


class Hardware(Frozen):
    """A GPU, an Apple chip, a unified-memory system or a CPU platform."""

    id: str
    name: str
    aliases: list[str] = []
    vendor: str
    kind: Literal["discrete", "unified", "cpu"]
    memory_gb: float = Field(description="Default memory size as marketed, i.e. GiB (a '24 GB' card holds 24 GiB)")
    memory_options_gb: list[float] = Field(default_factory=list, description="Other sold sizes (Apple tiers)")
    bandwidth_gbps: float = Field(description="Spec memory bandwidth, GB/s")
    backend: Literal["cuda", "metal", "rocm", "vulkan", "sycl", "cpu"]
    segment: Literal["consumer", "workstation", "datacenter", "laptop", "system"] = "consumer"
    sources: list[HardwareSource]
    # CPU platforms and chips with an iGPU (issue 15): all optional, so GPU records are unchanged.
    cpu: CpuSpec | None = None
    memory: MemorySpec | None = None
    igpu: IgpuSpec | None = None  # set on integrated-GPU records (kind "unified", sharing system RAM)
    igpu_id: str | None = Field(default=None, description="On a CPU record: the record of its integrated GPU")

    @model_validator(mode="after")
    def _memory_matches_bandwidth(self) -> "Hardware":
        if self.memory is not None:
            spec = self.memory.bus_bits / 8 * self.memory.mt_s / 1000
            if abs(spec - self.bandwidth_gbps) > 0.02 * spec:
                raise ValueError(f"{self.id}: bandwidth {self.bandwidth_gbps} GB/s disagrees with {self.memory.type} "
                                 f"on {self.memory.bus_bits} bits ({spec:.1f} GB/s)")
        return self


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
    Below `min_decode_bits` a weight costs as long as one of that many bits: unpacking a 2- or
    3-bit block takes the shader about as long as reading a 4- to 5-bit one (a roofline ridge).
    """

    id: Literal["cuda", "metal", "rocm", "vulkan", "sycl", "cpu"]
    vendor: str | None = Field(default=None, description="GPU vendor this row is specific to; None = any vendor")
    segment: str | None = Field(default=None, description="Hardware segment this row is specific to (datacenter HBM parts)")
    bandwidth_efficiency: float = Field(gt=0, le=1.2)
    per_layer_ms: float = Field(ge=0)
    min_decode_bits: float = Field(
        default=0.0, ge=0, description="Bits per weight below which decode stops getting faster: the dequantisation "
        "work, not the bytes, bounds the matrix-vector products (0 = bytes only)")
    prefill_ratio: float = Field(gt=0, description="Prefill tok/s as a multiple of the decode bandwidth bound")
    source: str
    expert_layer_ms: float | None = Field(
        default=None, ge=0, description="cpu row: cost per MoE layer whose experts run from system RAM "
        "(the hop to the CPU and back), fitted to evals/data/moe_offload.csv")


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
