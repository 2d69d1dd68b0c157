"""The phrases of a message that each copied argument can hold.

Several of the agent's arguments are the user's words, copied: hardware, quant, context, speed,
the use a recommendation must allow ("for my startup"; tools/phrasing.py reads them all), the
model a search is about, the model an estimate or a plan is for and the license or model a
license question names. A small model still fills them from memory: "rtx 3070" for a user who
wrote "heyy", "512gb" as a context, "Gemma 3" as hardware, "commercial" for a user who never said
so, "mistral nemo" (the prompt's example) for a question about the KV cache. This module lists, for one message and each kind of value, every
phrase (a run of up to MAX_WORDS words) that the kind's own parser reads as a value; for `model`
the catalog names the message mentions (tools/mentions.py), for `named_model` those plus
every phrase written like a model name the catalog may not know (see _named), and for
`license_name` a license as the catalog spells it or a named model; the chat model decodes a
call under a grammar that admits only those phrases (advisor/llm/chat_model.py), so a call can only hold words the
user wrote and the tools read.

Nothing here guesses what the user wants: which argument to fill, with which of the phrases,
or whether to fill it at all stays the model's decision. The rules only say what a value of
each argument is, with the parsers' tests as their specification, plus three exclusions for
phrases two arguments would both read, and one for phrases a parser rejects:

- a phrase that names hardware is not a context length or a speed ("3090" is a card, not
  3,090 tokens);
- a context length is at least MIN_CONTEXT tokens and says it is one, with a k/M scale or a
  word such as "tokens" or "context" (a bare "12" of "12 gigs" or "9090" is no context);
- "8b" or "70B" is a parameter count, never a quant (the quant parser alone reads "8b" as 8-bit);
- a speed carries its unit ("30 tok/s"); a bare number is never read as one here;
- a phrase its parser rejects is still offered when it is plainly of the argument's kind ("RTX
  9090", "-8 GB", "Q9"), so that the tool's specific error reaches the user; "Gemma 3" as
  hardware is not (no word of it names hardware in the catalog);
- a phrase another kind reads ("q8", "8gb", "m4 max") is no model name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Collection
from knowledge.schema import Catalog
from tools.errors import AdvisorError
from tools.mentions import Mentions
from tools.phrasing import QUANT_WORDS, parse_context, parse_hardware, parse_quant, parse_speed, parse_use

MAX_WORDS = 8  # "a laptop with 32 GB RAM and an RTX 4060" is the longest hardware people write in one go
REJECTED_WORDS = 3  # "RTX 9090", "-8 GB card", "10M tokens": how long a wrong value is written
MIN_CONTEXT = 512  # tokens: below this no one is asking about a context window
KINDS = ("hardware", "quant", "context", "speed", "use", "model", "named_model", "license_name")  # what a copied argument holds
NAME_WORDS = 5  # "deepseek r1 distill qwen 14b": the longest model name people write

# Punctuation that ends or opens a phrase rather than belonging to it ("card?", "(16k)").
_EDGES = "?!.,;:\"'()[]{}<>*`"
# What makes a rejected phrase one of the argument's kind: a memory size with its unit, a bit width
# ("3 bit", "Q9", "int3"), a context word or a k/M-scaled number.
_SIZE = re.compile(r"\d\s*(?:gb|gib|tb|tib|mb|gigs?|gigabytes?)\b", re.IGNORECASE)
_BITS = re.compile(r"\b(?:\d+(?:\.\d+)?\s*-?\s*(?:bits?|bpw)|i?q\d+\w*|int\s*\d+)\b", re.IGNORECASE)
_PARAMETERS = re.compile(r"\d\s*b\b", re.IGNORECASE)  # "8b", "70B": a parameter count, though the quant parser reads "8b" as 8-bit
_QUANT_WORD = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in QUANT_WORDS) + r")\b", re.IGNORECASE)
_CONTEXT_CUE = re.compile(r"\b(?:tokens?|context|ctx|window)\b|\d\s*[km]\b", re.IGNORECASE)
# Words in hardware names that say nothing about which device ("graphics" could be any card).
# Only words that name a make, a line or a chip family count: "bit", "on" or "laptop" occur in
# catalog names too, but also in any question.
_GENERIC = frozenset({"with", "and", "the", "for", "of", "on", "or", "only", "gb", "gpu", "graphics", "card", "memory",
                      "ram", "bit", "bits", "older", "go", "point", "edition", "gen", "generation", "channel", "dual",
                      "dual-channel", "integrated", "processor", "server", "desktop", "laptop", "mobile", "mini",
                      "mini-pc", "air", "pro", "max", "super", "extreme", "core", "studio", "workstation", "ai",
                      "cpu", "igpu", "apu", "apus", "cus", "eu", "lake", "rock", "orange", "pi", "ti"})
# First words of catalog names that people write for other things ("code", "intel" of a CPU, "meta" of a company).
_NOT_FAMILIES = frozenset({"code", "intel", "meta", "nvidia", "neural"})
_VOCABULARIES: dict[int, _Vocabulary] = {}  # id of a catalog -> its vocabulary
# Words that join alternatives in one phrase: "q4 or q8", "deepseek r1 14b vs phi 4", "a 4070 ti and also
# on a 4080". In hardware, "and", "," and "+" join the parts of one machine ("a 4090 and 64 GB RAM"), so
# only words that offer a choice split it; models, licenses and quants have no parts, so "and" and a
# comma list them too.
_CHOICE = r"\s+(?:vs\.?|versus|or|and also(?:\s+(?:on|at|with|for))?|and\s+(?:on|for)|and then)\s+"
_LISTS = {
    "hardware": re.compile(_CHOICE, re.IGNORECASE),
    **dict.fromkeys(("quant", "named_model", "license_name"),
                    re.compile(_CHOICE + r"|\s+and\s+|\s+&\s+|\s*,\s*(?:and\s+|or\s+)?", re.IGNORECASE)),
}
LISTED_KINDS = tuple(_LISTS)
MAX_LISTED = 4  # "q4, q5, q6 or q8": more alternatives than that in one phrase is no longer a comparison
_LEADING_FILLER = frozenset({"a", "an", "the", "at", "on", "in", "with", "also", "for", "to"})
_SPEED_UNIT = re.compile(r"(?:tok(?:en)?s?|t)\s*(?:/|per)\s*(?:s|sec|second|min|minute)\b|\btps\b", re.IGNORECASE)


def phrases(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Every run of 1..max_words words of `text`, punctuation trimmed from its ends, each once, in order."""
    words = text.split()
    seen: dict[str, None] = {}
    for start in range(len(words)):
        for end in range(start + 1, min(len(words), start + max_words) + 1):
            phrase = " ".join(words[start:end]).strip(_EDGES).strip()
            if phrase:
                seen.setdefault(phrase, None)
    return list(seen)


