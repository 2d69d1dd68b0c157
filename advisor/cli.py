"""The `advisor` command: one Typer app, with each group of commands in its own module.

Typer is used for its type-hinted options and Rich help; every command module exposes
`register(app)` so features stay out of each other's files. Packages that sit above
advisor/ in the data flow (the chat app in tui/, the measurements in evals/) plug in through
the `advisor.commands` entry point instead of being imported here.
"""

from __future__ import annotations

from importlib.metadata import entry_points

import typer

from advisor.commands import articles, ask, bench, facts, mcp, models

PLUGIN_GROUP = "advisor.commands"

app = typer.Typer(
    name="advisor",
    help="Offline advisor for open-weight LLMs: what fits your hardware, how fast, under which license.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (facts, ask, articles, bench, models, mcp):
    module.register(app)
for plugin in entry_points(group=PLUGIN_GROUP):
    plugin.load()(app)


def main() -> None:
    app()
