"""Snapshots of the main screen, an opened tool block and the help screen.

They replay a fixed, hand-written turn instead of running the tools, so a change to the
catalog's figures does not move them; behaviour over the real Advisor is in test_chat_app.py.
Update after an intended UI change with `pytest tests/tui/test_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from advisor.agent import ThreadInfo
from advisor.events import Answer, Event, Token, ToolCall, ToolResult, UserMessage
from advisor.profile import save_profile
from tools.requests import HardwareSpec
from tui.app import AdvisorApp
from tui.profiles import ProfileStore
from tui.widgets.conversation import Turn
from tui.widgets.tool_block import ToolBlock

from chat_scripts import SIZE

QUESTION = "What's the best coding model for a 16 GB card?"
ESTIMATE = {
    "type": "estimate", "model": "qwen3-coder-30b-a3b", "model_name": "Qwen3-Coder-30B-A3B", "quant": "Q3_K_M", "context": 8192,
    "kv_cache_type": "f16", "backend": "llama.cpp",
    "hardware": {"name": "NVIDIA GeForce RTX 4070 Ti Super", "kind": "discrete", "backend": "cuda", "gpus": 1,
                 "memory_gb": 16.0, "bandwidth_gbps": 672.0, "ram_gb": 64.0},
    "memory_gb": {"weights": 14.2, "kv_cache": 0.81, "overhead": 1.07, "total": 16.08},
    "fit": "gpu_cpu_offload", "fit_detail": "44 of 48 layers on the GPU, 4 in system RAM", "gpu_layers": 44,
    "offload_layers": 4, "best_quant": "IQ3_XXS", "max_context": None,
    "decode_tps": {"low": 21.5, "expected": 38.2, "high": 52.0}, "prefill_tps": 610.0,
    "assumptions": ["weights at 3.9 effective bits per weight"],
    "reported": [{"kind": "speed", "text": "About 30 tok/s on a 16 GB card with partial offload", "value": 30.0,
                  "value_high": None, "unit": "tok/s", "hardware": "16 GB", "quant": "Q3", "backend": None,
                  "benchmark": None, "source": "003_example.txt", "caveat": None}],
    "sources": ["003_example.txt"], "provenance": "estimated",
}
ANSWER = (
    "**Qwen3-Coder-30B-A3B** at Q3_K_M is the strongest coder that runs on 16 GB, "
    "with 4 layers offloaded to RAM.\n\n"
    "| model | quant | memory | speed |\n|---|---|---|---|\n| Qwen3-Coder-30B-A3B | Q3_K_M | 16.08 GB | ~38.2 tok/s |\n"
)
TURN: list[Event] = [
    ToolCall("c1", "estimate", {"model": "Qwen3 Coder 30B", "quant": "Q3_K_M"}),
    ToolResult("c1", "estimate", True, ESTIMATE),
    *[Token(piece) for piece in ANSWER.split(" ")[:-1]],
    Answer(ANSWER.strip(), sources=["003_example.txt"]),
]


class ReplayAdvisor:
    """Answers every question with TURN; remembers one thread, as the real one would."""

    model_name = "scripted"

    def __init__(self) -> None:
        self.asked: list[str] = []

    def stream(self, question: str, thread_id: str) -> Iterator[Event]:
        self.asked.append(question)
        for event in TURN:
            yield Token(event.text + " ") if isinstance(event, Token) else event

    def threads(self) -> list[ThreadInfo]:
        when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        return [ThreadInfo("t1", q, when, 1) for q in self.asked]

    def history(self, thread_id: str) -> list[Event]:
        return [UserMessage(QUESTION), *TURN]

    def delete_thread(self, thread_id: str) -> None:
        self.asked.clear()

    def close(self) -> None:
        pass


@pytest.fixture
def app(data_dir: Path) -> AdvisorApp:
    save_profile(HardwareSpec(gpu="RTX 4070 Ti Super", ram_gb=64), data_dir)
    return AdvisorApp(lambda model, progress: ReplayAdvisor(), profiles=ProfileStore(data_dir), data_dir=data_dir)


async def _answered(pilot) -> None:
    screen = pilot.app.screen
    while screen.advisor is None or "saved" not in screen.query_one("#hardware").render().plain:
        await pilot.pause(0.05)
    field = screen.query_one("#question")
    field.cursor_blink = False  # a blinking cursor would make the picture depend on timing
    field.value = QUESTION
    await pilot.press("enter")
    while not screen.query(Turn) or screen.query_one(Turn).answer_text is None or screen.current is not None:
        await pilot.pause(0.05)
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    # A tool block's title grows from "running…" to its result line; on a loaded host the picture could
    # be taken before the layout caught up (the title cut at its old width). Wait for it, a few seconds at most.
    for _ in range(100):
        if all(t.size.width >= t.label.cell_length + 2 for t in screen.query("CollapsibleTitle")):  # + padding
            break
        await pilot.pause(0.05)


def test_main_screen(snap_compare, app):
    assert snap_compare(app, terminal_size=SIZE, run_before=_answered)


def test_tool_block_opened(snap_compare, app):
    async def open_block(pilot) -> None:
        await _answered(pilot)
        pilot.app.screen.query_one(ToolBlock).collapsed = False
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_block)


def test_help_screen(snap_compare, app):
    async def open_help(pilot) -> None:
        await _answered(pilot)
        await pilot.press("f1")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)
