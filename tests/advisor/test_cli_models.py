"""`advisor models` (list, add, remove, --installed, --catalog) and `estimate --gguf`, through the real CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from advisor.cli import app
from gguf_fixtures import ollama_model, write_gguf  # shared test helpers in tests/

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def test_the_catalog_lists_at_least_250_models_each_with_sourced_values():
    result = run("models", "--json")
    assert result.exit_code == 0, result.output
    models = json.loads(result.stdout)
    assert len(models) >= 250
    for m in models:
        for key in ("params_total_b", "layers", "context_tokens"):
            if m.get(key):
                assert m[key]["source"], (m["id"], key)


def test_an_added_gguf_persists_and_resolves_by_id_file_name_and_path(tmp_path):
    path = write_gguf(tmp_path / "Llama-3.2-3B-Instruct-Q4_K_M.gguf", "llama", blocks=28, name="Llama 3.2 3B Instruct")
    added = run("models", "add", path, "--json")
    assert added.exit_code == 0, added.output
    model = json.loads(added.stdout)
    assert model["file"]["matches"] == "llama-3.2-3b"
    saved = list(Path(os.environ["ADVISOR_DATA_DIR"], "catalog", "models").glob("*.yaml"))
    assert [p.stem for p in saved] == [model["id"]]
    for name in (model["id"], path.name, str(path)):
        est = run("estimate", "--model", name, "--context", "2048", "--vram-gb", "8", "--bandwidth-gbps", "300", "--json")
        assert est.exit_code == 0, est.output
        assert json.loads(est.stdout)["model"] == model["id"]
    assert "llama-3.2-community" in run("license", path.name, "--json").stdout
    assert run("models", "remove", model["id"]).exit_code == 0
    assert not saved[0].exists()
    after = run("estimate", "--model", path.name, "--json")  # now only the packaged model answers to that name
    assert after.exit_code == 0 and json.loads(after.stdout)["model"] == "llama-3.2-3b"


def test_packaged_models_cannot_be_removed():
    result = run("models", "remove", "qwen3-8b")
    assert result.exit_code == 2 and "packaged catalog" in result.output


@pytest.mark.packs
@pytest.mark.parametrize("pack", ["qwen1.5b", "qwen0.5b", "gemma270m"])
def test_estimate_gguf_on_the_packaged_files_uses_their_tensor_bytes(pack):
    from advisor.llm.packs import ModelUnavailable, model_path
    from advisor.settings import paths
    from tools.gguf_file import read_gguf

    try:
        path, _ = model_path(pack, paths().models_dir)
    except ModelUnavailable as exc:
        pytest.skip(f"the {pack} model pack is not installed: {exc.message}")
    result = run("estimate", "--gguf", path, "--vram-gb", "8", "--bandwidth-gbps", "300", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["memory_gb"]["weights"] == pytest.approx(read_gguf(path).tensor_bytes / 1e9, abs=0.005)
    assert data["quant"] == "Q4_K_M" and data["fit"] == "full_gpu" and str(path) in data["llama_server"]


def test_estimate_gguf_on_a_malformed_file_exits_2_with_a_clear_message(tmp_path):
    bad = tmp_path / "model.gguf"
    bad.write_bytes(b"<html>rate limited</html>" * 4)
    result = run("estimate", "--gguf", bad)
    assert result.exit_code == 2
    assert "is not a GGUF file" in result.output and "Traceback" not in result.output


def test_installed_lists_the_stores_and_recommend_marks_installed_picks(tmp_path, monkeypatch):
    ollama = ollama_model(tmp_path / "ollama", "qwen2.5-coder", "14b", blocks=48, arch="qwen2")
    monkeypatch.setenv("OLLAMA_MODELS", str(ollama))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    listed = run("models", "--installed", "--json")
    assert listed.exit_code == 0, listed.output
    [item] = json.loads(listed.stdout)
    assert (item["store"], item["name"], item["catalog_id"]) == ("ollama", "qwen2.5-coder:14b", "qwen2.5-coder-14b")
    table = run("models", "--installed")
    assert "Ollama" in table.stdout and "qwen2.5-coder:14b" in table.stdout
    picks = json.loads(run("recommend", "--vram-gb", "16", "--task", "coding", "--limit", "10", "--json").stdout)
    assert all(p["installed"] == (p["model"] == "qwen2.5-coder-14b") for p in picks)


def test_a_catalog_overlay_folder_adds_models_for_one_run(tmp_path):
    rec = {"id": "overlay-test-7b", "name": "Overlay Test 7B", "family": "Test", "vendor": "Test", "weights": "open",
           "architecture": "dense", "params_total_b": {"value": 7, "origin": "public_config", "source": "hf:test/x config.json"}}
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump([rec]))
    ids = {m["id"] for m in json.loads(run("models", "--catalog", tmp_path, "--json").stdout)}
    assert "overlay-test-7b" in ids
    assert run("models", "--catalog", tmp_path / "missing").exit_code == 2


def test_the_agents_tools_answer_about_an_added_file_by_its_name_and_do_not_rank_it(tmp_path):
    from advisor.agent.toolset import EstimateArgs, RecommendArgs, build_tools
    from advisor.commands.models import add_model
    from advisor.profile import HardwareProfile
    from knowledge import load_catalog
    from tools.requests import HardwareSpec

    path = write_gguf(tmp_path / "my-qwen2.5-coder-7b-q5_k_m.gguf", "qwen2", blocks=28, name="Qwen2.5 Coder 7B Instruct")
    model = add_model(path)
    profile = HardwareProfile(spec=HardwareSpec(gpu="RTX 4090", ram_gb=64), origin="saved")
    tools = {t.name: t for t in build_tools(load_catalog(), lambda: profile, None)}
    estimate = tools["estimate"].run(EstimateArgs(model=path.name, context=2048))
    assert estimate.data["model"] == model.id and path.name in estimate.text
    picks = tools["recommend"].run(RecommendArgs(task="coding")).data
    assert model.id not in {p["model"] for p in picks}  # its catalog model is ranked instead, at a chosen quant