def copyable_values(text: str, catalog: Catalog) -> dict[str, tuple[str, ...]]:
    """For each copied argument, the phrases of `text` its parser reads as a value (see the module docstring).

    An argument with no such phrase is missing from the result: the user gave no value for it.
    """
    found: dict[str, list[str]] = {kind: [] for kind in KINDS}
    vocabulary = _vocabulary(catalog)
    every = phrases(text)
    for phrase in every:
        hardware = _reads(phrase, lambda: not parse_hardware(phrase, catalog).is_empty,
                          lambda: bool(_SIZE.search(phrase)) or bool(vocabulary.hardware_words & set(phrase.lower().split())))
        if hardware:
            found["hardware"].append(phrase)
            continue
        if _quant_like(phrase) and _reads(phrase, lambda: parse_quant(phrase, catalog) is not None,
                                                     lambda: bool(_BITS.search(phrase))):
            found["quant"].append(phrase)
        if _CONTEXT_CUE.search(phrase) and _reads(phrase, lambda: (parse_context(phrase) or 0) >= MIN_CONTEXT,
                                                  lambda: any(c.isdigit() for c in phrase)):
            found["context"].append(phrase)
        if _SPEED_UNIT.search(phrase) and _reads(phrase, lambda: parse_speed(phrase) is not None, lambda: True):
            found["speed"].append(phrase)
        if _reads(phrase, lambda: parse_use(phrase) is not None, lambda: False):
            found["use"].append(phrase)
    found["model"] = vocabulary.model_names.phrases(text)
    read = {p for kind in ("hardware", "quant", "context", "speed") for p in found[kind]}
    found["named_model"] = [*found["model"], *(p for p in every if len(p.split()) <= NAME_WORDS and p not in read
                                               and p not in found["model"] and _named(p, vocabulary))]
    # What a license question is about: a license as the catalog spells it ("apache 2.0", "the llama 4
    # license", "mit") or a model, named as above (its license is looked up).
    found["license_name"] = list(dict.fromkeys([*(p for p in every if _license_spelling(p) in vocabulary.licenses),
                                                *found["named_model"]]))
    longer = phrases(text, 2 * MAX_WORDS)  # two values of up to MAX_WORDS each, and the words between them
    for kind in LISTED_KINDS:  # "q4 and q8", "llama 4 scout vs gemma 3 27b": a phrase listing values of the kind
        values = set(found[kind])
        found[kind] += [p for p in longer if p not in values and len(listed(p, kind, values)) > 1]
    # The words of a speed are not a context length too ("20 tokens per" of "20 tokens per second").
    found["context"] = [c for c in found["context"] if not any(c in speed for speed in found["speed"])]
    return {name: tuple(values) for name, values in found.items() if values}


