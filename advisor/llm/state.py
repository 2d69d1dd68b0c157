"""Saved prompt state: llama.cpp's KV cache after the fixed prompt prefix, kept on disk.

Every call starts with the same ~1,900 tokens (system prompt and tool list). Evaluating them
took ~14 s of a ~20 s start on this 2-core machine, paid again by every `advisor ask` and
every chat app launch. After the first evaluation the context's state (the KV cells of those
tokens and the last logits, ~55 MB for the default model) is written to the cache directory
with llama.cpp's own state-file API; a later start reads it back instead of evaluating.

A file is only ever read for the exact key it was written under: model file (sha256 of a
pack, path/size/mtime of another GGUF), the prefix tokens, the llama-cpp-python version and
the context settings. A sidecar records the file's size and sha256, checked before llama.cpp
sees the file, so a truncated or damaged file (disk full, a copy cut short) is discarded and
rewritten after a fresh evaluation instead of restoring a broken cache. Writes go to a
temporary name first and are renamed into place, so concurrent starts never see half a file.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

import llama_cpp
from llama_cpp import Llama

FORMAT = 1  # bump when what is saved, or how it is keyed, changes
KEEP = 4  # state files kept, most recently used first (each ~55 MB for the default model)
HASH_BLOCK = 8 * 2**20  # bytes read at a time when hashing a state file


def state_key(model_id: str, tokens: Sequence[int], settings: Mapping[str, object]) -> str:
    """The name a prefix's state is saved under; any difference in what it depends on changes it."""
    digest = hashlib.sha256()
    header = {"format": FORMAT, "model": model_id, "llama_cpp_python": llama_cpp.__version__, **settings}
    digest.update(json.dumps(header, sort_keys=True).encode())
    digest.update(b"\0" + ",".join(map(str, tokens)).encode())
    return digest.hexdigest()[:40]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(HASH_BLOCK):
            digest.update(block)
    return digest.hexdigest()


class PromptStateStore:
    """State files in one directory: `<key>.state` (llama.cpp's format) and `<key>.json` (its size and hash)."""

    def __init__(self, directory: Path, keep: int = KEEP) -> None:
        self.directory = directory
        self.keep = keep

    def state_file(self, key: str) -> Path:
        return self.directory / f"{key}.state"

    def _meta_file(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def is_intact(self, key: str) -> bool:
        """True if the state file exists with the size and sha256 recorded when it was written."""
        state, meta = self.state_file(key), self._meta_file(key)
        try:
            recorded = json.loads(meta.read_text())
            return (isinstance(recorded, dict) and state.stat().st_size == recorded.get("size")
                    and _sha256(state) == recorded.get("sha256"))
        except (OSError, ValueError):
            return False

    def discard(self, key: str) -> None:
        for path in (self.state_file(key), self._meta_file(key)):
            path.unlink(missing_ok=True)

    def restore(self, llm: Llama, key: str, tokens: Sequence[int]) -> bool:
        """Load the saved state of `tokens` into `llm`; False (and the file removed) if there is none usable.

        Runs on the thread that owns `llm` (advisor/llm/runtime.py).
        """
        if not self.state_file(key).exists():
            return False
        if not self.is_intact(key):
            self.discard(key)
            return False
        capacity = llm.n_ctx()
        loaded = (llama_cpp.llama_token * capacity)()
        count = ctypes.c_size_t(0)
        ok = llama_cpp.llama_state_load_file(llm._ctx.ctx, str(self.state_file(key)).encode(), loaded, capacity,
                                             ctypes.byref(count))
        if not ok or list(loaded[:count.value]) != list(tokens):
            llm.reset()  # whatever was half-loaded is dropped by the next evaluation (it starts at n_tokens)
            self.discard(key)
            return False
        n = count.value
        llm.input_ids[:n] = tokens
        llm.n_tokens = n
        # The restored logits are not trusted for sampling: llama-cpp-python replays the last
        # prompt token before the first sample when this is set.
        llm._requires_eval = True
        os.utime(self.state_file(key))  # most recently used: survives pruning
        return True

    def save(self, llm: Llama, key: str, tokens: Sequence[int]) -> bool:
        """Write `llm`'s current state, which must hold exactly `tokens`; False if it could not be written."""
        if llm.n_tokens != len(tokens) or list(llm.input_ids[:llm.n_tokens]) != list(tokens):
            return False
        state, meta = self.state_file(key), self._meta_file(key)
        partial = state.with_name(f"{state.name}.partial-{os.getpid()}")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            array = (llama_cpp.llama_token * len(tokens))(*tokens)
            if not llama_cpp.llama_state_save_file(llm._ctx.ctx, str(partial).encode(), array, len(tokens)):
                return False
            record = {"size": partial.stat().st_size, "sha256": _sha256(partial), "tokens": len(tokens),
                      "llama_cpp_python": llama_cpp.__version__}
            os.replace(partial, state)
            partial_meta = meta.with_name(f"{meta.name}.partial-{os.getpid()}")
            partial_meta.write_text(json.dumps(record))
            os.replace(partial_meta, meta)
        except OSError:
            return False  # a full or read-only cache costs the next start time, nothing else
        finally:
            partial.unlink(missing_ok=True)
        self._prune()
        return True

    def _prune(self) -> None:
        """Keep the `keep` most recently used states: old prompts and models would only fill the disk."""
        def last_used(path: Path) -> float:
            try:
                return path.stat().st_mtime
            except OSError:  # removed meanwhile by another process's pruning
                return 0.0

        states = sorted(self.directory.glob("*.state"), key=last_used, reverse=True)
        for old in states[self.keep:]:
            self.discard(old.stem)
