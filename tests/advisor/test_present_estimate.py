"""An estimate reads the same everywhere: verdict first, fit in words, figures checkable."""

from __future__ import annotations

from present_samples import GUIDE, GUIDE_NAME, estimate

from advisor import present
from advisor.present import estimate as words


def test_the_verdict_says_where_it_runs_how_fast_and_what_it_needs():
    assert words.verdict(estimate()) == ("Qwen3-30B-A3B at Q4_K_M runs on NVIDIA GeForce RTX 4090 at about 152.7 tok/s; "
                                         "it needs 20.73 GB (fits in GPU memory).")


def test_a_model_that_does_not_fit_gets_no_speed_in_its_verdict():
    verdict = words.verdict(estimate(fit="does_not_fit", decode_tps=None))
    assert verdict == "Qwen3-30B-A3B at Q4_K_M does not fit on NVIDIA GeForce RTX 4090: it needs 20.73 GB."


def test_the_summary_line_is_fit_memory_and_speed():
    assert words.summary(estimate()) == "full gpu, 20.73 GB, ~152.7 tok/s"
    assert words.summary(estimate(decode_tps=None, fit="no_hardware", hardware=None)) == "no hardware, 20.73 GB"


def test_the_model_reads_the_verdict_first_and_articles_by_title_never_by_file_name():
    text = words.model_text(estimate(), "Hardware: RTX 4090.")
    assert text.splitlines()[0] == words.verdict(estimate())
    assert f"Reported by {GUIDE_NAME}: About 16.8 GB at Q4; 12-15 tok/s on CPU alone" in text
    assert GUIDE not in text and "{" not in text


def test_an_offloaded_model_is_said_not_to_fit_the_card_before_how_it_still_runs():
    assert words.verdict(estimate(fit="gpu_cpu_offload")) == (
        "Qwen3-30B-A3B at Q4_K_M does not fit in the memory of NVIDIA GeForce RTX 4090 alone: it needs 20.73 GB; "
        "it runs only with layers offloaded to system RAM at about 152.7 tok/s.")
    assert words.verdict(estimate(fit="cpu_only")).startswith(
        "Qwen3-30B-A3B at Q4_K_M does not fit on NVIDIA GeForce RTX 4090: it needs 20.73 GB; it runs on the CPU")


def test_a_fit_added_later_still_reads_as_words():
    result = estimate(fit="moe_offload")
    assert words.summary(result).startswith("moe offload")
    assert "it runs with MoE expert weights offloaded to system RAM" in words.verdict(result)
    unknown = estimate().model_copy(update={"fit": "brand_new_fit"})  # a fit value newer than this presenter
    assert words.summary(unknown).startswith("brand new fit") and "(brand new fit)" in words.verdict(unknown)


def test_the_table_has_every_figure_with_its_source_and_shows_new_fields():
    grid = words.table(estimate(llama_server="llama-server -m qwen3.gguf"), assumptions=True)
    cells = {str(row[0]): row[1] for row in grid.rows}
    assert cells["memory"] == "20.73 GB = weights 18.68 + KV cache 0.81 + overhead 1.24"
    assert cells["decode speed"] == "~152.7 tok/s (107.6–183.3)"
    assert cells["sources"] == GUIDE and cells["assumed"] == "weights at 4.85 effective bits per weight"
    assert cells["llama_server"] == "llama-server -m qwen3.gguf"


def test_the_fallback_answer_is_the_verdict_over_a_one_row_table():
    answer = present.answer_markdown(present.to_payload(estimate()), "estimate")
    verdict, table = answer.split("\n\n")
    assert verdict == words.verdict(estimate())
    assert table.splitlines()[2] == "| Qwen3-30B-A3B | Q4_K_M | 8,192 | 20.73 GB | full gpu | ~152.7 tok/s |"


def test_a_speed_the_estimator_did_not_give_is_left_out_rather_than_shown_as_zero():
    text = words.model_text(estimate(prefill_tps=None), "Hardware: RTX 4090.")
    assert "Decode: ~152.7 tok/s (range 107.6-183.3)." in text and "prefill" not in text
