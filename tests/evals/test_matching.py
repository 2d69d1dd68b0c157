"""AST-style matching on hand-made calls: tolerances, catalog resolution, defaults and order rules."""

from __future__ import annotations

import pytest

from evals.matching import Call, check_arg, check_call, match_turn
from evals.toolcases import ArgRule, ExpectedCall
from knowledge import load_catalog

DEFAULTS = {"estimate": {"gpu": None, "vram_gb": None, "quant": "Q4_K_M", "context": 8192},
            "license": {}, "recommend": {"task": "general", "vram_gb": None, "license": "any"}}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def rule(value) -> ArgRule:
    return ArgRule.model_validate(value)


@pytest.mark.parametrize("spec, given, ok", [
    ({"approx": 16, "tol": 0.5}, 16.4, True),
    ({"approx": 16, "tol": 0.5}, 17, False),
    ({"approx": 32768, "rel": 0.05}, 32000, True),
    ({"approx": 16, "tol": 0.5}, "16", False),
    ("Q8_0", "q8_0", True),
    (24, 24.0, True),
    ({"model": "qwen3-30b-a3b"}, "qwen3:30b", True),
    ({"model": "qwen3-30b-a3b"}, "Qwen3 32B", False),
    ({"gpu": "rtx-4090"}, "4090", True),
    ({"gpu": "rtx-4090"}, "RTX 9090", False),
    ({"license": "llama-4-community"}, "Llama 4 Scout", True),
    ({"contains": ["llama", "900"]}, "Llama 7 900B", True),
    ({"one_of": [16, None]}, None, True),
    ({"one_of": [16, None]}, 24, False),
    ({"model": "qwen3-8b", "optional": True}, None, True),
    ({"model": "qwen3-8b"}, None, False),
    ({"any": True}, "whatever", True),
])
def test_argument_rules(catalog, spec, given, ok) -> None:
    assert (check_arg(rule(spec), given, None, catalog) is None) is ok


def test_left_out_argument_takes_the_default(catalog) -> None:
    assert check_arg(rule("Q4_K_M"), None, "Q4_K_M", catalog) is None
    assert check_arg(rule({"absent": True}), "Q4_K_M", "Q4_K_M", catalog) is None
    assert check_arg(rule({"absent": True}), 16, None, catalog) == "should be left out, got 16"


def est(model: str, **args) -> ExpectedCall:
    return ExpectedCall(name="estimate", args={"model": rule({"model": model}), **{k: rule(v) for k, v in args.items()}})


def test_extra_argument_fails_unless_it_is_the_default(catalog) -> None:
    expected = est("qwen3-8b", gpu={"gpu": "rtx-4090"})
    assert check_call(expected, Call("estimate", {"model": "Qwen3 8B", "gpu": "RTX 4090", "quant": "Q4_K_M"}),
                      DEFAULTS["estimate"], catalog) == []
    problems = check_call(expected, Call("estimate", {"model": "Qwen3 8B", "gpu": "RTX 4090", "vram_gb": 24}),
                          DEFAULTS["estimate"], catalog)
    assert problems == ["estimate.vram_gb: not expected, got 24"]


A, B = est("qwen3-8b"), est("phi-4")
CALL_A, CALL_B = Call("estimate", {"model": "qwen3 8b"}), Call("estimate", {"model": "phi4:14b"})
LICENSE = Call("license", {"name": "phi-4"})


@pytest.mark.parametrize("order, actual, names_ok, args_ok", [
    ("strict", [CALL_A, CALL_B], True, True),
    ("strict", [CALL_B, CALL_A], True, False),  # same tool twice: names line up, arguments do not
    ("unordered", [CALL_B, CALL_A], True, True),
    ("unordered", [CALL_A], False, False),
    ("unordered", [CALL_A, CALL_B, LICENSE], False, False),
    ("subset", [LICENSE, CALL_B, CALL_A], True, True),
    ("subset", [CALL_A, LICENSE], False, False),
])
def test_order_rules(catalog, order, actual, names_ok, args_ok) -> None:
    match = match_turn([A, B], actual, order, DEFAULTS, catalog)
    assert (match.names_ok, match.args_ok) == (names_ok, args_ok)
    assert bool(match.diff) is not args_ok


def test_strict_order_of_different_tools(catalog) -> None:
    then_license = [A, ExpectedCall(name="license", args={"name": rule({"license": "qwen3-8b"})})]
    swapped = [Call("license", {"name": "Qwen3 8B"}), CALL_A]
    match = match_turn(then_license, swapped, "strict", DEFAULTS, catalog)
    assert not match.names_ok
    assert "expected a call to estimate, got license" in match.diff


def test_no_call_expected(catalog) -> None:
    assert match_turn([], [], "strict", DEFAULTS, catalog).args_ok
    match = match_turn([], [LICENSE], "strict", DEFAULTS, catalog)
    assert not match.names_ok and match.diff == ("unexpected call to license",)
    assert match_turn([], [LICENSE], "subset", DEFAULTS, catalog).args_ok
