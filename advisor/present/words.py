"""The words every front end uses for a tool result: fit labels, speeds, sizes, article names.

They live in one module so "fits in GPU memory" is written once: the CLI table, the TUI block,
the text the model reads, the fallback answer and the eval oracle all say the same thing.
Values this module has no entry for (a fit added to tools/estimate.py later) still render,
with their underscores turned into spaces.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlparse

from knowledge import ARTICLES_DIR

# Short labels for table cells and one-line summaries ("⚙ estimate → full gpu, 20.73 GB, …").
FIT_LABELS: dict[str, str] = {
    "full_gpu": "full gpu",
    "multi_gpu": "multi gpu",
    "unified_memory": "unified memory",
    "gpu_cpu_offload": "gpu cpu offload",
    "moe_offload": "moe offload",
    "cpu_only": "cpu only",
    "does_not_fit": "does not fit",
    "no_hardware": "no hardware",
}

# The same fits as words inside a sentence ("… needs 16.1 GB (fits in GPU memory)").
FIT_PHRASES: dict[str, str] = {
    "full_gpu": "fits in GPU memory",
    "multi_gpu": "fits across the GPUs",
    "unified_memory": "fits in unified memory",
    "gpu_cpu_offload": "only with layers offloaded to system RAM",
    "moe_offload": "with MoE expert weights offloaded to system RAM",
    "cpu_only": "runs on the CPU",
    "does_not_fit": "does not fit",
    "no_hardware": "no hardware given",
}

# Fits that mean "this will not run here": a verdict says so instead of quoting a speed.
NOT_RUNNING = frozenset({"does_not_fit", "no_hardware"})

NONE = "–"  # an empty table cell
# Characters of an article title before '…': our longest digest title is 95 characters (~25 tokens),
# read by the model once per passage or claim; 60 keeps every title recognisable.
TITLE_CHARS = 60
_SEED_FILE = re.compile(r"\b\d{3}_[0-9a-f]{16}\.txt\b")
# Our article digests carry descriptive titles with a note on where the title came from; the
# note is for the record, not for the reader (and costs the model ~10 prompt tokens per mention).
_TITLE_NOTE = re.compile(r"\s*\((?:no title|from the section)[^)]*\)\s*$")


def fit_label(fit: str) -> str:
    return FIT_LABELS.get(fit, fit.replace("_", " "))


def fit_phrase(fit: str) -> str:
    return FIT_PHRASES.get(fit, fit.replace("_", " "))


def clip(text: object, limit: int) -> str:
    """Whitespace folded to single spaces; longer than `limit` characters ends in '…'."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def tps(value: float | None) -> str:
    """A decode or prefill speed: '~38.2 tok/s', or 'speed unknown'."""
    return "speed unknown" if value is None else f"~{value:g} tok/s"


def gb(value: float) -> str:
    return f"{value:g} GB"


def joined(items: list[str] | tuple[str, ...], empty: str = NONE) -> str:
    return ", ".join(items) if items else empty


@lru_cache(maxsize=1)
def _articles() -> dict[str, tuple[str, str | None]]:
    """Seed file name ('001_ea5be24a28733e52.txt') -> (title, date) from the digests' front matter."""
    from tools.documents import parse_markdown  # noqa: PLC0415 - only when a source is named

    found: dict[str, tuple[str, str | None]] = {}
    for path in sorted(ARTICLES_DIR.glob("*.md")):
        doc = parse_markdown(path.name, path.read_text(encoding="utf-8"))
        found[doc.source] = (doc.title, doc.date)
    return found


def _shorten(title: str, limit: int) -> str:
    if len(title) <= limit:
        return title
    return title[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def article_name(title: str, date: str | None, limit: int = TITLE_CHARS) -> str:
    """'Open-weight LLMs and VLMs you can run locally, April 2026 (2026-04)'; an unknown date is left out."""
    title = _shorten(_TITLE_NOTE.sub("", title) or title, limit)
    return f"{title} ({date})" if date and date != "unknown" else title


def cite(source: str) -> str:
    """A source as a reader names it: an article by title and date, a web page by its site.

    The model must never see file names like 001_ea5b….txt: it copies them into answers.
    Anything else (a license name, a file the user added) is returned unchanged.
    """
    known = _articles().get(source)
    if known:
        return article_name(*known)
    if source.startswith(("http://", "https://")):
        return urlparse(source).netloc.removeprefix("www.") or source
    return source


def cite_in(text: str) -> str:
    """Free text with every seed file name in it replaced by the article's title and date."""
    return _SEED_FILE.sub(lambda m: cite(m.group(0)), text)
