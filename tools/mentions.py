"""Which catalog models (or devices) a text mentions: article search narrows passages to a
model with it, the evals read which models an answer names, the agent's router looks for
models and hardware in a question.

Articles write one model many ways ("Qwen3-30B-A3B", "Qwen 3 30B A3B", "qwen3:30b"), so
each catalog name and alias becomes a pattern whose parts may be joined by spaces, hyphens,
colons or nothing. A mention must end where the name ends ("Qwen3-8B" is not "Qwen3-80B"),
and when two names overlap the longer one wins ("Qwen3.5-35B-A3B" is not also "Qwen3.5-35B"
of some other record).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from knowledge.schema import Catalog

_PART = re.compile(r"[a-z]+|\d+(?:\.\d+)*")
_JOINER = r"[\s\-_:/]*"


@dataclass(frozen=True)
class _Name:
    record_id: str
    first_part: str  # cheap pre-check: the pattern cannot match a text without it
    pattern: re.Pattern[str]
    parts: tuple[str, ...] = ()  # every literal part; all must occur before the regex is worth running


def _spelled(text: str) -> str:
    """Lowercase, with "+" read as "plus", so "Command R+" is not "Command R"."""
    return text.lower().replace("+", " plus ")


def _compile(name: str) -> tuple[str, re.Pattern[str], tuple[str, ...]] | None:
    parts = _PART.findall(_spelled(name))
    if sum(len(p) for p in parts) < 4:  # "K2" or "R1" alone would match too much prose
        return None
    body = _JOINER.join(re.escape(p) for p in parts)
    return parts[0], re.compile(rf"(?<![a-z0-9.]){body}(?![a-z0-9]|\.\d)"), tuple(dict.fromkeys(parts))


@dataclass(frozen=True)
class Mentions:
    names: tuple[_Name, ...]

    @classmethod
    def of_models(cls, catalog: Catalog) -> Mentions:
        return cls._of([(m.id, [m.id, m.name, *m.aliases]) for m in catalog.models])

    @classmethod
    def of_hardware(cls, catalog: Catalog) -> Mentions:
        return cls._of([(h.id, [h.id, h.name, *h.aliases]) for h in catalog.hardware])

    @classmethod
    def _of(cls, records: list[tuple[str, list[str]]]) -> Mentions:
        names = []
        for record_id, spellings in records:
            for name in dict.fromkeys(spellings):
                compiled = _compile(name)
                if compiled:
                    names.append(_Name(record_id, *compiled))
        return cls(tuple(names))

    @property
    def fingerprint(self) -> str:
        """Changes whenever the catalog's names change, so stored mentions can be redone."""
        text = "\n".join(sorted(f"{n.record_id}\t{n.pattern.pattern}" for n in self.names))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def _kept(self, lower: str) -> list[tuple[int, int, str]]:
        """(start, end, record id) of each mention in a lowered text, in order; a name inside a longer
        one is dropped ("Qwen3-30B" inside "Qwen3-30B-A3B", whichever record either belongs to)."""
        spans: list[tuple[int, int, str]] = []
        for name in self.names:
            if name.first_part in lower and all(part in lower for part in name.parts):
                spans.extend((m.start(), m.end(), name.record_id) for m in name.pattern.finditer(lower))
        return sorted(
            (start, end, record_id) for start, end, record_id in spans
            if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
        )

    def phrases(self, text: str) -> list[str]:
        """The words of `text` that name a record, as written there (lowercased when the text has a "+")."""
        lower = _spelled(text)
        source = text if len(lower) == len(text) else lower
        return list(dict.fromkeys(source[start:end].strip() for start, end, _ in self._kept(lower)))

    def find(self, text: str) -> list[str]:
        """Ids of the records mentioned in text, in order of first mention."""
        return list(dict.fromkeys(record_id for _, _, record_id in self._kept(_spelled(text))))
