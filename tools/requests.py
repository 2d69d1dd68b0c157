"""The arguments the tools accept, as pydantic models.

The same classes validate CLI flags, the LLM's tool-call arguments and eval cases, so a bad
value gets the same specific error wherever it comes from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Backend = Literal["llama.cpp", "ollama", "vllm"]
KvCacheType = Literal["f16", "q8_0", "q4_0"]
TaskName = Literal["coding", "general", "reasoning", "vision", "long-context", "agentic", "multilingual", "math", "edge"]

MAX_MEMORY_GB = 8192.0  # 8 TB: more than any single system the catalog describes
MAX_CONTEXT = 10_485_760  # Llama 4 Scout's 10M window is the largest in the catalog


class HardwareSpec(BaseModel):
    """What the model would run on: a named device, raw numbers, or CPU only."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gpu: str | None = Field(default=None, description="GPU or system name, e.g. 'RTX 4090', 'M4 Max 128GB'")
    gpus: int = Field(default=1, ge=1, le=16, description="How many of that GPU")
    vram_gb: float | None = Field(default=None, gt=0, le=MAX_MEMORY_GB, description="GPU memory in GB when no name is given")
    bandwidth_gbps: float | None = Field(default=None, gt=0, le=100_000, description="GPU memory bandwidth in GB/s")
    cpu_only: bool = False
    gpu_backend: Literal["cuda", "metal", "rocm", "vulkan", "sycl"] | None = Field(
        default=None, description="Override the device's usual llama.cpp backend, e.g. vulkan on an NVIDIA card")
    ram_gb: float | None = Field(default=None, gt=0, le=MAX_MEMORY_GB, description="System RAM in GB")
    # A CPU's own numbers (issue 15), filled in by detection: decode on few cores and prefill depend on them.
    cpu_cores: int | None = Field(default=None, ge=1, le=1024, description="CPU cores llama.cpp runs on")
    cpu_gflops: float | None = Field(default=None, gt=0, le=1_000_000, description="Peak FP32 GFLOP/s of those cores")

    @model_validator(mode="after")
    def _one_way_to_say_it(self) -> "HardwareSpec":
        if self.cpu_only and (self.gpu or self.vram_gb):
            raise ValueError("cpu_only cannot be combined with a GPU name or vram_gb")
        if self.gpu and self.vram_gb:
            raise ValueError("give either a GPU name or vram_gb, not both")
        if self.bandwidth_gbps and not self.vram_gb:
            raise ValueError("bandwidth_gbps goes with vram_gb")
        return self

    @property
    def is_empty(self) -> bool:
        return not (self.gpu or self.vram_gb or self.cpu_only or self.ram_gb)


class CustomModel(BaseModel):
    """A model missing from the catalog, described by its shape."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    params_b: float = Field(gt=0, le=10_000)
    active_params_b: float | None = Field(default=None, gt=0, le=10_000)
    layers: int | None = Field(default=None, gt=0, le=1000)
    kv_heads: int | None = Field(default=None, gt=0, le=1024)
    head_dim: int | None = Field(default=None, gt=0, le=4096)
    file_size_gb: float | None = Field(default=None, gt=0, le=20_000, description="Size of the GGUF file, when known")

    @model_validator(mode="after")
    def _active_within_total(self) -> "CustomModel":
        if self.active_params_b and self.active_params_b > self.params_b:
            raise ValueError("active_params_b cannot exceed params_b")
        given = [self.layers, self.kv_heads, self.head_dim]
        if any(given) and not all(given):
            raise ValueError("layers, kv_heads and head_dim go together")
        return self


class EstimateRequest(BaseModel):
    """Arguments of the `estimate` tool."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str | None = Field(default=None, description="Model name or id from the catalog")
    custom: CustomModel | None = None
    quant: str = Field(default="Q4_K_M", description="GGUF quant, e.g. Q4_K_M, Q8_0, F16")
    context: int = Field(default=8192, ge=1, le=MAX_CONTEXT, description="Context length in tokens")
    kv_cache: KvCacheType = "f16"
    hardware: HardwareSpec = HardwareSpec()
    backend: Backend = "llama.cpp"

    @model_validator(mode="after")
    def _model_or_custom(self) -> "EstimateRequest":
        if bool(self.model) == bool(self.custom):
            raise ValueError("give either a catalog model name or a custom model shape")
        return self


class RecommendRequest(BaseModel):
    """Arguments of the `recommend` tool."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    hardware: HardwareSpec = HardwareSpec()
    task: TaskName = "general"
    min_context: int = Field(default=8192, ge=1, le=MAX_CONTEXT)
    license: Literal["any", "commercial"] = "any"
    limit: int = Field(default=5, ge=1, le=50)
    backend: Backend = "llama.cpp"
    all_variants: bool = Field(default=False, description="List every variant of a base model (fine-tunes, "
                               "instruct/thinking builds) instead of only its best one")
