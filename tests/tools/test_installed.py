"""Finding installed models in folders laid out like the Ollama, LM Studio and Hugging Face stores."""

from __future__ import annotations

from pathlib import Path

import pytest

from gguf_fixtures import ollama_model, write_gguf  # shared test helpers in tests/
from knowledge import read_catalog
from tools.installed import default_roots, find_installed, installed_ids


@pytest.fixture(scope="module")
def packaged():
    return read_catalog()


def hf_cache_model(hub: Path, repo: str, filename: str, blocks: int = 32) -> Path:
    """models--org--repo/{blobs,snapshots/<rev>} with the snapshot file a symlink into blobs, as huggingface_hub does."""
    folder = hub / f"models--{repo.replace('/', '--')}"
    blob = write_gguf(folder / "blobs" / "0123abcd", blocks=blocks)
    snap = folder / "snapshots" / "9f8e7d" / filename
    snap.parent.mkdir(parents=True, exist_ok=True)
    snap.symlink_to(blob)
    (folder / "refs").mkdir(exist_ok=True)
    (folder / "refs" / "main").write_text("9f8e7d")
    return hub


@pytest.fixture
def stores(tmp_path):
    ollama = tmp_path / "ollama" / "models"
    ollama_model(ollama, "llama3.1", "8b-instruct-q4_K_M", blocks=32)
    ollama_model(ollama, "qwen2.5-coder", "latest", blocks=28, arch="qwen2")
    ollama_model(ollama, "my-finetune", "v1", namespace="someone", blocks=12)
    lmstudio = tmp_path / "lmstudio" / "models"
    write_gguf(lmstudio / "bartowski" / "gemma-2-9b-it-GGUF" / "gemma-2-9b-it-Q4_K_M.gguf", "gemma2", blocks=42)
    write_gguf(lmstudio / "bartowski" / "gemma-2-9b-it-GGUF" / "mmproj-model-f16.gguf", "clip", blocks=1)
    for part in (1, 2):
        write_gguf(lmstudio / "unsloth" / "Qwen2.5-72B-Instruct-GGUF" / f"Qwen2.5-72B-Instruct-Q4_K_M-0000{part}-of-00002.gguf",
                   "qwen2", blocks=80)
    hub = hf_cache_model(tmp_path / "hf" / "hub", "Qwen/Qwen2.5-7B-Instruct-GGUF", "qwen2.5-7b-instruct-q4_k_m.gguf", blocks=28)
    (hub / "models--Qwen--Qwen2.5-7B-Instruct").mkdir(parents=True)  # a safetensors checkout: no GGUF, not listed
    return {"ollama": [ollama], "lmstudio": [lmstudio], "huggingface": [hub]}


def test_models_in_the_three_stores_are_found_and_matched_to_the_catalog(stores, packaged):
    found = {(m.store, m.name): m for m in find_installed(packaged, stores)}
    assert found[("ollama", "llama3.1:8b-instruct-q4_K_M")].catalog_id == "llama-3.1-8b"
    assert found[("ollama", "qwen2.5-coder:latest")].catalog_id == "qwen2.5-coder-7b"
    assert found[("lmstudio", "bartowski/gemma-2-9b-it-GGUF/gemma-2-9b-it-Q4_K_M.gguf")].catalog_id == "gemma-2-9b"
    assert found[("huggingface", "Qwen/Qwen2.5-7B-Instruct-GGUF/qwen2.5-7b-instruct-q4_k_m.gguf")].catalog_id == "qwen2.5-7b"
    assert found[("ollama", "someone/my-finetune:v1")].catalog_id is None  # unknown model: listed, not guessed


def test_split_files_count_once_with_their_parts_summed_and_projectors_are_skipped(stores, packaged):
    found = find_installed(packaged, stores)
    split = [m for m in found if "72B" in m.name]
    assert len(split) == 1 and split[0].catalog_id == "qwen2.5-72b"
    parts = sorted(Path(split[0].path).parent.glob("*-of-00002.gguf"))
    assert split[0].size_bytes == sum(p.stat().st_size for p in parts)
    assert not [m for m in found if "mmproj" in m.name]


def test_a_name_whose_layer_count_disagrees_with_the_file_is_not_matched(tmp_path, packaged):
    root = ollama_model(tmp_path / "models", "llama3.1", "70b", blocks=32)  # says 70b, file has 32 layers
    [item] = find_installed(packaged, {"ollama": [root]})
    assert item.catalog_id is None


def test_file_headers_give_quant_and_architecture(stores, packaged):
    item = next(m for m in find_installed(packaged, stores) if m.store == "ollama" and m.name.startswith("qwen2.5"))
    assert item.architecture == "qwen2" and item.quant == "Q4_K_M" and item.problem is None


def test_an_unreadable_blob_is_listed_with_the_problem(tmp_path, packaged):
    root = ollama_model(tmp_path / "models", "llama3.2", "3b", blocks=28)
    blob = next(p for p in (root / "blobs").iterdir() if p.name != "sha256-licence")
    blob.write_bytes(b"not a model")
    [item] = find_installed(packaged, {"ollama": [root]})
    assert item.problem and "GGUF" in item.problem and item.catalog_id == "llama-3.2-3b"


def test_installed_ids_match_by_name_without_reading_files(stores, packaged):
    assert {"llama-3.1-8b", "qwen2.5-coder-7b", "gemma-2-9b", "qwen2.5-7b", "qwen2.5-72b"} <= installed_ids(packaged, stores)


def test_missing_store_folders_are_simply_empty(tmp_path, packaged):
    assert find_installed(packaged, {"ollama": [tmp_path / "none"], "lmstudio": [], "huggingface": [tmp_path / "x"]}) == []


def test_default_roots_follow_each_tools_conventions(tmp_path):
    roots = default_roots({"OLLAMA_MODELS": "/data/ollama", "HF_HOME": "/data/hf"}, home=tmp_path)
    assert roots["ollama"] == [Path("/data/ollama")]
    assert roots["huggingface"] == [Path("/data/hf/hub")]
    assert tmp_path / ".lmstudio" / "models" in roots["lmstudio"]
    assert default_roots({}, home=tmp_path)["ollama"][0] == tmp_path / ".ollama" / "models"
    assert default_roots({"HF_HUB_CACHE": "/c"}, home=tmp_path)["huggingface"] == [Path("/c")]
