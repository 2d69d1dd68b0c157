"""`advisor ask` and `advisor threads`: the agent from the command line."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator, Optional

import typer
from rich.markdown import Markdown
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from advisor.commands.common import console, errors, print_json, user_errors
from advisor.events import Answer, Failure, Token, ToolCall, ToolResult

ModelOpt = typer.Option(None, "--model", help="Model pack (qwen1.5b, qwen0.5b, gemma270m) or a GGUF path; default ADVISOR_MODEL or qwen1.5b")


@contextmanager
def _progress_bar() -> Iterator:
    """A progress callback for model assembly and loading, drawn on stderr."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=errors, transient=True) as bar:
        task = bar.add_task("Preparing model", total=1.0)

        def update(label: str, fraction: float) -> None:
            bar.update(task, description=label, completed=fraction)

        yield update


def _open(model: str | None):
    from advisor.agent import open_advisor  # noqa: PLC0415 - keeps `advisor --help` fast

    with user_errors(), _progress_bar() as progress:
        return open_advisor(model, progress=progress)


def _short(args: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())


def register(app: typer.Typer) -> None:
    @app.command("ask")
    def ask_cmd(
        question: str = typer.Argument(..., help="Your question, in quotes"),
        thread: Optional[str] = typer.Option(None, "--thread", help="Continue a saved conversation (see `advisor threads`)"),
        model: Optional[str] = ModelOpt,
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of streaming"),
    ) -> None:
        """Ask the local model; it calls the estimator, license and article tools and cites sources."""
        from advisor.agent import new_thread_id  # noqa: PLC0415
        from advisor.agent.transcript import record_turn  # noqa: PLC0415

        advisor = _open(model)
        if thread is not None and not advisor.has_thread(thread):
            errors.print(f"[red]error:[/red] no saved conversation '{thread}'; `advisor threads` lists them.", highlight=False)
            raise typer.Exit(2)
        thread_id = thread or new_thread_id()
        if as_json:
            turn = record_turn(advisor.stream(question, thread_id))
            print_json(turn.as_json(advisor.model_name, thread_id))
            raise typer.Exit(1 if turn.failure else 0)
        streamed = False
        for event in advisor.stream(question, thread_id):
            if isinstance(event, Token):
                sys.stdout.write(event.text)
                sys.stdout.flush()
                streamed = True
            elif isinstance(event, ToolCall):
                errors.print(f"[dim]→ {event.name}({_short(event.args)})[/dim]", highlight=False)
            elif isinstance(event, ToolResult):
                mark = "[green]✓[/green]" if event.ok else f"[yellow]✗ {event.error}[/yellow]"
                errors.print(f"[dim]  {event.name}[/dim] {mark}", highlight=False)
            elif isinstance(event, Answer):
                _finish(event, streamed, thread_id)
            elif isinstance(event, Failure):
                errors.print(f"[red]error:[/red] {event.message}", highlight=False)
                raise typer.Exit(1)

    @app.command("threads")
    def threads_cmd(
        delete: Optional[str] = typer.Option(None, "--delete", help="Delete this conversation"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """List saved conversations (continue one with `advisor ask --thread ID`)."""
        from advisor.agent.threads import ThreadStore  # noqa: PLC0415 - listing needs no model
        from advisor.settings import paths  # noqa: PLC0415

        store = ThreadStore(paths().threads_db)
        if delete:
            if not store.exists(delete):
                errors.print(f"[red]error:[/red] no saved conversation '{delete}'.", highlight=False)
                raise typer.Exit(2)
            from langgraph.checkpoint.sqlite import SqliteSaver  # noqa: PLC0415

            with SqliteSaver.from_conn_string(str(paths().threads_db)) as saver:
                saver.delete_thread(delete)
            store.delete(delete)
            console.print(f"deleted {delete}")
            return
        infos = store.list()
        if as_json:
            print_json([{"id": t.id, "title": t.title, "updated_at": t.updated_at.isoformat(), "turns": t.turns} for t in infos])
            return
        table = Table(title=f"{len(infos)} conversations")
        for col in ("id", "last used (UTC)", "turns", "first question"):
            table.add_column(col)
        for t in infos:
            table.add_row(t.id, t.updated_at.strftime("%Y-%m-%d %H:%M"), str(t.turns), t.title)
        console.print(table)


def _finish(answer: Answer, streamed: bool, thread_id: str) -> None:
    if answer.fallback or not streamed:
        console.print(Markdown(answer.text) if answer.fallback else answer.text)
        if answer.fallback:
            errors.print("[dim](the model gave no usable answer; these are the tool results)[/dim]")
    else:
        sys.stdout.write("\n")
    if answer.sources:
        console.print(f"[bold]Sources:[/bold] {', '.join(answer.sources)}", highlight=False)
    if answer.ungrounded:
        errors.print(f"[yellow]note:[/yellow] these figures are not in any tool result: {', '.join(answer.ungrounded)}",
                     highlight=False)
    t = answer.timings
    timing = f" · {t.total_s:.1f} s" if t else ""
    errors.print(f"[dim]thread {thread_id}{timing} · continue with --thread {thread_id}[/dim]", highlight=False)
