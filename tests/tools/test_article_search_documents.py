"""Parsing articles into sections, cutting them into passages, and spotting model names.

These are the pure parts of article search: no embedder, no database.
"""

from __future__ import annotations

import pytest

from knowledge import ARTICLES_DIR, load_catalog
from tools.chunking import MAX_WORDS, chunk_document
from tools.documents import parse_document
from tools.errors import InvalidRequest
from tools.mentions import Mentions

DIGEST = """---
source: 009_example.txt
title: "Week 9: a made-up column"
date: 2026-04-14
---
## Speeds on an RTX 4090
Qwen3-30B-A3B runs at about 150 tok/s.

| model | tok/s |
|---|---|
| Gemma 4 31B | 42 |

## Licenses
- Apache 2.0 for most models.
"""


def test_markdown_digest_keeps_front_matter_and_sections() -> None:
    doc = parse_document("009_example.md", DIGEST)
    assert (doc.source, doc.title, doc.date) == ("009_example.txt", "Week 9: a made-up column", "2026-04-14")
    assert [s.heading for s in doc.sections] == ["Speeds on an RTX 4090", "Licenses"]
    assert "| Gemma 4 31B | 42 |" in doc.sections[0].paragraphs  # table rows stay whole lines


def test_markdown_without_front_matter_falls_back_to_the_file_name() -> None:
    doc = parse_document("notes.md", "Just a paragraph about GPUs.")
    assert (doc.source, doc.title, doc.date) == ("notes.md", "notes", None)


def test_broken_front_matter_is_a_clear_error() -> None:
    with pytest.raises(InvalidRequest, match="front matter"):
        parse_document("bad.md", "---\ntitle: a: b\n---\ntext\n")


def test_plain_text_finds_title_and_headings_but_not_table_rows() -> None:
    text = "\n".join([
        "Open Models Weekly: Speed Special",
        "This week three labs shipped new checkpoints and we measured them all on one card.",
        "The Six Contenders",
        "Q2_K 0.25 7.75 GB ~10 GB",
        "Step 1 - transcribes the spoken question",
        "Every model here fits a single 24 GB GPU at four bits.",
    ])
    doc = parse_document("weekly.txt", text)
    assert doc.title == "Open Models Weekly: Speed Special"
    assert [s.heading for s in doc.sections] == ["", "The Six Contenders"]
    assert "Q2_K 0.25 7.75 GB ~10 GB" in doc.sections[1].paragraphs


def test_html_reads_visible_text_headings_and_date() -> None:
    html = """<html><head><title>GPU Guide</title><meta property="article:published_time" content="2026-05-02T10:00">
    <script>var x = "not article text";</script></head>
    <body><nav>Home | About</nav><h1>GPU Guide</h1><p>Intro &amp; scope.</p>
    <h2>Memory</h2><p>A 70B model needs about 140 GB at FP16.</p><ul><li>INT4: ~35 GB</li></ul>
    <footer>Copyright</footer></body></html>"""
    doc = parse_document("guide.html", html)
    assert (doc.title, doc.date) == ("GPU Guide", "2026-05-02")
    assert [s.heading for s in doc.sections] == ["GPU Guide", "Memory"]
    assert doc.sections[1].paragraphs == ("A 70B model needs about 140 GB at FP16.", "INT4: ~35 GB")
    flat = str(doc.sections)
    assert "not article text" not in flat and "Home | About" not in flat and "Copyright" not in flat


def test_unsupported_suffix_is_rejected() -> None:
    with pytest.raises(InvalidRequest, match="unsupported file type"):
        parse_document("data.csv", "a,b")


def test_chunks_stay_within_the_embedder_window_and_inside_their_section() -> None:
    long_paragraph = " ".join(f"Sentence {i} says the model is fast." for i in range(60))  # 360 words
    doc = parse_document("long.md", f"## One\n{long_paragraph}\n\n## Two\nShort closing note.\n")
    chunks = chunk_document(doc)
    assert all(len(c.text.split()) <= MAX_WORDS for c in chunks)
    assert [c.section for c in chunks].count("Two") == 1 and chunks[-1].text == "Short closing note."
    assert " ".join(" ".join(c.text for c in chunks[:-1]).split()) == long_paragraph  # nothing lost or repeated
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert chunks[0].embedding_text.startswith("long. One.\n")


@pytest.fixture(scope="module")
def mentions() -> Mentions:
    return Mentions.of_models(load_catalog())


@pytest.mark.parametrize(("text", "expected"), [
    ("Qwen3-30B scores 22% and GPT-OSS-20B scores 34%", ["qwen3-30b-a3b", "gpt-oss-20b"]),
    ("run qwen3:30b-a3b in Ollama", ["qwen3-30b-a3b"]),
    ("Qwen 3.5 27B at Q4", ["qwen3.5-27b"]),
    ("Qwen3-8B is not Qwen3-80B", ["qwen3-8b"]),
    ("GLM-4.7-Flash beats larger models", ["glm-4.7-flash"]),  # not also GLM-4.7
    ("Gemma 4 on its own names a family, not a model", []),
])
def test_model_mentions(mentions: Mentions, text: str, expected: list[str]) -> None:
    assert mentions.find(text) == expected


def test_every_packaged_digest_parses_with_provenance() -> None:
    digests = sorted(ARTICLES_DIR.glob("*.md"))
    assert len(digests) >= 5
    for path in digests:
        doc = parse_document(path.name, path.read_text(encoding="utf-8"))
        assert doc.source == f"{path.stem}.txt", path.name  # a digest names the seed it summarises
        assert doc.title != path.stem and doc.date, path.name
        assert chunk_document(doc), path.name
