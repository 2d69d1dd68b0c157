"""Rank catalog models for a request: what fits this hardware, for this task, under this license.

There is no single benchmark every source reports, so the ranking is a transparent points
score — the sources' own picks for this hardware tier and task, task match, model size as a
capability proxy, quant precision, usable speed, recency — and each pick carries a one-line
reason with its source, the run command, and every other reason, so the answer can explain
itself. Fine-tunes and builds of one base model (Phi-4, Phi-4-reasoning, Phi-4-reasoning-plus)
would otherwise fill the list with near-identical rows, so only the best variant of each base
model is kept unless the request asks for all of them.
"""

from __future__ import annotations

import math
import re

from pydantic import BaseModel, ConfigDict

from knowledge.schema import MEMORY_UNIT, Catalog, Claim, Endorsement, Model, Permission
from tools.errors import InvalidRequest
from tools.estimate import Estimate, estimate
from tools.licenses import commercial_status
from tools.requests import EstimateRequest, RecommendRequest
from tools.shapes import Device, device_from_spec

# Quants worth recommending, best first; below Q3 quality drops too far to suggest unasked.
RECOMMENDED_QUANTS = ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M")
QUANT_POINTS = {"Q8_0": 0.4, "Q6_K": 0.3, "Q5_K_M": 0.2, "Q4_K_M": 0.0, "IQ4_XS": -0.2, "Q3_K_M": -0.8}
GOOD_FITS = ("full_gpu", "multi_gpu", "unified_memory", "cpu_only")
MIN_USABLE_TPS = 8.0  # below this a chat feels slow (people read ~10 tokens/s)
# Below IQ4_XS a full-GPU fit loses to expert offload at Q4: MoE quality drops faster than speed.
FULL_FIT_FLOOR = RECOMMENDED_QUANTS.index("IQ4_XS")
OFFLOAD_QUANTS = ("Q4_K_M", "IQ4_XS", "Q5_K_M")  # expert offload reads experts from RAM: keep them small
ENDORSED_POINTS = 3.0  # a source's explicit pick for this tier and task: worth more than a task tag (2.0)
EXTRA_SOURCE_POINTS = 0.5  # each further source picking it for this tier and task
TIER_ONLY_POINTS = 0.5  # picked for this tier, but for another task
MOE_OFFLOAD_PENALTY = 0.5  # runs, but part of every token is read from system RAM
# The sources compare 2025-26 releases; a 2023-24 model of the same size has been overtaken
# (Mixtral 8x22B fine-tunes should not outrank Qwen3.5 on a 128 GB Mac).
SUPERSEDED_BEFORE = "2025"
SUPERSEDED_PENALTY = 1.0
_SIZE_TOKEN = re.compile(r"^(a?\d+(\.\d+)?[bm]|e\d+b|\d{4})$")  # 30b, a3b, e4b, 2507: sizes and dates, not names


class Pick(BaseModel):
    model_config = ConfigDict(frozen=True)

    rank: int
    model: str
    model_name: str
    quant: str
    context: int
    memory_gb: float
    fit: str
    decode_tps: float | None
    decode_tps_range: tuple[float, float] | None
    prefill_tps: float | None
    licenses: list[str]
    commercial_use: Permission
    score: float
    reasons: list[str]
    reported: list[Claim]
    sources: list[str]
    why: str = ""  # one line: the reason that ranks it here
    why_source: str | None = None  # where that reason comes from (a seed article, or the estimator)
    endorsed_by: list[str] = []  # sources that pick it for this hardware tier and task
    base_model: str = ""  # picks sharing it are variants of one model; one is kept unless all_variants
    memory_unit: str = MEMORY_UNIT  # memory_gb is in GB = 10^9 bytes
    cpu_moe_layers: int | None = None  # moe_offload: expert layers in system RAM
    llama_server: str | None = None
    ollama_run: str | None = None


def _matches_task(model: Model, task: str) -> bool:
    if task == "general":
        return True
    if task == "vision":
        return "image" in model.modalities
    if task == "long-context":
        return bool(model.context_tokens and model.context_tokens.value >= 128_000) or "long-context" in model.tasks
    return task in model.tasks


def _candidates(req: RecommendRequest, catalog: Catalog) -> list[Model]:
    chosen = []
    for model in catalog.models:
        if model.weights != "open" or model.params_total_b is None or not _matches_task(model, req.task):
            continue
        if model.file is not None:  # a user's own file has one fixed quant; its catalog model is ranked instead
            continue
        if model.context_tokens and model.context_tokens.value < req.min_context:
            continue
        if req.license == "commercial" and commercial_status(model, catalog) not in ("yes", "conditional"):
            continue
        chosen.append(model)
    return chosen


