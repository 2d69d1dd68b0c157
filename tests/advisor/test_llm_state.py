"""Saved prompt state: keyed by everything it depends on, never read when damaged, and (slow) a
restored state gives the same continuation as an evaluated one."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from advisor.llm import state as state_module
from advisor.llm.packs import model_identity
from advisor.llm.state import PromptStateStore, state_key

SETTINGS = {"n_ctx": 8192, "flash_attn": True}


class UntouchableLlama:
    """Fails the test if llama.cpp would be reached: damaged files must be rejected before that."""

    def __getattr__(self, name: str):
        raise AssertionError(f"llama.cpp was used ({name}) for a file that should have been rejected")


def _write_state(store: PromptStateStore, key: str, payload: bytes, *, recorded_size: int | None = None) -> Path:
    store.directory.mkdir(parents=True, exist_ok=True)
    path = store.state_file(key)
    path.write_bytes(payload)
    meta = {"size": len(payload) if recorded_size is None else recorded_size, "sha256": hashlib.sha256(payload).hexdigest()}
    path.with_suffix(".json").write_text(json.dumps(meta))
    return path


def test_the_key_changes_with_the_model_the_prefix_the_settings_and_the_llama_cpp_version(monkeypatch) -> None:
    base = state_key("sha256:abc", [1, 2, 3], SETTINGS)
    assert base == state_key("sha256:abc", [1, 2, 3], dict(SETTINGS))
    assert base != state_key("sha256:abd", [1, 2, 3], SETTINGS)
    assert base != state_key("sha256:abc", [1, 2, 4], SETTINGS)
    assert base != state_key("sha256:abc", [1, 2, 3], {**SETTINGS, "n_ctx": 4096})
    assert base != state_key("sha256:abc", [12, 3], SETTINGS), "token boundaries are part of the key"
    monkeypatch.setattr(state_module.llama_cpp, "__version__", "9.9.9")
    assert base != state_key("sha256:abc", [1, 2, 3], SETTINGS)


def test_a_truncated_state_file_is_rejected_before_llama_cpp_reads_it_and_removed(tmp_path) -> None:
    store = PromptStateStore(tmp_path / "prompt-state")
    whole = b"state bytes " * 100
    path = _write_state(store, "k", whole)
    path.write_bytes(whole[: len(whole) // 2])  # the copy was cut short
    assert not store.restore(UntouchableLlama(), "k", [1, 2, 3])
    assert not path.exists() and not path.with_suffix(".json").exists()


def test_a_damaged_state_file_of_the_right_size_is_rejected_by_its_hash(tmp_path) -> None:
    store = PromptStateStore(tmp_path)
    path = _write_state(store, "k", b"a" * 64)
    path.write_bytes(b"b" * 64)
    assert not store.is_intact("k")
    assert not store.restore(UntouchableLlama(), "k", [1])
    assert not path.exists()


def test_a_state_without_its_size_record_is_not_trusted(tmp_path) -> None:
    store = PromptStateStore(tmp_path)
    path = _write_state(store, "k", b"x" * 10)
    path.with_suffix(".json").write_text("{not json")
    assert not store.restore(UntouchableLlama(), "k", [1])
    assert not path.exists()


def test_no_saved_state_means_nothing_is_restored(tmp_path) -> None:
    assert not PromptStateStore(tmp_path / "missing").restore(UntouchableLlama(), "k", [1])


def test_a_state_that_does_not_hold_exactly_the_prefix_is_not_saved(tmp_path) -> None:
    class Partial:
        n_tokens = 2
        input_ids = np.array([1, 2, 0, 0])

    store = PromptStateStore(tmp_path)
    assert not store.save(Partial(), "k", [1, 2, 3])  # type: ignore[arg-type]
    assert not store.state_file("k").exists()


def test_pruning_keeps_the_most_recently_used_states(tmp_path) -> None:
    store = PromptStateStore(tmp_path, keep=2)
    for age, key in enumerate(["newest", "middle", "oldest"]):
        path = _write_state(store, key, key.encode())
        os.utime(path, (1_000_000 - age * 100, 1_000_000 - age * 100))
    store._prune()
    assert sorted(p.stem for p in tmp_path.glob("*.state")) == ["middle", "newest"]
    assert not (tmp_path / "oldest.json").exists()


def test_a_packs_identity_is_its_verified_hash_and_any_other_files_changes_when_it_is_touched(tmp_path) -> None:
    pack_file = tmp_path / "pack.gguf"
    pack_file.write_bytes(b"GGUF" + b"\0" * 12)
    stat = pack_file.stat()
    marker = tmp_path / "pack.gguf.verified"
    marker.write_text(json.dumps({"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": "f00d"}))
    assert model_identity(pack_file) == "sha256:f00d"

    other = tmp_path / "other.gguf"
    other.write_bytes(b"GGUF" + b"\0" * 12)
    before = model_identity(other)
    assert before.startswith("file:")
    os.utime(other, ns=(stat.st_mtime_ns + 10**9, stat.st_mtime_ns + 10**9))
    assert model_identity(other) != before
    os.utime(pack_file, ns=(stat.st_mtime_ns + 10**9, stat.st_mtime_ns + 10**9))
    assert model_identity(pack_file).startswith("file:"), "a changed pack file is no longer the verified one"


@pytest.mark.slow
def test_a_restored_prefix_continues_exactly_like_an_evaluated_one_and_a_truncated_file_is_rewritten(tmp_path) -> None:
    """Real llama.cpp (the 270M pack, the smallest): evaluate and save, restore into a fresh context."""
    from llama_cpp import Llama

    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    from advisor.llm.packs import model_path
    from advisor.llm.runtime import CONTEXT_TOKENS, LlamaRuntime, fallback_template
    from advisor.settings import paths

    path, _ = model_path("gemma270m", paths().models_dir)

    def fresh_runtime() -> LlamaRuntime:
        llm = Llama(model_path=str(path), n_ctx=CONTEXT_TOKENS, n_threads=1, n_threads_batch=1, flash_attn=True,
                    verbose=False)
        return LlamaRuntime(llm, path, "gemma3", Jinja2ChatFormatter(template=fallback_template("gemma3"), eos_token="",
                                                                      bos_token=""), model_identity(path))

    def continuation(runtime: LlamaRuntime, prompt: list[int]) -> list[int]:
        return [t for t, _ in zip(runtime.llm.generate(prompt, temp=0.0), range(6))]

    state_dir = tmp_path / "prompt-state"
    prefix = fresh_runtime().tokenize("You advise on open-weight models. Tools: estimate, recommend, license. " * 8)
    question = prefix + fresh_runtime().tokenize(" Which model fits 16 GB?")

    first = fresh_runtime()
    assert first.load_prefix(prefix, state_dir) == "evaluated"
    assert first.load_prefix(prefix, state_dir) == "cached"
    expected = continuation(first, question)
    saved = list(state_dir.glob("*.state"))
    assert len(saved) == 1

    second = fresh_runtime()
    assert second.load_prefix(prefix, state_dir) == "restored"
    assert second.llm.n_tokens == len(prefix)
    assert continuation(second, question) == expected

    saved[0].write_bytes(saved[0].read_bytes()[: saved[0].stat().st_size // 2])
    third = fresh_runtime()
    assert third.load_prefix(prefix, state_dir) == "evaluated"  # the truncated file was ignored...
    assert PromptStateStore(state_dir).is_intact(saved[0].stem)  # ...and written again, whole
    assert continuation(third, question) == expected
