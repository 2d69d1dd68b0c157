"""AST-style matching on hand-made calls: tolerances, catalog resolution, defaults and order rules."""

from __future__ import annotations

import pytest

from evals.matching import Call, check_arg, check_call, loose_numbers, match_turn, meaning
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


# --- calls judged by meaning: the tools' text arguments against rules on the older keys ---------

NEW_DEFAULTS = {"model": None, "hardware": None, "quant": None, "context": None}


def est_call(hardware=None, **args) -> Call:
    return Call("estimate", {"model": "Qwen3 8B", **({"hardware": hardware} if hardware is not None else {}), **args})


@pytest.mark.parametrize("rules, spelled, ok", [
    # a named device
    ({"gpu": {"gpu": "rtx-4090"}}, "4090", True),
    ({"gpu": {"gpu": "rtx-4090"}}, "RTX 4090", True),
    ({"gpu": {"gpu": "rtx-4090"}}, "rtx4090", True),
    ({"gpu": {"gpu": "rtx-4090"}}, "NVIDIA GeForce RTX 4090", True),
    ({"gpu": {"gpu": "rtx-4090"}}, "my 4090", True),
    ({"gpu": {"gpu": "rtx-4090"}}, "3090", False),
    ({"gpu": {"gpu": "rtx-4090"}}, "24 GB card", False),  # a size is not the device the user named
    ({"gpu": {"gpu": "rtx-4090"}}, "4090 + 64GB RAM", False),  # RAM the user never gave
    ({"gpu": {"gpu": "rtx-4090"}}, "2x 4090", False),  # a count the user never gave
    ({"gpu": {"gpu": "rtx-4090"}, "ram_gb": {"approx": 64, "tol": 0.5}}, "4090 + 64GB RAM", True),
    ({"gpu": {"gpu": "rtx-4090"}, "ram_gb": {"approx": 64, "tol": 0.5}}, "RTX 4090 with 64 GB of system RAM", True),
    ({"gpu": {"gpu": "rtx-4090"}, "ram_gb": {"approx": 64, "tol": 0.5}}, "4090", False),
    ({"gpu": {"gpu": "rtx-3090"}, "gpus": 2}, "2x 3090", True),
    ({"gpu": {"gpu": "rtx-3090"}, "gpus": 2}, "two 3090s", True),
    ({"gpu": {"gpu": "rtx-3090"}, "gpus": 2}, "dual RTX 3090", True),
    ({"gpu": {"gpu": "rtx-3090"}, "gpus": 2}, "3090", False),
    ({"gpu": {"gpu": "rtx-3090"}, "gpus": 2}, "4x 3090", False),
    # a memory size
    ({"vram_gb": {"approx": 24, "tol": 0.5}}, "24 GB card", True),
    ({"vram_gb": {"approx": 24, "tol": 0.5}}, "24GB", True),
    ({"vram_gb": {"approx": 24, "tol": 0.5}}, "24 gigs of VRAM", True),
    ({"vram_gb": {"approx": 24, "tol": 0.5}}, "a GPU with 24 GB", True),
    ({"vram_gb": {"approx": 24, "tol": 0.5}}, "20 GB card", False),
    ({"vram_gb": {"approx": 24, "tol": 0.5}}, "4090", False),  # a device the user never named
    ({"vram_gb": {"approx": 12, "tol": 0.5}}, "12 gigs of video memory", True),
    # RAM alone: the older cases' CPU-only machine
    ({"ram_gb": {"approx": 64, "tol": 0.5}}, "64 GB RAM", True),
    ({"ram_gb": {"approx": 64, "tol": 0.5}}, "64 GB of RAM and no GPU", True),
    ({"ram_gb": {"approx": 16, "tol": 0.5}}, "laptop CPU with 16 GB of RAM", True),
    ({"ram_gb": {"approx": 16, "tol": 0.5}}, "32 GB RAM", False),
    ({"ram_gb": {"approx": 16, "tol": 0.5}, "cpu_only": True}, "no GPU, 16 GB RAM", True),
    ({"ram_gb": {"approx": 16, "tol": 0.5}, "cpu_only": True}, "16 GB RAM", False),
    ({"cpu_only": True}, "CPU only", True),
    ({"cpu_only": True}, "4090", False),
    # no hardware named: the rules that say so
    ({"gpu": {"absent": True}, "vram_gb": {"absent": True}, "ram_gb": {"absent": True}}, "my machine", True),
    ({"gpu": {"absent": True}, "vram_gb": {"absent": True}, "ram_gb": {"absent": True}}, "", True),
    ({"gpu": {"absent": True}, "vram_gb": {"absent": True}, "ram_gb": {"absent": True}}, "16GB", False),
    ({}, "my machine", True),
    ({}, "RTX 4090", False),
])
def test_hardware_text_is_judged_by_what_it_means(catalog, rules, spelled, ok) -> None:
    expected = est("qwen3-8b", **rules)
    problems = check_call(expected, est_call(spelled), NEW_DEFAULTS, catalog)
    assert (problems == []) is ok, problems


