"""AST-style matching of the tool calls a model made against the calls a case expects.

After the Berkeley Function Calling Leaderboard: a call matches when its name is right, every
expected argument satisfies its rule, and every other argument is left out or set to the
tool's default (an invented `vram_gb` next to the GPU the user named is wrong, an explicit
`quant: Q4_K_M` that is the default anyway is not). A turn's calls match under its order
rule: strict (same calls, same order), unordered (same calls, any order) or subset (at least
the expected calls; extra calls are allowed).

Calls are judged by what they mean, not how they are spelled. The agent's tools take the
user's own words ("2x 3090 + 128 GB RAM", "4-bit", "16k"), so before matching, the same
parsers the tools use (tools/phrasing.py) turn `hardware` into gpu / vram_gb / ram_gb /
gpus / cpu_only, `quant` into its GGUF label and `context` into tokens. That is what keeps
case files written for the older argument names (`gpu: {gpu: rtx-4090}`, `vram_gb`,
`min_context`) running unchanged, and it makes an invented RAM size inside the hardware text
as wrong as an invented `ram_gb` argument was. Text the parsers reject (the user's "RTX
9090" copied faithfully) stays under `hardware`, where a `contains` rule can judge it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from itertools import permutations
from typing import Any, Callable, Mapping, Sequence

from evals.toolcases import ArgRule, ExpectedCall, Order
from knowledge.schema import Catalog
from tools.errors import AdvisorError, UnknownName
from tools.licenses import license_terms
from tools.resolve import resolve_hardware, resolve_model


@dataclass(frozen=True)
class Call:
    """A call the model made, as the agent reported it."""

    name: str
    args: Mapping[str, Any]


@dataclass(frozen=True)
class TurnMatch:
    names_ok: bool  # the right tools, by the turn's order rule
    args_ok: bool  # names and every argument right (the full AST match)
    diff: tuple[str, ...]  # what differs, one line per problem; empty when args_ok


Defaults = Mapping[str, Mapping[str, Any]]  # tool name -> argument -> default value

HARDWARE_KEYS = ("gpu", "vram_gb", "ram_gb", "gpus", "cpu_only")  # what a `hardware` text means
# A meaning key the text does not set has these values; any other value is judged like an argument.
MEANING_DEFAULTS: dict[str, Any] = {"gpu": None, "vram_gb": None, "ram_gb": None, "gpus": 1, "cpu_only": False}
ALIASES = {"min_context": "context"}  # older argument names a case may still use -> the name they mean now


def _cpu_platforms(catalog: Catalog) -> set[str]:
    return {h.name for h in catalog.hardware if h.kind == "cpu"}


def _hardware_meaning(text: str, catalog: Catalog) -> dict[str, Any] | None:
    """The hardware keys a text sets (a single GPU and a GPU machine leave gpus and cpu_only out);
    None when the parser rejects the text."""
    from tools.phrasing import parse_hardware  # noqa: PLC0415 - the tools' own parser, so both read text alike

    try:
        spec = parse_hardware(text, catalog)
    except AdvisorError:
        return None
    cpu_platform = spec.gpu in _cpu_platforms(catalog)  # "laptop CPU": a CPU-only machine, named
    found = {"gpu": spec.gpu, "vram_gb": spec.vram_gb, "ram_gb": spec.ram_gb,
             "gpus": spec.gpus if spec.gpus > 1 else None, "cpu_only": True if spec.cpu_only or cpu_platform else None}
    return {k: v for k, v in found.items() if v is not None}


def _parsed(kind: str, value: Any, catalog: Catalog) -> Any:
    """A quant label or a context length in tokens; the value itself when it is not text the parsers read."""
    from tools.phrasing import parse_context, parse_quant  # noqa: PLC0415

    if value is None or isinstance(value, bool) or (kind == "quant" and not isinstance(value, str)):
        return value
    try:
        return parse_quant(value, catalog) if kind == "quant" else parse_context(value)
    except (AdvisorError, TypeError, ValueError):
        return value


def _use(text: str) -> str:
    """A recommend call's `license` words as the value they mean ("for my startup" -> "commercial");
    a license name (a license tool's argument elsewhere) or words the parser rejects stay as written."""
    from tools.errors import AdvisorError  # noqa: PLC0415
    from tools.phrasing import parse_use  # noqa: PLC0415

    try:
        return parse_use(text) or "any"
    except AdvisorError:
        return text


def meaning(args: Mapping[str, Any], catalog: Catalog) -> dict[str, Any]:
    """A call's arguments as what they mean: hardware text as its keys, quant as a label, context as
    tokens, a recommendation's `license` words as "commercial" or "any".

    Arguments spelled the older way (`gpu`, `vram_gb`, `min_context`) pass through, so calls
    recorded before the change and calls to other people's tools are judged as before.
    """
    meant: dict[str, Any] = {}
    for arg, value in args.items():
        arg = ALIASES.get(arg, arg)
        if arg == "hardware" and isinstance(value, str):
            keys = _hardware_meaning(value, catalog)
            meant.update({"hardware": value} if keys is None else keys)
        elif arg in ("quant", "context"):
            meant[arg] = _parsed(arg, value, catalog)
        elif arg == "license" and isinstance(value, str):
            meant[arg] = _use(value)
        else:
            meant[arg] = value
    return meant


def _same_text(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _same_value(expected: Any, given: Any) -> bool:
    if expected is None or given is None:
        return expected is None and given is None
    if isinstance(expected, bool) or isinstance(given, bool):
        return expected is given
    if isinstance(expected, (int, float)) and isinstance(given, (int, float)):
        return math.isclose(expected, given, rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(expected, (int, float)) and isinstance(given, str):
        try:
            return math.isclose(expected, float(given), rel_tol=1e-9)  # "24" for 24: a loose but honest reading
        except ValueError:
            return False
    return isinstance(given, str) and _same_text(str(expected), given)


def _license_ids(value: str, catalog: Catalog) -> set[str]:
    """A license name resolves to that license; a model name to the model and the licenses claimed for it."""
    answer = license_terms(value, catalog)
    return {t.license.id for t in answer.terms} | ({answer.model} if answer.model else set())


def _resolved(kind: str, value: Any, catalog: Catalog) -> set[str]:
    """Catalog ids a value resolves to; empty when the tools would not recognise it."""
    if not isinstance(value, str):
        return set()
    finders: dict[str, Callable[[str], set[str]]] = {
        "model": lambda v: {resolve_model(v, catalog).id},
        "gpu": lambda v: {resolve_hardware(v, catalog).hardware.id},
        "license": lambda v: _license_ids(v, catalog),
    }
    try:
        return finders[kind](value)
    except UnknownName:
        return set()


def check_arg(rule: ArgRule, given: Any, default: Any, catalog: Catalog) -> str | None:
    """The problem with one argument (`given` None when left out), or None when it satisfies the rule.

    A left-out argument takes the tool's default, as the tool itself would.
    """
    kind = rule.kind
    if kind == "any" or (rule.optional and given is None):
        return None
    if kind == "absent":
        return None if given is None or _same_value(default, given) else f"should be left out, got {given!r}"
    given = default if given is None else given
    if kind == "one_of":
        return None if any(_same_value(v, given) for v in rule.one_of or []) else f"expected one of {rule.one_of}, got {given!r}"
    if given is None:
        return "missing"
    if kind == "equals":
        return None if _same_value(rule.equals, given) else f"expected {rule.equals!r}, got {given!r}"
    if kind == "approx":
        assert rule.approx is not None
        if isinstance(given, bool) or not isinstance(given, (int, float)):
            return f"expected a number near {rule.approx:g}, got {given!r}"
        allowed = max(rule.tol or 0.0, abs(rule.approx) * (rule.rel or 0.0))
        return None if abs(given - rule.approx) <= allowed else f"expected {rule.approx:g} ± {allowed:g}, got {given!r}"
    if kind == "contains":
        text = str(given).casefold()
        missing = [w for w in rule.contains or [] if w.casefold() not in text]
        return None if not missing else f"expected text containing {missing}, got {given!r}"
    wanted = getattr(rule, kind)
    found = _resolved(kind, given, catalog)
    if wanted in found:
        return None
    return f"expected {kind} {wanted}, got {given!r}" + (f" ({', '.join(sorted(found))})" if found else " (resolves to nothing)")


def check_call(expected: ExpectedCall, actual: Call, defaults: Mapping[str, Any], catalog: Catalog) -> list[str]:
    """Problems with one call against one expectation, both read for meaning; empty when it matches.

    A rule on `hardware` itself judges the text as written; every other rule judges meaning.
    """
    if actual.name != expected.name:
        return [f"expected a call to {expected.name}, got {actual.name}"]
    meant = meaning(actual.args, catalog)
    wanted = {ALIASES.get(arg, arg): rule for arg, rule in expected.args.items()}
    defaults = {**MEANING_DEFAULTS, **meaning({k: v for k, v in defaults.items() if k != "hardware"}, catalog)}
    unread = meant.get("hardware")  # hardware text the parser rejected
    problems = []
    for arg, rule in wanted.items():
        if arg == "hardware":
            problem = check_arg(rule, actual.args.get(arg), None, catalog)
        elif isinstance(unread, str) and arg in HARDWARE_KEYS and rule.kind != "absent":
            problem = _check_unread(rule, unread, catalog)
        elif arg == "context" and isinstance(meant.get(arg), str):
            problem = _check_unread(rule, meant[arg], catalog)
        else:
            problem = check_arg(rule, meant.get(arg), defaults.get(arg), catalog)
        if problem:
            problems.append(f"{expected.name}.{arg}: {problem}" + ("" if unread else _spelled(arg, actual.args)))
    judged_as_text = "hardware" in wanted or any(k in wanted and wanted[k].kind != "absent" for k in HARDWARE_KEYS)
    # Older cases say "a CPU-only machine with 16 GB" with ram_gb alone (the old tools had no
    # cpu_only); text such as "64 GB RAM, no GPU" means the same machine.
    ram_alone = "ram_gb" in wanted and wanted["ram_gb"].kind != "absent" and not any(
        k in wanted for k in ("hardware", "gpu", "vram_gb", "gpus", "cpu_only"))
    for arg, value in meant.items():
        if arg in wanted or (arg == "hardware" and judged_as_text) or (arg in HARDWARE_KEYS and "hardware" in wanted):
            continue
        cpu_allowed = ram_alone or _true(wanted.get("cpu_only"))
        if cpu_allowed and (arg == "cpu_only" or (arg == "gpu" and value in _cpu_platforms(catalog))):
            continue  # a CPU platform's name says no more than CPU-only
        if value is not None and not _same_value(defaults.get(arg), value):
            problems.append(f"{expected.name}.{arg}: not expected, got {value!r}" + _spelled(arg, actual.args))
    return problems


# A number and its unit in text the parsers rejected ("500 TB", "-8 GB", "50M tokens"): every
# reading of the unit counts (TB as 1000 or 1024 GB), because the eval only asks whether the
# model copied the user's figure, and the tool's job was to refuse it.
_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)\s*(tb|tib|gb|gib|gigs?|mb|mib|k|m|million|thousand)?\b", re.IGNORECASE)
_SCALES = {"tb": (1000, 1024), "tib": (1024,), "mb": (0.001,), "mib": (1 / 1024,), "k": (1000, 1024),
           "thousand": (1000,), "m": (1_000_000, 1_048_576), "million": (1_000_000,)}


def loose_numbers(text: str) -> list[float]:
    """Every figure a rejected text might mean, in the rule's unit (GB or tokens)."""
    found = []
    for number, unit in _NUMBER.findall(text):
        found += [float(number) * scale for scale in _SCALES.get(unit.casefold(), (1,))]
    return found


def _check_unread(rule: ArgRule, text: str, catalog: Catalog) -> str | None:
    """A rule on a hardware key or a context, judged on text the parsers rejected."""
    if rule.kind in ("approx", "equals", "one_of") and not isinstance(rule.equals, str):
        numbers = loose_numbers(text)
        if any(check_arg(rule, n, None, catalog) is None for n in numbers):
            return None
        return f"the text {text!r} does not parse and holds no figure the rule accepts (read {numbers or 'none'})"
    return check_arg(rule, text, None, catalog)


def _true(rule: ArgRule | None) -> bool:
    return rule is not None and rule.kind == "equals" and rule.equals is True


def _spelled(arg: str, args: Mapping[str, Any]) -> str:
    """Where a meaning key came from, for the diff: the text the model wrote."""
    if arg in HARDWARE_KEYS and isinstance(args.get("hardware"), str):
        return f" (from hardware {args['hardware']!r})"
    return ""


def _best_pairing(expected: Sequence[ExpectedCall], actual: Sequence[Call], order: Order,
                  cost: Callable[[ExpectedCall, Call], list[str]]) -> tuple[list[str], bool]:
    """Problems of the pairing of expected to actual calls with the fewest, and whether the counts fit the rule."""
    if order == "strict":
        problems = [p for e, a in zip(expected, actual) for p in cost(e, a)]
    else:
        pairings = permutations(range(len(actual)), min(len(expected), len(actual)))
        problems = min(([p for e, i in zip(expected, pick) for p in cost(e, actual[i])] for pick in pairings),
                       key=len, default=[])
    problems += [f"missing call to {e.name}" for e in expected[len(actual):]]
    if order != "subset":
        problems += [f"unexpected call to {name}" for name in _extra_names(expected, actual, order)]
    counts_ok = len(actual) >= len(expected) if order == "subset" else len(actual) == len(expected)
    return problems, counts_ok


def _extra_names(expected: Sequence[ExpectedCall], actual: Sequence[Call], order: Order) -> list[str]:
    """Calls beyond the expected ones: the tail in strict order, else those no expectation names."""
    if order == "strict":
        return [a.name for a in actual[len(expected):]]
    left = [a.name for a in actual]
    for e in expected:
        if e.name in left:
            left.remove(e.name)
    return left[: max(0, len(actual) - len(expected))]


def match_turn(expected: Sequence[ExpectedCall], actual: Sequence[Call], order: Order,
               defaults: Defaults, catalog: Catalog) -> TurnMatch:
    """Names first (tool selection), then the full match with arguments."""
    names, names_fit = _best_pairing(expected, actual, order, lambda e, a: [] if e.name == a.name else ["name"])
    names_ok = names_fit and not names
    problems, fit = _best_pairing(expected, actual, order, lambda e, a: check_call(e, a, defaults.get(e.name, {}), catalog))
    return TurnMatch(names_ok=names_ok, args_ok=names_ok and fit and not problems, diff=tuple(problems))
