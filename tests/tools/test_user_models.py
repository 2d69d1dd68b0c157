"""Catalog records built from the user's own files: a GGUF or a Hugging Face config.json."""

from __future__ import annotations

import json

import pytest

from gguf_fixtures import write_gguf  # shared test helper in tests/
from knowledge import read_catalog
from tools.user_models import ModelFileError, model_from_file, slug


@pytest.fixture(scope="module")
def packaged():
    return read_catalog()


def test_a_gguf_build_of_a_known_model_borrows_its_license_and_tasks(tmp_path, packaged):
    path = write_gguf(tmp_path / "Qwen2.5-Coder-7B-Instruct-Q4_K_M.gguf", "qwen2", blocks=28, name="Qwen2.5 Coder 7B Instruct")
    model = model_from_file(path, packaged)
    assert model.id == "file-qwen2.5-coder-7b-instruct-q4-k-m" and model.name == path.name
    assert model.file.matches == "qwen2.5-coder-7b" and model.file.format == "gguf"
    assert {c.license for c in model.licenses} == {"apache-2.0"} and "coding" in model.tasks
    assert model.layers.value == 28 and model.layers.origin == "user_file" and str(path) in model.layers.source
    assert str(path) in model.aliases


def test_a_file_declaring_its_license_keeps_its_own_word(tmp_path, packaged):
    path = write_gguf(tmp_path / "x.gguf", blocks=4, extra={"general.license": "mit"})
    assert [c.license for c in model_from_file(path, packaged).licenses] == ["mit"]


def test_an_unknown_gguf_is_described_without_guessing(tmp_path, packaged):
    model = model_from_file(write_gguf(tmp_path / "mystery.gguf", blocks=4, name="Mystery"), packaged)
    assert model.file.matches is None and model.licenses == [] and model.family == "Your files"


def test_a_config_json_gives_the_shape_and_the_safetensors_index_the_size(tmp_path, packaged):
    folder = tmp_path / "Qwen2.5-7B-Instruct"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({
        "model_type": "qwen2", "hidden_size": 3584, "num_hidden_layers": 28, "num_attention_heads": 28,
        "num_key_value_heads": 4, "max_position_embeddings": 32768, "vocab_size": 152064, "torch_dtype": "bfloat16",
        "intermediate_size": 18944, "_name_or_path": "Qwen/Qwen2.5-7B-Instruct"}))
    (folder / "model.safetensors.index.json").write_text(json.dumps({"metadata": {"total_size": 15_231_233_024}, "weight_map": {}}))
    model = model_from_file(folder, packaged)
    assert model.params_total_b.value == pytest.approx(7.6156, abs=0.001)
    [group] = model.attention
    assert (group.kind, group.layers, group.kv_heads, group.head_dim) == ("full", 28, 4, 128)
    assert model.file.matches == "qwen2.5-7b" and model.context_tokens.value == 32768


def test_a_config_without_an_index_derives_the_size_from_its_shapes(tmp_path, packaged):
    (tmp_path / "config.json").write_text(json.dumps({
        "model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
        "num_key_value_heads": 8, "intermediate_size": 14336, "vocab_size": 128256, "max_position_embeddings": 131072}))
    model = model_from_file(tmp_path / "config.json", packaged)
    assert model.params_total_b.value == pytest.approx(8.03, abs=0.01)  # Llama 3.1 8B's shape
    assert model.params_total_b.origin == "derived"


def test_sliding_layers_in_a_config_are_counted(tmp_path, packaged):
    (tmp_path / "config.json").write_text(json.dumps({
        "model_type": "gemma3_text", "hidden_size": 640, "num_hidden_layers": 6, "num_attention_heads": 4, "head_dim": 256,
        "num_key_value_heads": 1, "sliding_window": 512, "layer_types": ["sliding_attention"] * 5 + ["full_attention"]}))
    groups = {g.kind: g.layers for g in model_from_file(tmp_path / "config.json", packaged).attention}
    assert groups == {"sliding": 5, "full": 1}


@pytest.mark.parametrize("content, message", [
    ("{not json", "not readable JSON"),
    ("[1, 2]", "not a model config"),
    ('{"model_type": "bert"}', "lacks num_hidden_layers, hidden_size"),
])
def test_a_bad_config_json_gets_a_clear_error(tmp_path, packaged, content, message):
    (tmp_path / "config.json").write_text(content)
    with pytest.raises(ModelFileError, match=message):
        model_from_file(tmp_path / "config.json", packaged)


def test_a_folder_without_a_config_is_refused(tmp_path, packaged):
    with pytest.raises(ModelFileError, match="without a config.json"):
        model_from_file(tmp_path, packaged)


def test_slugs_are_stable_ids():
    assert slug("Qwen2.5-Coder-1.5B-Instruct-Q4_K_M.gguf") == "qwen2.5-coder-1.5b-instruct-q4-k-m"


def test_a_moe_config_reads_only_the_routed_share_per_token(tmp_path, packaged):
    (tmp_path / "config.json").write_text(json.dumps({
        "model_type": "mixtral", "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
        "intermediate_size": 14336, "num_local_experts": 8, "num_experts_per_tok": 2, "vocab_size": 32000}))
    model = model_from_file(tmp_path / "config.json", packaged)
    assert model.architecture == "moe" and model.params_total_b.value == pytest.approx(46.7, abs=0.1)
    assert model.params_active_b.origin == "derived" and model.params_active_b.value < model.params_total_b.value / 2
