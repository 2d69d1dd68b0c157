"""The tools the model may call, with flat argument schemas a small model can fill in.

tools/ takes nested requests (EstimateRequest with a HardwareSpec inside); a 1.5B model does
far better with a few flat text arguments it fills by copying the user's words, so each tool
here has its own flat schema and maps it onto the tools/ request. Names, hardware, quants and
context lengths are passed through as written: tools/phrasing.py and tools/resolve.py read
them and answer a miss with a specific error and the closest names.

Every tool returns a ToolOutput: `text` is the compact summary the model reads (every token
costs prompt time on a CPU), `data` the full structured result for --json and the TUI.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field

from advisor.agent import render
from advisor.bench import BenchResult, calibrate, calibrate_picks
from advisor.present import to_payload  # results tagged with their kind, for the TUI and checkpoints
from advisor.profile import HardwareProfile, describe
from knowledge.schema import Catalog
from tools.errors import UnknownName
from tools.estimate import estimate
from tools.licenses import license_terms
from tools.phrasing import parse_context, parse_hardware, parse_quant, parse_speed, parse_use
from tools.plan import PlanRequest, plan
from tools.recommend import recommend
from tools.requests import EstimateRequest, HardwareSpec, RecommendRequest, TaskName


class ToolArgs(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# The hardware, quant and context arguments are the user's own words, copied: a small model copies far
# more reliably than it converts ("a 3070" into a name, "12 gigs" into vram_gb=12). tools/phrasing.py
# reads them, with the same rules for every backing model, and answers nonsense with a specific error.
HARDWARE = Field(None, description="the user's machine, copied word for word from the message, e.g. 'my 3090', "
                                   "'12 gigs of vram', '2x4090 + 64gb ram'; leave out when the user names no hardware")
CONTEXT = Field(None, description="context length as the user wrote it; leave out if the user gave none")


class RecommendArgs(ToolArgs):
    """Which models to run: ranks open-weight models that fit a machine, for a task. Use when the user names no model."""

    task: TaskName = Field("general", description="what the model is for")
    hardware: str | None = HARDWARE
    license: str | None = Field("any", description="the user's words on commercial use, e.g. 'for my startup', "
                                                  "'commercial'; leave out if the user did not say")
    context: str | int | None = CONTEXT


class EstimateArgs(ToolArgs):
    """Fit, memory and speed of a model the user names, on a machine. Use for 'can I run X', 'how fast is X', 'X on my GPU?', 'X vs Y'."""

    model: str = Field(description="model name as the user wrote it; models compared as one phrase, e.g. 'gemma 3 12b vs qwen3 14b'")
    hardware: str | None = HARDWARE
    quant: str | None = Field(None, description="quantization as the user wrote it, e.g. 'q4' or 'q4 and q8'; leave out if the user gave none")
    context: str | int | None = CONTEXT


class LicenseArgs(ToolArgs):
    """License terms of a model or a license: commercial use, restrictions. Use only when the user asks about licensing or use."""

    name: str = Field(description="model or license name as the user wrote it; several as one phrase, e.g. 'mistral small or phi 4'")


class PlanArgs(ToolArgs):
    """What it takes to run one named model: memory for each way of running it and the smallest devices that can. Use for 'what do I need to run X' / 'what GPU for X'."""

    model: str = Field(description="model name as the user wrote it")
    quant: str | None = Field(None, description="quantization as the user wrote it; leave out if the user gave none")
    context: str | int | None = CONTEXT
    speed: str | float | None = Field(None, description="speed the user wants as written, e.g. '30 tok/s'; "
                                                        "leave out if not given")


class SearchArgs(ToolArgs):
    """Search the source articles for facts, opinions and background not covered by the other tools."""

    query: str = Field(description="what to look for")
    model: str | None = Field(None, description="only passages about this model, as the user named it; leave out "
                                                "if the user named none")


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
    # argument -> the kind of phrase it copies from the user's questions (tools/spans.py KINDS); a
    # llama.cpp model's call grammar lets such an argument hold only those phrases
    copied: dict[str, str] = field(default_factory=dict)

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


def hardware_for(text: str | None, catalog: Catalog, profile: Callable[[], HardwareProfile]) -> tuple[HardwareSpec, str]:
    """The request's hardware and a line saying where it came from.

    No hardware named means the user's own machine (saved profile, else detected). A GPU named
    without RAM keeps the profile's RAM, said so in the line, so that a model too big for the card
    is offloaded to RAM rather than called "does not fit".
    """
    spec = parse_hardware(text, catalog)
    if spec.is_empty:
        chosen = profile()
        origin = "saved hardware profile" if chosen.origin == "saved" else "detected hardware of this computer"
        return chosen.spec, f"Hardware: {chosen.description} (no hardware named; using the {origin})."
    if not spec.cpu_only and spec.ram_gb is None:
        own = profile()
        if own.spec.ram_gb:
            spec = spec.model_copy(update={"ram_gb": own.spec.ram_gb})
            where = "your saved profile" if own.origin == "saved" else "this computer"
            return spec, f"Hardware: {describe(spec)} (RAM not named; assumed {own.spec.ram_gb:g} GB, the RAM of {where})."
    return spec, f"Hardware: {describe(spec)}."


def build_tools(catalog: Catalog, profile: Callable[[], HardwareProfile], index_dir: Path | None,
                bench: Callable[[], BenchResult | None] = lambda: None) -> list[AgentTool]:
    """The tool set; `search_articles` only when tools/article_search.py is installed."""

    def run_recommend(args: RecommendArgs) -> ToolOutput:
        hardware, origin = hardware_for(args.hardware, catalog, profile)
        req = RecommendRequest(hardware=hardware, task=args.task, license=parse_use(args.license) or "any",
                               min_context=parse_context(args.context) or 8192, limit=5)
        picks = calibrate_picks(recommend(req, catalog), hardware, bench())  # `advisor bench` on this machine
        return ToolOutput(render.picks_text(picks, origin, req), to_payload(picks),
                          sorted({s for p in picks for s in p.sources}))

    def run_estimate(args: EstimateArgs) -> ToolOutput:
        hardware, origin = hardware_for(args.hardware, catalog, profile)
        request = EstimateRequest(model=args.model, quant=parse_quant(args.quant, catalog) or "Q4_K_M",
                                  context=parse_context(args.context) or 8192, hardware=hardware)
        result = calibrate(estimate(request, catalog), hardware, bench())  # `advisor bench` on this machine
        return ToolOutput(render.estimate_text(result, origin), to_payload(result), list(result.sources))

    def run_license(args: LicenseArgs) -> ToolOutput:
        answer = license_terms(args.name, catalog)
        return ToolOutput(render.license_text(answer), to_payload(answer), list(answer.sources))

    def run_plan(args: PlanArgs) -> ToolOutput:
        request = PlanRequest(model=args.model, quant=parse_quant(args.quant, catalog) or "Q4_K_M",
                              context=parse_context(args.context) or 8192, target_tps=parse_speed(args.speed))
        result = plan(request, catalog)
        return ToolOutput(render.plan_text(result), to_payload(result))

    tools = [
        AgentTool("recommend", RecommendArgs, run_recommend, {"hardware": "hardware", "context": "context", "license": "use"}),
        AgentTool("estimate", EstimateArgs, run_estimate,
                  {"model": "named_model", "hardware": "hardware", "quant": "quant", "context": "context"}),
        AgentTool("license", LicenseArgs, run_license, {"name": "license_name"}),
        AgentTool("plan", PlanArgs, run_plan, {"model": "named_model", "quant": "quant", "context": "context", "speed": "speed"}),
    ]
    if index_dir is not None and importlib.util.find_spec("tools.article_search") is not None:
        tools.append(AgentTool("search_articles", SearchArgs, _article_search(index_dir), {"model": "model"}))
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
        return ToolOutput(render.hits_text(hits), to_payload(hits), sorted({h.source for h in hits}))

    return run
