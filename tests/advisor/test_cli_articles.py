"""`advisor index / ingest / sources / search / eval retrieval` through the real CLI, with the
real embedder and Chroma in the per-test data dir, over a two-article corpus (fast builds)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tools.article_search
from advisor.cli import app

runner = CliRunner()

DIGEST = """---
source: 200_{name}.txt
title: {title}
date: 2026-05
---
## {section}
{body}
"""


@pytest.fixture(autouse=True)
def tiny_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "200_backends.md").write_text(DIGEST.format(
        name="backends", title="Backend notes", section="llama.cpp versus Ollama",
        body="On an RTX 4090, llama.cpp runs Qwen3.6-35B-A3B at about 100 tok/s while Ollama manages 20 tok/s."))
    (folder / "201_licenses.md").write_text(DIGEST.format(
        name="licenses", title="License notes", section="GLM-5.1 license",
        body="GLM-5.1 weights were released under the MIT license.").replace("200_licenses", "201_licenses"))
    monkeypatch.setattr(tools.article_search, "ARTICLES_DIR", folder)
    return folder


def run(*args: str):
    return runner.invoke(app, list(args))


def test_index_builds_once_and_reports_contents() -> None:
    first = run("index", "--json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout) | {"index_dir": None} == {
        "index_dir": None, "files": 2, "passages": 2, "rebuilt_because": "no index built yet", "problems": []}
    assert "Article index built" in first.stderr
    second = json.loads(run("index", "--json").stdout)
    assert second["rebuilt_because"] is None
    assert json.loads(run("index", "--rebuild", "--json").stdout)["rebuilt_because"] == "rebuild requested"


def test_search_json_has_the_contract_fields() -> None:
    result = run("search", "is ollama slower than llama.cpp", "--k", "1", "--json")
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)
    assert {"text", "source", "title", "date", "section", "score", "models"} <= set(hit)
    assert (hit["source"], hit["section"], hit["date"]) == ("200_backends.txt", "llama.cpp versus Ollama", "2026-05")
    assert hit["models"] == ["qwen3.6-35b-a3b"]


def test_search_table_and_model_filter() -> None:
    result = run("search", "license", "--model", "glm 5.1")
    assert result.exit_code == 0, result.output
    assert "GLM-5.1 license" in result.stdout and "201_licenses.txt" in result.stdout
    assert "Ollama" not in result.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (("search", "speed", "--model", "glm 9.9"), "Did you mean"),
    (("search", "   "), "query is empty"),
])
def test_bad_search_input_exits_2_with_a_message(args: tuple[str, ...], needle: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert needle in result.stderr


def test_ingest_then_sources(tmp_path: Path) -> None:
    page = tmp_path / "review.html"
    page.write_text("<html><head><title>Mac Review</title></head><body><p>The M4 Max runs GLM-4.7-Flash at 82 t/s.</p>"
                    "</body></html>")
    result = run("ingest", str(page), "--json")
    assert result.exit_code == 0, result.output
    assert [o["status"] for o in json.loads(result.stdout)["outcomes"]] == ["added"]
    again = run("ingest", str(page))  # ingesting twice is harmless, not an error
    assert again.exit_code == 0 and "duplicate" in again.stdout
    table = tmp_path / "numbers.csv"
    table.write_text("a,b\n")
    unsupported = run("ingest", str(table))
    assert unsupported.exit_code == 2 and "nothing was indexed" in unsupported.stderr
    sources = json.loads(run("sources", "--json").stdout)
    assert [(s["file"], s["origin"]) for s in sources] == [
        ("digest/200_backends.md", "digest"), ("digest/201_licenses.md", "digest"), ("ingested/review.html", "ingested")]


def test_ingest_missing_path_exits_2(tmp_path: Path) -> None:
    result = run("ingest", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_eval_retrieval_reports_recall_mrr_and_latency(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "- {id: backend, question: 'Is Ollama slower than llama.cpp?', sources: [200_backends.txt], fact: 5x, answer: ['20 tok/s']}\n"
        "- {id: license, question: 'What license does GLM-5.1 use?', sources: [201_licenses.txt], fact: MIT, answer: [MIT]}\n"
        "- {id: wrong, question: 'Which license is GLM-5.1 under?', sources: [200_backends.txt], fact: 'none', answer: [MIT]}\n")
    result = run("eval", "retrieval", "--cases", str(cases), "--no-cold-start", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["cases"], data["k"], data["chunks"]) == (3, 5, 2)
    assert data["recall_at_k"] == 1.0  # with two passages and k=5 every article is retrieved...
    assert data["mrr"] == pytest.approx((1 + 1 + 0.5) / 3, abs=1e-4)  # ...but the wrong one ranks second
    assert data["answer_recall_at_k"] == pytest.approx(2 / 3, abs=1e-4)
    assert data["latency_p50_ms"] > 0 and data["cold_start"] is None


def test_eval_retrieval_rejects_a_bad_cases_file(tmp_path: Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text("- {id: x, question: q}\n")
    result = run("eval", "retrieval", "--cases", str(cases))
    assert result.exit_code == 2
    assert "bad case" in " ".join(result.stderr.split()), "the console may wrap a long temp path anywhere"
