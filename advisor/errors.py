"""Errors of the advisor's own layer (the tools' errors live in tools/errors.py)."""

from __future__ import annotations

from tools.errors import AdvisorError


class PromptTooLong(AdvisorError):
    """The conversation no longer fits the model's context window; raised before any decoding."""

    def __init__(self, tokens: int, window: int) -> None:
        super().__init__(f"The conversation is {tokens} tokens long, more than the model's {window}-token window. "
                         "Start a new chat (Ctrl+N) or ask a shorter question.")
        self.tokens = tokens
        self.window = window
