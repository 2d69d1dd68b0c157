"""The article index end to end: real all-MiniLM-L6-v2 embeddings, a real on-disk Chroma in a
temp dir, and a tiny corpus of made-up digests so each build takes well under a second."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.article_search import ArticleIndex
from tools.errors import InvalidRequest, UnknownName

SPEEDS = """---
source: 100_speeds.txt
title: Local speed roundup
date: 2026-04
---
## Qwen3-30B-A3B on an RTX 4090
Qwen3-30B-A3B generates about 150 tokens per second on an RTX 4090 at Q4_K_M with llama.cpp.

## Backend advice
Running llama.cpp directly gives three to five times the throughput of Ollama on the same card.
"""

LICENSES = """---
source: 101_licenses.txt
title: License check
date: 2026-06
---
## Gemma 4 31B license
Gemma 4 31B ships under the Gemma Terms of Use, which forbid some sensitive applications.

## DeepSeek license
The DeepSeek License forbids using the model to train competing foundation models.
"""


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "100_speeds.md").write_text(SPEEDS, encoding="utf-8")
    (folder / "101_licenses.md").write_text(LICENSES, encoding="utf-8")
    return folder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


def open_index(index_dir: Path, corpus: Path, **kwargs) -> ArticleIndex:
    return ArticleIndex.open(index_dir, corpus_dir=corpus, **kwargs)


def test_first_open_builds_with_progress_and_lists_sources(index_dir: Path, corpus: Path) -> None:
    calls: list[tuple[int, int]] = []
    index = open_index(index_dir, corpus, progress=lambda done, total: calls.append((done, total)))
    assert index.rebuilt_because == "no index built yet"
    assert calls[0] == (0, 4) and calls[-1] == (4, 4)
    assert [(s.source, s.title, s.date, s.file, s.origin, s.chunks) for s in index.sources()] == [
        ("100_speeds.txt", "Local speed roundup", "2026-04", "digest/100_speeds.md", "digest", 2),
        ("101_licenses.txt", "License check", "2026-06", "digest/101_licenses.md", "digest", 2),
    ]


def test_search_returns_the_answering_passage_with_its_provenance(index_dir: Path, corpus: Path) -> None:
    hits = open_index(index_dir, corpus).search("Is Ollama slower than llama.cpp?", k=4)
    top = hits[0]
    assert (top.source, top.title, top.date, top.section, top.origin) == (
        "100_speeds.txt", "Local speed roundup", "2026-04", "Backend advice", "digest")
    assert "Ollama" in top.text
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert all(0.0 <= h.score <= 1.0 for h in hits)


def test_passages_carry_the_models_they_mention(index_dir: Path, corpus: Path) -> None:
    hits = open_index(index_dir, corpus).search("tokens per second on a 4090", k=4)
    by_section = {h.section: h.models for h in hits}
    assert by_section["Qwen3-30B-A3B on an RTX 4090"] == ["qwen3-30b-a3b"]
    assert by_section["DeepSeek license"] == []


def test_model_filter_resolves_names_and_keeps_only_mentioning_passages(index_dir: Path, corpus: Path) -> None:
    index = open_index(index_dir, corpus)
    hits = index.search("license terms", k=4, model="gemma 4 31b dense")
    assert [h.section for h in hits] == ["Gemma 4 31B license"]
    with pytest.raises(UnknownName) as err:
        index.search("speed", model="Qwen3-31B-A3B")
    assert err.value.suggestions


@pytest.mark.parametrize(("query", "k"), [("   ", 5), ("speed", 0), ("speed", 51)])
def test_bad_queries_are_clear_errors(index_dir: Path, corpus: Path, query: str, k: int) -> None:
    with pytest.raises(InvalidRequest):
        open_index(index_dir, corpus).search(query, k=k)


def test_reopening_an_unchanged_index_does_not_rebuild(index_dir: Path, corpus: Path) -> None:
    open_index(index_dir, corpus)
    again = open_index(index_dir, corpus)
    assert again.rebuilt_because is None
    assert again.search("DeepSeek license restriction", k=1)[0].source == "101_licenses.txt"


def test_changed_articles_trigger_a_rebuild(index_dir: Path, corpus: Path) -> None:
    open_index(index_dir, corpus)
    (corpus / "101_licenses.md").write_text(LICENSES.replace("Gemma Terms of Use", "Apache 2.0 license"))
    index = open_index(index_dir, corpus)
    assert index.rebuilt_because == "the articles or the model catalog changed"
    assert "Apache 2.0" in index.search("Gemma 4 31B license", k=1)[0].text


def test_corrupt_database_is_rebuilt_not_crashed_on(index_dir: Path, corpus: Path) -> None:
    open_index(index_dir, corpus).close()
    databases = list(index_dir.glob("chroma-*/chroma.sqlite3"))
    assert len(databases) == 1
    databases[0].write_bytes(b"this is not a database" * 100)
    index = open_index(index_dir, corpus)
    assert index.rebuilt_because and index.rebuilt_because.startswith("the index could not be read")
    assert index.search("Ollama throughput", k=1)[0].section == "Backend advice"


def test_half_written_index_is_rebuilt(index_dir: Path, corpus: Path) -> None:
    index = open_index(index_dir, corpus)
    index._collection.delete(ids=["digest/100_speeds.md#0"])  # as if a build stopped part way
    assert open_index(index_dir, corpus).rebuilt_because == "the index is incomplete"


def test_forced_rebuild_keeps_everything_searchable(index_dir: Path, corpus: Path) -> None:
    index = open_index(index_dir, corpus)
    index.rebuild()
    assert index.rebuilt_because == "rebuild requested"
    assert sum(s.chunks for s in index.sources()) == 4
    assert len(list(index_dir.glob("chroma-*"))) == 1  # the replaced database is gone


def test_ingest_adds_text_markdown_and_html_and_skips_the_rest(index_dir: Path, corpus: Path, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    (inbox / "mac.txt").write_text("Mac Studio Notes\nAn M4 Max with 128 GB of unified memory runs Llama 4 Scout at Q4.\n")
    (inbox / "sub" / "page.html").write_text(
        "<html><head><title>Phi Review</title></head><body><h2>Math</h2>"
        "<p>Phi-4-Mini scores 88.6 percent on GSM-8K.</p></body></html>")
    (inbox / "data.csv").write_text("a,b\n")
    index = open_index(index_dir, corpus)
    report = index.ingest([inbox, tmp_path / "missing.md"])
    assert {(Path(o.path).name, o.status) for o in report.outcomes} == {
        ("mac.txt", "added"), ("page.html", "added"), ("missing.md", "skipped")}  # .csv is not picked from folders
    assert index.search("unified memory Mac for Llama 4 Scout", k=1)[0].source == "mac.txt"
    top = index.search("Phi-4-Mini GSM-8K score", k=1)[0]
    assert (top.source, top.title, top.section, top.origin) == ("page.html", "Phi Review", "Math", "ingested")
    assert index.ingest([inbox / "data.csv"]).outcomes[0].status == "skipped"


def test_ingest_deduplicates_and_replaces_updated_files(index_dir: Path, corpus: Path, tmp_path: Path) -> None:
    index = open_index(index_dir, corpus)
    article = tmp_path / "news.md"
    article.write_text("## Launch\nThe Foo-9 model ships with a 64K context window.\n")
    copy = tmp_path / "copy-of-news.md"
    copy.write_text(article.read_text())
    packaged_again = tmp_path / "100_speeds.md"
    packaged_again.write_text(SPEEDS)
    report = index.ingest([article, copy, packaged_again])
    assert [o.status for o in report.outcomes] == ["added", "duplicate", "duplicate"]
    assert report.outcomes[2].detail == "same text as digest/100_speeds.md"

    article.write_text("## Launch\nThe Foo-9 model ships with a 1M context window after an update.\n")
    assert index.ingest([article]).outcomes[0].status == "updated"
    texts = [h.text for h in index.search("Foo-9 context window", k=10) if h.source == "news.md"]
    assert texts == ["The Foo-9 model ships with a 1M context window after an update."]


def test_ingested_files_survive_a_rebuild_for_changed_articles(index_dir: Path, corpus: Path, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Tested: the RTX 5090 runs Qwen3.6-27B in INT4 at about 100 tokens per second with vLLM.\n")
    open_index(index_dir, corpus).ingest([note])
    reopened = open_index(index_dir, corpus)
    assert reopened.rebuilt_because is None  # ingesting updated the manifest, no rebuild needed
    (corpus / "100_speeds.md").unlink()
    index = open_index(index_dir, corpus)
    assert index.rebuilt_because == "the articles or the model catalog changed"
    assert [s.file for s in index.sources()] == ["digest/101_licenses.md", "ingested/note.txt"]
    assert index.search("RTX 5090 vLLM speed", k=1)[0].source == "note.txt"


def test_unreadable_digest_is_reported_and_the_rest_indexed(index_dir: Path, corpus: Path) -> None:
    (corpus / "102_broken.md").write_text("---\ntitle: a: b\n---\n## X\ntext\n")
    index = open_index(index_dir, corpus)
    assert len(index.problems) == 1 and index.problems[0].startswith("digest/102_broken.md:")
    assert len(index.sources()) == 2
    assert open_index(index_dir, corpus).problems == index.problems  # still reported without a rebuild
