"""The runner end to end: the oracle through the real agent graph, the CLI, and the real default model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.cli import app
from advisor.events import ToolResult
from evals.report import as_json, markdown, run_info
from evals.scoring import score
from evals.tool_eval import CASES_DIR, judge, run_suite, TurnOutcome
from evals.matching import Call
from evals.toolcases import GENERALIZATION_DIR, load_cases, select
from knowledge import load_catalog
from tools.mentions import Mentions

# One case per kind of behaviour: a single call, a strict sequence, a follow-up in one thread,
# an irrelevant greeting, hardware from the saved profile, and an ingested article.
ORACLE_CASES = ["simple-estimate-qwen30b-4090", "multiple-estimate-then-license-scout", "multi-turn-coding-16-then-24",
                "irrelevance-greeting", "missing-which-model-profile", "hostile-ingested-injection-search"]


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def cases(catalog):
    return load_cases(CASES_DIR, catalog)


def test_oracle_scores_every_figure_full_marks(cases, catalog) -> None:
    chosen = [c for c in cases if c.id in ORACLE_CASES]
    verdicts = run_suite(chosen, ["oracle"], catalog)["oracle"]
    assert [v.case for v in verdicts if not v.passed] == []
    s = score(verdicts)
    assert (s.tool_selection, s.argument_accuracy, s.argument_accuracy_raw, s.irrelevance, s.schema_valid,
            s.answer_pass, s.answer_pass_raw) == (1, 1, 1, 1, 1, 1, 1)
    follow_up = next(v for v in verdicts if v.case == "multi-turn-coding-16-then-24")
    assert [t["calls"][0]["args"]["hardware"] for t in follow_up.transcript] == ["16 GB", "24 GB"]  # the user's words


def test_oracle_passes_every_case(cases, catalog) -> None:
    """All cases through the real graph (tools and their parsers of hardware, quant and context
    text): a case the oracle fails is a broken case or a graph rule that blocks a right answer."""
    verdicts = run_suite(cases, ["oracle"], catalog)["oracle"]
    assert [(v.case, v.diff) for v in verdicts if not v.passed] == []


def test_a_wrong_turn_is_judged_wrong(cases, catalog) -> None:
    """The judge on a made-up outcome: right tool, wrong GPU, invented speed."""
    case = next(c for c in cases if c.id == "simple-estimate-qwen30b-4090")
    outcome = outcome_of(case, Call("estimate", {"model": "Qwen3 30B A3B", "hardware": "RTX 3090"}),
                         answer="Yes, Qwen3-30B-A3B runs at 99 tok/s.")
    verdict = judge(case, "made-up", [outcome], DEFAULTS, catalog, Mentions.of_models(catalog))
    assert (verdict.selection_ok, verdict.args_ok, verdict.answer_ok, verdict.passed) == (True, False, False, False)
    assert any(d.startswith("turn 1: estimate.gpu: expected gpu rtx-4090") and "(rtx-3090) (from hardware 'RTX 3090')" in d
               for d in verdict.diff)
    assert any("['99']" in d for d in verdict.diff)


DEFAULTS = {"estimate": {"hardware": None, "quant": None, "context": None}}
GOOD_CALL = Call("estimate", {"model": "Qwen3 30B A3B", "hardware": "RTX 4090"})
MALFORMED = Call("estimate", {"model": "Qwen3 30B A3B", "gpu": "RTX 4090"})  # an argument the tool does not take


FITS = ToolResult(call_id="c1", name="estimate", ok=True, result={"model": "qwen3-30b-a3b", "fit": "full_gpu"})


def outcome_of(case, *calls: Call, raw: tuple[Call, ...] | None = None, answer: str = "Qwen3 30B A3B fits on your card.",
               fallback: bool = False) -> TurnOutcome:
    return TurnOutcome(user=case.turns[0].user, calls=calls, raw_calls=raw, valid_calls=len(calls), results=(FITS,) if calls else (),
                       answer=answer, fallback=fallback, failure=None, seconds=1.0, prompt_tokens=10, completion_tokens=5)


def test_a_retry_after_a_malformed_call_passes_the_system_figure_and_fails_the_raw_one(cases, catalog) -> None:
    case = next(c for c in cases if c.id == "simple-estimate-qwen30b-4090")
    retried = outcome_of(case, GOOD_CALL, raw=(MALFORMED, GOOD_CALL))
    verdict = judge(case, "made-up", [retried], DEFAULTS, catalog, Mentions.of_models(catalog))
    assert (verdict.args_ok, verdict.args_raw_ok, verdict.calls) == (True, False, 2)
    assert any(d.startswith("turn 1: as first emitted:") for d in verdict.diff)
    first_time = judge(case, "made-up", [outcome_of(case, GOOD_CALL)], DEFAULTS, catalog, Mentions.of_models(catalog))
    assert (first_time.args_ok, first_time.args_raw_ok) == (True, True)


def test_a_fallback_answer_passes_the_system_figure_and_fails_the_raw_one(cases, catalog) -> None:
    case = next(c for c in cases if c.id == "simple-estimate-qwen30b-4090")
    verdict = judge(case, "made-up", [outcome_of(case, GOOD_CALL, fallback=True)], DEFAULTS, catalog,
                    Mentions.of_models(catalog))
    assert (verdict.answer_ok, verdict.answer_raw_ok, verdict.fallback_turns) == (True, False, 1)
    figures = score([verdict])
    assert (figures.answer_pass, figures.answer_pass_raw, figures.argument_accuracy_raw) == (1.0, 0.0, 1.0)


def test_a_rejected_call_counts_against_irrelevance(cases, catalog) -> None:
    case = next(c for c in cases if c.category == "irrelevance")
    rejected = outcome_of(case, raw=(MALFORMED,), answer="Hello! Ask me about open-weight models.")
    verdict = judge(case, "made-up", [rejected] * len(case.turns), DEFAULTS, catalog, Mentions.of_models(catalog))
    assert verdict.irrelevance_ok is False


def test_report_and_json_carry_the_same_figures(cases, catalog, tmp_path: Path) -> None:
    chosen = select(cases, categories=["irrelevance"], limit=2)
    verdicts = run_suite(chosen, ["oracle"], catalog)
    info = run_info({"oracle": "scripted oracle"}, "test")
    data = as_json(verdicts, info)
    summary = data["models"]["oracle"]["summary"]
    assert summary["irrelevance"] == 1.0 and summary["answer_pass_raw"] == summary["answer_pass"] == 1.0
    assert "argument_accuracy_raw" in summary
    assert {c["case"] for c in data["models"]["oracle"]["cases"]} == {c.id for c in chosen}
    text = markdown(verdicts, info, "chart.png")
    assert "| oracle (scripted oracle) | 2 |" in text and "![tool-call eval by model](chart.png)" in text
    assert "argument accuracy raw / system" in text and "| 100% / 100% |" in text


def test_a_report_over_two_splits_names_both_files_and_scores_each(cases, catalog) -> None:
    chosen = select(cases, categories=["irrelevance"], limit=3)
    dev, test = chosen[:2], chosen[2:]
    verdicts = run_suite(dev + test, ["oracle"], catalog)
    info = run_info({"oracle": "scripted oracle"}, ["evals/generalization/dev.yaml", "evals/generalization/test.yaml"],
                    {"dev": [c.id for c in dev], "test": [c.id for c in test]})
    assert info["cases_from"] == "evals/generalization/dev.yaml, evals/generalization/test.yaml"
    text = markdown(verdicts, info)
    assert "## By split" in text and "| oracle | dev | 2 |" in text and "| oracle | test | 1 |" in text


def test_reports_name_case_folders_inside_the_checkout_relative_to_it(tmp_path: Path) -> None:
    inside = Path(__file__).resolve().parents[2] / "evals" / "cases"
    assert run_info({}, str(inside))["cases_from"] == "evals/cases"
    assert run_info({}, str(tmp_path))["cases_from"] == str(tmp_path)


def test_cli_runs_the_oracle_and_writes_a_report(tmp_path: Path) -> None:
    report = tmp_path / "out" / "tools.md"
    result = CliRunner().invoke(app, ["eval", "tools", "--model", "oracle", "--category", "choice", "--limit", "2",
                                      "--json", "--report", str(report)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout[result.stdout.index("{"):])
    assert data["models"]["oracle"]["summary"]["cases"] == 2
    assert report.exists() and report.with_suffix(".png").stat().st_size > 1000


def test_cli_rejects_a_bad_case_file(tmp_path: Path) -> None:
    bad = tmp_path / "mine.yaml"
    bad.write_text("- {id: x, category: trivia, turns: [{user: hi}]}\n")
    result = CliRunner().invoke(app, ["eval", "tools", "--model", "oracle", "--cases", str(bad)])
    assert result.exit_code == 2
    assert "category" in result.output and "Traceback" not in result.output


def test_cli_takes_either_cases_or_a_split() -> None:
    result = CliRunner().invoke(app, ["eval", "tools", "--model", "oracle", "--split", "dev", "--cases", "x.yaml"])
    assert result.exit_code == 2 and "not both" in result.output
    result = CliRunner().invoke(app, ["eval", "tools", "--model", "oracle", "--split", "train"])
    assert result.exit_code == 2 and "unknown split 'train'" in result.output


@pytest.mark.skipif(not (GENERALIZATION_DIR / "dev.yaml").exists(), reason="evals/generalization/dev.yaml not written yet")
def test_cli_runs_the_dev_split_by_name_and_by_path(tmp_path: Path) -> None:
    for how in (["--split", "dev"], ["--cases", str(GENERALIZATION_DIR / "dev.yaml")]):
        result = CliRunner().invoke(app, ["eval", "tools", "--model", "oracle", *how, "--category", "irrelevance",
                                          "--limit", "1", "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout[result.stdout.index("{"):])
        assert data["run"]["cases_from"] == "evals/generalization/dev.yaml"


@pytest.mark.slow
def test_default_model_smoke_subset_is_judged(cases, catalog) -> None:
    """The real default model on the smoke cases: verdicts are computed; quality is what the README reports."""
    chosen = select(cases, smoke=True)
    verdicts = run_suite(chosen, ["default"], catalog)["default"]
    assert len(verdicts) == len(chosen) and all(v.skipped is None for v in verdicts)
    for v in verdicts:
        case = next(c for c in chosen if c.id == v.case)
        assert (v.selection_ok is not None) is case.expects_tools
        assert (v.irrelevance_ok is not None) is case.expects_none
        assert v.seconds > 0 and v.completion_tokens > 0
