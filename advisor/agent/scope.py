"""Is a message about running open-weight LLMs at all? Embedding similarity, decided before the model.

The backing model decides whether to call a tool, but a 1.5B model calls one for "hey" or "how do I
land a Falcon 9" because a tool call is what its prompt is about. This check is model-agnostic: the
message and a few descriptions of what the advisor covers are embedded with all-MiniLM-L6-v2 (the
article search's embedder, already installed; run on numpy by tools/minilm.py, which loads in well
under a second where sentence-transformers' imports took ~5 s of the first answer), and a message
far from all of them is answered without tools, unless it names a catalog model or device. It only
ever withholds tools, only on the first message of a conversation (a follow-up such as "and the
license?" leans on the turns before it), and only from messages far from the domain: anything near it ("how many GB is a
Blu-ray?", "GPU fans are loud") is still the model's to decide.

The threshold was set on the generalization set's dev split (evals/generalization/dev.yaml): the
lowest-scoring question that needs a tool there scores 0.15; greetings, recipes and rocket
landings score below 0.13. `python -m evals.scope` reports what the check decides on a split.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from knowledge.schema import Catalog
from tools.mentions import Mentions

# What the advisor covers, in our words; one entry per kind of question a tool answers.
DOMAIN = (
    "which open-weight LLM should I run on my GPU, Mac or laptop",
    "can this language model fit in my VRAM and how fast will it run in tokens per second",
    "memory needed to run a large language model at a quantization such as Q4 or 8-bit",
    "license of an open-weight model: commercial use and restrictions",
    "what the articles say about running local LLMs with llama.cpp, Ollama, MoE models and the KV cache",
)
THRESHOLD = 0.14  # cosine similarity; see the module docstring for where it comes from

Embed = Callable[[list[str]], Any]


@dataclass(frozen=True)
class ScopeCheck:
    """`in_scope(text)` is False only for messages far from everything in DOMAIN that name no
    catalog model or device (the embedder knows no model names: "qwen3:30b???" scores low)."""

    embed: Embed
    anchors: np.ndarray
    names: Callable[[str], bool]
    threshold: float = THRESHOLD

    @classmethod
    def of(cls, embed: Embed, catalog: Catalog, threshold: float = THRESHOLD) -> ScopeCheck:
        models, devices = Mentions.of_models(catalog), Mentions.of_hardware(catalog)
        return cls(embed, _unit(np.asarray(embed(list(DOMAIN)), dtype=np.float32)),
                   lambda text: bool(models.find(text) or devices.find(text)), threshold)

    def score(self, text: str) -> float:
        vector = _unit(np.asarray(self.embed([text]), dtype=np.float32))
        return float((vector @ self.anchors.T).max())

    def in_scope(self, text: str) -> bool:
        return self.names(text) or self.score(text) >= self.threshold


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


class LazyScopeCheck:
    """Loads the embedder and the catalog's name patterns in the background, beside the model, and,
    if they cannot load, lets every message through: the model then decides alone."""

    def __init__(self, load: Callable[[], ScopeCheck]) -> None:
        self._check: ScopeCheck | None = None
        # Not a daemon: a process quitting while the embedder is still loading (the chat app closed in
        # its first second) waits for it, rather than tearing the interpreter down under the thread.
        self._thread = threading.Thread(target=self._load, args=(load,), name="scope-check")
        self._thread.start()

    def _load(self, load: Callable[[], ScopeCheck]) -> None:
        try:
            self._check = load()
        except Exception:  # noqa: BLE001 - no embedder means no pre-check, never a failed turn
            self._check = None

    def in_scope(self, text: str) -> bool:
        self._thread.join()
        return True if self._check is None else self._check.in_scope(text)


_built: dict[int, tuple[Catalog, LazyScopeCheck]] = {}  # one check per catalog object (load_catalog caches it)


def default_scope_check(catalog: Catalog) -> LazyScopeCheck:
    """The check for `catalog`, built once per process: each eval case opens a new Advisor, and the
    catalog name patterns take a second to compile."""
    known = _built.get(id(catalog))
    if known is not None and known[0] is catalog:
        return known[1]

    def load() -> ScopeCheck:
        from tools.minilm import packaged_minilm  # noqa: PLC0415 - in the loader thread, beside the model

        return ScopeCheck.of(packaged_minilm(), catalog)

    check = LazyScopeCheck(load)
    _built[id(catalog)] = (catalog, check)
    return check
