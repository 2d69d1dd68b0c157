"""Words for one estimate (tools/estimate.py): is it running here, how much memory, how fast."""

from __future__ import annotations

from tools.estimate import Estimate

from advisor.present import generic
from advisor.present.grid import Grid, Note
from advisor.present.words import NONE, cite, clip, fit_label, fit_phrase, gb, joined

OFFLOADED = frozenset({"gpu_cpu_offload", "moe_offload"})  # fits that spill part of the model into system RAM
REPORTED_SHOWN = 2  # figures from the articles the model reads; the TUI and CLI show them all
REPORTED_CHARS = 110  # characters of one reported figure in the model's text
REPORTED_CELL_CHARS = 70  # ... and in a table cell, before its source, which is never cut
# Fields the rows below put into words; any other field an Estimate carries is shown generically.
KNOWN = frozenset({
    "model", "model_name", "quant", "context", "kv_cache_type", "backend", "hardware", "memory_gb", "fit", "fit_detail",
    "gpu_layers", "offload_layers", "best_quant", "max_context", "decode_tps", "prefill_tps", "assumptions", "reported",
    "sources", "provenance",
})


def _where(result: Estimate) -> str:
    where = result.hardware.name if result.hardware else "the given hardware"
    return f"a {where}" if where.endswith(" GB GPU") else where


def verdict(result: Estimate) -> str:
    """One sentence, the answer to "can I run it?": a small model often copies only the opening line."""
    head, total = f"{result.model_name} at {result.quant}", gb(result.memory_gb.total)
    if result.fit == "does_not_fit":
        return f"{head} does not fit on {_where(result)}: it needs {total}."
    if result.fit == "no_hardware":
        return f"{head} needs {total}."
    speed = f" at about {result.decode_tps.expected:g} tok/s" if result.decode_tps else ""
    # Offloading answers "does it fit in my card?" with no: say so first, then how it still runs.
    if result.fit in OFFLOADED:
        return f"{head} does not fit in the memory of {_where(result)} alone: it needs {total}; it runs {fit_phrase(result.fit)}{speed}."
    if result.fit == "cpu_only" and result.hardware and result.hardware.kind != "cpu":
        return f"{head} does not fit on {_where(result)}: it needs {total}; it runs on the CPU from system RAM{speed}."
    return f"{head} runs on {_where(result)}{speed}; it needs {total} ({fit_phrase(result.fit)})."


def summary(result: Estimate) -> str:
    """'full gpu, 20.73 GB, ~152.7 tok/s' for a collapsed tool block."""
    line = f"{fit_label(result.fit)}, {gb(result.memory_gb.total)}"
    return line + (f", ~{result.decode_tps.expected:g} tok/s" if result.decode_tps else "")


def _speed(result: Estimate) -> str:
    d = result.decode_tps
    return NONE if d is None else f"~{d.expected:g} tok/s ({d.low:g}–{d.high:g})"


def table(result: Estimate, *, assumptions: bool = False) -> Grid:
    """Every figure of the estimate, label and value, so a reader can check what an answer quotes."""
    mem, hw = result.memory_gb, result.hardware
    rows: list[tuple[str | Note, str]] = [("model", f"{result.model_name} · {result.quant} · {result.context:,} tokens")]
    if hw:
        rows.append(("hardware", f"{hw.name} ({gb(hw.memory_gb)}, {hw.backend})"))
    rows += [
        ("fits", f"{fit_label(result.fit)}: {result.fit_detail}"),
        ("memory", f"{gb(mem.total)} = weights {mem.weights:g} + KV cache {mem.kv_cache:g} + overhead {mem.overhead:g}"),
        ("decode speed", _speed(result)),
    ]
    if result.prefill_tps:
        rows.append(("prefill speed", f"~{result.prefill_tps:g} tok/s"))
    if result.best_quant:
        rows.append(("best quant", result.best_quant))
    if result.max_context:
        rows.append(("max context", f"{result.max_context:,} tokens"))
    rows += [(Note("reported"), f"{clip(c.text, REPORTED_CELL_CHARS)} [{c.source}]") for c in result.reported]
    rows += [(name, generic.show(value)) for name, value in generic.extra_fields(result, KNOWN)]
    if assumptions and result.assumptions:
        rows.append(("assumed", "\n".join(result.assumptions)))
    rows.append(("sources", joined(result.sources)))
    return Grid(("", "estimated"), rows)


def brief_table(result: Estimate) -> Grid:
    """One row for an answer: what the fallback shows under the verdict."""
    speed = NONE if result.decode_tps is None else f"~{result.decode_tps.expected:g} tok/s"
    return Grid(("model", "quant", "context", "memory", "fit", "speed"), [
        (result.model_name, result.quant, f"{result.context:,}", gb(result.memory_gb.total), fit_label(result.fit), speed)])


def sentences(result: Estimate) -> list[str]:
    """What a perfect answer says about this estimate, in plain sentences (the eval oracle's answer)."""
    return [verdict(result)]


def model_text(result: Estimate, hardware_line: str) -> str:
    """Verdict first; a follow-up later sees only that line of the result (advisor/agent/prompt.py)."""
    mem, d = result.memory_gb, result.decode_tps
    lines = [
        verdict(result),
        f"{hardware_line} Context: {result.context:,} tokens.",
        f"Memory: {gb(mem.total)} (weights {mem.weights:g} + KV cache {mem.kv_cache:g} + overhead {mem.overhead:g}). "
        f"Fit: {result.fit_detail}.",
    ]
    if d:
        prefill = f"; prefill ~{result.prefill_tps:g} tok/s" if result.prefill_tps else ""
        lines.append(f"Decode: ~{d.expected:g} tok/s (range {d.low:g}-{d.high:g}){prefill}.")
    if result.best_quant:
        lines.append(f"Best quant that fits: {result.best_quant}."
                     + (f" Max context at {result.quant}: {result.max_context:,} tokens." if result.max_context else ""))
    by_source: dict[str, list[str]] = {}
    for claim in result.reported[:REPORTED_SHOWN]:
        by_source.setdefault(cite(claim.source), []).append(clip(claim.text, REPORTED_CHARS))
    lines += [f"Reported by {name}: {'; '.join(texts)}" for name, texts in by_source.items()]
    lines.append("Figures above are the advisor's estimates unless marked Reported.")
    return "\n".join(lines)
