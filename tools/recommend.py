"""Rank catalog models for a request: what fits this hardware, for this task, under this license.

There is no single benchmark every source reports, so the ranking is a transparent points
score — task match, model size as a capability proxy, quant precision, usable speed,
recency — and each pick carries its reasons and sources so the answer can explain itself.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict

from knowledge.schema import Catalog, Claim, Model, Permission
from tools.errors import AdvisorError, InvalidRequest
from tools.estimate import Estimate, estimate
from tools.licenses import commercial_status
from tools.requests import EstimateRequest, RecommendRequest

# Quants worth recommending, best first; below Q3 quality drops too far to suggest unasked.
RECOMMENDED_QUANTS = ("Q8_0", "Q6_K", "Q5_K_M", "Q4_K_M", "IQ4_XS", "Q3_K_M")
QUANT_POINTS = {"Q8_0": 0.4, "Q6_K": 0.3, "Q5_K_M": 0.2, "Q4_K_M": 0.0, "IQ4_XS": -0.2, "Q3_K_M": -0.8}
GOOD_FITS = ("full_gpu", "multi_gpu", "unified_memory", "cpu_only")
MIN_USABLE_TPS = 8.0  # below this a chat feels slow (people read ~10 tokens/s)


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
        if model.context_tokens and model.context_tokens.value < req.min_context:
            continue
        if req.license == "commercial" and commercial_status(model, catalog) not in ("yes", "conditional"):
            continue
        chosen.append(model)
    return chosen


def _best_run(model: Model, req: RecommendRequest, catalog: Catalog) -> Estimate | None:
    """The highest-precision recommended quant that runs well; else the best offloaded option."""
    fallback: Estimate | None = None
    for quant in RECOMMENDED_QUANTS:
        try:
            result = estimate(EstimateRequest(model=model.id, quant=quant, context=req.min_context,
                                              hardware=req.hardware, backend=req.backend), catalog)
        except AdvisorError:
            return None
        if result.fit in GOOD_FITS:
            return result
        if result.fit == "gpu_cpu_offload" and fallback is None:
            fallback = result
    return fallback


def _score(model: Model, run: Estimate, task: str) -> tuple[float, list[str]]:
    reasons: list[str] = []
    points = 0.0
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
    if tps is not None and tps < MIN_USABLE_TPS:
        points -= 2.0
        reasons.append(f"slow here (~{tps:g} tok/s)")
    if model.release and model.release >= "2026":
        points += 0.5
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
    scored: list[tuple[float, Model, Estimate, list[str]]] = []
    for model in _candidates(req, catalog):
        run = _best_run(model, req, catalog)
        if run is None:
            continue
        points, reasons = _score(model, run, req.task)
        scored.append((points, model, run, reasons))
    scored.sort(key=lambda item: (-item[0], item[1].id))
    picks = []
    for rank, (points, model, run, reasons) in enumerate(scored[: req.limit], start=1):
        claims = [c for c in model.claims if c.kind in ("speed", "memory", "benchmark", "ranking")]
        licenses = sorted({c.license for c in model.licenses})
        picks.append(Pick(
            rank=rank, model=model.id, model_name=model.name, quant=run.quant, context=run.context,
            memory_gb=run.memory_gb.total, fit=run.fit,
            decode_tps=run.decode_tps.expected if run.decode_tps else None,
            decode_tps_range=(run.decode_tps.low, run.decode_tps.high) if run.decode_tps else None,
            prefill_tps=run.prefill_tps, licenses=licenses, commercial_use=commercial_status(model, catalog),
            score=points, reasons=reasons, reported=claims,
            sources=sorted({c.source for c in claims} | {c.source for c in model.licenses}),
        ))
    return picks
