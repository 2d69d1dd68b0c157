"""Turn any exception from loading or answering into a sentence that says what to do.

The app must never die with a traceback: workers catch everything at their edge and show
this text in a notification instead.
"""

from __future__ import annotations

import sqlite3

from tools.errors import AdvisorError

INDEX_HINT = "Rebuild it from the command palette (Ctrl+P → Rebuild index) or run `advisor index --rebuild`."
MODEL_HINT = "Install the model packs (`pip install -e \".[models]\"`) or pick another model with F3."


def advice(exc: BaseException) -> str:
    """A message for the person: the problem, then the fix."""
    if isinstance(exc, AdvisorError):
        return exc.message
    text = str(exc) or type(exc).__name__
    lowered = text.lower()
    if isinstance(exc, sqlite3.Error):
        return f"The conversation database failed ({text}). Close other advisor windows and try again."
    if "index" in lowered or "chroma" in lowered or "collection" in lowered:
        return f"The article index could not be used ({text}). {INDEX_HINT}"
    if isinstance(exc, (FileNotFoundError, ImportError)) or "gguf" in lowered or "model" in lowered:
        return f"The chat model could not be loaded ({text}). {MODEL_HINT}"
    return f"Unexpected error: {type(exc).__name__}: {text}"
