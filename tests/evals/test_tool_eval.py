"""The runner end to end: the oracle through the real agent graph, the CLI, and the real default model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from advisor.cli import app
from evals.report import as_json, markdown, run_info
from evals.scoring import score
from evals.tool_eval import CASES_DIR, judge, run_suite, TurnOutcome
from evals.matching import Call
from evals.toolcases import load_cases, select
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
    assert (s.tool_selection, s.argument_accuracy, s.irrelevance, s.schema_valid, s.answer_pass) == (1, 1, 1, 1, 1)
    follow_up = next(v for v in verdicts if v.case == "multi-turn-coding-16-then-24")
    assert [t["calls"][0]["args"]["vram_gb"] for t in follow_up.transcript] == [16, 24]


def test_oracle_passes_every_case(cases, catalog) -> None:
    """All cases through the real graph (router, agenda, argument grounding, tools): a case the
    oracle fails is a broken case or a graph rule that blocks a right answer."""
    verdicts = run_suite(cases, ["oracle"], catalog)["oracle"]
    assert [(v.case, v.diff) for v in verdicts if not v.passed] == []


def test_a_wrong_turn_is_judged_wrong(cases, catalog) -> None:
    """The judge on a made-up outcome: right tool, wrong GPU, invented speed."""
    case = next(c for c in cases if c.id == "simple-estimate-qwen30b-4090")
    outcome = TurnOutcome(user=case.turns[0].user, calls=(Call("estimate", {"model": "Qwen3 30B A3B", "gpu": "RTX 3090"}),), dropped=(),
                          valid_calls=1, results=(), answer="Yes, Qwen3-30B-A3B runs at 99 tok/s.", fallback=False,
                          failure=None, seconds=1.0, prompt_tokens=10, completion_tokens=5)
    defaults = {"estimate": {"gpu": None, "vram_gb": None, "ram_gb": None, "quant": "Q4_K_M", "context": 8192}}
    verdict = judge(case, "made-up", [outcome], defaults, catalog, Mentions.of_models(catalog))
    assert (verdict.selection_ok, verdict.args_ok, verdict.answer_ok, verdict.passed) == (True, False, False, False)
    assert any("estimate.gpu: expected gpu rtx-4090, got 'RTX 3090' (rtx-3090)" in d for d in verdict.diff)
    assert any("['99']" in d for d in verdict.diff)


def test_report_and_json_carry_the_same_figures(cases, catalog, tmp_path: Path) -> None:
    chosen = select(cases, categories=["irrelevance"], limit=2)
    verdicts = run_suite(chosen, ["oracle"], catalog)
    info = run_info({"oracle": "scripted oracle"}, "test")
    data = as_json(verdicts, info)
    assert data["models"]["oracle"]["summary"]["irrelevance"] == 1.0
    assert {c["case"] for c in data["models"]["oracle"]["cases"]} == {c.id for c in chosen}
    text = markdown(verdicts, info, "chart.png")
    assert "| oracle (scripted oracle) | 2 |" in text and "![tool-call eval by model](chart.png)" in text


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
