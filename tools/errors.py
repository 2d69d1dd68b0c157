"""Errors the tools raise: each carries a message written for the person asking."""

from __future__ import annotations


class AdvisorError(Exception):
    """A problem with the request, explained in words the CLI, agent and TUI show as they are."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnknownName(AdvisorError):
    """A model, GPU, license or quant name that matched nothing; carries the closest names."""

    def __init__(self, kind: str, name: str, suggestions: list[str]) -> None:
        hint = f" Did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"Unknown {kind} '{name}'.{hint}")
        self.kind = kind
        self.name = name
        self.suggestions = suggestions


class InvalidRequest(AdvisorError):
    """Input that is well-formed but impossible (negative memory, zero context, 10 PB of VRAM)."""
