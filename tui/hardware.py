"""The hardware profile as a person types it: "RTX 4070 Ti Super 16 GB, 64 GB RAM".

Free text is split into parts (commas, '+', 'with', 'and'); a part that mentions RAM sets the
system memory, "CPU only" drops the GPU, and anything else is a GPU name resolved by the same
fuzzy rules as the tools (tools.resolve). An unknown GPU with a size still works as a plain
"N GB GPU"; an unknown name without one is an error listing the closest names. Storage goes
through advisor.profile, which the agent reads for every answer.
"""

from __future__ import annotations

import re

from pydantic import ValidationError

from knowledge.schema import Catalog
from tools.errors import InvalidRequest, UnknownName
from tools.requests import HardwareSpec
from tools.resolve import resolve_hardware

_SPLIT = re.compile(r"\s*(?:,|;|\+|\bwith\b|\band\b)\s*", re.IGNORECASE)
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:gb|gib|g)\b", re.IGNORECASE)
_RAM = re.compile(r"\b(ram|ddr\d?|system memory)\b", re.IGNORECASE)
_CPU_ONLY = re.compile(r"\b(cpu[\s-]*only|no\s+gpu)\b", re.IGNORECASE)
_COUNT = re.compile(r"^\s*(\d+)\s*[x×]\s*", re.IGNORECASE)


def parse_hardware(text: str, catalog: Catalog) -> HardwareSpec:
    """A HardwareSpec from free text; AdvisorError with a specific message when it cannot be."""
    gpu: str | None = None
    vram_gb: float | None = None
    ram_gb: float | None = None
    gpus = 1
    cpu_only = False
    for part in filter(None, (p.strip() for p in _SPLIT.split(text))):
        size = _SIZE.search(part)
        if _CPU_ONLY.search(part):
            cpu_only = True
            if size and _RAM.search(part):
                ram_gb = float(size.group(1))
        elif _RAM.search(part):
            if not size:
                raise InvalidRequest(f"'{part}': give the RAM size in GB, e.g. '64 GB RAM'.")
            ram_gb = float(size.group(1))
        else:
            if gpu or vram_gb:
                raise InvalidRequest(f"more than one GPU given ('{part}'); for several of the same card write '2x RTX 3090'.")
            count = _COUNT.match(part)
            if count:
                gpus = int(count.group(1))
                part = part[count.end():]
            gpu, vram_gb = _gpu(part, catalog, size)
    if not (gpu or vram_gb or ram_gb or cpu_only):
        raise InvalidRequest("describe a GPU or system (e.g. 'RTX 4090, 64 GB RAM') or 'CPU only, 32 GB RAM'.")
    try:
        return HardwareSpec(gpu=gpu, vram_gb=vram_gb, gpus=gpus, ram_gb=ram_gb, cpu_only=cpu_only)
    except ValidationError as exc:
        raise InvalidRequest("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from None


def _gpu(part: str, catalog: Catalog, size: re.Match[str] | None) -> tuple[str | None, float | None]:
    """A catalog name (with the memory tier when it has several), or a bare size for unknown cards."""
    try:
        choice = resolve_hardware(part, catalog)
    except UnknownName as miss:
        if size and not _SIZE.sub("", part).strip(" -"):
            return None, float(size.group(1))  # just "16 GB": a GPU of that size
        if size and not miss.kind.startswith("memory size"):
            return None, float(size.group(1))  # an unknown card of a known size
        raise
    name = choice.hardware.name
    if choice.memory_gb != choice.hardware.memory_gb:
        name = f"{name} {choice.memory_gb:g}GB"
    return name, None