@pytest.mark.parametrize("rules, args, ok", [
    ({"quant": "Q8_0"}, {"quant": "8-bit"}, True),
    ({"quant": "Q8_0"}, {"quant": "Q8"}, True),
    ({"quant": "Q8_0"}, {"quant": "q8_0"}, True),
    ({"quant": "Q8_0"}, {"quant": "4-bit"}, False),
    ({"quant": "Q4_K_M"}, {"quant": "4 bit"}, True),
    ({"quant": "Q4_K_M"}, {"quant": "Q4"}, True),
    ({"quant": "F16"}, {"quant": "fp16"}, True),
    ({}, {"quant": "Q8"}, False),  # a quant the user never asked for
    ({"context": {"approx": 32500, "tol": 500}}, {"context": "32k"}, True),
    ({"context": {"approx": 32500, "tol": 500}}, {"context": "32768 tokens"}, True),
    ({"context": {"approx": 32500, "tol": 500}}, {"context": 32768}, True),
    ({"context": {"approx": 32500, "tol": 500}}, {"context": "16k"}, False),
    ({"context": {"approx": 131072, "tol": 1}}, {"context": "128K"}, True),
    ({}, {"context": "16k"}, False),  # a context the user never gave
])
def test_quant_and_context_text_is_judged_by_what_it_means(catalog, rules, args, ok) -> None:
    problems = check_call(est("qwen3-8b", **rules), est_call(None, **args), NEW_DEFAULTS, catalog)
    assert (problems == []) is ok, problems


@pytest.mark.parametrize("context, ok", [("16k", True), ("16384", True), ("8k", False)])
def test_recommend_min_context_of_older_cases_reads_the_context_text(catalog, context, ok) -> None:
    expected = ExpectedCall(name="recommend", args={"task": rule("coding"),
                                                    "min_context": rule({"approx": 16200, "tol": 250})})
    call = Call("recommend", {"task": "coding", "context": context})
    assert (check_call(expected, call, {"task": "general", "hardware": None, "context": None}, catalog) == []) is ok


@pytest.mark.parametrize("rules, spelled, ok", [
    ({"gpu": {"contains": ["9090"]}}, "RTX 9090", True),  # the user's nonsense copied faithfully
    ({"gpu": {"contains": ["9090"]}}, "RTX 4090", False),
    ({"hardware": {"contains": ["9090"]}}, "RTX 9090", True),
    ({"vram_gb": {"approx": 500000, "tol": 1}}, "500 TB card", True),  # 1000 GB a TB, as the case was written
    ({"vram_gb": {"approx": -8, "tol": 0.01}}, "-8 GB GPU", True),
    ({"vram_gb": {"approx": -8, "tol": 0.01}}, "-16 GB GPU", False),
    ({}, "RTX 9090", False),  # nonsense nobody asked for is still an unexpected argument
])
def test_text_the_parsers_reject_keeps_its_words(catalog, rules, spelled, ok) -> None:
    problems = check_call(est("qwen3-8b", **rules), est_call(spelled), NEW_DEFAULTS, catalog)
    assert (problems == []) is ok, problems


def test_a_rejected_context_is_judged_on_its_figure(catalog) -> None:
    expected = est("qwen3-8b", context={"approx": 50_000_000, "rel": 0.01})
    assert check_call(expected, est_call(None, context="50M tokens"), NEW_DEFAULTS, catalog) == []
    assert check_call(expected, est_call(None, context="5M tokens"), NEW_DEFAULTS, catalog) != []


def test_meaning_turns_text_into_the_older_keys(catalog) -> None:
    assert meaning({"model": "x", "hardware": "2x 3090 + 128 GB RAM", "quant": "8 bit", "context": "32k"}, catalog) == {
        "model": "x", "gpu": next(h.name for h in catalog.hardware if h.id == "rtx-3090"), "gpus": 2, "ram_gb": 128, "quant": "Q8_0", "context": 32768}
    assert meaning({"hardware": "RTX 9090"}, catalog) == {"hardware": "RTX 9090"}
    assert meaning({"min_context": 4096}, catalog) == {"context": 4096}


def test_an_invented_ram_size_is_named_with_the_text_it_came_from(catalog) -> None:
    problems = check_call(est("qwen3-8b", gpu={"gpu": "rtx-4090"}), est_call("4090 + 64GB RAM"), NEW_DEFAULTS, catalog)
    assert problems == ["estimate.ram_gb: not expected, got 64.0 (from hardware '4090 + 64GB RAM')"]


@pytest.mark.parametrize("text, figures", [("500 TB", [500_000, 512_000]), ("-8 GB", [-8]), ("RTX 9090", [9090]),
                                           ("32k", [32_000, 32_768]), ("no figure", [])])
def test_loose_numbers_read_every_unit(text, figures) -> None:
    assert loose_numbers(text) == figures
