"""A pick list reads as a verdict, then the best few options with their trade-offs."""

from __future__ import annotations

from present_samples import picks, pick

from advisor import present
from advisor.present import picks as words
from tools.requests import HardwareSpec, RecommendRequest


def test_the_verdict_names_the_best_pick_that_runs():
    assert words.verdict(picks()) == "Best pick: Devstral at IQ4_XS."
    assert words.verdict([pick(1, "Huge", fit="does_not_fit"), pick(2, "Small")]).startswith("Best pick: Small at Q6_K")
    assert words.verdict([]) == "No catalog model fits these constraints."


def test_the_model_reads_the_verdict_and_the_ask_on_one_line_then_three_options_with_their_trade_offs():
    req = RecommendRequest(hardware=HardwareSpec(vram_gb=16), task="coding")
    text = words.model_text(picks(), "Hardware: 16 GB GPU.", req)
    lines = text.splitlines()
    assert lines[0] == "Best pick: Devstral at IQ4_XS. Hardware: 16 GB GPU. Task: coding; license: any; context 8,192 tokens."
    assert lines[1] == "1. Devstral at IQ4_XS: 15.48 GB, fits in GPU memory, ~31.4 tok/s, license apache-2.0 (commercial use: yes)"
    assert "Phi-4 Reasoning" not in text, "only the three best are worth the prompt time"
    assert "001_" not in text and "[" not in text


def test_an_empty_list_says_nothing_fits_in_every_front_end():
    req = RecommendRequest(hardware=HardwareSpec(vram_gb=16))
    assert words.model_text([], "Hardware: 16 GB GPU.", req).startswith("No catalog model fits these constraints.")
    assert present.summary([], "recommend") == "no model fits"
    assert present.answer_markdown([], "recommend") == "No catalog model fits these constraints."


def test_the_oracle_sentences_skip_models_that_do_not_run():
    sentences = words.sentences([pick(1, "Huge", fit="does_not_fit"), *picks()])
    assert len(sentences) == 3 and not any("Huge" in s for s in sentences)


def test_the_table_has_one_row_per_pick_and_the_cli_adds_the_reasons():
    grid = words.table(picks(), reasons=True)
    assert [row[1] for row in grid.rows] == ["Devstral", "DeepSeek-R1-Distill-Qwen-14B", "Phi-4", "Phi-4 Reasoning"]
    assert grid.columns[-1] == "why" and grid.rows[0][-1] == "sources rate it for coding"
    assert grid.rows[0][4] == "full gpu" and grid.rows[0][5] == "~31.4 tok/s"
