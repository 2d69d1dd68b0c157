"""Turning an article file (.md digest, plain .txt, saved .html page) into titled sections.

Every format ends up as the same `Document`: provenance (source, title, date) plus a list of
sections, each a heading and its paragraphs. The chunker then never needs to know where a
text came from. Parsing is pure: the caller reads the file and passes its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import PurePath

import yaml

from tools.errors import InvalidRequest

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm")


@dataclass(frozen=True)
class Section:
    heading: str  # "" for text before the first heading
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    source: str  # the article the facts come from: a digest names its seed file, else the file itself
    title: str
    date: str | None
    sections: tuple[Section, ...]


@dataclass
class _Builder:
    """Collects headings and paragraphs, in reading order, into sections."""

    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    def start(self, heading: str) -> None:
        """Headings with nothing between them ("2. Qwen 3.7" then "Architecture Type: Dense")
        are kept together, so the more specific one does not erase the model's name."""
        if self.paragraphs or not self.heading:
            self._close()
            self.heading = heading
        else:
            self.heading = f"{self.heading} / {heading}"

    def add(self, paragraph: str) -> None:
        text = " ".join(paragraph.split())
        if text:
            self.paragraphs.append(text)

    def build(self) -> tuple[Section, ...]:
        self._close()
        return tuple(self.sections)

    def _close(self) -> None:
        if self.paragraphs:
            self.sections.append(Section(self.heading, tuple(self.paragraphs)))
        self.paragraphs = []


# --- Markdown (the packaged digests, or the user's own notes) -----------------------------

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def parse_markdown(name: str, text: str) -> Document:
    """YAML front matter (source, title, date) and `#` headings. Each list item and table row
    is a paragraph of its own, so a passage break never falls inside one."""
    meta: dict = {}
    match = _FRONT_MATTER.match(text)
    if match:
        try:
            meta = yaml.safe_load(match.group(1)) or {}
        except yaml.YAMLError as exc:
            raise InvalidRequest(f"{name}: the front matter is not valid YAML ({exc.problem}).") from None
        if not isinstance(meta, dict):
            raise InvalidRequest(f"{name}: the front matter must be 'key: value' lines.")
        text = text[match.end():]
    builder, block, title = _Builder(), [], None

    def flush() -> None:
        builder.add(" ".join(block))
        block.clear()

    for line in text.splitlines():
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            if heading.group(1) == "#" and title is None:
                title = heading.group(2)
            builder.start(heading.group(2))
        elif not line.strip():
            flush()
        elif _MD_ITEM.match(line) or line.lstrip().startswith("|"):
            flush()  # a list item or table row is its own unit
            block.append(line.strip())
            flush()
        else:
            block.append(line.strip())
    flush()
    return Document(
        source=str(meta.get("source") or PurePath(name).name),
        title=str(meta.get("title") or title or PurePath(name).stem),
        date=_date(meta.get("date")),
        sections=builder.build(),
    )


def _date(value: object) -> str | None:
    """YAML turns 2026-04-14 into a date and leaves "2026-06" a string: keep both as text."""
    return None if value in (None, "") else str(value)


# --- Plain text (the seed articles as published, or a pasted article) ---------------------

_SENTENCE_END = (".", ",", ";", ":", "!", "…")
_ENUMERATOR = re.compile(r"^\d+[.)]\s+")


def _looks_like_heading(line: str) -> bool:
    """Plain text has no markup, so a heading is a short line in Title Case or CAPITALS that
    does not end like a sentence ("The Six Contenders", "CHAPTER ONE: ...", "Our Analysis").

    Sentence-case short lines ("Step 1 - Transcribes the question") and table rows, which are
    full of figures ("Q2_K 0.25 7.75 GB ~10 GB"), are not. A misjudged heading only mislabels
    a section; it never loses text.
    """
    words = line.split()
    if not words or len(words) > 14 or len(line) > 100 or line.endswith(_SENTENCE_END) or "," in line:
        return False
    if line.startswith(("|", "-", "•", "*")) or not (line[0].isupper() or line[0].isdigit()):
        return False
    words = _ENUMERATOR.sub("", line).split()  # "2. Qwen 3.7": the list number is not a figure
    figures = [w for w in words if w.lstrip("~(<>$").startswith(tuple("0123456789"))]
    if len(figures) >= 2 and len(figures) / len(words) >= 0.3:
        return False
    long_words = [w for w in words if len(w) > 3 and w[0].isalpha()]
    capitalised = [w for w in long_words if w[0].isupper()]
    return not long_words or len(capitalised) / len(long_words) >= 0.6


