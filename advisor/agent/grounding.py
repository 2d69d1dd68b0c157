"""Check that the figures in an answer come from somewhere: the tool results or the question.

A small model sometimes "improves" a number (15.2 GB becomes 15 GB, or a speed appears from
nowhere). The check is literal: every number of two or more digits, or with a decimal point,
must occur in the turn's tool results or in the question. Single digits are list numbering
and version names ("Qwen3", "5 lines") too often to judge.
"""

from __future__ import annotations

import re

_NUMBER = re.compile(r"(?<![\w.])\d+(?:,\d{3})*(?:\.\d+)?")


def numbers(text: str) -> set[str]:
    found = set()
    for raw in _NUMBER.findall(text):
        value = raw.replace(",", "")
        if "." in value:
            value = value.rstrip("0").rstrip(".")
        found.add(value)
    return found


def ungrounded_figures(answer: str, evidence: list[str]) -> list[str]:
    """Numbers in `answer` that appear in none of the `evidence` texts."""
    known: set[str] = set()
    for text in evidence:
        known |= numbers(text)
    return sorted(n for n in numbers(answer) if n not in known and (len(n) > 1 or "." in n))
