"""tools/minilm.py against sentence-transformers on the same packaged weights: the same vectors."""

from __future__ import annotations

import numpy as np
import pytest

from tools.minilm import packaged_minilm

TEXTS = [
    "hey", "", "can my rtx 3060 run qwen3 8b at q4?", "Qwen3-30B-A3B @ Q4_K_M on 2x RTX 4090 + 128 GB DDR5???",
    "what do the articles say about offloading MoE experts to system RAM with llama.cpp and --n-cpu-moe",
    "Ünïcödé, emoji 🚀 and CJK 漢字 survive the tokenizer", "how many GB is a dual layer blu ray",
    "word " * 400,  # longer than the model's 256-token window: cut like sentence-transformers cuts it
]


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    from tools.article_search import _embedder  # sentence-transformers: what built the article index

    return np.asarray(_embedder()(TEXTS), dtype=np.float32)


def test_vectors_match_sentence_transformers_on_the_same_weights(reference: np.ndarray) -> None:
    ours = packaged_minilm()(TEXTS)
    assert ours.shape == reference.shape == (len(TEXTS), 384)
    assert np.abs(ours - reference).max() < 1e-5
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)


def test_a_batch_gives_each_text_the_vector_it_gets_alone() -> None:
    model = packaged_minilm()
    together = model(TEXTS[:4])
    alone = np.vstack([model([text]) for text in TEXTS[:4]])
    assert np.abs(together - alone).max() < 1e-5, "padding must not leak into the shorter texts"


def test_similar_questions_are_closer_than_unrelated_ones() -> None:
    a, b, c = packaged_minilm()(["which GPU do I need for llama 3 70b", "what card runs llama 3 70B", "banana bread recipe"])
    assert a @ b > a @ c + 0.3


def test_no_texts_gives_no_rows() -> None:
    assert packaged_minilm()([]).shape == (0, 384)
