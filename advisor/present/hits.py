"""Words for article search hits (tools/article_search.py `Hit`): which article says what.

Articles are named by title and date, never by file name: a small model copies whatever
names it reads into the answer. Hits are duck-typed here so that importing this module does
not import the search stack (chromadb, seconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advisor.present.grid import Grid
from advisor.present.words import article_name, clip

if TYPE_CHECKING:
    from tools.article_search import Hit

HITS_SHOWN = 3  # passages the model reads, ~90 tokens each
PASSAGE_CHARS = 300
SUMMARY_TITLE_CHARS = 40  # a tool block title shares its line with the tool name
NO_HIT = "No passage in the articles matches."


def source_name(hit: Hit) -> str:
    return article_name(hit.title, hit.date)


def verdict(hits: list[Hit]) -> str:
    if not hits:
        return NO_HIT
    names = list(dict.fromkeys(source_name(h) for h in hits[:HITS_SHOWN]))
    return f"{len(hits)} passages found, from: {'; '.join(names)}."


def summary(hits: list[Hit]) -> str:
    if not hits:
        return "no passage matches"
    return f"{len(hits)} passages, best from {article_name(hits[0].title, hits[0].date, limit=SUMMARY_TITLE_CHARS)}"


def table(hits: list[Hit]) -> Grid:
    return Grid(("score", "article", "section", "passage"), [
        (f"{h.score:.2f}", clip(source_name(h), 60), clip(h.section or "–", 30), clip(h.text, 90)) for h in hits])


def brief_table(hits: list[Hit]) -> Grid:
    return Grid(("article", "section", "passage"), [
        (source_name(h), clip(h.section or "–", 40), clip(h.text, 200)) for h in hits[:HITS_SHOWN]])


def sentences(hits: list[Hit]) -> list[str]:
    """Which articles speak to the question (the eval oracle's answer)."""
    return [source_name(h) + (f" ({h.section})" if h.section else "") for h in hits[:2]] or [
        "The articles say nothing on that."]


def model_text(hits: list[Hit]) -> str:
    if not hits:
        return NO_HIT
    by_article: dict[str, list[str]] = {}  # each title once: it is the longest part of a line
    for h in hits[:HITS_SHOWN]:
        section = f"{h.section}: " if h.section else ""
        by_article.setdefault(source_name(h), []).append(f"- {section}{clip(h.text, PASSAGE_CHARS)}")
    return "\n".join(f"From {name}:\n" + "\n".join(lines) for name, lines in by_article.items())
