"""Tool results as compact tables, so a reader can check every figure an answer quotes.

The agent hands tool results over as pydantic dumps (plain dicts and lists). Each known kind
(estimate, recommendation picks, license answer, article hits) is recognised by its keys
rather than by the tool's name, so a renamed tool still renders; anything else falls back to
a key/value table. Pure functions: no Textual here, only Rich renderables.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from rich import box
from rich.table import Table
from rich.text import Text

MAX_CELL = 90  # characters of free text per cell before it is cut


@dataclass(frozen=True)
class RenderedResult:
    """A one-line summary for the collapsed block title, and the full table for the body."""

    summary: str
    table: Table


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _clip(text: str, limit: int = MAX_CELL) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    return f"{value:g}{unit}"


def _speed(decode: dict[str, float] | None) -> str:
    if not decode:
        return "–"
    return f"~{decode['expected']:g} tok/s ({decode['low']:g}–{decode['high']:g})"


def _sources(sources: list[str]) -> str:
    return ", ".join(sources) if sources else "–"


def _fit(fit: str) -> str:
    return fit.replace("_", " ")


# --- estimate ---------------------------------------------------------------------------------

def _is_estimate(result: Any) -> bool:
    return isinstance(result, dict) and {"fit", "memory_gb", "quant"} <= result.keys()


def _estimate(result: dict[str, Any]) -> RenderedResult:
    memory = result["memory_gb"]
    hardware = result.get("hardware") or {}
    table = _table("", "estimated")
    table.add_row("model", f"{result['model_name']} · {result['quant']} · {result['context']:,} tokens")
    if hardware:
        table.add_row("hardware", f"{hardware['name']} ({hardware['memory_gb']:g} GB, {hardware['backend']})")
    table.add_row("fits", f"{_fit(result['fit'])}: {result['fit_detail']}")
    table.add_row(
        "memory",
        f"{memory['total']:g} GB = weights {memory['weights']:g} + KV cache {memory['kv_cache']:g} + overhead {memory['overhead']:g}",
    )
    table.add_row("decode speed", _speed(result.get("decode_tps")))
    if result.get("prefill_tps"):
        table.add_row("prefill speed", f"~{result['prefill_tps']:g} tok/s")
    if result.get("best_quant"):
        table.add_row("best quant", result["best_quant"])
    if result.get("max_context"):
        table.add_row("max context", f"{result['max_context']:,} tokens")
    for claim in result.get("reported", []):
        table.add_row(Text("reported", style="italic"), _clip(f"{claim['text']} [{claim['source']}]"))
    table.add_row("sources", _sources(result.get("sources", [])))
    summary = f"{_fit(result['fit'])}, {memory['total']:g} GB"
    if result.get("decode_tps"):
        summary += f", ~{result['decode_tps']['expected']:g} tok/s"
    return RenderedResult(summary, table)


# --- recommend --------------------------------------------------------------------------------

def _is_picks(result: Any) -> bool:
    return isinstance(result, list) and bool(result) and all(isinstance(p, dict) and {"rank", "quant", "fit"} <= p.keys() for p in result)


def _picks(result: list[dict[str, Any]]) -> RenderedResult:
    table = _table("#", "model", "quant", "memory", "fits", "speed", "license", "commercial", "sources")
    for pick in result:
        speed = "–" if pick.get("decode_tps") is None else f"~{pick['decode_tps']:g} tok/s"
        table.add_row(
            str(pick["rank"]), pick["model_name"], pick["quant"], f"{pick['memory_gb']:g} GB", _fit(pick["fit"]),
            speed, ", ".join(pick.get("licenses", [])) or "–", pick.get("commercial_use", "–"), _sources(pick.get("sources", [])),
        )
    top = result[0]
    return RenderedResult(f"{len(result)} picks, top: {top['model_name']} {top['quant']}", table)


# --- licenses ---------------------------------------------------------------------------------

def _is_license(result: Any) -> bool:
    return isinstance(result, dict) and {"terms", "commercial_use", "conflict"} <= result.keys()


def _license(result: dict[str, Any]) -> RenderedResult:
    table = _table("license", "commercial", "fine-tuning", "redistribution", "claimed by", "sources")
    for term in result["terms"]:
        lic = term["license"]
        table.add_row(
            lic["name"], lic["commercial_use"], lic["fine_tuning"], lic["redistribution"],
            _sources(term.get("claimed_by", [])), _sources(lic.get("sources", [])),
        )
    table.caption = _clip(result["note"], 200)
    subject = result.get("model_name") or result["query"]
    summary = f"{subject}: commercial use {result['commercial_use']}"
    if result["conflict"]:
        summary += " (sources disagree)"
    return RenderedResult(summary, table)


# --- article search ---------------------------------------------------------------------------

def _is_hits(result: Any) -> bool:
    return isinstance(result, list) and bool(result) and all(isinstance(h, dict) and {"text", "source", "score"} <= h.keys() for h in result)


def _hits(result: list[dict[str, Any]]) -> RenderedResult:
    table = _table("score", "source", "section", "passage")
    for hit in result:
        table.add_row(f"{hit['score']:.2f}", hit["source"], _clip(hit.get("section") or "–", 30), _clip(hit["text"]))
    return RenderedResult(f"{len(result)} passages, best from {result[0]['source']}", table)


# --- anything else ----------------------------------------------------------------------------

def _generic(result: Any) -> RenderedResult:
    table = _table("field", "value")
    if isinstance(result, dict):
        for key, value in result.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
            table.add_row(str(key), _clip(shown, 200))
        summary = f"{len(result)} fields"
    elif isinstance(result, list):
        for index, value in enumerate(result, start=1):
            table.add_row(str(index), _clip(json.dumps(value, ensure_ascii=False, default=str), 200))
        summary = f"{len(result)} items"
    else:
        table.add_row("result", _clip(str(result), 200))
        summary = _clip(str(result), 60)
    return RenderedResult(summary, table)


_KINDS: tuple[tuple[Callable[[Any], bool], Callable[[Any], RenderedResult]], ...] = (
    (_is_estimate, _estimate),
    (_is_picks, _picks),
    (_is_license, _license),
    (_is_hits, _hits),
)


def unwrap(result: Any) -> Any:
    """A dict holding a single list (e.g. {"picks": [...]}) renders as that list."""
    if isinstance(result, dict) and len(result) == 1:
        (only,) = result.values()
        if isinstance(only, list):
            return only
    return result


def render_result(result: Any) -> RenderedResult:
    """The table for one tool result, recognised by shape; unknown shapes get a field table."""
    result = unwrap(result)
    for matches, render in _KINDS:
        if matches(result):
            try:
                return render(result)
            except (KeyError, TypeError, ValueError):
                break  # a near-miss shape: show the raw fields rather than fail
    return _generic(result)


def format_args(args: dict[str, Any]) -> str:
    """Tool arguments as `key=value` pairs, nested dicts flattened one level for brevity."""
    parts = []
    for key, value in args.items():
        if isinstance(value, dict):
            inner = ", ".join(f"{k}={v!r}" for k, v in value.items() if v not in (None, False))
            parts.append(f"{key}({inner})")
        elif value is not None:
            parts.append(f"{key}={value!r}")
    return ", ".join(parts)
