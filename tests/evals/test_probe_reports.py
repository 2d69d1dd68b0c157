"""`python -m evals.topic` and `python -m evals.coverage`: the yes/no questions put to the real
default model, reported over a case file (slow: a model load each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.coverage import coverage_report, separation
from evals.topic import topic_report

pytestmark = pytest.mark.slow

CASES = """
- id: one-ask
  category: simple
  turns:
    - user: can my rtx 3060 run qwen3 8b at q4?
      calls: [{name: estimate, args: {model: {model: qwen3-8b}, gpu: {gpu: rtx-3060}, quant: Q4_K_M}}]
- id: two-asks
  category: multiple
  turns:
    - user: can my rtx 3060 run qwen3 8b, and what license does phi-4 have?
      calls: [{name: estimate, args: {model: {model: qwen3-8b}}}, {name: license, args: {name: {license: phi-4}}}]
      order: unordered
- id: off-topic
  category: irrelevance
  turns:
    - user: how big is the gta 6 download in gb
      calls: []
"""


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES)
    return path


def test_the_topic_report_counts_withheld_first_messages_per_margin(cases: Path) -> None:
    report = topic_report(cases, [-100.0, 100.0])
    assert (report["needing_a_tool"], report["needing_none"]) == (2, 1)
    never, always = report["by_margin"]
    assert (never["withheld_needing_a_tool"], never["withheld_needing_none"]) == (0, 0)
    assert (always["withheld_needing_a_tool"], always["withheld_needing_none"]) == (2, 1)
    gaps = {row["case"]: row["gap"] for row in report["rows"]}
    # What the topic question is for: a domain word ("gb") in a question about something else. Greetings
    # are the scope check's (advisor/agent/scope.py); the 1.5B model calls "hey" about as "llm" as a
    # real question (evals/results/topic-dev.md), so a greeting is no contrast here.
    assert gaps["one-ask"] > gaps["off-topic"], "a question about running a model is more 'llm' than one about a game download"


def test_the_coverage_report_reads_a_gap_per_wording_after_the_first_result(cases: Path) -> None:
    report = coverage_report(cases, ["Is that all, \"yes\" or \"no\"?"])
    rows = {row["case"]: row for row in report["rows"]}
    assert set(rows) == {"one-ask", "two-asks"}, "only first messages that expect a call"
    assert all(row["called"] for row in rows.values()), "run up to the first result"
    assert report["separation"]["Is that all, \"yes\" or \"no\"?"] in (0.0, 1.0)


def test_separation_is_the_share_of_pairs_ordered_as_wanted() -> None:
    rows = [{"expected_calls": 2, "gaps": {"q": -1.0}}, {"expected_calls": 1, "gaps": {"q": 0.0}},
            {"expected_calls": 1, "gaps": {"q": -2.0}}, {"expected_calls": 1}]
    assert separation(rows, "q") == 0.5
    assert separation(rows[1:], "q") is None
