"""Tool results as short text: what the model reads, and the table shown when it writes nothing.

On this CPU each prompt token costs ~7 ms, so the model gets one line per pick with only the
figures an answer needs, each line ending with its sources. The same lines, as a Markdown
table, are the fallback answer when the model produces nothing usable.
"""

from __future__ import annotations

from typing import Any, Iterable

from tools.estimate import Estimate
from tools.licenses import LicenseAnswer
from tools.recommend import Pick
from tools.requests import RecommendRequest


def _tps(value: float | None) -> str:
    return "speed unknown" if value is None else f"~{value:g} tok/s"


def _cite(sources: Iterable[str]) -> str:
    names = sorted(set(sources))
    return f" [{', '.join(names)}]" if names else ""


def picks_text(picks: list[Pick], hardware_line: str, req: RecommendRequest) -> str:
    head = f"{hardware_line} Task: {req.task}; license: {req.license}; context {req.min_context:,} tokens."
    if not picks:
        return head + "\nNo catalog model fits these constraints."
    lines = [head, "Ranked picks (model | quant | memory | fit | decode speed | license | sources):"]
    for p in picks:
        licenses = ", ".join(p.licenses) or "license unknown"
        lines.append(f"{p.rank}. {p.model_name} | {p.quant} | {p.memory_gb:g} GB | {p.fit.replace('_', ' ')} | "
                     f"{_tps(p.decode_tps)} | {licenses} (commercial use: {p.commercial_use}){_cite(p.sources)}")
    if picks[0].decode_tps is None:
        lines.append("Speeds need the GPU's name (its memory bandwidth); only its memory size was given.")
    return "\n".join(lines)


def estimate_text(result: Estimate, hardware_line: str) -> str:
    mem = result.memory_gb
    lines = [
        f"{result.model_name}, {result.quant}, {result.context:,}-token context. {hardware_line}",
        f"Memory: {mem.total:g} GB (weights {mem.weights:g} + KV cache {mem.kv_cache:g} + overhead {mem.overhead:g}).",
        f"Fit: {result.fit.replace('_', ' ')}: {result.fit_detail}.",
    ]
    if result.decode_tps:
        d = result.decode_tps
        lines.append(f"Decode: ~{d.expected:g} tok/s (range {d.low:g}-{d.high:g}); prefill ~{result.prefill_tps or 0:g} tok/s.")
    if result.best_quant or result.max_context:
        lines.append(f"Best quant that fits: {result.best_quant or 'none'}; max context at {result.quant}: "
                     f"{result.max_context or 0:,} tokens.")
    for claim in result.reported[:3]:
        lines.append(f"Reported: {claim.text} [{claim.source}]")
    lines.append("Figures above are the advisor's estimates unless marked Reported.")
    return "\n".join(lines)


def license_text(answer: LicenseAnswer) -> str:
    lines = [answer.note]
    for t in answer.terms:
        lic = t.license
        lines.append(f"{lic.name}: commercial use {lic.commercial_use}, fine-tuning {lic.fine_tuning}, "
                     f"redistribution {lic.redistribution}" + (f"; {'; '.join(lic.restrictions[:2])}" if lic.restrictions else "")
                     + _cite(t.claimed_by or lic.sources))
    return "\n".join(lines)


def hits_text(hits: list[Any]) -> str:
    if not hits:
        return "No passage in the articles matches."
    return "\n".join(f"[{h.source}] {h.title} ({h.date}): {' '.join(h.text.split())[:400]}" for h in hits)


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
