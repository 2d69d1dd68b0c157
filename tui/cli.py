"""`advisor` (no arguments) and `advisor chat`: the Textual chat app as a CLI plugin.

tui/ sits above advisor/ in the data flow, so advisor/ never imports it: this module is
registered under the `advisor.commands` entry point (pyproject.toml) and advisor.cli adds it
like any other plugin, in the manner of simonw/llm's plugins. The app itself is imported
inside the command, and it imports the agent only in its loading worker, so `advisor --help`
stays fast and the window paints at once.
"""

from __future__ import annotations

from typing import Optional

import typer


def open_chat(model: Optional[str], base_url: Optional[str] = None) -> None:
    from advisor.commands.common import user_errors  # noqa: PLC0415
    from advisor.llm.choices import with_base_url  # noqa: PLC0415
    from tui.app import AdvisorApp  # noqa: PLC0415 - Textual loads only when the chat opens
    from tui.backend import real_advisor  # noqa: PLC0415

    with user_errors():
        model = with_base_url(model, base_url)
    AdvisorApp(real_advisor(), model=model).run()


def register(app: typer.Typer) -> None:
    """Add `advisor chat`, and make the bare `advisor` open the chat too."""

    @app.callback(invoke_without_command=True)
    def default(ctx: typer.Context) -> None:
        """Offline advisor for open-weight LLMs; with no command, opens the chat."""
        if ctx.invoked_subcommand is None:
            open_chat(None)

    @app.command("chat")
    def chat(
        model: Optional[str] = typer.Option(None, "--model", "-m",
                                            help="Chat model: a pack name (qwen1.5b, qwen0.5b, gemma270m), a GGUF path, "
                                                 "or a server: openai:NAME (with --base-url) or ollama:TAG"),
        base_url: Optional[str] = typer.Option(None, "--base-url",
                                               help="Base URL of the OpenAI-compatible server for --model openai:NAME"),
    ) -> None:
        """Open the terminal chat: ask questions, watch grounded answers stream in."""
        open_chat(model, base_url)
