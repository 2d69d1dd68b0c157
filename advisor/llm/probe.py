"""A yes/no question put to a local model and read from its logits (see LlamaChatModel)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Probe:
    """A question put to the model after the last message, answered by comparing the logits of
    the first token of each answer: `yes` wins when its best logit leads `no`'s by `margin`.

    No text is generated, and the conversation before the question is the cached prefix, so a
    probe costs only its own few tokens."""

    question: str
    yes: tuple[str, ...]
    no: tuple[str, ...]
    margin: float = 0.0
