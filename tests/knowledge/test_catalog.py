"""The packaged knowledge files: valid, cross-referenced, and faithful to the sources' disagreements."""

from __future__ import annotations

import re

import pytest

from knowledge import load_catalog
from tools.resolve import normalize

SEEDS = {"000_4c96a681e12ba3dd.txt", "001_ea5be24a28733e52.txt", "002_7b97868070599f3b.txt",
         "003_dae5bd0b82ab0b9c.txt", "004_8a81b42c1eb1397b.txt"}


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_catalog_loads_with_every_family(catalog):
    families = {m.family.lower() for m in catalog.models}
    for needle in ("gemma", "qwen", "llama", "mistral", "deepseek", "phi", "gpt-oss", "glm", "nemotron", "kimi", "minimax"):
        assert any(needle in f for f in families), needle
    assert len(catalog.models) >= 70


def test_names_resolve_to_one_record(catalog):
    for kind, items in (("model", catalog.models), ("hardware", catalog.hardware), ("license", catalog.licenses)):
        seen: dict[str, str] = {}
        for item in items:
            for name in {item.id, *item.aliases}:
                key = normalize(name)
                assert seen.setdefault(key, item.id) == item.id, f"{kind} alias {name!r} names {seen[key]} and {item.id}"


def test_every_claim_names_a_seed_article(catalog):
    for model in catalog.models:
        for claim in model.claims:
            assert claim.source in SEEDS, (model.id, claim.source)
        for lic in model.licenses:
            assert lic.source in SEEDS or lic.source.startswith(("hf:", "http")), (model.id, lic.source)


def test_architecture_values_say_where_they_come_from(catalog):
    for model in catalog.models:
        for fact in (model.params_total_b, model.params_active_b, model.layers, model.context_tokens):
            if fact is not None:
                assert fact.source.strip(), model.id
                if fact.origin == "article":
                    assert fact.source in SEEDS, (model.id, fact.source)


def test_conflicting_license_claims_are_kept_side_by_side(catalog):
    by_id = {m.id: m for m in catalog.models}
    gemma = next(m for m in catalog.models if re.fullmatch(r"gemma-4-31b.*", m.id))
    assert {c.license for c in gemma.licenses} >= {"apache-2.0", "gemma-terms"}
    deepseek_v4 = [m for m in by_id.values() if m.id.startswith("deepseek-v4")]
    assert any({c.license for c in m.licenses} >= {"mit", "deepseek-license"} for m in deepseek_v4)


def test_conflicting_speed_claims_are_all_kept(catalog):
    gemma = next(m for m in catalog.models if re.fullmatch(r"gemma-4-31b.*", m.id))
    on_4090 = {c.source for c in gemma.claims if c.kind == "speed" and c.hardware and "4090" in c.hardware}
    assert len(on_4090) >= 2, on_4090


def test_hardware_covers_the_common_cards(catalog):
    from tools.resolve import resolve_hardware

    for name in ("4090", "rtx4090", "RTX 3090", "M4 Max 128GB", "H100", "RX 7900 XTX", "Ryzen AI Max 395+", "DGX Spark", "4070 Ti Super"):
        assert resolve_hardware(name, catalog).hardware.bandwidth_gbps > 0, name
    assert resolve_hardware("M4 Max 128GB", catalog).memory_gb == 128
