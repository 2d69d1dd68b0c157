"""The Textual app: wires the advisor factory, the profile store and the chat screen together.

Everything a person can do is an action on the chat screen; this module only lists them
once (`PALETTE`) so the command palette and the help screen show the same set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from advisor.llm.packs import PACKS
from advisor.settings import Paths, chat_model_name, paths
from tui.backend import AdvisorFactory, AdvisorLike
from tui.profiles import ProfileStore
from tui.screens.chat import ChatScreen
from tui.screens.help import HelpScreen
from tui.widgets.sidebar import ThreadList

# (title, help, action on the chat screen)
PALETTE: tuple[tuple[str, str, str], ...] = (
    ("New chat", "Start a new conversation (Ctrl+N)", "new_chat"),
    ("Switch backing model", "Load another chat model pack or a GGUF file (F3)", "switch_model"),
    ("Edit hardware", "Change the hardware answers assume (F2)", "edit_hardware"),
    ("Rebuild index", "Rebuild the article search index from the sources", "rebuild_index"),
    ("Copy last answer", "Copy the latest answer to the clipboard", "copy_answer"),
    ("Export chat as Markdown", "Write this chat to a .md file (Ctrl+S)", "export"),
    ("Delete chat", "Delete the highlighted chat (Delete in the chat list)", "delete_chat"),
    ("Stop answer", "Stop the answer being written (Esc)", "stop"),
)

# An app action (advisor/bench.py), not one of the chat screen's: kept out of PALETTE, listed beside it.
BENCH_COMMAND = ("Benchmark this machine", "Time the chat model on this machine; estimates for it then use the result")

MODEL_CHOICES: tuple[tuple[str, str], ...] = tuple((pack.name, pack.title) for pack in PACKS.values())


class AdvisorApp(App[None]):
    """`advisor chat`: ask questions, watch grounded answers stream in."""

    CSS_PATH = Path(__file__).with_name("advisor.tcss")
    TITLE = "Open-weight model advisor"
    BINDINGS = [Binding("f1", "help", "Help")]

    def __init__(
        self,
        open_advisor: AdvisorFactory,
        *,
        model: str | None = None,
        profiles: ProfileStore | None = None,
        data_dir: Path | None = None,
        model_choices: Sequence[tuple[str, str]] = MODEL_CHOICES,
    ) -> None:
        super().__init__()
        self.open_advisor = open_advisor
        self.model = model
        self.default_model = model or chat_model_name()
        self.data_dir = data_dir or paths().data_dir
        self.index_dir = Paths(paths().cache_dir, self.data_dir).index_dir
        self.profiles = profiles or ProfileStore(data_dir)
        self.model_choices = model_choices

    def get_default_screen(self) -> Screen:
        return ChatScreen(self.model)

    def _chat_screen(self) -> ChatScreen:
        for screen in self.screen_stack:
            if isinstance(screen, ChatScreen):
                return screen
        raise LookupError("the chat screen is not open")

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        chat = self._chat_screen()
        for title, help_text, action in PALETTE:
            yield SystemCommand(title, help_text, getattr(chat, f"action_{action}"))
        yield SystemCommand(*BENCH_COMMAND, self.action_bench)
        yield SystemCommand("Help", "List every key (F1)", self.action_help)

    def action_bench(self) -> None:
        """Palette: `advisor bench` in a worker thread; the stored result calibrates this machine's estimates."""
        self.notify("Timing prompt processing and generation of the chat model (a few seconds)…", title=BENCH_COMMAND[0])
        self.run_worker(self._bench, thread=True, exclusive=True, group="bench")

    def _bench(self) -> None:
        from advisor.bench import measure_and_store  # noqa: PLC0415 - loads llama.cpp only when asked

        try:
            result = measure_and_store(self.default_model, self.data_dir)
        except Exception as exc:  # noqa: BLE001 - shown to the person as a notification, never a traceback
            self.call_from_thread(self.notify, str(exc), title="Benchmark failed", severity="error")
            return
        self.call_from_thread(self.notify, f"{result.summary()}; estimates for this machine now use it.",
                              title="Benchmark stored")

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        bindings = [*self.BINDINGS, *ChatScreen.BINDINGS, *ThreadList.BINDINGS]
        self.push_screen(HelpScreen([b for b in bindings if isinstance(b, Binding)], [*[(t, h) for t, h, _ in PALETTE], BENCH_COMMAND]))

    def action_delete_chat(self) -> None:
        """Bound on the chat list (Delete key); the chat screen asks for confirmation."""
        self._chat_screen().action_delete_chat()

    @property
    def advisor(self) -> AdvisorLike | None:
        """The loaded advisor, if any (tests and the first-paint eval look at it)."""
        return self._chat_screen().advisor
