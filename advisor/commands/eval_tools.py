"""`advisor eval tools`: tool-call correctness of the agent on each backing model (evals/tool_eval.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from advisor.commands.common import console, errors, print_json, user_errors
from advisor.commands.evals import eval_app


def _title(model: str) -> str:
    from advisor.settings import chat_model_name
    from evals.tool_eval import DEFAULT, ORACLE

    return {ORACLE: "scripted oracle", DEFAULT: chat_model_name()}.get(model, model)


@eval_app.command("tools")
def tools_cmd(
    models: list[str] = typer.Option(
        ["default"], "--model", "-m",
        help="Backing model, repeatable: default, qwen1.5b, qwen0.5b, gemma270m, a GGUF path, or oracle (scripted; proves the harness)"),
    cases_path: Optional[Path] = typer.Option(None, "--cases", help="A case file or folder in the evals/README.md format [default: evals/cases]"),
    categories: list[str] = typer.Option([], "--category", "-c", help="Only these categories (repeatable)"),
    smoke: bool = typer.Option(False, "--smoke", help="Only the cases marked smoke: true (what CI runs on a real model)"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many cases"),
    as_json: bool = typer.Option(False, "--json", help="Print every figure and each case's verdict and diff as JSON"),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a Markdown report here, with a bar chart next to it (.png)"),
) -> None:
    """Run the tool-call cases against each backing model and score them per model and category."""
    from evals.report import as_json as report_json, bar_chart, markdown, pct, run_info, seconds
    from evals.scoring import METRICS, by_category, score
    from evals.tool_eval import CASES_DIR, run_suite
    from evals.toolcases import load_cases, select
    from knowledge import load_catalog

    catalog = load_catalog()
    source = cases_path or CASES_DIR
    with user_errors():
        chosen = select(load_cases(source, catalog), categories=categories or None, smoke=smoke, limit=limit)
        if not chosen:
            errors.print("[red]error:[/red] no case matches the filters", highlight=False)
            raise typer.Exit(2)

        def progress(v) -> None:
            mark = "skip" if v.skipped else "pass" if v.passed else "FAIL"
            errors.print(f"[{v.model}] {v.case:<40} {mark:<4} {v.seconds:6.1f}s", highlight=False)

        verdicts = run_suite(chosen, list(dict.fromkeys(models)), catalog, on_verdict=progress)
    info = run_info({m: _title(m) for m in verdicts}, str(source))
    if report is not None:
        chart = bar_chart(verdicts, report.with_suffix(".png"))
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(markdown(verdicts, info, chart.name), encoding="utf-8")
        json_path = report.with_suffix(".json")
        json_path.write_text(json.dumps(report_json(verdicts, info), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        errors.print(f"report: {report} (chart {chart.name}, data {json_path.name})", highlight=False)
    if as_json:
        print_json(report_json(verdicts, info))
        return
    table = Table(title=f"Tool-call eval: {len(chosen)} cases")
    for col in ("model", "category", "cases", *METRICS.values(), "p50 / p95 s", "tokens/case"):
        table.add_column(col)
    for model, found in verdicts.items():
        for label, s in [("all", score(found)), *by_category(found).items()]:
            table.add_row(model if label == "all" else "", label, str(s.cases), *(pct(getattr(s, m)) for m in METRICS),
                          f"{seconds(s.latency_p50_s)} / {seconds(s.latency_p95_s)}",
                          "-" if s.tokens_per_case is None else f"{s.tokens_per_case:,.0f}")
        table.add_section()
    console.print(table)
    for model, found in verdicts.items():
        for v in found:
            if not v.passed:
                console.print(f"[{model}] {v.case}: {v.skipped or '; '.join(v.diff)}", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    """The command attaches itself to eval_app on import; nothing else to add."""
