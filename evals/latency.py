"""How long a turn takes with the local model on this machine.

Ten typical questions, two of them follow-ups in the same conversation, asked in one process
(as in a chat session, so the system-prompt prefix is evaluated once and then reused from the
KV cache). Per turn: total time, time to the first answer token, prompt and generated tokens,
and the share of prompt tokens served from the reused prefix. Conversations go to a temporary
data directory, not the user's.

    python -m evals.latency [--model qwen0.5b]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

# (question, thread key): a repeated key continues that conversation.
QUESTIONS: list[tuple[str, str]] = [
    ("What's the best coding model for a 16 GB card?", "a"),
    ("and with 24 GB?", "a"),
    ("Can I run Qwen3 30B-A3B on an RTX 4090?", "b"),
    ("Is Gemma 3 27B licensed for commercial use?", "c"),
    ("Which model should I use for reasoning on an M4 Max with 64 GB?", "d"),
    ("How fast is Qwen3 8B at Q8_0 on an RTX 3060?", "e"),
    ("what about its license?", "e"),
    ("I need a model for commercial use with 128k context on two RTX 3090s.", "f"),
    ("How much memory does DeepSeek R1 need at Q4_K_M?", "g"),
    ("Recommend a small model for my laptop with 16 GB RAM and no GPU.", "h"),
]

GOAL_TURN_S = 15.0
GOAL_FIRST_TOKEN_S = 8.0


@dataclass(frozen=True)
class TurnRow:
    question: str
    tools: str
    total_s: float
    first_token_s: float | None
    prompt_tokens: int
    completion_tokens: int
    cached_share: float
    fallback: bool


@dataclass(frozen=True)
class LatencyReport:
    model: str
    load_s: float
    rows: list[TurnRow]

    @property
    def median_total_s(self) -> float:
        return statistics.median(r.total_s for r in self.rows)

    @property
    def median_first_token_s(self) -> float | None:
        firsts = [r.first_token_s for r in self.rows if r.first_token_s is not None]
        return statistics.median(firsts) if firsts else None

    def as_dict(self) -> dict:
        return {"model": self.model, "load_s": self.load_s, "median_total_s": self.median_total_s,
                "median_first_token_s": self.median_first_token_s, "turns": [asdict(r) for r in self.rows]}


def run(model: str | None = None, questions: list[tuple[str, str]] = QUESTIONS) -> LatencyReport:
    from advisor.agent import new_thread_id, open_advisor  # noqa: PLC0415 - heavy imports only when run
    from advisor.agent.transcript import record_turn  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="advisor-latency-") as data_dir:
        started = time.perf_counter()
        advisor = open_advisor(model, data_dir=Path(data_dir))
        load_s = time.perf_counter() - started
        threads: dict[str, str] = {}
        rows = []
        for question, key in questions:
            thread = threads.setdefault(key, new_thread_id())
            turn = record_turn(advisor.stream(question, thread))
            t = turn.timings
            if t is None:
                raise RuntimeError(f"no answer for {question!r}: {turn.failure}")
            rows.append(TurnRow(
                question=question,
                tools=", ".join(f"{c.name}{'' if c.ok else '(err)'}" for c in turn.tool_calls) or "-",
                total_s=t.total_s, first_token_s=t.first_token_s, prompt_tokens=t.prompt_tokens,
                completion_tokens=t.completion_tokens,
                cached_share=t.cached_prompt_tokens / t.prompt_tokens if t.prompt_tokens else 0.0,
                fallback=turn.fallback,
            ))
        advisor.close()
    return LatencyReport(model=advisor.model_name, load_s=round(load_s, 2), rows=rows)


def print_report(report: LatencyReport, console: Console) -> None:
    table = Table(title=f"Latency · {report.model} · model load {report.load_s:.1f} s")
    for col in ("question", "tools", "total s", "first token s", "prompt tok", "generated tok", "prefix reused"):
        table.add_column(col)
    for r in report.rows:
        first = "-" if r.first_token_s is None else f"{r.first_token_s:.1f}"
        table.add_row(r.question[:48], r.tools + (" [fallback]" if r.fallback else ""), f"{r.total_s:.1f}", first,
                      str(r.prompt_tokens), str(r.completion_tokens), f"{r.cached_share:.0%}")
    console.print(table)
    first = report.median_first_token_s
    console.print(f"median turn {report.median_total_s:.1f} s (goal <= {GOAL_TURN_S:g}); median first answer token "
                  f"{'-' if first is None else f'{first:.1f}'} s (goal <= {GOAL_FIRST_TOKEN_S:g})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="pack name or GGUF path (default: ADVISOR_MODEL or qwen1.5b)")
    args = parser.parse_args()
    print_report(run(args.model), Console())


if __name__ == "__main__":
    main()
