"""`advisor eval ...`: the measurement commands, each a thin wrapper over a module of evals/.

evals/ sits above advisor/ and tui/ (it drives both), so these commands reach the CLI as a
plugin through the `advisor.commands` entry point, like the chat app, instead of advisor/
importing them. Heavy modules (the model, the embedder, Textual) load inside each command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from advisor.commands.articles import JsonOpt, open_index
from advisor.commands.ask import ModelOpt
from advisor.commands.common import console, errors, print_json, user_errors
from advisor.settings import paths

eval_app = typer.Typer(help="Measure the advisor: estimator accuracy, retrieval, tool calls, latency.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")


def _score_table(title: str, score) -> Table:
    table = Table(title=title)
    for col in ("rows", "skipped", "median abs. error", "within ±25%", "flat rule (median / within ±25%)"):
        table.add_column(col)
    base = "-" if score.baseline_mdape is None else f"{score.baseline_mdape:.1%} / {score.baseline_within_25:.0%}"
    table.add_row(str(score.rows_used), str(len(score.skipped)), f"{score.mdape:.1%}", f"{score.within_25:.0%}", base)
    return table


def _worst_table(title: str, score) -> Table:
    table = Table(title=title)
    for col in ("row", "measured", "estimated", "error"):
        table.add_column(col)
    for r in score.worst:
        table.add_row(r.label, f"{r.measured:g}", f"{r.estimated:.1f}", f"{r.ape:.0%}")
    return table


@eval_app.command("estimator")
def estimator_cmd(
    truth: Optional[Path] = typer.Option(None, "--truth", help="Speeds CSV (speeds.csv format)"),
    sizes: Optional[Path] = typer.Option(None, "--sizes", help="Sizes CSV (sizes.csv format)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Compare estimated decode speed and file size with measured truth files."""
    from evals.estimator_eval import DATA_DIR, score_sizes, score_speeds
    from knowledge import load_catalog

    catalog = load_catalog()
    for path in (truth, sizes):
        if path is not None and not path.exists():
            console.print(f"[red]error:[/red] no such file: {path}")
            raise typer.Exit(2)
    speed = score_speeds(truth or DATA_DIR / "speeds.csv", catalog)
    size = score_sizes(sizes or DATA_DIR / "sizes.csv", catalog)
    if as_json:
        print_json({"decode_speed": speed.as_dict(), "file_size": size.as_dict()})
        return
    console.print(_score_table("Decode speed (tg tok/s)", speed))
    console.print(_worst_table("Worst decode rows", speed))
    console.print(_score_table("GGUF file size", size))
    console.print(_worst_table("Worst size rows", size))
    for label, why in speed.skipped + size.skipped:
        console.print(f"skipped: {label}: {why}", highlight=False)


@eval_app.command("retrieval")
def retrieval_cmd(
    cases: Optional[Path] = typer.Option(None, "--cases", help="Cases YAML (evals/retrieval/cases.yaml format)"),
    cold_start: bool = typer.Option(True, "--cold-start/--no-cold-start", help="Also time a fresh process"),
    as_json: bool = JsonOpt,
) -> None:
    """Recall@5, MRR and latency of article search on hand-written questions."""
    from evals.retrieval_eval import CASES_FILE, load_cases, measure_cold_start, score_retrieval

    with user_errors():
        loaded = load_cases(cases or CASES_FILE)
    index = open_index()
    cold = measure_cold_start(paths().index_dir) if cold_start else None
    score = score_retrieval(index, loaded, cold_start=cold)
    if as_json:
        print_json({**score.model_dump(mode="json"), "misses": [m.id for m in score.misses]})
        return
    table = Table(title=f"Article retrieval on {score.cases} questions ({score.chunks} passages)")
    for col in (f"recall@{score.k}", "MRR", f"answer recall@{score.k}", "warm p50", "warm p95", "cold start"):
        table.add_column(col)
    cold_text = ("-" if cold is None else
                 f"{cold.total_s:.1f} s (import {cold.import_s:.1f} + open {cold.open_s:.1f} + query {cold.first_query_s:.2f})")
    table.add_row(f"{score.recall_at_k:.3f}", f"{score.mrr:.3f}", f"{score.answer_recall_at_k:.3f}",
                  f"{score.latency_p50_ms:.0f} ms", f"{score.latency_p95_ms:.0f} ms", cold_text)
    console.print(table)
    for miss in score.results:
        if miss.answer_rank is None:
            where = "right article, answer not in top passages" if miss.rank else "no passage from " + ", ".join(miss.expected)
            console.print(f"miss: {miss.id}: {where} (got {', '.join(miss.retrieved)})", highlight=False)


@eval_app.command("latency")
def latency_cmd(model: Optional[str] = ModelOpt, as_json: bool = typer.Option(False, "--json")) -> None:
    """Time ten typical questions with the local model: turn time, first token, tokens, prefix reuse."""
    from evals.latency import print_report, run  # noqa: PLC0415

    with user_errors():
        report = run(model)
    if as_json:
        sys.stdout.write(json.dumps(report.as_dict(), indent=2) + "\n")
    else:
        print_report(report, console)


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
