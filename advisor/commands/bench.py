"""`advisor bench`: time this machine with the advisor's own llama.cpp and calibrate its estimates.

The command is a thin shell over advisor/bench.py: a Rich progress bar for the three phases
(load, prompt, generate), then the measured rates next to what the formula predicted, and
where the result was stored. Later `estimate`/`recommend` runs for this machine use it.
"""

from __future__ import annotations

from typing import Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from advisor.commands.common import console, print_json, user_errors

PHASES = {"load": "loading the model", "prompt": "prompt processing", "generate": "generating"}


def register(app: typer.Typer) -> None:
    @app.command("bench")
    def bench_cmd(
        model: Optional[str] = typer.Option(None, "--model", "-m", help="Model pack (qwen1.5b, qwen0.5b, gemma270m) or a GGUF path"),
        as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table"),
    ) -> None:
        """Time prompt processing and generation of a local GGUF here; estimates for this machine then use it."""
        from advisor.bench import bench_file, measure_and_store  # noqa: PLC0415 - keeps `advisor --help` fast
        from advisor.settings import chat_model_name  # noqa: PLC0415

        choice = model or chat_model_name()
        with user_errors():
            with Progress(TextColumn("{task.description:<20}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=as_json, disable=as_json) as bar:
                tasks: dict[str, int] = {}

                def tick(phase: str, done: int, total: int) -> None:
                    if phase not in tasks:
                        tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=total)
                    bar.update(tasks[phase], completed=done, total=total)

                result = measure_and_store(choice, progress=tick)
        if as_json:
            print_json({**result.model_dump(mode="json"), "gen_ratio": result.gen_ratio, "stored": str(bench_file())})
            return
        table = Table(title=f"This machine: {result.machine}", show_header=False)
        table.add_column(style="bold")
        table.add_column()
        table.add_row("model", f"{result.model} ({result.params_b:g}B, {result.file_bytes / 1e9:.2f} GB, {result.threads} threads)")
        table.add_row("prompt processing", f"{result.prompt_tps:g} tok/s ({result.prompt_tokens} tokens)")
        table.add_row("generation", f"{result.gen_tps:g} tok/s ({result.gen_tokens} tokens)")
        if result.predicted_gen_tps:
            table.add_row("formula predicted", f"{result.predicted_gen_tps:g} tok/s generation: estimates here are scaled by "
                                               f"{result.gen_ratio:.2f}")
        table.add_row("stored", str(bench_file()))
        console.print(table)
