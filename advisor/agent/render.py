"""Tool results as short text: what the model reads, and the table shown when it writes nothing.

On this CPU every prompt token costs 15 ms (measured: ~65 tokens/s of prefill), so the model
reads only what an answer needs: the top three picks, one line each, and at most two figures
the articles reported. Article files are called "article 003" rather than by their long
names; the answer's source list (Answer.sources) carries the full names, so the model does
not have to copy them. The same results, as Markdown tables, are the fallback answer when
the model produces nothing usable.
"""

from __future__ import annotations

import re
from typing import Any

from tools.estimate import Estimate
from tools.licenses import LicenseAnswer
from tools.recommend import Pick
from tools.requests import RecommendRequest

PICKS_SHOWN = 3
REPORTED_SHOWN = 2
HITS_SHOWN = 3
_SEED_FILE = re.compile(r"\b(\d{3})_[0-9a-f]{16}\.txt\b")
_FIT_WORDS = {"full_gpu": "fits in GPU memory", "multi_gpu": "fits across the GPUs", "unified_memory": "fits in unified memory",
              "gpu_cpu_offload": "only with layers offloaded to system RAM", "cpu_only": "runs on the CPU",
              "does_not_fit": "does not fit", "no_hardware": "no hardware given"}


def short_sources(text: str) -> str:
    """'000_4c96a681e12ba3dd.txt' -> 'article 000'."""
    return _SEED_FILE.sub(r"article \1", text)


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _tps(value: float | None) -> str:
    return "speed unknown" if value is None else f"~{value:g} tok/s"


def picks_text(picks: list[Pick], hardware_line: str, req: RecommendRequest) -> str:
    head = f"{hardware_line} Task: {req.task}; license: {req.license}; context {req.min_context:,} tokens."
    if not picks:
        return head + "\nNo catalog model fits these constraints."
    lines = [head, "Top picks:"]
    for p in picks[:PICKS_SHOWN]:
        licenses = ", ".join(p.licenses) or "license unknown"
        speed = _tps(p.decode_tps) + (f" (range {p.decode_tps_range[0]:g}-{p.decode_tps_range[1]:g})" if p.decode_tps_range else "")
        lines.append(f"{p.rank}. {p.model_name} at {p.quant}: {p.memory_gb:g} GB, {_FIT_WORDS[p.fit]}, {speed}, "
                     f"license {licenses} (commercial use: {p.commercial_use})")
    if req.hardware.vram_gb and not req.hardware.gpu and picks[0].decode_tps is not None:
        lines.append(f"No GPU model was named, so the speed ranges span the {req.hardware.vram_gb:g} GB cards the advisor knows.")
    return "\n".join(lines)


def estimate_text(result: Estimate, hardware_line: str) -> str:
    """The verdict comes first: a small model often copies the opening line, and a follow-up
    later sees only that line of the result (advisor/agent/prompt.py)."""
    mem = result.memory_gb
    where = result.hardware.name if result.hardware else "the given hardware"
    where = f"a {where}" if where.endswith(" GB GPU") else where
    speed = f" at about {result.decode_tps.expected:g} tok/s" if result.decode_tps else ""
    if result.fit == "does_not_fit":
        verdict = f"{result.model_name} at {result.quant} does not fit on {where}: it needs {mem.total:g} GB."
    elif result.fit == "no_hardware":
        verdict = f"{result.model_name} at {result.quant} needs {mem.total:g} GB."
    else:
        verdict = (f"{result.model_name} at {result.quant} runs on {where}{speed}; "
                   f"it needs {mem.total:g} GB ({_FIT_WORDS[result.fit]}).")
    lines = [
        verdict,
        f"{hardware_line} Context: {result.context:,} tokens.",
        f"Memory: {mem.total:g} GB (weights {mem.weights:g} + KV cache {mem.kv_cache:g} + overhead {mem.overhead:g}). "
        f"Fit: {result.fit_detail}.",
    ]
    if result.decode_tps:
        d = result.decode_tps
        lines.append(f"Decode: ~{d.expected:g} tok/s (range {d.low:g}-{d.high:g}); prefill ~{result.prefill_tps or 0:g} tok/s.")
    if result.best_quant:
        lines.append(f"Best quant that fits: {result.best_quant}."
                     + (f" Max context at {result.quant}: {result.max_context:,} tokens." if result.max_context else ""))
    for claim in result.reported[:REPORTED_SHOWN]:
        lines.append(f"Reported by {short_sources(claim.source)}: {_clip(claim.text, 110)}")
    lines.append("Figures above are the advisor's estimates unless marked Reported.")
    return "\n".join(lines)


