"""Fuzzy name resolution, so "4090", "rtx4090" and "RTX 4090" all land on the same card.

Resolution lives in the tools, not the LLM: a small model misspells names, and the same
rules must hold for the CLI, the agent and the evals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, TypeVar

from rapidfuzz import fuzz, process

from knowledge.schema import Catalog, Hardware, License, Model, Quant
from tools.errors import UnknownName

T = TypeVar("T", Model, Hardware, License, Quant)

_MEMORY_SUFFIX = re.compile(r"(\d+(?:\.\d+)?)\s*(gb|gib|g)\b", re.IGNORECASE)


def normalize(text: str) -> str:
    """Lowercase and keep letters, digits and dots: 'RTX-4090 ' -> 'rtx4090'."""
    return re.sub(r"[^a-z0-9.]", "", text.lower())


def _names(item: Model | Hardware | License | Quant) -> list[str]:
    names = [item.id, *item.aliases]
    if hasattr(item, "name"):
        names.append(item.name)  # type: ignore[attr-defined]
    return names


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _resolve(kind: str, query: str, items: Iterable[T], *, cutoff: float = 90) -> T:
    """Exact name, then unambiguous containment, then a close spelling with the same numbers.

    Numbers decide identity ("Gemma 5" is not a typo of "Gemma 4", "4000 Ada" is not "A4000"),
    so a fuzzy match must keep every digit; anything less certain becomes an UnknownName
    carrying the closest names as suggestions.
    """
    items = list(items)
    key = normalize(query)
    if not key:
        raise UnknownName(kind, query, [])
    table: dict[str, T] = {}
    for item in items:
        for name in _names(item):
            table.setdefault(normalize(name), item)
    if key in table:
        return table[key]
    inside = {item.id: item for name, item in table.items() if len(key) >= 3 and key in name}
    if len(inside) == 1:
        return next(iter(inside.values()))
    around = [(len(name), item) for name, item in table.items()
              if len(name) >= 4 and _digits(name) and name in key]
    if around:
        longest = max(length for length, _ in around)
        winners = {item.id: item for length, item in around if length == longest}
        if len(winners) == 1:
            return next(iter(winners.values()))
    close = [(name, score) for name, score, _ in process.extract(key, list(table), scorer=fuzz.ratio, limit=5)
             if score >= cutoff and _digits(name) == _digits(key)]
    if close and len({table[name].id for name, _ in close if close[0][1] - _ < 1}) == 1:
        return table[close[0][0]]
    suggestions: list[str] = sorted(inside)
    for name, _score, _ in process.extract(key, list(table), scorer=fuzz.WRatio, limit=10):
        if table[name].id not in suggestions:
            suggestions.append(table[name].id)
    raise UnknownName(kind, query, suggestions[:5])


def resolve_model(query: str, catalog: Catalog) -> Model:
    return _resolve("model", query, catalog.models)


def resolve_license(query: str, catalog: Catalog) -> License:
    return _resolve("license", query, catalog.licenses)


def resolve_quant(query: str, catalog: Catalog) -> Quant:
    return _resolve("quant", query, catalog.quants, cutoff=95)


@dataclass(frozen=True)
class HardwareChoice:
    """A resolved device and the memory size asked for ("M4 Max 128GB" picks the 128 GB tier)."""

    hardware: Hardware
    memory_gb: float


def resolve_hardware(query: str, catalog: Catalog) -> HardwareChoice:
    match = _MEMORY_SUFFIX.search(query)
    memory = float(match.group(1)) if match else None
    stripped = _MEMORY_SUFFIX.sub("", query).strip() if match else query
    try:
        hw = _resolve("GPU or system", query, catalog.hardware)
    except UnknownName:
        if not match:
            raise
        hw = _resolve("GPU or system", stripped, catalog.hardware)
    if memory is None or memory == hw.memory_gb:
        return HardwareChoice(hw, hw.memory_gb)
    if memory in hw.memory_options_gb:
        return HardwareChoice(hw, memory)
    sizes = sorted({hw.memory_gb, *hw.memory_options_gb})
    raise UnknownName(f"memory size for {hw.name}", f"{memory:g} GB", [f"{s:g} GB" for s in sizes])
