"""The chat: past chats and profile on the left, the conversation and input on the right.

The screen owns the two slow things, each in a thread worker so the UI never waits:
loading the advisor (model, embedder, index) and answering a question. Workers talk back
only through messages (`post_message` is thread-safe), so every widget change happens on
the UI thread. Questions asked before the model is ready wait in a queue and are answered
in order once it is.
"""

from __future__ import annotations

import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList
from textual.worker import get_current_worker

from advisor.events import Event, Failure, ToolResult, UserMessage
from tui.errors import advice
from tui.screens.confirm import ConfirmScreen
from tui.screens.hardware import DETECT, HardwareScreen
from tui.screens.models import ModelScreen
from tui.transcript import write_export
from tui.widgets.conversation import Question, Turn
from tui.widgets.loading import LoadingBar
from tui.widgets.sidebar import NEW_CHAT, ProfilePanel, ThreadList

if TYPE_CHECKING:
    from tui.app import AdvisorApp
    from tui.backend import AdvisorLike, Progress


NOT_LOADED = "not answered: the model did not load (F3 to pick another)"


def new_thread_id() -> str:
    return uuid.uuid4().hex


@dataclass(eq=False)
class Pending:
    """A question on its way: queued, then answered by a worker into its Turn widget."""

    text: str
    thread_id: str
    turn: Turn
    stopped: bool = False
    events: list[Event] = field(default_factory=list)


class LoadProgress(Message):
    def __init__(self, generation: int, stage: str, fraction: float) -> None:
        super().__init__()
        self.generation, self.stage, self.fraction = generation, stage, fraction


class Loaded(Message):
    """The load worker finished: `advisor` on success, else `error` says what to do."""

    def __init__(self, generation: int, advisor: AdvisorLike | None, error: str | None = None) -> None:
        super().__init__()
        self.generation, self.advisor, self.error = generation, advisor, error


class ProfileShown(Message):
    def __init__(self, description: str, origin: str) -> None:
        super().__init__()
        self.description, self.origin = description, origin


class Streamed(Message):
    def __init__(self, pending: Pending, event: Event) -> None:
        super().__init__()
        self.pending, self.event = pending, event


class TurnEnded(Message):
    def __init__(self, pending: Pending) -> None:
        super().__init__()
        self.pending = pending


class ChatScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "stop", "Stop answer"),
        Binding("ctrl+n", "new_chat", "New chat"),
        Binding("f2", "edit_hardware", "Edit hardware"),
        Binding("f3", "switch_model", "Switch model"),
        Binding("ctrl+s", "export", "Export chat"),
    ]

    def __init__(self, model: str | None) -> None:
        super().__init__()
        self.model = model
        self.advisor: AdvisorLike | None = None
        self.thread_id: str = new_thread_id()
        self.thread_title: str | None = None
        self.transcript: list[Event] = []  # the open thread's events, for export
        self.queue: deque[Pending] = deque()
        self.current: Pending | None = None
        self._generation = 0  # which load is current; a superseded load's result is dropped
        self._retired: list[AdvisorLike] = []
        self.load_error: str | None = None  # why the advisor is not there, after a failed load

    @property
    def advisor_app(self) -> AdvisorApp:
        return self.app  # type: ignore[return-value]

    # --- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="◆")
        with Horizontal():
            with Vertical(id="sidebar"):
                yield ThreadList(id="threads")
                yield ProfilePanel(id="profile")
            with Vertical(id="main"):
                yield VerticalScroll(id="conversation")
                yield LoadingBar(id="loading")
                yield Input(placeholder="Ask about open-weight models… (Enter to send, Esc to stop)", id="question")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "new chat"
        self.query_one(ThreadList).show_threads([], None)
        panel = self.query_one(ProfilePanel)
        panel.show_hardware("detecting…", "this machine")
        panel.show_model(self.model or self.advisor_app.default_model, "loading")
        self.query_one("#question", Input).focus()
        # Start the workers after the first frame: their imports (LangGraph, the catalog) hold
        # the GIL for a while and would otherwise delay the first paint.
        self.call_after_refresh(self.read_profile)
        self.call_after_refresh(self.start_loading, self.model)

    # --- loading --------------------------------------------------------------------------

    def start_loading(self, model: str | None, *, rebuild_index: bool = False) -> None:
        """Load (or reload) the advisor in a worker; a replaced advisor is closed once idle."""
        if self.advisor is not None:
            self._retired.append(self.advisor)
        self._generation += 1
        self.advisor = None
        self.load_error = None
        self.query_one(LoadingBar).show("Rebuilding the article index…" if rebuild_index else "Starting…", 0.0)
        self.load_advisor(self._generation, model, rebuild_index)

    @work(thread=True, group="load", exit_on_error=False)
    def load_advisor(self, generation: int, model: str | None, rebuild_index: bool) -> None:
        def progress(stage: str, fraction: float) -> None:
            self.post_message(LoadProgress(generation, stage, fraction))

        if rebuild_index:
            self._rebuild_index(progress)
        try:
            advisor = self.advisor_app.open_advisor(model, progress)
        except Exception as exc:  # noqa: BLE001 - the edge: any failure becomes a notification
            self.post_message(Loaded(generation, None, advice(exc)))
            return
        self.post_message(Loaded(generation, advisor))

    def _rebuild_index(self, progress: Progress) -> None:
        """Runs in the load worker; the advisor is reopened afterwards so its search sees the new index."""
        try:
            from tools.article_search import ArticleIndex  # noqa: PLC0415 - imports the embedder (seconds)

            index = ArticleIndex.open(self.advisor_app.index_dir,
                                      progress=lambda done, total: progress("Rebuilding the article index…", done / max(total, 1)))
            index.rebuild()
        except ModuleNotFoundError:
            self.app.call_from_thread(self.notify, "Article search is not installed in this build.", severity="warning")
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.notify, advice(exc), title="Index not rebuilt", severity="error", timeout=15)
        else:
            self.app.call_from_thread(self.notify, "The article index was rebuilt.", title="Index")

    def _close_retired(self) -> None:
        """Close advisors replaced by a reload, once no answer can still be using them."""
        if self.current is not None:
            return
        while self._retired:
            try:
                self._retired.pop().close()
            except Exception:  # noqa: BLE001 - a failed close of an old model is not the person's problem
                pass

    def on_load_progress(self, message: LoadProgress) -> None:
        if message.generation == self._generation:
            self.query_one(LoadingBar).show(message.stage, message.fraction)

    def on_loaded(self, message: Loaded) -> None:
        if message.generation != self._generation:
            if message.advisor is not None:  # superseded while loading (model switched again)
                self._retired.append(message.advisor)
                self._close_retired()
            return
        panel = self.query_one(ProfilePanel)
        self.query_one(LoadingBar).hide()
        if message.advisor is None:
            self.load_error = message.error or "The advisor could not start."
            panel.show_model(self.model or self.advisor_app.default_model, "failed to load")
            self.notify(self.load_error, title="Model not loaded", severity="error", timeout=15)
            for pending in self.queue:
                pending.turn.set_status(NOT_LOADED)
            self.queue.clear()
            return
        self.advisor = message.advisor
        self._close_retired()
        panel.show_model(self.advisor.model_name, "ready")
        self.refresh_threads()
        self._answer_next()

    @work(thread=True, group="profile", exit_on_error=False)
    def read_profile(self) -> None:
        """Detection may run nvidia-smi, so it stays off the UI thread."""
        try:
            description, origin = self.advisor_app.profiles.describe()
        except Exception as exc:  # noqa: BLE001
            description, origin = f"unknown ({advice(exc)})", "not detected"
        self.post_message(ProfileShown(description, origin))

    def on_profile_shown(self, message: ProfileShown) -> None:
        self.query_one(ProfilePanel).show_hardware(message.description, message.origin)

    # --- asking and answering -------------------------------------------------------------

    @on(Input.Submitted, "#question")
    async def ask(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            return
        event.input.clear()
        conversation = self.query_one("#conversation", VerticalScroll)
        turn = Turn("waiting for the model to load…" if self.advisor is None else "thinking…")
        await conversation.mount_all([Question(text), turn])
        conversation.scroll_end(animate=False)
        if self.thread_title is None:
            self.thread_title = text
            self.sub_title = text
        self.transcript.append(UserMessage(text))
        if self.load_error is not None:
            turn.set_status(NOT_LOADED)
            self.notify(self.load_error, title="Model not loaded", severity="error", timeout=15)
            return
        self.queue.append(Pending(text, self.thread_id, turn))
        self._answer_next()

    def _answer_next(self) -> None:
        if self.advisor is None or self.current is not None or not self.queue:
            return
        self.current = self.queue.popleft()
        self.current.turn.set_status("thinking…")
        self.answer(self.advisor, self.current)

    @work(thread=True, group="answer", exit_on_error=False)
    def answer(self, advisor: AdvisorLike, pending: Pending) -> None:
        """Stream one turn; on cancel, leaving the loop and closing the iterator stops generation."""
        worker = get_current_worker()
        events: Any = None
        try:
            events = advisor.stream(pending.text, pending.thread_id)
            for event in events:
                if worker.is_cancelled:
                    break
                self.post_message(Streamed(pending, event))
        except Exception as exc:  # noqa: BLE001
            self.post_message(Streamed(pending, Failure(advice(exc))))
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                try:
                    close()
                except Exception:  # noqa: BLE001 - closing a stopped answer must not raise
                    pass
            self.post_message(TurnEnded(pending))

    async def on_streamed(self, message: Streamed) -> None:
        pending, event = message.pending, message.event
        if pending.stopped:
            return
        if pending.thread_id == self.thread_id:
            self.transcript.append(event)
        await pending.turn.apply(event)
        self._follow()
        if isinstance(event, Failure):
            self.notify(event.message, title="Answer failed", severity="error", timeout=10)
        elif isinstance(event, ToolResult) and not event.ok:
            self.notify(f"{event.name}: {event.error}", title="Tool failed (the model was told)", severity="warning")

    async def on_turn_ended(self, message: TurnEnded) -> None:
        pending = message.pending
        if not pending.stopped and pending.turn.answer_text is None and not pending.turn.failed:
            await pending.turn.stop("the answer ended without text")
        if pending is self.current:
            self.current = None
        self._close_retired()
        self.refresh_threads()
        self._answer_next()

    def _follow(self) -> None:
        """Keep the newest text in view unless the reader scrolled up to read something."""
        conversation = self.query_one("#conversation", VerticalScroll)
        if conversation.max_scroll_y - conversation.scroll_y <= 3:
            conversation.scroll_end(animate=False)

    async def action_stop(self) -> None:
        """Esc: stop the running answer and drop questions still waiting."""
        stopped = [p for p in (self.current, *self.queue) if p is not None and not p.stopped]
        if not stopped:
            return
        if self.current is not None and self.advisor is not None:
            # The worker notices its cancellation only at the next event, which a prompt being
            # evaluated may not send for seconds: tell the model itself to stop now.
            stop = getattr(self.advisor, "stop", None)
            if stop is not None:
                stop()
        self.workers.cancel_group(self, "answer")
        for pending in stopped:
            pending.stopped = True
            await pending.turn.stop("stopped")
        self.queue.clear()

    # --- chats ----------------------------------------------------------------------------

    def refresh_threads(self) -> None:
        if self.advisor is None:
            return
        try:
            threads = self.advisor.threads()
        except Exception as exc:  # noqa: BLE001
            self.notify(advice(exc), title="Chats not listed", severity="error")
            return
        self.query_one(ThreadList).show_threads(threads, self.thread_id)
        for info in threads:
            if info.id == self.thread_id:
                self.thread_title = info.title
                self.sub_title = info.title

    @on(OptionList.OptionSelected, "#threads")
    async def pick_thread(self, event: OptionList.OptionSelected) -> None:
        chosen = event.option.id
        if chosen == NEW_CHAT:
            await self.action_new_chat()
        elif chosen and chosen != self.thread_id:
            await self.open_thread(chosen)

    async def _clear(self) -> None:
        await self.action_stop()
        self.transcript = []
        await self.query_one("#conversation", VerticalScroll).remove_children()

    async def action_new_chat(self) -> None:
        await self._clear()
        self.thread_id = new_thread_id()
        self.thread_title = None
        self.sub_title = "new chat"
        self.refresh_threads()
        self.query_one("#question", Input).focus()

    async def open_thread(self, thread_id: str) -> None:
        """Restore a saved chat; new questions continue it."""
        if self.advisor is None:
            self.notify("Past chats open once the model has loaded.", severity="warning")
            return
        try:
            history = self.advisor.history(thread_id)
        except Exception as exc:  # noqa: BLE001
            self.notify(advice(exc), title="Chat not restored", severity="error")
            return
        await self._clear()
        self.thread_id = thread_id
        self.transcript = list(history)
        await self._replay(history)
        self.refresh_threads()
        self.query_one("#question", Input).focus()

    async def _replay(self, history: list[Event]) -> None:
        conversation = self.query_one("#conversation", VerticalScroll)
        turns: list[Turn] = []
        for event in history:
            if isinstance(event, UserMessage):
                turns.append(Turn())
                await conversation.mount_all([Question(event.text), turns[-1]])
            elif turns:
                await turns[-1].apply(event, live=False)
        for turn in turns:
            if turn.answer_text is None and not turn.failed:
                await turn.stop("stopped before the answer was finished")
        conversation.scroll_end(animate=False)

    def action_delete_chat(self) -> None:
        if self.advisor is None:
            return
        option = self.query_one(ThreadList).highlighted_option
        if option is None or option.id in (NEW_CHAT, self.thread_id):
            target, title = self.thread_id, self.thread_title or "new chat"
        else:
            target, title = option.id, str(option.prompt).split("\n")[0]

        async def confirmed(yes: bool | None) -> None:
            if not yes or self.advisor is None:
                return
            try:
                self.advisor.delete_thread(target)
            except Exception as exc:  # noqa: BLE001
                self.notify(advice(exc), title="Chat not deleted", severity="error")
                return
            if target == self.thread_id:
                await self.action_new_chat()
            else:
                self.refresh_threads()
            self.notify(f"Deleted “{title}”.")

        self.app.push_screen(ConfirmScreen(f"Delete the chat “{title}”?"), confirmed)

    # --- palette actions ------------------------------------------------------------------

    def action_copy_answer(self) -> None:
        turns = [t for t in self.query(Turn) if t.text.strip()]
        if not turns:
            self.notify("No answer to copy yet.", severity="warning")
            return
        self.app.copy_to_clipboard(turns[-1].text)
        self.notify("Copied the last answer to the clipboard.")

    def action_export(self) -> None:
        if not any(isinstance(e, UserMessage) for e in self.transcript):
            self.notify("Nothing to export: this chat is empty.", severity="warning")
            return
        places = [Path.cwd(), self.advisor_app.data_dir]
        try:
            path = write_export(places, self.thread_title or "chat", self.thread_id, self.transcript)
        except OSError as exc:
            self.notify(str(exc), title="Export failed", severity="error")
            return
        self.notify(str(path), title="Chat exported")

    def action_edit_hardware(self) -> None:
        profiles = self.advisor_app.profiles

        def chosen(text: str | None) -> None:
            if text is None:
                return
            try:
                if text == DETECT:
                    profiles.reset()
                else:
                    profiles.save(text)
            except Exception as exc:  # noqa: BLE001
                self.notify(advice(exc), title="Hardware not saved", severity="error")
                return
            self.read_profile()
            self.notify("Answers now assume this hardware.", title="Hardware saved")

        current = self.query_one(ProfilePanel).hardware_text
        self.app.push_screen(HardwareScreen(current, profiles.check), chosen)

    def action_switch_model(self) -> None:
        current = self.model or self.advisor_app.default_model

        async def chosen(model: str | None) -> None:
            if model is None or model == current:
                return
            await self.action_stop()
            self.model = model
            self.query_one(ProfilePanel).show_model(model, "loading")
            self.start_loading(model)

        self.app.push_screen(ModelScreen(self.advisor_app.model_choices, current), chosen)

    async def action_rebuild_index(self) -> None:
        """Rebuild like a reload: questions asked meanwhile wait in the queue."""
        await self.action_stop()
        self.query_one(ProfilePanel).show_model(self.model or self.advisor_app.default_model, "reloading")
        self.start_loading(self.model, rebuild_index=True)