def _best_run(model: Model, req: RecommendRequest, catalog: Catalog) -> Estimate | None:
    """The highest-precision recommended quant that runs well; else the best offloaded option.

    Only a refusal about this model (its context is shorter than asked, its size unknown) drops
    it; the hardware was checked once by `recommend`, so a bad device name never lands here.
    """
    runs: list[Estimate] = []
    for i, quant in enumerate(RECOMMENDED_QUANTS):
        try:
            result = estimate(EstimateRequest(model=model.id, quant=quant, context=req.min_context,
                                              hardware=req.hardware, backend=req.backend), catalog)
        except InvalidRequest:
            return None
        if result.fit in GOOD_FITS and i <= FULL_FIT_FLOOR:
            return result
        runs.append(result)
    usable = [r for r in runs if r.fit == "moe_offload" and r.quant in OFFLOAD_QUANTS
              and r.decode_tps and r.decode_tps.expected >= MIN_USABLE_TPS]
    if usable:
        return min(usable, key=lambda r: OFFLOAD_QUANTS.index(r.quant))
    full = [r for r in runs if r.fit in GOOD_FITS]
    if full:
        return full[0]
    return next((r for r in runs if r.fit in ("moe_offload", "gpu_cpu_offload")), None)


def base_model(model: Model) -> str:
    """'qwen3-30b' for Qwen3-30B-A3B, its Coder and its 2507 builds; 'phi-4-14b' for Phi-4 and its reasoning tunes.

    The name up to its first size or date token (the line and generation), plus the total size.
    """
    name: list[str] = []
    for token in model.id.lower().split("-"):
        if _SIZE_TOKEN.match(token):
            break
        name.append(token)
        if any(ch.isdigit() for ch in token) and len(name) > 1 or (len(name) == 1 and re.search(r"\d", token)):
            break
    total = float(f"{model.params_total_b.value:.2g}") if model.params_total_b else 0  # 30.5 and 30 are one size
    return f"{'-'.join(name) or model.id}-{total:g}b"


def tier_of(device: Device) -> tuple[float, str]:
    """The memory a source's tier speaks of: marketed GB of all GPUs or of unified memory; none for CPU only."""
    if device.kind == "cpu":
        return 0.0, "cpu"
    return device.memory_gb * device.gpus, device.kind


def endorsements_for(model: Model, device: Device, task: str) -> tuple[list[Endorsement], list[Endorsement]]:
    """The sources' picks of this model for this tier: (also for this task, for another task only)."""
    memory, kind = tier_of(device)
    if kind == "cpu":  # no GPU memory: the sources' smallest tier (8 GB and under) is what runs from RAM
        in_tier = [e for e in model.endorsements if e.memory_gb_max <= 8 and e.kind in ("any", "cpu")]
    else:
        in_tier = [e for e in model.endorsements if e.memory_gb_min <= memory <= e.memory_gb_max
                   and e.kind in ("any", kind)]
    for_task = [e for e in in_tier if task in e.tasks or (task == "general" and "general" in e.tasks)]
    return for_task, [e for e in in_tier if e not in for_task]


def _score(model: Model, run: Estimate, task: str, device: Device | None = None) -> tuple[float, list[str]]:
    reasons: list[str] = []
    points = 0.0
    if device is not None:
        picked, other_task = endorsements_for(model, device, task)
        if picked:
            points += ENDORSED_POINTS + EXTRA_SOURCE_POINTS * (len({e.source for e in picked}) - 1)
            reasons += [f"{e.text} [{e.source}]" for e in picked]
        elif other_task:
            points += TIER_ONLY_POINTS
            reasons.append(f"{other_task[0].text} [{other_task[0].source}]")
    if task != "general" and task in model.tasks:
        points += 2.0
        reasons.append(f"sources rate it for {task}")
    elif "general" in model.tasks:
        points += 0.5
    total = model.params_total_b.value if model.params_total_b else 1.0
    active = model.active_params_b or total
    points += 0.6 * math.log2(total) + 0.4 * math.log2(max(active, 0.5))
    points += QUANT_POINTS.get(run.quant, 0.0)
    tps = run.decode_tps.expected if run.decode_tps else None
    if run.fit == "gpu_cpu_offload":
        points -= 1.5
        reasons.append(f"only fits with {run.offload_layers} layers offloaded to system RAM")
    if run.fit == "moe_offload":
        points -= MOE_OFFLOAD_PENALTY
        reasons.append(f"runs with the experts of {run.cpu_moe_layers} layers in system RAM (--n-cpu-moe {run.cpu_moe_layers})")
    if tps is not None and tps < MIN_USABLE_TPS:
        points -= 2.0
        reasons.append(f"slow here (~{tps:g} tok/s)")
    if model.release and model.release >= "2026":
        points += 0.5
    elif model.release and model.release < SUPERSEDED_BEFORE:
        points -= SUPERSEDED_PENALTY
        reasons.append(f"released {model.release[:4]}; newer open models of its size usually do better")
    if model.architecture in ("moe", "hybrid") and model.params_active_b:
        reasons.append(f"MoE: {total:g}B total, {active:g}B active per token")
    reasons.append(f"{run.quant} needs ~{run.memory_gb.total:g} GB ({run.fit.replace('_', ' ')})")
    if tps is not None:
        reasons.append(f"estimated ~{tps:g} tok/s decode")
    return round(points, 2), reasons


