"""The no-LLM commands through the real CLI and the real catalog."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from advisor.cli import app

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_estimate_json_has_the_contract_keys():
    result = run("estimate", "--model", "qwen3-30b-a3b", "--gpu", "RTX 4090", "--context", "16384", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("model", "quant", "context", "memory_gb", "fit", "offload_layers", "decode_tps", "prefill_tps", "assumptions", "reported"):
        assert key in data
    assert set(data["memory_gb"]) >= {"weights", "kv_cache", "overhead", "total"}
    assert set(data["decode_tps"]) == {"low", "expected", "high"}
    assert data["context"] == 16384 and data["quant"] == "Q4_K_M"
    # Qwen3-30B-A3B: 96 KiB of f16 KV cache per token.
    assert data["memory_gb"]["kv_cache"] == pytest.approx(96 * 1024 * 16384 / 1e9, abs=0.01)


def test_estimate_custom_model_and_table_output():
    result = run("estimate", "--params-b", "12", "--layers", "40", "--kv-heads", "8", "--head-dim", "128", "--vram-gb", "12",
                 "--bandwidth-gbps", "360")
    assert result.exit_code == 0, result.output
    assert "custom 12B model" in result.stdout and "decode" in result.stdout


@pytest.mark.parametrize("args, needle", [
    (("estimate", "--model", "gemma 5 31b", "--gpu", "4090"), "Did you mean"),
    (("estimate", "--model", "qwen3-8b", "--gpu", "RTX 9999 Hyper"), "Unknown GPU"),
    (("estimate", "--model", "qwen3-8b", "--vram-gb", "-4"), "vram_gb"),
    (("estimate", "--model", "qwen3-8b", "--vram-gb", "10000000"), "vram_gb"),
    (("estimate", "--model", "qwen3-8b", "--context", "0"), "context"),
    (("estimate", "--model", "qwen3-8b", "--quant", "Q4_K_Z"), "Unknown quant"),
    (("license", "Zebra-9000"), "Unknown model or license"),
])
def test_bad_input_exits_2_with_a_specific_message(args, needle):
    result = run(*args)
    assert result.exit_code == 2
    assert needle in result.output
    assert "Traceback" not in result.output


def test_recommend_for_a_16_gb_card_only_returns_models_that_fit():
    result = run("recommend", "--vram-gb", "16", "--bandwidth-gbps", "448", "--task", "coding", "--limit", "5", "--json")
    assert result.exit_code == 0, result.output
    picks = json.loads(result.stdout)
    assert 1 <= len(picks) <= 5
    for pick in picks:
        # With the machine's RAM known, a MoE too big for the card runs with its experts in RAM.
        assert pick["fit"] in ("full_gpu", "moe_offload")
        assert pick["memory_gb"] <= 16 * 1.0737 or pick["cpu_moe_layers"]
        assert pick["licenses"] and pick["reasons"]


def test_license_surfaces_source_disagreement():
    result = run("license", "Gemma 4 31B", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["conflict"] is True
    assert {t["license"]["id"] for t in data["terms"]} >= {"apache-2.0", "gemma-terms"}


def test_models_and_hardware_listings():
    listing = json.loads(run("models", "--family", "qwen", "--json").stdout)
    assert listing and all("qwen" in m["family"].lower() for m in listing)
    hw = run("hardware", "--json")
    assert hw.exit_code == 0
    data = json.loads(hw.stdout)
    assert data["physical_cores"] >= 1 and "profile" in data


@pytest.mark.parametrize("args, needle", [
    (("recommend", "--gpu", "RTX 9090"), "Unknown GPU"),
    (("recommend", "--gpu", "M4 Max 40GB"), "memory size for"),
])
def test_recommend_with_an_unknown_device_exits_2_instead_of_finding_nothing(args, needle):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "No model in the catalog fits" not in result.output
