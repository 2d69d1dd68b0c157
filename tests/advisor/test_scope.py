"""The embedding scope check, with the real all-MiniLM-L6-v2 weights the article search ships (run on numpy)."""

from __future__ import annotations

import pytest

from advisor.agent.scope import LazyScopeCheck, ScopeCheck


@pytest.fixture(scope="module")
def check() -> ScopeCheck:
    from knowledge import load_catalog
    from tools.minilm import packaged_minilm

    return ScopeCheck.of(packaged_minilm(), load_catalog())


@pytest.mark.parametrize("text", ["good morning!", "recipe for lemon cake please", "who won the 1998 world cup"])
def test_messages_far_from_the_domain_are_out_of_scope(check, text):
    assert not check.in_scope(text)


@pytest.mark.parametrize("text", ["can my 3060 run llama 3 8b", "best local model for coding on 16gb vram",
                                  "is mistral small ok for commercial use", "how fast is qwen on a macbook"])
def test_questions_about_running_models_are_in_scope(check, text):
    assert check.in_scope(text)


@pytest.mark.parametrize("text", ["RTX4090!!! qwen3:30b??? fits???", "Will Gemma 4 31B fit?"])
def test_a_message_naming_a_catalog_model_or_device_is_in_scope_whatever_it_scores(check, text):
    assert check.score(text) < check.threshold and check.in_scope(text)


def test_a_check_whose_embedder_fails_to_load_lets_everything_through():
    def broken() -> ScopeCheck:
        raise OSError("no model files")

    assert LazyScopeCheck(broken).in_scope("hello")


def test_the_default_check_is_built_once_per_catalog():
    from advisor.agent.scope import default_scope_check
    from knowledge import load_catalog

    catalog = load_catalog()
    assert default_scope_check(catalog) is default_scope_check(catalog)