def recommend(req: RecommendRequest, catalog: Catalog) -> list[Pick]:
    """The best `req.limit` models for the hardware and task, best first."""
    if req.hardware.is_empty:
        raise InvalidRequest("recommend needs hardware: a GPU or system name, vram_gb, or ram_gb for CPU-only.")
    # An unknown device or a memory size the device is not sold with is the person's mistake,
    # not "no model fits": raise it (UnknownName carries the closest names) before ranking.
    device_from_spec(req.hardware, catalog)
    device = device_from_spec(req.hardware, catalog)
    scored: list[tuple[float, Model, Estimate, list[str]]] = []
    for model in _candidates(req, catalog):
        run = _best_run(model, req, catalog)
        if run is None:
            continue
        points, reasons = _score(model, run, req.task, device)
        scored.append((points, model, run, reasons))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    if not req.all_variants:
        seen: set[str] = set()
        scored = [item for item in scored if not (base_model(item[1]) in seen or seen.add(base_model(item[1])))]
    picks = []
    for rank, (points, model, run, reasons) in enumerate(scored[: req.limit], start=1):
        claims = [c for c in model.claims if c.kind in ("speed", "memory", "benchmark", "ranking")]
        licenses = sorted({c.license for c in model.licenses})
        picked, _ = endorsements_for(model, device, req.task) if device else ([], [])
        why, why_source = _why(model, run, picked, req.task)
        picks.append(Pick(
            rank=rank, model=model.id, model_name=model.name, quant=run.quant, context=run.context,
            memory_gb=run.memory_gb.total, fit=run.fit,
            decode_tps=run.decode_tps.expected if run.decode_tps else None,
            decode_tps_range=(run.decode_tps.low, run.decode_tps.high) if run.decode_tps else None,
            prefill_tps=run.prefill_tps, licenses=licenses, commercial_use=commercial_status(model, catalog),
            score=points, reasons=reasons, reported=claims,
            sources=sorted({c.source for c in claims} | {c.source for c in model.licenses} | {e.source for e in picked}),
            why=why, why_source=why_source, endorsed_by=sorted({e.source for e in picked}), base_model=base_model(model),
            cpu_moe_layers=run.cpu_moe_layers, llama_server=run.llama_server, ollama_run=run.ollama_run,
        ))
    return picks


def _why(model: Model, run: Estimate, picked: list[Endorsement], task: str) -> tuple[str, str | None]:
    """The one line that puts this pick in the list, and its source."""
    speed = f", ~{run.decode_tps.expected:g} tok/s" if run.decode_tps else ""
    where = {"moe_offload": f"experts of {run.cpu_moe_layers} layers in RAM", "gpu_cpu_offload": "layers offloaded to RAM"}
    fit = where.get(run.fit, run.fit.replace("_", " "))
    if picked:
        return f"{picked[0].text} ({run.quant}, {run.memory_gb.total:g} GB, {fit}{speed})", picked[0].source
    tagged = next((c for c in model.claims if c.kind in ("ranking", "benchmark")), None)
    if task != "general" and task in model.tasks:
        return f"rated for {task}; {run.quant} needs {run.memory_gb.total:g} GB ({fit}{speed})", tagged.source if tagged else None
    return f"largest model that runs well here: {run.quant}, {run.memory_gb.total:g} GB ({fit}{speed})", "estimated by the advisor"
