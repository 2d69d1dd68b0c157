"""What the answer-length cap costs: answer checks passed, tokens and seconds per soft cap.

The chat model stops an answer at the first sentence end after `sentence_tokens` tokens
(advisor/llm/chat_model.py), because every generated token costs ~0.1 s on a laptop CPU. A cap
too low cuts the second and third options the prompt asks for; too high and answers ramble.
This runs the same cases once per cap on the default model and reports, per cap, the share of
turns whose answer passed its checks, generated tokens and seconds per case.

    python -m evals.answer_cap --split dev --caps 60 120 200 --limit 12
"""

from __future__ import annotations

import argparse
import os
import statistics

from evals.tool_eval import run_suite
from evals.toolcases import load_cases, select, split_files
from knowledge import load_catalog


def measure(caps: list[int], split: str, limit: int) -> list[dict[str, float]]:
    catalog = load_catalog()
    cases = [c for c in load_cases(split_files(split)[split], catalog) if any(t.expects_tools for t in c.turns)]
    cases = select(cases[:: max(1, len(cases) // limit)], limit=limit)  # spread over the categories
    rows = []
    for cap in caps:
        os.environ["ADVISOR_SENTENCE_TOKENS"] = str(cap)
        verdicts = run_suite(cases, ["default"], catalog)["default"]
        rows.append({
            "cap": cap, "cases": len(verdicts),
            "answer_pass": sum(v.answer_ok for v in verdicts) / len(verdicts),
            "completion_tokens": statistics.mean(v.completion_tokens for v in verdicts),
            "seconds": statistics.median(v.seconds for v in verdicts),
        })
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--caps", type=int, nargs="+", default=[60, 120, 200])
    parser.add_argument("--limit", type=int, default=12)
    args = parser.parse_args()
    print("| soft cap (tokens) | cases | answer pass | generated tokens / case | median s / case |")
    print("|---|---|---|---|---|")
    for row in measure(args.caps, args.split, args.limit):
        print(f"| {row['cap']} | {row['cases']} | {row['answer_pass']:.0%} | {row['completion_tokens']:.0f} | {row['seconds']:.1f} |")


if __name__ == "__main__":
    main()
