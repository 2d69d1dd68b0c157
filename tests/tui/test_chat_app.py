"""Pilot tests: the real app and the real Advisor, answering with a scripted chat model."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input

from advisor.agent import open_advisor
from advisor.events import UserMessage
from advisor.llm.packs import ModelUnavailable
from advisor.llm.scripted import ScriptedChatModel, tool_call
from advisor.present import to_payload
from advisor.profile import load_profile
from knowledge import load_catalog
from tools.estimate import estimate
from tools.requests import EstimateRequest, HardwareSpec
from tui.app import BENCH_COMMAND, PALETTE
from tui.screens.help import HelpScreen
from tui.screens.hardware import HardwareScreen
from tui.screens.models import ModelScreen
from tui.tables import render_result
from tui.widgets.conversation import Question, Turn
from tui.widgets.loading import LoadingBar
from tui.widgets.sidebar import ProfilePanel, ThreadList
from tui.widgets.tool_block import ToolBlock

from chat_scripts import ANSWER, ESTIMATE_CALL, SIZE, estimate_script


def notes_of(app) -> list[tuple[str, dict]]:
    """Record notifications instead of showing them, so tests can read them."""
    notes: list[tuple[str, dict]] = []
    app.notify = lambda message, **kw: notes.append((message, kw))
    return notes


async def test_answer_streams_with_a_tool_block(make_app, answered):
    app = make_app(estimate_script())
    async with app.run_test(size=SIZE) as pilot:
        turn = await answered(pilot, "Can I run Qwen3 30B on a 4090?")

        assert len(turn.streamed) > 10, "the answer should arrive token by token"
        assert "".join(turn.streamed).strip() == ANSWER.strip()
        assert turn.query("MarkdownTable"), "the Markdown table in the answer is rendered as a table"
        expected = estimate(EstimateRequest(model=ESTIMATE_CALL["model"], hardware=HardwareSpec(gpu="RTX 4090")), load_catalog())
        block = turn.query_one(ToolBlock)
        assert str(block.title) == f"⚙ estimate → {render_result(to_payload(expected)).summary}"
        assert block.collapsed
        sources = turn.query_one(".turn-sources")
        assert "001_ea5be24a28733e52.txt" in str(sources.render())


async def test_question_asked_while_loading_is_answered_when_ready(make_app, wait_for, send):
    gate = threading.Event()
    app = make_app(estimate_script(), gate=gate)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(LoadingBar).display
        assert app.screen.query_one("#question", Input).has_focus
        await send(pilot, "Can I run Qwen3 30B on a 4090?")
        turn = app.screen.query_one(Turn)
        assert "waiting for the model" in str(turn.status.render())
        gate.set()
        await wait_for(pilot, lambda: turn.answer_text is not None)
        assert not app.screen.query_one(LoadingBar).display


async def test_escape_stops_the_answer_and_the_next_question_works(make_app, wait_for, send, data_dir):
    started, release = threading.Event(), threading.Event()

    def slow_reply(messages):
        started.set()
        release.wait(timeout=10)
        return "This long answer should never be shown in full."

    app = make_app([slow_reply, "Second answer."])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.advisor is not None)
        await send(pilot, "First question")
        await wait_for(pilot, started.is_set)
        await pilot.press("escape")
        first = app.screen.query(Turn).first()
        assert "stopped" in str(first.status.render())
        release.set()
        await wait_for(pilot, lambda: app.screen.current is None)
        assert first.answer_text is None

        await send(pilot, "Second question")
        second = app.screen.query(Turn).last()
        await wait_for(pilot, lambda: second.answer_text is not None)
        assert second.text == "Second answer."
        titles = [t.title for t in app.advisor.threads()]
        assert titles == ["First question"], "the stopped question was kept"


async def test_switch_chats_and_restore_after_restart(make_app, wait_for, send, data_dir, answered):
    app = make_app([*estimate_script(), "Gemma answer."])
    async with app.run_test(size=SIZE) as pilot:
        await answered(pilot, "Can I run Qwen3 30B on a 4090?")
        first_thread = app.screen.thread_id

        await pilot.press("ctrl+n")
        assert not app.screen.query(Turn)
        await send(pilot, "And Gemma?")
        await wait_for(pilot, lambda: app.screen.query(Turn) and app.screen.query_one(Turn).answer_text is not None)

        threads = app.screen.query_one(ThreadList)
        assert [o.id for o in threads.options][1:] == [app.screen.thread_id, first_thread]
        threads.focus()
        threads.highlighted = 2
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen.thread_id == first_thread)
        questions = [str(q.render()) for q in app.screen.query(Question)]
        assert questions == ["Can I run Qwen3 30B on a 4090?"]
        restored = app.screen.query_one(Turn)
        assert restored.answer_text == ANSWER.strip()
        assert str(restored.query_one(ToolBlock).title).startswith("⚙ estimate → ")

    # A new app over the same data directory lists and restores both chats.
    again = make_app(["Follow-up answer."])
    async with again.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: again.advisor is not None)
        listed = again.screen.query_one(ThreadList)
        assert len(listed.options) == 3
        await again.screen.open_thread(first_thread)
        assert again.screen.query_one(Turn).answer_text == ANSWER.strip()
        await send(pilot, "Thanks, and at Q8_0?")
        await wait_for(pilot, lambda: again.screen.query(Turn).last().answer_text is not None)
        turns = {t.id: t.turns for t in again.advisor.threads()}
        assert turns[first_thread] == 2, "the restored chat was continued, not forked"


async def test_tool_failure_shows_in_block_and_notification(make_app, answered):
    app = make_app([tool_call("estimate", {"model": "no-such-model-xyz"}), "I could not find that model."])
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        turn = await answered(pilot, "Can I run no-such-model-xyz?")
        block = turn.query_one(ToolBlock)
        assert block.has_class("-failed")
        assert any("no-such-model-xyz" in message and kw.get("severity") == "warning" for message, kw in notes)


async def test_model_that_fails_to_load_is_reported_not_raised(make_app, wait_for, send):
    failure = ModelUnavailable('The chat model pack is not installed: run .venv/bin/pip install -e ".[models]".')
    app = make_app([], fail=failure)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, "Anything")
        await wait_for(pilot, lambda: notes)
        message, kw = notes[0]
        assert message == failure.message and kw["severity"] == "error"
        assert "not answered" in str(app.screen.query_one(Turn).status.render())
        assert "failed to load" in app.screen.query_one(ProfilePanel).query_one("#model").render().plain


async def test_delete_export_and_copy(make_app, wait_for, tmp_path, monkeypatch, answered):
    monkeypatch.chdir(tmp_path)
    app = make_app(estimate_script())
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await answered(pilot, "Can I run Qwen3 30B on a 4090?")

        app.screen.action_copy_answer()
        assert app.clipboard == ANSWER.strip()

        await pilot.press("ctrl+s")
        exported = list(tmp_path.glob("advisor-chat-*.md"))
        assert len(exported) == 1 and str(exported[0]) in [m for m, _ in notes]
        text = exported[0].read_text()
        assert "## Can I run Qwen3 30B on a 4090?" in text and "fit_detail" in text and "| Q4_K_M |" in text

        app.screen.action_delete_chat()
        await pilot.press("y")
        await wait_for(pilot, lambda: not app.advisor.threads())
        assert not app.screen.query(Turn)


async def test_edit_hardware_saves_the_profile(make_app, wait_for, data_dir):
    app = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        dialog = app.screen
        assert isinstance(dialog, HardwareScreen)
        field = dialog.query_one(Input)
        field.value = "Voodoo 9000"
        await pilot.press("enter")
        assert app.screen is dialog, "a name that resolves to nothing keeps the dialog open"
        assert "Voodoo" in str(dialog.query_one("#hardware-error").render())

        field.value = "RTX 4090, 64 GB RAM"
        await pilot.press("enter")
        await wait_for(pilot, lambda: "64 GB RAM" in app.screen.query_one(ProfilePanel).hardware_text)
        profile = load_profile(data_dir)
        assert profile.origin == "saved" and profile.spec.ram_gb == 64


async def test_switch_model_reloads_the_advisor(data_dir, wait_for):
    from tui.app import AdvisorApp
    from tui.profiles import ProfileStore

    opened: list[str | None] = []

    def factory(model, progress):
        opened.append(model)
        return open_advisor(model, chat_model=ScriptedChatModel(replies=[], model_name=model or "first"), data_dir=data_dir)

    app = AdvisorApp(factory, profiles=ProfileStore(data_dir), data_dir=data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.advisor is not None)
        await pilot.press("f3")
        assert isinstance(app.screen, ModelScreen)
        picker = app.screen.query_one("#model-options")
        picker.highlighted = [o.id for o in picker.options].index("qwen0.5b")
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.advisor is not None and app.advisor.model_name == "qwen0.5b")
        assert opened == [None, "qwen0.5b"]


async def test_help_and_palette_list_every_action(make_app):
    app = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert {title for title, _, _ in PALETTE} <= titles
        assert {"Switch backing model", "Edit hardware", "Rebuild index", "Copy last answer", "Export chat as Markdown"} <= titles
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        listed = {title for title, _ in app.screen.palette}
        palette_only = titles - listed - {"Help", "Quit", "Keys", "Screenshot", "Theme", "Maximize", "Minimize"}
        assert BENCH_COMMAND[0] in listed and not palette_only, "the help lists every command of the palette"
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_closing_mid_answer_keeps_the_question(make_app, wait_for, send):
    started, release = threading.Event(), threading.Event()

    def slow_reply(messages):
        started.set()
        release.wait(timeout=10)
        return "Too late."

    app = make_app([slow_reply])
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.advisor is not None)
        await send(pilot, "Asked just before closing")
        await wait_for(pilot, started.is_set)

    # The first app is closed while its model is still busy; a new one restores the chat.
    again = make_app([])
    try:
        async with again.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: again.advisor is not None)
            (saved,) = again.advisor.threads()
            assert saved.title == "Asked just before closing"
            await again.screen.open_thread(saved.id)
            assert [str(q.render()) for q in again.screen.query(Question)] == ["Asked just before closing"]
            assert "stopped before the answer was finished" in str(again.screen.query_one(Turn).status.render())
            assert isinstance(again.screen.transcript[0], UserMessage)
    finally:
        release.set()


async def test_rebuild_index_rebuilds_then_reopens_the_advisor(make_app, wait_for, monkeypatch, data_dir):
    rebuilt: list[Path] = []

    class FakeIndex:
        @classmethod
        def open(cls, index_dir, *, progress=None):
            progress(1, 2)
            return cls()

        def rebuild(self, reason: str = "") -> None:
            rebuilt.append(reason)

    monkeypatch.setattr("tools.article_search.ArticleIndex", FakeIndex)
    app = make_app([])
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.advisor is not None)
        first = app.advisor
        await app.screen.action_rebuild_index()
        await wait_for(pilot, lambda: app.advisor is not None and app.advisor is not first)
        assert rebuilt and any("rebuilt" in message for message, _ in notes)


async def test_brackets_in_questions_and_arguments_are_shown_as_typed(make_app, answered):
    app = make_app([tool_call("license", {"name": "[bold]Apache[/] 2.0"}), "Done [/]."])
    async with app.run_test(size=SIZE) as pilot:
        turn = await answered(pilot, "Is [Q4] under [/bold] Apache?")
        assert str(app.screen.query_one(Question).render()) == "Is [Q4] under [/bold] Apache?"
        assert "[bold]Apache[/] 2.0" in turn.query_one(ToolBlock).args_line.plain
        assert str(app.screen.query_one(ThreadList).options[1].prompt).startswith("Is [Q4] under [/bold] Apache?")


async def test_the_tool_block_shows_the_arguments_exactly_as_the_model_wrote_them(make_app, answered):
    app = make_app([tool_call("estimate", {**ESTIMATE_CALL, "quant": "8 bit"}), ANSWER])
    async with app.run_test(size=SIZE) as pilot:
        turn = await answered(pilot, "Can I run Qwen3 30B on a 4090 at 8 bit?")
        block = turn.query_one(ToolBlock)
        assert block.call.args == {**ESTIMATE_CALL, "quant": "8 bit"}
        assert "8 bit" in block.args_line.plain
