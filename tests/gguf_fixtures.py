"""Tiny GGUF files written with llama.cpp's own `gguf` writer, for tests that need real files.

Each is a few kilobytes: the metadata of a real architecture and small float32 tensors, so
the reader is exercised on the genuine format without shipping or downloading a model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gguf
import numpy as np


def write_gguf(path: Path, arch: str = "llama", *, blocks: int = 2, heads: int = 4, kv_heads: int = 2, width: int = 64,
               context: int = 4096, name: str | None = "Tiny Test Model", file_type: int | None = 15,
               experts: int = 0, experts_used: int = 0, extra: dict[str, Any] | None = None) -> Path:
    """A GGUF with `blocks` layers of attention (+ MLP or stacked experts) tensors."""
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), arch)
    if name:
        writer.add_name(name)
    writer.add_block_count(blocks)
    writer.add_context_length(context)
    writer.add_embedding_length(width)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    if file_type is not None:
        writer.add_file_type(file_type)
    if experts:
        writer.add_expert_count(experts)
        writer.add_expert_used_count(experts_used)
    for key, value in (extra or {}).items():
        if isinstance(value, bool):
            writer.add_bool(key, value)
        elif isinstance(value, int):
            writer.add_uint32(key, value)
        elif isinstance(value, str):
            writer.add_string(key, value)
        elif isinstance(value, list):
            writer.add_array(key, value)
    head_dim = width // heads
    writer.add_tensor("token_embd.weight", np.ones((32, width), dtype=np.float32))
    for i in range(blocks):
        writer.add_tensor(f"blk.{i}.attn_q.weight", np.ones((width, width), dtype=np.float32))
        writer.add_tensor(f"blk.{i}.attn_k.weight", np.ones((kv_heads * head_dim, width), dtype=np.float32))
        if experts:
            writer.add_tensor(f"blk.{i}.ffn_up_exps.weight", np.ones((experts, 16, width), dtype=np.float32))
        else:
            writer.add_tensor(f"blk.{i}.ffn_up.weight", np.ones((16, width), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def ollama_model(root: Path, name: str, tag: str, *, namespace: str = "library", registry: str = "registry.ollama.ai",
                 blocks: int = 32, arch: str = "llama") -> Path:
    """A manifest and its blobs under `root` as `ollama pull` leaves them (root = the models folder)."""
    import hashlib
    import json

    src = write_gguf(root.parent / "src" / f"{name}-{tag}.gguf", arch, blocks=blocks)
    data = src.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs").mkdir(parents=True, exist_ok=True)
    (root / "blobs" / f"sha256-{digest}").write_bytes(data)
    (root / "blobs" / "sha256-licence").write_text("license text")
    manifest = root / "manifests" / registry / namespace / name / tag
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(json.dumps({
        "schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "sha256:config", "size": 10},
        "layers": [
            {"mediaType": "application/vnd.ollama.image.model", "digest": f"sha256:{digest}", "size": len(data)},
            {"mediaType": "application/vnd.ollama.image.license", "digest": "sha256:licence", "size": 12},
        ],
    }))
    return root
