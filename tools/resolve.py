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


def _resolve(kind: str, query: str, items: Iterable[T], *, cutoff: float = 88) -> T:
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
    # Unique prefix/suffix containment handles "4090" -> "nvidiageforcertx4090".
    contained = {id(v): v for k, v in table.items() if key in k and len(key) >= 3}
    if len(contained) == 1:
        return next(iter(contained.values()))
    best = process.extract(key, list(table), scorer=fuzz.WRatio, limit=8)
    if best and best[0][1] >= cutoff and (len(best) == 1 or best[0][1] - best[1][1] >= 3 or table[best[0][0]] is table[best[1][0]]):
        return table[best[0][0]]
    suggestions: list[str] = []
    for name, _score, _ in best:
        label = table[name].id
        if label not in suggestions:
            suggestions.append(label)
    if contained:
        suggestions = sorted({v.id for v in contained.values()}) + [s for s in suggestions if s not in {v.id for v in contained.values()}]
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