def parse_text(name: str, text: str) -> Document:
    """One line is one paragraph; heading-like lines open sections. The first line is the
    title when it looks like one, otherwise the file name stands in (a plain text has no
    other place to carry it)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    title = PurePath(name).stem
    if lines and len(lines[0].split()) <= 25 and not lines[0].endswith(_SENTENCE_END):
        title = lines.pop(0)
    builder = _Builder()
    for line in lines:
        if _looks_like_heading(line):
            builder.start(line)
        else:
            builder.add(line)
    return Document(source=PurePath(name).name, title=title, date=None, sections=builder.build())


# --- HTML (a saved web page) ------------------------------------------------------------

_BLOCK_TAGS = {"p", "div", "li", "tr", "br", "blockquote", "pre", "section", "article", "table",
               "ul", "ol", "dd", "dt", "figcaption", "main", "td", "th"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_SKIPPED_TAGS = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form", "button"}
_DATE_META = ("article:published_time", "datePublished", "date", "dc.date", "pubdate")


class _PageText(HTMLParser):
    """Reads visible text as headings and paragraphs, dropping scripts, styles, navigation
    and footers (boilerplate that would otherwise be retrieved as if it were article text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[bool, str]] = []  # (is_heading, text)
        self.title = ""
        self.first_h1 = ""
        self.date: str | None = None
        self._buffer: list[str] = []
        self._skip_depth = 0
        self._in_title = False
        self._heading: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and self.date is None:
            key = values.get("property") or values.get("name") or values.get("itemprop") or ""
            if key in _DATE_META and values.get("content"):
                self.date = values["content"][:10]
        elif tag == "time" and self.date is None and values.get("datetime"):
            self.date = (values["datetime"] or "")[:10]
        if tag in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif tag == "title":
            self._in_title = True
        elif tag in _HEADING_TAGS or tag in _BLOCK_TAGS:
            self._flush()
            if tag in _HEADING_TAGS:
                self._heading = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag == "title":
            self._in_title = False
        elif tag in _HEADING_TAGS or tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        elif not self._skip_depth:
            self._buffer.append(data)

    def close(self) -> None:
        super().close()
        self._flush()

    def _flush(self) -> None:
        text = " ".join("".join(self._buffer).split())
        self._buffer.clear()
        is_heading, self._heading = self._heading is not None, None
        if not text:
            return
        if is_heading and not self.first_h1:
            self.first_h1 = text
        self.blocks.append((is_heading, text))


def parse_html(name: str, text: str) -> Document:
    """Saved web pages; the standard library's HTMLParser is enough to read text and headings
    (no scraping of messy markup is needed), so no extra dependency is added for it."""
    page = _PageText()
    page.feed(text)
    page.close()
    builder = _Builder()
    for is_heading, block in page.blocks:
        if is_heading:
            builder.start(block)
        else:
            builder.add(block)
    title = " ".join(page.title.split()) or page.first_h1 or PurePath(name).stem
    return Document(source=PurePath(name).name, title=title, date=page.date, sections=builder.build())


def parse_document(name: str, text: str) -> Document:
    """Pick the parser from the file name's suffix."""
    suffix = PurePath(name).suffix.lower()
    if suffix in (".md", ".markdown"):
        return parse_markdown(name, text)
    if suffix == ".txt":
        return parse_text(name, text)
    if suffix in (".html", ".htm"):
        return parse_html(name, text)
    raise InvalidRequest(f"{name}: unsupported file type '{suffix}'; use one of {', '.join(SUPPORTED_SUFFIXES)}.")
