"""The catalog covers the families people run locally, and every value names its source."""

from __future__ import annotations

import pytest

from knowledge import read_catalog


@pytest.fixture(scope="module")
def packaged():
    return read_catalog()


def test_the_catalog_holds_at_least_250_models(packaged):
    assert len(packaged.models) >= 250


@pytest.mark.parametrize("model_id", [
    "llama-2-7b", "llama-3-8b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.2-3b", "llama-3.3-70b",
    "qwen2-7b", "qwen2.5-7b", "qwen2.5-14b", "qwen2.5-32b", "qwen2.5-coder-7b", "qwq-32b", "qwen3-4b-instruct-2507",
    "gemma-2-9b", "gemma-3-4b", "gemma-3-12b", "mistral-7b-v0.3", "mistral-small-3", "codestral-22b", "mixtral-8x22b",
    "phi-3-mini-4k", "phi-3.5-mini", "phi-3.5-moe", "deepseek-coder-v2-lite", "command-r-08-2024", "command-r-plus-08-2024",
    "granite-3.3-8b", "olmo-2-7b", "smollm2-1.7b", "smollm3-3b", "falcon3-7b", "yi-1.5-9b", "internlm2.5-7b",
    "internlm3-8b", "exaone-3.5-7.8b", "hermes-3-llama-3.1-8b", "dolphin3-llama3.1-8b",
])
def test_the_locally_run_families_are_there(packaged, model_id):
    assert model_id in {m.id for m in packaged.models}


def test_every_open_model_with_a_shape_gives_each_value_a_source(packaged):
    for m in packaged.models:
        for fact in (m.params_total_b, m.params_active_b, m.layers, m.context_tokens):
            if fact is not None:
                assert fact.source.strip() and fact.origin in ("article", "public_config", "derived"), m.id
        for group in m.attention:
            assert group.source.strip(), m.id
        if m.moe is not None:
            assert m.moe.source.strip(), m.id


def test_attention_groups_add_up_to_the_layer_count_or_less(packaged):
    for m in packaged.models:
        if m.layers and m.attention:
            assert sum(g.layers for g in m.attention) <= m.layers.value, m.id


def test_every_license_a_model_names_has_terms_and_sources(packaged):
    licenses = {lic.id: lic for lic in packaged.licenses}
    for m in packaged.models:
        for claim in m.licenses:
            assert licenses[claim.license].sources, claim.license
