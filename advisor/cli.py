"""The `advisor` command: one Typer app, with each group of commands in its own module.

Typer is used for its type-hinted options and Rich help; every command module exposes
`register(app)` so features stay out of each other's files.
"""

from __future__ import annotations

import typer

from advisor.commands import articles, ask, chat, eval_tools, evals, facts

app = typer.Typer(
    name="advisor",
    help="Offline advisor for open-weight LLMs: what fits your hardware, how fast, under which license.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# evals first: the other modules add their `advisor eval ...` subcommands to its eval_app.
for module in (evals, facts, ask, articles, chat, eval_tools):
    module.register(app)


def main() -> None:
    app()
