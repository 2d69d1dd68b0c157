"""Keep only the argument values the user actually gave; drop the ones the model made up.

A small model fills optional arguments from its examples or from thin air: a `vram_gb` of 16
next to the GPU the user named, an "RTX 3090" for a user who named no hardware (so the saved
profile should have been used), a 512-token context nobody asked for. A made-up value is
worse than none, because the tools then answer for the wrong machine. So before a call
runs, each optional value is checked against what the user wrote in this conversation:

- numbers (memory sizes, context lengths) must appear there, "128k" and "1M" included; a
  size the user gave as RAM ("16 GB of RAM") is system RAM, so a `vram_gb` holding it moves
  to `ram_gb`, and a `ram_gb` needs a size said of RAM;
- a GPU or system must be named there (by any of its catalog names); an unknown name the
  user typed ("RTX 9090") is kept, so the tool can say it does not know it;
- a quant label must appear there; "commercial" needs a word about commercial use.

Required values (the model being asked about, a search query) and the task are kept: they
are the model's reading of the question, which is its job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge.schema import Catalog
from tools.mentions import Mentions
from tools.resolve import normalize

NUMERIC = ("vram_gb", "ram_gb", "context", "min_context")
_NUMBER = re.compile(r"(-?\d+(?:[.,]\d+)?)\s*(k|m\b|million|tb|gb|gib|g\b)?", re.IGNORECASE)
_RAM_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:gb|gib|g)?\b(?:\s+of)?(?:\s+(?:system|ddr\d|unified))?\s+(?:ram|memory)\b"
                       r"|\bram\D{0,12}?(\d+(?:\.\d+)?)\s*(?:gb|gib|g)\b", re.IGNORECASE)
_SIZE_ONLY = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:gb|gib|g)\s*(?:gpu|card|vram)?\s*", re.IGNORECASE)
_COMMERCIAL = re.compile(r"commercial|business|compan|sell|product|startup|enterprise|saas|client", re.IGNORECASE)
# Not device names: a model writes these when the user named none.
_GENERIC_DEVICES = {"cpu", "cpuonly", "gpu", "nogpu", "none", "laptop", "desktop", "pc", "computer", "mac", "mygpu",
                    "integrated", "igpu", "machine", "thislaptop", "mylaptop", "unknown"}


def spoken_numbers(text: str) -> list[float]:
    """Every value a number in the text may stand for: '32k' is 32000 or 32768, '2 TB' is 2000 GB."""
    values: list[float] = []
    for digits, unit in _NUMBER.findall(text):
        n = abs(float(digits.replace(",", "")))
        if digits.startswith("-"):
            values.append(-n)  # "-8 GB" is kept as the user wrote it, so the tool can refuse it
        unit = unit.lower()
        if unit == "k":
            values += [n * 1000, n * 1024]
        elif unit in ("m", "million"):
            values += [n * 1e6, n * 2**20]
        elif unit == "tb":
            values += [n * 1000, n * 1024]
        else:
            values.append(n)
    return values


def _near(value: Any, numbers: list[float]) -> bool:
    """Whether value is one of the numbers (within 3 %: "16k" may be written 16000, 16200 or
    16384); a value that is no number passes, for the schema check to reject with a proper message."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return True
    return any(abs(number - n) <= 0.03 * max(abs(n), 1) for n in numbers)


@dataclass(frozen=True)
class ArgumentCheck:
    hardware: Mentions

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> ArgumentCheck:
        return cls(Mentions.of_hardware(catalog))

    def ground(self, args: dict[str, Any], user_text: str) -> tuple[dict[str, Any], list[str]]:
        """(the arguments to run with, a note per dropped or moved value)."""
        kept: dict[str, Any] = {}
        dropped: list[str] = []
        numbers = spoken_numbers(user_text)
        ram = [float(a or b) for a, b in _RAM_SIZE.findall(user_text)]
        others = list(numbers)
        for size in ram:
            others.remove(size) if size in others else None
        for name, value in args.items():
            if value is None:
                kept[name] = value
            elif name == "ram_gb" and not _near(value, ram):
                dropped.append(f"{name}={value!r}")  # no size was said of RAM
            elif name == "vram_gb" and _near(value, ram) and not _near(value, others):
                kept.setdefault("ram_gb", value)  # "16 GB of RAM" is system memory, not GPU memory
                dropped.append(f"{name}={value!r} (moved to ram_gb)")
            elif self._given(name, value, user_text, numbers):
                kept[name] = value
            else:
                dropped.append(f"{name}={value!r}")
        return kept, dropped

    def _given(self, name: str, value: Any, text: str, numbers: list[float]) -> bool:
        if name in NUMERIC:
            return _near(value, numbers)
        if name == "gpu":
            return self._device_named(str(value), text)
        if name == "quant":
            return normalize(str(value)) in normalize(text)
        if name == "license":
            return value != "commercial" or bool(_COMMERCIAL.search(text))
        return True

    def _device_named(self, value: str, text: str) -> bool:
        if normalize(value) in _GENERIC_DEVICES or _SIZE_ONLY.fullmatch(value):
            return False  # "16 GB" is a memory size, not a device
        named = set(self.hardware.find(value))
        if named:
            return bool(named & set(self.hardware.find(text)))
        return normalize(value) in normalize(text)  # a name the catalog does not know: the tool will say so
