"""The oracle's arguments: text the tools parse to what each case expects, copied from the user where possible."""

from __future__ import annotations

import pytest

from evals.matching import Call, check_call
from evals.oracle import example_args, hardware_text, users_words
from evals.toolcases import ExpectedCall
from knowledge import load_catalog
from tools.phrasing import parse_hardware


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_hardware_text_from_the_rules_parses_back_to_them(catalog) -> None:
    text = hardware_text({"gpu": "rtx-3090", "gpus": 2, "ram_gb": 128}, catalog)
    spec = parse_hardware(text, catalog)
    assert text.startswith("2x ") and text.endswith(" + 128 GB RAM")
    assert (spec.gpus, spec.ram_gb) == (2, 128)
    assert parse_hardware(hardware_text({"cpu_only": True, "ram_gb": 64}, catalog), catalog).cpu_only
    assert hardware_text({}, catalog) is None


@pytest.mark.parametrize("user, args", [
    ("Can I run Qwen3 32B on an RTX 4090 with 64GB of RAM?", {"gpu": {"gpu": "rtx-4090"}, "ram_gb": {"approx": 64, "tol": 0.5}}),
    ("qwen3 32b on two 3090s at 8 bit, 32k ctx", {"gpu": {"gpu": "rtx-3090"}, "gpus": 2, "quant": "Q8_0",
                                                   "context": {"approx": 32768, "tol": 1}}),
    ("qwen3 32b on a 20 GB card?", {"vram_gb": {"approx": 20, "tol": 0.5}}),
])
def test_arguments_are_copied_from_the_user_and_mean_what_the_case_expects(catalog, user, args) -> None:
    expected = ExpectedCall(name="estimate", args={"model": {"model": "qwen3-32b"}, **args})
    sent = example_args(expected, catalog, user)
    assert all(sent[k].casefold() in user.casefold() for k in ("hardware", "quant", "context") if k in sent), sent
    assert check_call(expected, Call("estimate", sent), {}, catalog) == []


def test_input_the_tools_refuse_is_sent_in_the_users_words() -> None:
    assert users_words("my gpu has -8 GB of vram, what fits?", -8) == "-8 GB of vram"
    assert users_words("a 50 million token context on an H100?", 50_000_000) == "50 million token"
    assert users_words("hello", 12) is None
