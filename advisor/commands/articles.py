"""The article index from the terminal: `advisor index`, `ingest`, `sources` and `search`.

tools.article_search imports Chroma and, on first use, sentence-transformers, which takes
seconds; it is imported inside the commands so `advisor --help` and the other commands stay
fast. Status lines go to stderr, so `--json` output on stdout stays parseable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from advisor.commands.common import console, errors, print_json, user_errors
from advisor.settings import paths

if TYPE_CHECKING:
    from tools.article_search import ArticleIndex, Hit, IngestReport

JsonOpt = typer.Option(False, "--json", help="Print JSON instead of a table")


def open_index(rebuild: bool = False) -> ArticleIndex:
    """Open the index in the user data dir, showing a progress bar if it has to be built."""
    from tools.article_search import ArticleIndex

    with Progress(TextColumn("Indexing articles"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=errors, transient=True) as bar:
        task = bar.add_task("embed", total=None, visible=False)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, visible=True)

        index = ArticleIndex.open(paths().index_dir, progress=progress)
        if rebuild and index.rebuilt_because is None:
            index.rebuild()
    if index.rebuilt_because:
        errors.print(f"Article index built in {paths().index_dir} ({index.rebuilt_because}).", highlight=False)
    for problem in index.problems:
        errors.print(f"[yellow]warning:[/yellow] not indexed: {problem}", highlight=False)
    return index


def render_hits(query: str, hits: list[Hit]) -> None:
    if not hits:
        console.print(f"No passage matches {query!r}.", highlight=False)
        return
    for rank, hit in enumerate(hits, 1):
        origin = "digest of" if hit.origin == "digest" else "ingested"
        console.print(f"[bold]{rank}. {hit.section or hit.title}[/bold]  score {hit.score:.2f}", highlight=False)
        console.print(f"   [dim]{origin} {hit.source} · {hit.title} · {hit.date or 'undated'}[/dim]", highlight=False)
        if hit.models:
            console.print(f"   [dim]models: {', '.join(hit.models)}[/dim]", highlight=False)
        console.print(hit.text, highlight=False)
        console.print()


def render_ingest(report: IngestReport) -> None:
    table = Table(title="Ingested")
    for col in ("file", "result", "passages", "detail"):
        table.add_column(col)
    style = {"added": "green", "updated": "green", "duplicate": "yellow", "skipped": "red"}
    for o in report.outcomes:
        table.add_row(o.path, f"[{style[o.status]}]{o.status}[/]", str(o.chunks or "-"), o.detail)
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command("index")
    def index_cmd(
        rebuild: bool = typer.Option(False, "--rebuild", help="Re-embed every article even if nothing changed"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Build the article index if needed (or force it with --rebuild) and say what is in it."""
        index = open_index(rebuild=rebuild)
        sources = index.sources()
        summary = {"index_dir": str(paths().index_dir), "files": len(sources),
                   "passages": sum(s.chunks for s in sources), "rebuilt_because": index.rebuilt_because,
                   "problems": index.problems}
        if as_json:
            print_json(summary)
        else:
            console.print(f"{summary['files']} files, {summary['passages']} passages in {summary['index_dir']}",
                          highlight=False)

    @app.command("ingest")
    def ingest_cmd(
        paths_: list[Path] = typer.Argument(..., metavar="PATH",
                                            help="Article files (.txt, .md, .html) or folders of them"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Add your own articles to the index, skipping texts it already holds."""
        missing = [str(p) for p in paths_ if not p.exists()]
        if missing:  # checked here rather than by Typer, whose boxed error wraps long paths mid-word
            errors.print(f"[red]error:[/red] does not exist: {', '.join(missing)}", highlight=False, soft_wrap=True)
            raise typer.Exit(2)
        report = open_index().ingest(paths_)
        if as_json:
            print_json(report)
        else:
            render_ingest(report)
        if not report.outcomes or report.count("skipped") == len(report.outcomes):
            errors.print("[red]error:[/red] nothing was indexed.")
            raise typer.Exit(2)

    @app.command("sources")
    def sources_cmd(as_json: bool = JsonOpt) -> None:
        """List the indexed articles: packaged digests and your ingested files."""
        sources = open_index().sources()
        if as_json:
            print_json(sources)
            return
        table = Table("file", "article", "title", "date", "passages", title=f"{len(sources)} indexed files")
        for s in sources:
            table.add_row(s.file, s.source, s.title, s.date or "-", str(s.chunks))
        console.print(table)

    @app.command("search")
    def search_cmd(
        query: str = typer.Argument(..., help="What to look for, in plain words"),
        k: int = typer.Option(5, "--k", "-k", min=1, max=50, help="Number of passages"),
        model: Optional[str] = typer.Option(None, "--model", "-m", help="Only passages mentioning this model"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Search the articles; every passage names the article it comes from."""
        with user_errors():
            if model is not None:  # resolve before opening, so a typo fails fast
                from knowledge import load_catalog
                from tools.resolve import resolve_model

                resolve_model(model, load_catalog())
            hits = open_index().search(query, k=k, model=model)
        if as_json:
            print_json(hits)
        else:
            render_hits(query, hits)
