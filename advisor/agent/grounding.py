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


# A sentence that credits the source articles ("the guides say", "according to the articles", "article 001").
_ATTRIBUTION = re.compile(r"\b(?:the|these|those|our|my|both|several|some|all|two|three|five)\s+(?:source\s+)?"
                          r"(?:articles?|guides?|posts?|write-?ups?|blogs?|sources)\b"
                          r"|\baccording to (?:the )?(?:articles?|guides?|sources?)\b|\barticle\s+\d{3}\b", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def without_unsupported_attribution(answer: str, cited: bool) -> tuple[str, list[str]]:
    """The answer without sentences crediting the articles when no result of this turn came from
    them (`cited` False), and the sentences removed. A small model likes to say "the guides
    recommend…" about whatever it remembers; with nothing from the articles in the turn, that
    attribution is invented, so the sentence goes."""
    if cited or not _ATTRIBUTION.search(answer):
        return answer, []
    kept, removed = [], []
    for sentence in _SENTENCE.split(answer.strip()):
        (removed if _ATTRIBUTION.search(sentence) else kept).append(sentence)
    return " ".join(kept), removed


NUMBERED = ("hardware", "quant", "context", "speed")  # copied arguments whose numbers must have been said
DEFAULT_QUANT = "q4km"  # Q4_K_M, the quant the tools assume when none is given (normalized)
_SCALES = (1, 1000, 1024, 1 / 1000, 1 / 1024, 1_000_000, 2**20)  # "32k" may be copied as 32768, "1M" as 1048576


def _values(text: str) -> set[float]:
    return _digits_in(text)


def uncopied_arguments(args: dict[str, object], said: str) -> list[str]:
    """The copied arguments holding a number nobody said ("3070" for a user who only wrote "hey").

    A small model fills optional arguments from its examples; a value that is not in the
    conversation describes someone else's machine. The check is on numbers, with "32k" matching
    32768; in hardware and context only numbers of two or more digits count, because a count may
    be spelled out ("two" as "2x"); in a quant the bit width counts ("8bit" for a user who gave
    none). Words ("my laptop") and spellings ("12 gigs" as "12GB") are the tools' to read.
    """
    known = {round(v * scale, 3) for v in _values(said) for scale in _SCALES}
    wrong = []
    for name in NUMBERED:
        value = args.get(name)
        if value is None or isinstance(value, bool):
            continue
        if name == "quant" and re.sub(r"[^a-z0-9]", "", str(value).lower()) == DEFAULT_QUANT:
            continue  # the tools' default anyway: running with it changes nothing
        # A count may be spelled out ("two" -> "2x"), so a single digit must be said only in a quant's bit width.
        if name == "quant":  # its bit width is its first number: the 8 of "Q8_0", the 16 of "fp16"
            width = re.search(r"\d+", str(value))
            if width and float(width.group()) not in known:
                wrong.append(name)
            continue
        if any(round(v, 3) not in known for v in _digits_in(str(value)) if v >= 10):
            wrong.append(name)
    return wrong


def _digits_in(text: str) -> set[float]:
    """Every number in a value, single digits too ("Q4_K_M" holds 4; "8bit" holds 8)."""
    return {float(n.replace(",", "")) for n in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", text)}
