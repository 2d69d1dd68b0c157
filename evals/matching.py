"""AST-style matching of the tool calls a model made against the calls a case expects.

After the Berkeley Function Calling Leaderboard: a call matches when its name is right, every
expected argument satisfies its rule, and every other argument is left out or set to the
tool's default (an invented `vram_gb` next to the GPU the user named is wrong, an explicit
`quant: Q4_K_M` that is the default anyway is not). A turn's calls match under its order
rule: strict (same calls, same order), unordered (same calls, any order) or subset (at least
the expected calls; extra calls are allowed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import permutations
from typing import Any, Callable, Mapping, Sequence

from evals.toolcases import ArgRule, ExpectedCall, Order
from knowledge.schema import Catalog
from tools.errors import UnknownName
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
    """Problems with one call against one expectation; empty when it matches."""
    if actual.name != expected.name:
        return [f"expected a call to {expected.name}, got {actual.name}"]
    problems = []
    for arg, rule in expected.args.items():
        problem = check_arg(rule, actual.args.get(arg), defaults.get(arg), catalog)
        if problem:
            problems.append(f"{expected.name}.{arg}: {problem}")
    for arg, value in actual.args.items():
        if arg not in expected.args and value is not None and not _same_value(defaults.get(arg), value):
            problems.append(f"{expected.name}.{arg}: not expected, got {value!r}")
    return problems


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
