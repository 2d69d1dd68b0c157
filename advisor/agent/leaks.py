"""Prompt text an answer must not repeat.

A 1.5B model given a message it cannot map to a tool ("Can I run '; DROP TABLE models; --?")
sometimes answers with its own instructions ("Start with the direct answer: whether it fits and
how fast..."). Text is prompt text when it holds PROMPT_RUN_WORDS consecutive words of the system
prompt; shorter runs ("the model does not fit on") occur in honest answers. The replies the
prompt tells the model to give (after "reply:") are not leaks. The agent drops such sentences
before the answer is shown (graph.finish, which marks the answer as repaired, so the evals count
it against the model), and the evals' leak check (evals/answer_checks.py) uses the same runs.
"""

from __future__ import annotations

import re

PROMPT_RUN_WORDS = 8
_WORD = re.compile(r"[a-z0-9]+")
INTENDED_REPLY = re.compile(r"reply:.*$", re.IGNORECASE | re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _run_starts(words: list[str], runs: set[tuple[str, ...]]) -> list[int]:
    """Where in `words` a run of PROMPT_RUN_WORDS words of the prompt starts."""
    n = PROMPT_RUN_WORDS
    return [i for i in range(len(words) - n + 1) if tuple(words[i:i + n]) in runs]


def prompt_runs(system_prompt: str) -> set[tuple[str, ...]]:
    """The runs of PROMPT_RUN_WORDS words of the prompt an answer must not contain (its intended replies excepted)."""
    words = _words(INTENDED_REPLY.sub("", system_prompt))
    return {tuple(words[i:i + PROMPT_RUN_WORDS]) for i in range(len(words) - PROMPT_RUN_WORDS + 1)}


def repeated_runs(text: str, runs: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The runs of `text` that are prompt text, in order."""
    words = _words(text)
    return [tuple(words[i:i + PROMPT_RUN_WORDS]) for i in _run_starts(words, runs)]


def without_prompt_text(answer: str, runs: set[tuple[str, ...]]) -> tuple[str, bool]:
    """The answer without the sentences that hold any word of a prompt run (a run may span two
    short sentences: "Plain sentences, at most 5. No JSON"), and whether any were dropped."""
    sentences = [s for s in _SENTENCE_END.split(answer) if s.strip()]
    owner = [i for i, sentence in enumerate(sentences) for _ in _words(sentence)]  # sentence of each word
    words = [w for sentence in sentences for w in _words(sentence)]
    leaked = {owner[j] for i in _run_starts(words, runs) for j in range(i, i + PROMPT_RUN_WORDS)}
    if not leaked:
        return answer, False
    return " ".join(s.strip() for i, s in enumerate(sentences) if i not in leaked), True
