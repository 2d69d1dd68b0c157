"""`advisor eval ...`: the measurement commands, each a thin wrapper over a module in evals/."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from advisor.commands.common import console, print_json

eval_app = typer.Typer(help="Measure the advisor: estimator accuracy, retrieval, tool calls, latency.", no_args_is_help=True)


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


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