def listed(phrase: str, kind: str, values: Collection[str]) -> tuple[str, ...]:
    """The values a copied phrase offers as alternatives ("q4 and at q8" -> "q4", "q8"), when each part,
    leading filler words dropped, is itself one of `values` (the phrases of the kind the user wrote);
    otherwise the phrase alone. Whether the user wants them compared is not guessed here: the model chose
    to copy the whole phrase, and each alternative is then asked for on its own (advisor/agent/graph.py)."""
    pattern = _LISTS.get(kind)
    if pattern is None:
        return (phrase,)
    parts = [_without_leading_filler(part) for part in pattern.split(phrase)]
    if 1 < len(parts) <= MAX_LISTED and len(set(parts)) == len(parts) and all(p in values for p in parts):
        return tuple(parts)
    return (phrase,)


def _without_leading_filler(part: str) -> str:
    words = part.strip(_EDGES).split()
    while len(words) > 1 and words[0].lower() in _LEADING_FILLER:
        words = words[1:]
    return " ".join(words)


def _quant_like(phrase: str) -> bool:
    """A quant is written with its width ("Q4_K_M", "8 bit", "fp16") or a precision word ("half precision");
    "MoE" or "8b" are not one, though the quant resolver's fuzzy match or its bit-width reading would take them."""
    return not _PARAMETERS.search(phrase) and (any(c.isdigit() for c in phrase) or bool(_QUANT_WORD.search(phrase)))


def _reads(phrase: str, parse: Callable[[], bool], of_its_kind: Callable[[], bool]) -> bool:
    """Whether the argument's parser reads the phrase as a value, or rejects it as a value of its
    kind that is wrong ("RTX 9090", "-8 GB", "Q9", "10M tokens"): such a phrase stays offered, so
    that the user hears the parser's specific error instead of an answer about other hardware. Only
    short phrases: a longer one holds the value and other words, and the value alone is offered."""
    try:
        return parse()
    except AdvisorError:
        return len(phrase.split()) <= REJECTED_WORDS and of_its_kind()


def _named(phrase: str, vocabulary: _Vocabulary) -> bool:
    """Written like a model name: it starts with a family the catalog knows ("mixtral", "llama"), a
    word mixing letters and digits ("qwen9", "r1") or a hyphenated one ("zorblax-lm"), and every
    further word is one of the catalog's model-name words ("flash", "scout") or holds a digit or a
    hyphen ("70b", "3.3"). The estimate then resolves it or names the closest models."""
    words = phrase.lower().split()
    if not words or not (words[0] in vocabulary.families or _coined(words[0])):
        return False
    if any(w in vocabulary.device_words for w in words if _coined(w)):
        return False  # "ddr5", "i7", "7800x3d": parts of a machine
    return all(w in vocabulary.model_words or any(c.isdigit() for c in w) or "-" in w.strip("-") for w in words[1:])


def _license_spelling(phrase: str) -> str:
    """A phrase as license names are compared: lowercase, hyphens and underscores as spaces,
    a trailing "license"/"licence"/"terms" dropped ("apache license" is the spelling "apache")."""
    words = re.sub(r"[-_,()]+", " ", phrase.lower()).split()
    if len(words) > 1 and words[-1] in ("license", "licence", "terms"):
        words = words[:-1]
    return " ".join(words)


