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
from advisor.llm.choices import is_endpoint, with_base_url
from advisor.settings import paths

eval_app = typer.Typer(help="Measure the advisor: estimator accuracy, retrieval, tool calls, latency.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")


@eval_app.command("estimator")
def estimator_cmd(
    truth: Optional[Path] = typer.Option(None, "--truth", help="Speeds CSV (speeds.csv format)"),
    sizes: Optional[Path] = typer.Option(None, "--sizes", help="Sizes CSV (sizes.csv format)"),
    offload: Optional[Path] = typer.Option(None, "--offload", help="Expert-offload speeds CSV (moe_offload.csv format)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Estimated decode speed (in-sample and leave-one-device-out), expert offload, prefill and file size vs measured truth."""
    from evals import estimator_report
    from knowledge import load_catalog

    for path in (truth, sizes, offload):
        if path is not None and not path.exists():
            console.print(f"[red]error:[/red] no such file: {path}")
            raise typer.Exit(2)
    scores = estimator_report.run(load_catalog(), truth, sizes, offload)
    if as_json:
        print_json(estimator_report.as_dict(scores))
        return
    estimator_report.print_report(scores, console)


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
        help="Backing model, repeatable: default, qwen1.5b, qwen0.5b, gemma270m, a GGUF path, openai:NAME, ollama:TAG, "
             "or oracle (scripted; proves the harness)"),
    base_url: Optional[str] = typer.Option(None, "--base-url", help="Base URL of the OpenAI-compatible server for the openai:NAME models"),
    cases_path: Optional[Path] = typer.Option(None, "--cases", help="A case file or folder in the evals/README.md format [default: evals/cases]"),
    split: Optional[str] = typer.Option(None, "--split", help="The generalization set instead: dev, test or all (both, reported per split)"),
    categories: list[str] = typer.Option([], "--category", "-c", help="Only these categories (repeatable)"),
    smoke: bool = typer.Option(False, "--smoke", help="Only the cases marked smoke: true (what CI runs on a real model)"),
    limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many cases"),
    as_json: bool = typer.Option(False, "--json", help="Print every figure and each case's verdict and diff as JSON"),
    report: Optional[Path] = typer.Option(None, "--report", help="Write a Markdown report here, with a bar chart next to it (.png)"),
) -> None:
    """Run the tool-call cases against each backing model and score them per model and category."""
    from evals.report import as_json as report_json, bar_chart, markdown, metric_cells, metric_columns, run_info, seconds
    from evals.scoring import by_category, score
    from evals.tool_eval import CASES_DIR, run_suite
    from evals.toolcases import load_cases, select, split_files
    from knowledge import load_catalog

    catalog = load_catalog()
    with user_errors():
        if split is not None and cases_path is not None:
            errors.print("[red]error:[/red] give --cases or --split, not both", highlight=False)
            raise typer.Exit(2)
        sources = split_files(split) if split is not None else {"cases": cases_path or CASES_DIR}
        loaded = {name: load_cases(path, catalog) for name, path in sources.items()}
        everything = [case for found in loaded.values() for case in found]
        chosen = select(everything, categories=categories or None, smoke=smoke, limit=limit)
        if len({c.id for c in everything}) < len(everything):
            errors.print("[red]error:[/red] the splits share case ids; every id must be unique", highlight=False)
            raise typer.Exit(2)
        if not chosen:
            errors.print("[red]error:[/red] no case matches the filters", highlight=False)
            raise typer.Exit(2)

        def progress(v) -> None:
            mark = "skip" if v.skipped else "pass" if v.passed else "FAIL"
            errors.print(f"[{v.model}] {v.case:<40} {mark:<4} {v.seconds:6.1f}s", highlight=False)

        if base_url and not any(is_endpoint(m) for m in models):
            errors.print("[red]error:[/red] --base-url needs a --model openai:NAME (or ollama:TAG)", highlight=False)
            raise typer.Exit(2)
        models = [with_base_url(m, base_url) if is_endpoint(m) else m for m in models]
        verdicts = run_suite(chosen, list(dict.fromkeys(models)), catalog, on_verdict=progress)
    splits = {name: [c.id for c in found] for name, found in loaded.items()} if len(loaded) > 1 else None
    info = run_info({m: _title(m) for m in verdicts}, [str(path) for path in sources.values()], splits)
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
    for col in ("model", "category", "cases", *(label for label, _, _ in metric_columns()), "p50 / p95 s", "tokens/case"):
        table.add_column(col)
    for model, found in verdicts.items():
        for label, s in [("all", score(found)), *by_category(found).items()]:
            table.add_row(model if label == "all" else "", label, str(s.cases), *metric_cells(s),
                          f"{seconds(s.latency_p50_s)} / {seconds(s.latency_p95_s)}",
                          "-" if s.tokens_per_case is None else f"{s.tokens_per_case:,.0f}")
        table.add_section()
    console.print(table)
    for model, found in verdicts.items():
        for v in found:
            if not v.passed:
                console.print(f"[{model}] {v.case}: {v.skipped or '; '.join(v.diff)}", highlight=False, markup=False)


@eval_app.command("advice")
def advice_cmd(as_json: bool = typer.Option(False, "--json")) -> None:
    """Do the picks match the articles' own? hit@3 per hardware tier x task, in-sample and leave-one-article-out."""
    from evals.advice_eval import TOP, in_sample, leave_one_article_out
    from knowledge import load_catalog

    catalog = load_catalog()
    scores = [in_sample(catalog), leave_one_article_out(catalog)]
    if as_json:
        print_json({"in_sample": scores[0].as_dict(), "leave_one_article_out": scores[1].as_dict()})
        return
    table = Table(title="Recommendations vs the articles' own picks")
    for col in ("ranking", "scenarios", f"hit@{TOP}", "duplicate variants"):
        table.add_column(col)
    for s in scores:
        table.add_row(s.label, str(len(s.verdicts)), f"{s.hit_at_3:.0%}", str(s.duplicates))
    console.print(table)
    for s in scores:
        for v in s.verdicts:
            if not v.hit:
                console.print(f"miss ({s.label.split(':')[0]}): {v.scenario.name}, {v.scenario.task}: got {', '.join(v.picks) or 'nothing'}; "
                              f"the article picks {', '.join(v.expected) or 'nothing here'}", highlight=False, markup=False)
