"""`advisor` with no arguments and `advisor chat` open the app; other commands do not.

The commands come from the `advisor.commands` entry point, so these tests also show the
plugin is registered by the installed package."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from advisor.cli import app


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list:
    calls: list = []
    monkeypatch.setattr("tui.cli.open_chat", lambda model, base_url=None: calls.append(model))
    return calls


@pytest.mark.parametrize(("argv", "model"), [([], None), (["chat"], None), (["chat", "--model", "qwen0.5b"], "qwen0.5b")])
def test_bare_advisor_and_chat_open_the_app(opened, argv, model):
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    assert opened == [model]


def test_other_commands_do_not_open_it(opened):
    result = CliRunner().invoke(app, ["license", "apache-2.0"])
    assert result.exit_code == 0, result.output
    assert opened == []
