"""Tool results render as tables whose cells carry the tool's own figures and sources."""

from __future__ import annotations

from rich.console import Console

from knowledge import load_catalog
from tools.estimate import estimate
from tools.licenses import license_terms
from tools.recommend import recommend
from tools.requests import EstimateRequest, HardwareSpec, RecommendRequest
from tui.tables import format_args, render_result


def text_of(table) -> str:
    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


def test_estimate_table_shows_fit_memory_speed_and_sources():
    result = estimate(EstimateRequest(model="qwen3-30b-a3b", hardware=HardwareSpec(gpu="RTX 4090")), load_catalog())
    rendered = render_result(result.model_dump(mode="json"))
    text = text_of(rendered.table)
    assert rendered.summary.startswith(result.fit.replace("_", " "))
    assert f"{result.memory_gb.total:g} GB" in text and f"{result.memory_gb.kv_cache:g}" in text
    assert f"~{result.decode_tps.expected:g} tok/s" in text
    for source in result.sources:
        assert source in text


def test_picks_table_has_one_row_per_pick_with_license():
    picks = recommend(RecommendRequest(hardware=HardwareSpec(vram_gb=16), task="coding"), load_catalog())
    rendered = render_result([p.model_dump(mode="json") for p in picks])
    text = text_of(rendered.table)
    assert rendered.summary == f"{len(picks)} picks, top: {picks[0].model_name} {picks[0].quant}"
    for pick in picks:
        assert pick.model_name in text
        assert pick.commercial_use in text


def test_license_table_marks_disagreement():
    answer = license_terms("Gemma 4 31B", load_catalog())
    rendered = render_result(answer.model_dump(mode="json"))
    text = text_of(rendered.table)
    for term in answer.terms:
        assert term.license.name in text
    assert ("sources disagree" in rendered.summary) == answer.conflict


def test_search_hits_table():
    hits = [{"text": "A passage about quantization " * 5, "source": "002_x.txt", "title": "t", "date": None,
             "section": "Quantization", "score": 0.81, "models": []}]
    rendered = render_result(hits)
    assert rendered.summary == "1 passages, best from 002_x.txt"
    assert "0.81" in text_of(rendered.table)


def test_unknown_shapes_fall_back_to_a_field_table():
    rendered = render_result({"answer": 42, "notes": ["a", "b"]})
    text = text_of(rendered.table)
    assert rendered.summary == "2 fields" and "answer" in text and '["a", "b"]' in text
    # a near-miss (estimate keys with the wrong types) must not raise
    assert render_result({"fit": "x", "memory_gb": None, "quant": "Q4"}).summary == "3 fields"


def test_args_are_compact():
    assert format_args({"model": "qwen", "gpu": None, "hardware": {"gpu": "RTX 4090", "cpu_only": False}}) == \
        "model='qwen', hardware(gpu='RTX 4090')"
