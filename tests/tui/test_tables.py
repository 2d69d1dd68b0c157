"""Tool results render as tables whose cells carry the tool's own figures and sources.

The words are advisor/present's (tests/advisor/test_present_*.py); these check the TUI's use of them."""

from __future__ import annotations

from rich.console import Console

from knowledge import load_catalog
from tools.estimate import estimate
from tools.licenses import license_terms
from tools.recommend import recommend
from tools.requests import EstimateRequest, HardwareSpec, RecommendRequest
from advisor.present import to_payload
from tui.tables import format_args, render_result


def text_of(table) -> str:
    console = Console(width=200, record=True)
    console.print(table)
    return console.export_text()


def test_estimate_table_shows_fit_memory_speed_and_sources():
    result = estimate(EstimateRequest(model="qwen3-30b-a3b", hardware=HardwareSpec(gpu="RTX 4090")), load_catalog())
    rendered = render_result(to_payload(result))
    text = text_of(rendered.table)
    assert rendered.summary.startswith(result.fit.replace("_", " "))
    assert f"{result.memory_gb.total:g} GB" in text and f"{result.memory_gb.kv_cache:g}" in text
    assert f"~{result.decode_tps.expected:g} tok/s" in text
    for source in result.sources:
        assert source in text


def test_picks_table_has_one_row_per_pick_with_license():
    picks = recommend(RecommendRequest(hardware=HardwareSpec(vram_gb=16), task="coding"), load_catalog())
    rendered = render_result(to_payload(picks))
    text = text_of(rendered.table)
    assert rendered.summary == f"{len(picks)} picks, top: {picks[0].model_name} {picks[0].quant}"
    for pick in picks:
        assert pick.model_name in text
        assert pick.commercial_use in text


def test_license_table_marks_disagreement():
    answer = license_terms("Gemma 4 31B", load_catalog())
    rendered = render_result(to_payload(answer))
    text = text_of(rendered.table)
    for term in answer.terms:
        assert term.license.name in text
    assert ("sources disagree" in rendered.summary) == answer.conflict


def test_search_hits_table_names_the_article_by_title():
    hits = [{"type": "hit", "text": "A passage about quantization " * 5, "source": "002_x.txt", "title": "Quant guide",
             "date": "2026-04", "section": "Quantization", "score": 0.81, "models": [], "origin": "digest"}]
    rendered = render_result(hits)
    assert rendered.summary == "1 passages, best from Quant guide (2026-04)"
    assert "0.81" in text_of(rendered.table) and "Quant guide" in text_of(rendered.table)


def test_a_result_saved_before_payloads_were_tagged_is_read_by_its_tool_name():
    result = estimate(EstimateRequest(model="qwen3-8b", hardware=HardwareSpec(gpu="RTX 4090")), load_catalog())
    untagged = result.model_dump(mode="json")
    assert render_result(untagged, "estimate").summary == render_result(to_payload(result)).summary
    assert render_result(untagged).summary == f"{len(untagged)} fields"
    assert render_result([], "recommend").summary == "no model fits"


def test_unknown_shapes_fall_back_to_a_field_table():
    rendered = render_result({"answer": 42, "notes": ["a", "b"]})
    text = text_of(rendered.table)
    assert rendered.summary == "2 fields" and "answer" in text and '["a", "b"]' in text
    # a near-miss (estimate keys with the wrong types) must not raise
    assert render_result({"fit": "x", "memory_gb": None, "quant": "Q4"}).summary == "3 fields"


def test_args_are_compact():
    assert format_args({"model": "qwen", "gpu": None, "hardware": {"gpu": "RTX 4090", "cpu_only": False}}) == \
        "model='qwen', hardware(gpu='RTX 4090')"


def test_plan_block_shows_each_way_to_run_and_the_devices_with_their_commands():
    from tools.plan import PlanRequest, plan

    result = plan(PlanRequest(model="qwen3-30b-a3b", context=32768, target_tps=30), load_catalog())
    rendered = render_result(to_payload(result))
    text = text_of(rendered.table)
    assert rendered.summary.startswith(f"{result.model_name} {result.quant}: ")
    for need in result.modes:
        assert f"{need.gpu_gb:g} GB" in text or not need.gpu_gb
    for device in result.devices:
        assert device.device in text and f"~{device.decode_tps:g} tok/s" in text
    assert result.devices[0].llama_server in text
    assert render_result(result.model_dump(mode="json"), "plan").summary == rendered.summary
