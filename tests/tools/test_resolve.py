"""Every name the packaged catalog knows resolves to its own record, and names people paste work."""

from __future__ import annotations

import pytest

from knowledge import read_catalog
from tools.errors import UnknownName
from tools.mentions import Mentions, _compile
from tools.resolve import model_key, resolve_model, strip_quant_suffix


@pytest.fixture(scope="module")
def packaged():
    return read_catalog()


def _spellings(model):
    return sorted({model.id, model.name, *model.aliases})


def test_every_catalog_name_and_alias_resolves_to_its_own_entry(packaged):
    wrong = [(name, m.id, resolve_model(name, packaged).id) for m in packaged.models for name in _spellings(m)
             if resolve_model(name, packaged).id != m.id]
    assert not wrong, wrong[:10]


def test_no_name_or_alias_is_shared_by_two_entries(packaged):
    owner: dict[str, str] = {}
    shared = []
    for m in packaged.models:
        for name in _spellings(m):
            if owner.setdefault(model_key(name), m.id) != m.id:
                shared.append((name, owner[model_key(name)], m.id))
    assert not shared, shared[:10]


def test_every_name_mentioned_in_text_is_found_as_its_own_entry_only(packaged):
    mentions = Mentions.of_models(packaged)
    wrong = [(name, m.id, found) for m in packaged.models for name in _spellings(m)
             if _compile(name) and (found := mentions.find(f"I tried {name} yesterday.")) != [m.id]]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("pasted, expected", [
    ("llama3.1:8b-instruct-q4_K_M", "llama-3.1-8b"),
    ("qwen2.5:7b", "qwen2.5-7b"),
    ("qwen2.5-coder:32b-instruct-q8_0", "qwen2.5-coder-32b"),
    ("Meta-Llama-3.1-8B-Instruct-Q4_K_M.gguf", "llama-3.1-8b"),
    ("bartowski/Meta-Llama-3.1-8B-Instruct-GGUF", "llama-3.1-8b"),
    ("llama-2-7b-chat.Q4_K_M.gguf", "llama-2-7b"),
    ("Qwen2.5-7B-Instruct-IQ4_XS.gguf", "qwen2.5-7b"),
    ("gemma3:12b-it-qat", "gemma-3-12b"),
    ("gemma-2-9b-it-Q5_K_M.gguf", "gemma-2-9b"),
    ("mixtral:8x7b-instruct-v0.1-q4_0", "mixtral-8x7b"),
    ("mistral", "mistral-7b-v0.3"),
    ("Mistral 7B", "mistral-7b-v0.3"),
    ("llama 3.1 8b", "llama-3.1-8b"),
    ("phi3.5:3.8b-mini-instruct-q4_K_M", "phi-3.5-mini"),
    ("deepseek-coder-v2:16b-lite-instruct-q4_K_M", "deepseek-coder-v2-lite"),
    ("Command R+", "command-r-plus-08-2024"),
    ("Command R", "command-r-08-2024"),
    ("command-r:35b-v0.1", "command-r-v01"),
    ("hermes3:8b-llama3.1-q4_K_M", "hermes-3-llama-3.1-8b"),
    ("granite3.3:8b", "granite-3.3-8b"),
    ("Qwen3-8B", "qwen3-8b"),
    ("qwen3:8b-q4_K_M", "qwen3-8b"),
    ("Qwen3-Next-80B-A3B", "qwen3-next-80b-a3b-instruct"),
    ("DeepSeek-R1-Distill-Qwen-14B-Q4_K_M-00001-of-00002.gguf", "deepseek-r1-distill-qwen-14b"),
])
def test_names_people_paste_resolve(packaged, pasted, expected):
    assert resolve_model(pasted, packaged).id == expected


def test_qwen3_8b_and_qwen3_80b_are_never_confused(packaged):
    assert resolve_model("Qwen3-8B", packaged).id == "qwen3-8b"
    with pytest.raises(UnknownName):
        resolve_model("Qwen3-80B", packaged)  # no such model: an error, not the 8B
    assert Mentions.of_models(packaged).find("Qwen3-80B beats Qwen3-8B") == ["qwen3-8b"]


@pytest.mark.parametrize("name, stripped", [
    ("llama3.1:8b-instruct-q4_K_M", "llama3.1:8b-instruct"),
    ("Qwen2.5-7B-Instruct-Q4_K_M.gguf", "Qwen2.5-7B-Instruct"),
    ("model.Q8_0.gguf", "model"),
    ("Model-UD-Q4_K_XL-00001-of-00003.gguf", "Model"),
    ("gpt-oss-20b-mxfp4.gguf", "gpt-oss-20b"),
    ("Qwen3-30B-A3B", "Qwen3-30B-A3B"),  # A3B is not a quant
    ("Q4_K_M", "Q4_K_M"),  # a bare label stays
])
def test_quant_suffixes_and_file_extensions_are_stripped(name, stripped):
    assert strip_quant_suffix(name) == stripped