def _license_spellings(catalog: Catalog) -> frozenset[str]:
    """Every license's id, name and aliases as _license_spelling writes them. A one-word spelling
    counts only when the license id holds it ("apache", "mit", "proprietary"): "Community" or
    "Closed" are aliases too, but people write those words about other things."""
    spellings = set()
    for lic in catalog.licenses:
        id_words = set(re.split(r"[-.]", lic.id.lower()))
        for name in (lic.id, lic.name, *lic.aliases):
            spelled = _license_spelling(name)
            if " " in spelled or spelled in id_words:
                spellings.add(spelled)
    return frozenset(spellings)


def _coined(word: str) -> bool:
    """A word made up as a name: a letter, another, then digits among them ("qwen9", "phi4", "a3b" is too
    short to start one) or letters joined by a hyphen ("zorblax-lm"). "i7", "m.2" or "1440p" are not."""
    if re.fullmatch(r"[a-z][a-z]+(?:-[a-z0-9.]+)+", word):
        return True
    return bool(re.fullmatch(r"[a-z]{2,}[a-z0-9.]*\d[a-z0-9.]*", word))


@dataclass(frozen=True)
class _Vocabulary:
    """What the catalog contributes to reading phrases, built once per catalog object."""

    hardware_words: frozenset[str]  # digit-free words of device names ("rtx", "radeon", "ultra"): marks unknown hardware
    model_names: Mentions  # catalog model names as people write them
    families: frozenset[str]  # digit-free first words of model names ("llama", "mixtral", "gpt")
    model_words: frozenset[str]  # digit-free words of model names ("flash", "scout", "instruct")
    device_words: frozenset[str]  # every word of device names ("ddr5", "7800x3d", "m4")
    licenses: frozenset[str]  # license ids, names and aliases as _license_spelling writes them


def _vocabulary(catalog: Catalog) -> _Vocabulary:
    key = id(catalog)
    if key not in _VOCABULARIES:
        names = [n for hw in catalog.hardware for n in (hw.name, *hw.aliases)]
        words = frozenset(w for n in names for w in re.split(r"[\s()/,]+", n.lower())
                          if len(w) > 1 and not any(c.isdigit() for c in w)) - _GENERIC
        # Names and their aliases as people write them; repository ids ("meta-llama/...") would add makers' names.
        models = [re.split(r"[\s_,():-]+", n.lower()) for m in catalog.models
                  for n in (m.name, m.family, *m.aliases) if "/" not in n]
        named = frozenset(w for n in models for w in n if len(w) > 1 and w.isalpha()) - _GENERIC
        families = frozenset(n[0] for n in models if n and n[0].isalpha() and len(n[0]) > 1) - _GENERIC - _NOT_FAMILIES
        devices = frozenset(w for n in names for w in re.split(r"[\s()/,_-]+", n.lower()) if w)
        _VOCABULARIES[key] = _Vocabulary(words, Mentions.of_models(catalog), families, named, devices,
                                          _license_spellings(catalog))
    return _VOCABULARIES[key]


_READ: dict[tuple[str, int], dict[str, tuple[str, ...]]] = {}  # (message, id of its catalog) -> values


def _cached(text: str, catalog: Catalog) -> dict[str, tuple[str, ...]]:
    key = (text, id(catalog))
    if key not in _READ:
        if len(_READ) >= 512:
            _READ.clear()
        _READ[key] = copyable_values(text, catalog)
    return _READ[key]


def values_in(texts: list[str], catalog: Catalog, shown: list[str] | tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    """copyable_values over several messages (a thread's questions), merged; each message is read once per process.

    `shown` are tool results the model has in front of it: the catalog models they name may be
    the model of an estimate too ("how fast would the top one be?" after a recommendation)."""
    merged: dict[str, dict[str, None]] = {}
    for text in texts:
        for name, values in _cached(text, catalog).items():
            merged.setdefault(name, {}).update(dict.fromkeys(values))
    names = _vocabulary(catalog).model_names
    for text in shown:
        if found := names.phrases(text):
            for kind in ("named_model", "license_name"):
                merged.setdefault(kind, {}).update(dict.fromkeys(found))
    return {name: tuple(values) for name, values in merged.items()}


def copying_from(catalog: Catalog) -> Callable[[list[str], list[str]], dict[str, tuple[str, ...]]]:
    """values_in for one catalog: (the thread's questions, the tool results shown) -> phrases per kind."""
    return lambda asked, shown: values_in(asked, catalog, shown)
