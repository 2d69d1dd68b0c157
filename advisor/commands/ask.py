"""`advisor ask` and `advisor threads`: the agent from the command line."""

from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Iterator, Optional

import typer
from rich.markdown import Markdown
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn
from rich.table import Table

from advisor.commands.common import console, errors, print_json, user_errors
from advisor.events import STOPPED, Answer, Event, Failure, Token, ToolCall, ToolResult
from advisor.llm.choices import with_base_url

EXIT_STOPPED = 130  # what shells report for a command ended by Ctrl-C (128 + SIGINT)

ModelOpt = typer.Option(None, "--model", help="Model pack (qwen1.5b, qwen0.5b, gemma270m), a GGUF path, or a server: "
                        "openai:NAME (with --base-url) or ollama:TAG; default ADVISOR_MODEL or qwen1.5b")
BaseUrlOpt = typer.Option(None, "--base-url", help="Base URL of the OpenAI-compatible server for --model openai:NAME, "
                          "e.g. http://localhost:8080/v1 (key from OPENAI_API_KEY if set)")


@contextmanager
def _progress_bar() -> Iterator:
    """A progress callback for model assembly and loading, drawn on stderr."""
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), console=errors, transient=True) as bar:
        task = bar.add_task("Preparing model", total=1.0)

        def update(label: str, fraction: float) -> None:
            bar.update(task, description=label, completed=fraction)

        yield update


def _open(model: str | None, base_url: str | None = None):
    from advisor.agent import open_advisor  # noqa: PLC0415 - keeps `advisor --help` fast

    with user_errors(), _progress_bar() as progress:
        return open_advisor(with_base_url(model, base_url), progress=progress)


def _short(args: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in args.items())


def register(app: typer.Typer) -> None:
    @app.command("ask")
    def ask_cmd(
        question: str = typer.Argument(..., help="Your question, in quotes"),
        thread: Optional[str] = typer.Option(None, "--thread", help="Continue a saved conversation (see `advisor threads`)"),
        model: Optional[str] = ModelOpt,
        base_url: Optional[str] = BaseUrlOpt,
        as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of streaming"),
    ) -> None:
        """Ask the local model; it calls the estimator, license and article tools and cites sources."""
        from advisor.agent import new_thread_id  # noqa: PLC0415
        from advisor.agent.transcript import record_turn  # noqa: PLC0415

        try:
            advisor = _open(model, base_url)
        except KeyboardInterrupt:
            errors.print("stopped before the model was ready", highlight=False)
            sys.stderr.flush()
            # The llama thread may be minutes into evaluating the prompt prefix, and a normal exit
            # waits for it; nothing is half-written that an immediate exit could harm (the saved
            # prompt state and the model are written under temporary names and renamed).
            os._exit(EXIT_STOPPED)
        if thread is not None and not advisor.has_thread(thread):
            errors.print(f"[red]error:[/red] no saved conversation '{thread}'; `advisor threads` lists them.", highlight=False)
            raise typer.Exit(2)
        thread_id = thread or new_thread_id()
        events = advisor.stream(question, thread_id)
        if as_json:
            turn = record_turn(events)
            print_json(turn.as_json(advisor.model_name, thread_id))
            raise typer.Exit(1 if turn.failure else 0)
        printer = _Printer(thread_id)
        with _ctrl_c_stops(advisor) as stopped:
            for event in events:
                if stopped.is_set():
                    break
                printer.show(event)
        if stopped.is_set():
            events.close()
            sys.stdout.write(f"{' ' if printer.streamed and not printer.last[-1:].isspace() else ''}{STOPPED}\n")
            sys.stdout.flush()
            errors.print(f"[dim]stopped · thread {thread_id} keeps the question · continue with --thread {thread_id}[/dim]",
                         highlight=False)
            raise typer.Exit(EXIT_STOPPED)

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


@contextmanager
def _ctrl_c_stops(advisor) -> Iterator[threading.Event]:
    """While the answer streams, Ctrl-C asks the model to stop instead of raising KeyboardInterrupt.

    A KeyboardInterrupt would unwind through LangGraph, which first waits for the running node
    (the whole generation) to finish; setting the Advisor's interrupt ends that node within a
    token, or within a fraction of a second mid-prompt. A second Ctrl-C raises as usual.
    """
    stopped = threading.Event()

    def on_ctrl_c(signum: int, frame: object) -> None:
        if stopped.is_set():
            raise KeyboardInterrupt
        stopped.set()
        advisor.stop()

    previous = signal.signal(signal.SIGINT, on_ctrl_c)
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGINT, previous)


class _Printer:
    """Prints a turn's events as they come: answer text to stdout, tool activity to stderr."""

    def __init__(self, thread_id: str) -> None:
        self.thread_id = thread_id
        self.streamed = False  # some answer text is on the screen already
        self.last = ""  # the last piece of it

    def show(self, event: Event) -> None:
        match event:
            case Token(text=text):
                sys.stdout.write(text)
                sys.stdout.flush()
                self.streamed, self.last = True, text
            case ToolCall(name=name, args=args):
                errors.print(f"[dim]→ {name}({_short(args)})[/dim]", highlight=False)
            case ToolResult(name=name, ok=ok, error=error):
                mark = "[green]✓[/green]" if ok else f"[yellow]✗ {error}[/yellow]"
                errors.print(f"[dim]  {name}[/dim] {mark}", highlight=False)
            case Answer():
                _finish(event, self.streamed, self.thread_id)
            case Failure(message=message):
                errors.print(f"[red]error:[/red] {message}", highlight=False)
                raise typer.Exit(1)


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
