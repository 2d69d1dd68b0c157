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


def model_key(text: str) -> str:
    """The key model names are compared by: `normalize`, except that "+" reads as "plus".

    Without it "Command R+" and "Command R" would be one name.
    """
    return normalize(text.replace("+", "plus"))


# What people paste after a model's name: a GGUF file's extension and shard number, a "-GGUF"
# repository suffix, and the quant label Ollama tags and GGUF file names end with
# ("llama3.1:8b-instruct-q4_K_M", "Qwen2.5-7B-Instruct-IQ4_XS.gguf", "model.Q8_0", "-UD-Q4_K_XL", "-bf16").
_FILE_SUFFIX = re.compile(r"(?:-\d{5}-of-\d{5})?\.gguf$", re.IGNORECASE)
_REPO_SUFFIX = re.compile(r"[-_]gguf$", re.IGNORECASE)
_QUANT_SUFFIX = re.compile(r"[-_.:](?:ud[-_])?(?:i?q\d(?:_[a-z0-9]+)*|f16|f32|bf16|fp16|fp32|mxfp4)$", re.IGNORECASE)


def strip_quant_suffix(name: str) -> str:
    """'llama3.1:8b-instruct-q4_K_M' -> 'llama3.1:8b-instruct'; a name that is only a label stays as it is."""
    stripped = _REPO_SUFFIX.sub("", _FILE_SUFFIX.sub("", name.strip()))
    while True:
        shorter = _QUANT_SUFFIX.sub("", stripped)
        if shorter == stripped:
            break
        stripped = shorter
    return stripped if normalize(stripped) else name


def _names(item: Model | Hardware | License | Quant) -> list[str]:
    names = [item.id, *item.aliases]
    if hasattr(item, "name"):
        names.append(item.name)  # type: ignore[attr-defined]
    return names


# Name tables, built once per record list: resolving every name of a 250-model catalog would
# otherwise rebuild a 2,000-name table for each lookup. Keyed by the list's identity (catalogs
# are frozen and keep their lists), with the list held so the id cannot be reused meanwhile.
_TABLES: dict[tuple[int, object], tuple[list, dict]] = {}


def _table(items: list[T], key_of) -> dict[str, T]:
    cached = _TABLES.get((id(items), key_of))
    if cached is not None and cached[0] is items:
        return cached[1]
    table: dict[str, T] = {}
    for item in items:
        for name in _names(item):
            table.setdefault(key_of(name), item)
    if len(_TABLES) >= 32:
        _TABLES.clear()
    _TABLES[(id(items), key_of)] = (items, table)
    return table


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _resolve(kind: str, query: str, items: Iterable[T], *, cutoff: float = 90, key_of=normalize) -> T:
    """Exact name, then unambiguous containment, then a close spelling with the same numbers.

    Numbers decide identity ("Gemma 5" is not a typo of "Gemma 4", "4000 Ada" is not "A4000"),
    so a fuzzy match must keep every digit; anything less certain becomes an UnknownName
    carrying the closest names as suggestions.
    """
    items = items if isinstance(items, list) else list(items)
    key = key_of(query)
    if not key:
        raise UnknownName(kind, query, [])
    table = _table(items, key_of)
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
    """A catalog model by name, alias, Ollama tag or GGUF file name (quant suffixes ignored).

    An exact name wins first, so a user's file registered under its own file name is found
    before the packaged model its stripped name would also match.
    """
    exact = _table(catalog.models, model_key)
    if model_key(query) in exact:
        return exact[model_key(query)]
    stripped = strip_quant_suffix(query)
    try:
        return _resolve("model", stripped, catalog.models, key_of=model_key)
    except UnknownName as unknown:
        if stripped != query:
            return _resolve("model", query, catalog.models, key_of=model_key)
        if ":" in query or not query.strip():
            raise
        try:  # a bare Ollama name means its ":latest" tag ("mistral" is "mistral:latest")
            return _resolve("model", f"{query.strip()}:latest", catalog.models, key_of=model_key)
        except UnknownName:
            raise unknown from None


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
