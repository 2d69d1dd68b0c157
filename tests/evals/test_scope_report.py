"""`python -m evals.scope`: what the scope check decides on a case file, with the real embedder."""

from __future__ import annotations

from pathlib import Path

from evals.scope import scope_report

CASES = """
- id: needs-a-tool
  category: simple
  turns:
    - user: can my rtx 3060 run qwen3 8b at q4?
      calls: [{name: estimate, args: {model: {model: qwen3-8b}, gpu: {gpu: rtx-3060}, quant: Q4_K_M}}]
- id: greeting
  category: irrelevance
  turns:
    - user: good morning!
      calls: []
"""


def test_the_report_counts_withheld_first_messages_by_whether_they_need_a_tool(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text(CASES)
    report = scope_report(path)
    assert (report["needing_a_tool"], report["withheld_needing_a_tool"]) == (1, 0)
    assert (report["needing_none"], report["withheld_needing_none"]) == (1, 1)
    assert [row["case"] for row in report["rows"] if row["withheld"]] == ["greeting"]
