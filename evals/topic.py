"""What the topic question (prompt.TOPIC_RULE, asked of a llama.cpp model before a thread's first
step) decides on a set of cases, and where its margin could go.

For each first message it asks the real model, with the agent's own system prompt and tools, the
topic question and reports the logit gap between "llm" and "other". Tools are withheld below the
margin, so the report counts, per candidate margin, the first messages needing a tool that would
lose them (the harm) and those needing none that would be answered directly (where it can help).
The gap moves with every change to the prompt or the tool descriptions: rerun this after one.

    python -m evals.topic --cases evals/generalization/dev.yaml [--margins 1.0 1.5 2.0] [--show]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from langchain_core.messages import HumanMessage

from advisor.agent.graph import prompt_prefix
from advisor.agent.prompt import TOPIC_MARGIN, TOPIC_QUESTION, TOPIC_WORDS, model_input
from advisor.agent.toolset import build_tools
from advisor.llm.chat_model import load_chat_model
from advisor.llm.probe import Probe
from advisor.profile import load_profile
from advisor.settings import chat_model_name, paths
from evals.toolcases import load_cases
from knowledge import load_catalog


def topic_report(cases_path: Path, margins: list[float], model: str | None = None) -> dict[str, object]:
    catalog = load_catalog()
    chat_model = load_chat_model(model or chat_model_name())
    # The agent's own tool set (search included when installed), so the prompt is the one it uses.
    tools = build_tools(catalog, profile=lambda: load_profile(None), index_dir=paths().index_dir)
    instructions, schemas = prompt_prefix(tools)
    probe = Probe(TOPIC_QUESTION, *TOPIC_WORDS, TOPIC_MARGIN)
    rows = []
    for case in load_cases(cases_path, catalog):
        turn = case.turns[0]  # asked before the first step of a thread only
        gap = chat_model.probe_gap(model_input([HumanMessage(content=turn.user)], instructions), schemas, probe)
        rows.append({"case": case.id, "needs_tool": turn.expects_tools, "gap": round(gap, 2), "user": turn.user})
    needing = [r for r in rows if r["needs_tool"]]
    not_needing = [r for r in rows if not r["needs_tool"]]
    return {
        "cases": str(cases_path), "current_margin": TOPIC_MARGIN, "needing_a_tool": len(needing),
        "needing_none": len(not_needing),
        "by_margin": [{"margin": m, "withheld_needing_a_tool": sum(r["gap"] < m for r in needing),
                       "withheld_needing_none": sum(r["gap"] < m for r in not_needing)} for m in margins],
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--margins", type=float, nargs="+", default=[1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5])
    parser.add_argument("--model", default=None, help="a llama.cpp pack or GGUF path (default: the advisor's)")
    parser.add_argument("--show", action="store_true", help="every first message with its gap")
    args = parser.parse_args()
    report = topic_report(args.cases, args.margins, args.model)
    rows = report.pop("rows")
    print(json.dumps(report, indent=2))
    if args.show:
        for row in sorted(rows, key=lambda r: r["gap"]):
            print(f"{row['gap']:+.2f} {'TOOL' if row['needs_tool'] else 'none'} {row['user']}")


if __name__ == "__main__":
    main()
