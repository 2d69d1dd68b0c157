"""The tools the model may call, with flat argument schemas a small model can fill in.

tools/ takes nested requests (EstimateRequest with a HardwareSpec inside); a 1.5B model does
far better with a few flat, well-described arguments, so each tool here has its own flat
schema and maps it onto the tools/ request. Names of models and GPUs are passed through as
written: tools/resolve.py matches them fuzzily and answers a miss with the closest names.

Every tool returns a ToolOutput: `text` is the compact summary the model reads (every token
costs prompt time on a CPU), `data` the full structured result for --json and the TUI.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, ConfigDict, Field

from advisor.agent import render
from advisor.profile import HardwareProfile, describe
from knowledge.schema import Catalog
from tools.errors import UnknownName
from tools.estimate import estimate
from tools.licenses import license_terms
from tools.recommend import recommend
from tools.requests import EstimateRequest, HardwareSpec, RecommendRequest, TaskName


class ToolArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class RecommendArgs(ToolArgs):
    """Rank open-weight models that fit a machine, for a task. Use for 'which/best model' questions."""

    task: TaskName = Field("general", description="what the model is for")
    gpu: str | None = Field(None, description="GPU or system name as the user wrote it, e.g. 'RTX 4090', 'M4 Max'")
    vram_gb: float | None = Field(None, description="GPU memory in GB when the user gives a size, not a name")
    ram_gb: float | None = Field(None, description="system RAM in GB, for CPU-only machines")
    license: Literal["any", "commercial"] = Field("any", description="'commercial' if commercial use is required")
    min_context: int | None = Field(None, description="context length in tokens the user needs")


class EstimateArgs(ToolArgs):
    """Memory, fit and speed of one named model on one machine. Use for 'can I run X' / 'how fast' questions."""

    model: str = Field(description="model name as the user wrote it")
    gpu: str | None = Field(None, description="GPU or system name, e.g. 'RTX 4090'")
    vram_gb: float | None = Field(None, description="GPU memory in GB when no GPU name is given")
    ram_gb: float | None = Field(None, description="system RAM in GB, for CPU-only machines")
    quant: str = Field("Q4_K_M", description="GGUF quantization, e.g. Q4_K_M, Q8_0")
    context: int = Field(8192, description="context length in tokens")


class LicenseArgs(ToolArgs):
    """License terms of a model or a license: commercial use, restrictions, source disagreements."""

    name: str = Field(description="model or license name")


class SearchArgs(ToolArgs):
    """Search the source articles for facts, opinions and background not covered by the other tools."""

    query: str = Field(description="what to look for")
    model: str | None = Field(None, description="only passages about this model (ignored if it names no single model)")


@dataclass(frozen=True)
class ToolOutput:
    text: str
    data: Any
    sources: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class AgentTool:
    name: str
    args: type[ToolArgs]
    run: Callable[[Any], ToolOutput]

    @property
    def description(self) -> str:
        return (self.args.__doc__ or "").strip()

    def openai_schema(self) -> dict[str, Any]:
        """The tool as the OpenAI-style dict every LangChain chat model's bind_tools accepts."""
        schema = self.args.model_json_schema()
        schema.pop("title", None)
        schema.pop("description", None)
        for prop in schema.get("properties", {}).values():
            prop.pop("title", None)
        return {"type": "function", "function": {"name": self.name, "description": self.description, "parameters": schema}}


def hardware_for(gpu: str | None, vram_gb: float | None, ram_gb: float | None,
                 profile: Callable[[], HardwareProfile]) -> tuple[HardwareSpec, str]:
    """The request's hardware and a line saying where it came from.

    A GPU name with a size ("M4 Max", 64) becomes "M4 Max 64GB", which the resolver checks
    against the sizes that device ships with; no hardware at all means the user's profile.
    """
    if not (gpu or vram_gb or ram_gb):
        chosen = profile()
        origin = "saved hardware profile" if chosen.origin == "saved" else "detected hardware of this computer"
        return chosen.spec, f"Hardware: {chosen.description} (no hardware named; using the {origin})."
    if gpu and vram_gb:
        spec = HardwareSpec(gpu=f"{gpu} {vram_gb:g}GB", ram_gb=ram_gb)
    elif gpu or vram_gb:
        spec = HardwareSpec(gpu=gpu, vram_gb=vram_gb, ram_gb=ram_gb)
    else:
        spec = HardwareSpec(cpu_only=True, ram_gb=ram_gb)
    return spec, f"Hardware: {describe(spec)}."


def build_tools(catalog: Catalog, profile: Callable[[], HardwareProfile], index_dir: Path | None) -> list[AgentTool]:
    """The tool set; `search_articles` only when tools/article_search.py is installed."""

    def run_recommend(args: RecommendArgs) -> ToolOutput:
        hardware, origin = hardware_for(args.gpu, args.vram_gb, args.ram_gb, profile)
        req = RecommendRequest(hardware=hardware, task=args.task, license=args.license,
                               min_context=args.min_context or 8192, limit=5)
        picks = recommend(req, catalog)
        return ToolOutput(render.picks_text(picks, origin, req), [p.model_dump(mode="json") for p in picks],
                          sorted({s for p in picks for s in p.sources}))

    def run_estimate(args: EstimateArgs) -> ToolOutput:
        hardware, origin = hardware_for(args.gpu, args.vram_gb, args.ram_gb, profile)
        result = estimate(EstimateRequest(model=args.model, quant=args.quant, context=args.context, hardware=hardware), catalog)
        return ToolOutput(render.estimate_text(result, origin), result.model_dump(mode="json"), list(result.sources))

    def run_license(args: LicenseArgs) -> ToolOutput:
        answer = license_terms(args.name, catalog)
        return ToolOutput(render.license_text(answer), answer.model_dump(mode="json"), list(answer.sources))

    tools = [
        AgentTool("recommend", RecommendArgs, run_recommend),
        AgentTool("estimate", EstimateArgs, run_estimate),
        AgentTool("license", LicenseArgs, run_license),
    ]
    if index_dir is not None and importlib.util.find_spec("tools.article_search") is not None:
        tools.append(AgentTool("search_articles", SearchArgs, _article_search(index_dir)))
    return tools


def _article_search(index_dir: Path) -> Callable[[SearchArgs], ToolOutput]:
    """Opening the index imports sentence-transformers (seconds), so it happens on first use, once."""
    opened: list[Any] = []

    def run(args: SearchArgs) -> ToolOutput:
        if not opened:
            from tools.article_search import ArticleIndex  # noqa: PLC0415 - slow import, only when searched

            opened.append(ArticleIndex.open(index_dir))
        index = opened[0]
        try:
            hits = index.search(args.query, k=4, model=args.model) if args.model else []
        except UnknownName:  # "Gemma 4" is a family, not one model: the query still carries the name
            hits = []
        hits = hits or index.search(args.query, k=4)
        return ToolOutput(render.hits_text(hits), [h.model_dump(mode="json") for h in hits], sorted({h.source for h in hits}))

    return run