def license_text(answer: LicenseAnswer) -> str:
    """First line: the license and its main condition, or the disagreement between sources."""
    if not answer.terms:
        return short_sources(answer.note)
    if answer.conflict:
        claims = "; ".join(
            f"{t.license.name} per {', '.join(short_sources(c) for c in t.claimed_by)} (commercial use {t.license.commercial_use}"
            + (f", condition: {_clip(t.license.restrictions[0], 110)}" if t.license.restrictions else "") + ")"
            for t in answer.terms)
        first = (f"Sources disagree on the license of {answer.model_name}: {claims}. "
                 f"Strictest reading: commercial use {answer.commercial_use}; check the official model card.")
        return "\n".join([first, *(f"{t.license.name}: fine-tuning {t.license.fine_tuning}, redistribution "
                                    f"{t.license.redistribution}." for t in answer.terms)])
    lic = answer.terms[0].license
    condition = f"; main condition: {_clip(lic.restrictions[0], 170)}" if lic.restrictions else ""
    named = f"{answer.model_name}: {lic.name}" if answer.model_name else lic.name
    return "\n".join([f"{named}; commercial use {lic.commercial_use}{condition}.",
                      f"Fine-tuning {lic.fine_tuning}; redistribution {lic.redistribution}.",
                      _clip(short_sources(lic.summary), 260)])


def hits_text(hits: list[Any]) -> str:
    if not hits:
        return "No passage in the articles matches."
    return "\n".join(f"({short_sources(h.source)}, {h.section or h.title}): {_clip(h.text, 300)}" for h in hits[:HITS_SHOWN])


# --- the fallback answer -------------------------------------------------------------------

def fallback_table(results: list[tuple[str, Any]]) -> str:
    """Markdown tables of the turn's successful tool results (name, data), for when the model fails."""
    parts: list[str] = []
    for name, data in results:
        if name == "recommend" and isinstance(data, list):
            rows = ["| # | model | quant | memory | fit | speed | license |", "|---|---|---|---|---|---|---|"]
            rows += [f"| {p['rank']} | {p['model_name']} | {p['quant']} | {p['memory_gb']:g} GB | {p['fit'].replace('_', ' ')} | "
                     f"{_tps(p['decode_tps'])} | {', '.join(p['licenses']) or '?'} |" for p in data]
            parts.append("\n".join(rows) if data else "No catalog model fits these constraints.")
        elif name == "estimate" and isinstance(data, dict):
            d = data.get("decode_tps") or {}
            parts.append("\n".join([
                "| model | quant | context | memory | fit | speed |", "|---|---|---|---|---|---|",
                f"| {data['model_name']} | {data['quant']} | {data['context']:,} | {data['memory_gb']['total']:g} GB | "
                f"{data['fit'].replace('_', ' ')} | {_tps(d.get('expected'))} |",
            ]))
        elif name == "license" and isinstance(data, dict):
            rows = ["| license | commercial | fine-tuning | claimed by |", "|---|---|---|---|"]
            rows += [f"| {t['license']['name']} | {t['license']['commercial_use']} | {t['license']['fine_tuning']} | "
                     f"{', '.join(t['claimed_by']) or '-'} |" for t in data["terms"]]
            parts.append(data["note"] + "\n\n" + "\n".join(rows))
        elif name == "search_articles" and isinstance(data, list):
            parts.append("\n".join(f"- [{h['source']}] {h['title']}: {' '.join(h['text'].split())[:200]}" for h in data))
    return "\n\n".join(parts)
