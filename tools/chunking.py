"""Cutting a parsed article into passages small enough for the embedding model to read whole.

all-MiniLM-L6-v2 reads at most 256 word pieces and silently drops the rest, so a passage is
a run of whole sentences of at most `MAX_WORDS` words (about 180 word pieces with the figures
and model names these articles are full of) and never crosses a section boundary: the
section heading is what tells a reader, and the embedder, what the passage is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.documents import Document

MAX_WORDS = 110

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“‘(\[])")


@dataclass(frozen=True)
class Chunk:
    source: str
    title: str
    date: str | None
    section: str
    text: str
    position: int  # order within its document, so neighbours can be told apart

    @property
    def embedding_text(self) -> str:
        """The title and section travel with the passage into the embedding, so a passage that
        only says "the model" still matches a question naming the model in its heading."""
        heading = f"{self.title}. {self.section}." if self.section else f"{self.title}."
        return f"{heading}\n{self.text}"


def _pieces(paragraph: str, max_words: int) -> list[str]:
    """A paragraph as units no longer than max_words: itself, its sentences, or, for a
    sentence longer than a whole passage, runs of words."""
    if len(paragraph.split()) <= max_words:
        return [paragraph]
    pieces: list[str] = []
    for sentence in _SENTENCE_BREAK.split(paragraph):
        words = sentence.split()
        pieces.extend(" ".join(words[i:i + max_words]) for i in range(0, len(words), max_words))
    return pieces


def chunk_document(doc: Document, max_words: int = MAX_WORDS) -> list[Chunk]:
    """Greedy packing of whole paragraphs (or sentences) per section, in reading order."""
    chunks: list[Chunk] = []

    def emit(section: str, units: list[str]) -> None:
        chunks.append(Chunk(doc.source, doc.title, doc.date, section, "\n".join(units), len(chunks)))

    for section in doc.sections:
        units: list[str] = []
        count = 0
        for paragraph in section.paragraphs:
            for piece in _pieces(paragraph, max_words):
                words = len(piece.split())
                if units and count + words > max_words:
                    emit(section.heading, units)
                    units, count = [], 0
                units.append(piece)
                count += words
        if units:
            emit(section.heading, units)
    return chunks
