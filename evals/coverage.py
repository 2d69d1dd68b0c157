"""Whether the model can tell, after a tool result, that the message asked for more.

Two asks in one message ("gpt oss 20b on a 4070 ti and also on a 4080") get one call and then an
answer from the 1.5B model: asked to call or reply after the first result, it replies. This
measures whether a direct yes/no question put to the model after its first result (the way the
topic question works, advisor/agent/prompt.TOPIC_RULE) separates the messages that need another
call from those already covered. For each first message of a case file that expects calls, it
runs the real agent up to its first tool result, then reads the logit gap of "yes" over "no" for
each wording. With the default model it does not separate them (evals/results/coverage-dev.md),
so the agent asks no such question.

    python -m evals.coverage --cases evals/generalization/dev.yaml [--question Q ...] [--out F]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from langchain_core.messages import HumanMessage, ToolMessage

from advisor.agent.graph import build_graph, prompt_prefix
from advisor.agent.prompt import model_input
from advisor.agent.toolset import build_tools
from advisor.llm.chat_model import load_chat_model
from advisor.llm.probe import Probe
from advisor.profile import load_profile
from advisor.settings import chat_model_name, paths
from evals.toolcases import load_cases
from knowledge import load_catalog
from tools.spans import copying_from

QUESTIONS = [  # "yes" means covered in the first two, not covered in the last two
    'Do the results above answer every part of my message, "yes" or "no"?',
    'Did the tool results cover all the models, hardware and questions in my message, "yes" or "no"?',
    'Does my message ask for something the results above do not cover yet, "yes" or "no"?',
    'Is anything I asked still unanswered by the results above, "yes" or "no"?',
]
WORDS = (("yes", " yes", '"yes', "Yes"), ("no", " no", '"no', "No"))


def coverage_report(cases_path: Path, questions: list[str], model: str | None = None,
                    limit: int | None = None) -> dict[str, object]:
    catalog = load_catalog()
    chat_model = load_chat_model(model or chat_model_name())
    tools = build_tools(catalog, profile=lambda: load_profile(None), index_dir=paths().index_dir)
    instructions, schemas = prompt_prefix(tools)
    graph = build_graph(chat_model, tools, None, copyable=copying_from(catalog))
    rows = []
    cases = [c for c in load_cases(cases_path, catalog) if c.turns[0].expects_tools][:limit]
    for case in cases:
        turn = case.turns[0]
        state = None
        for values in graph.stream({"messages": [HumanMessage(content=turn.user)], "steps": 0}, stream_mode="values"):
            if values["messages"] and isinstance(values["messages"][-1], ToolMessage):
                state = values
                break
        if state is None:
            rows.append({"case": case.id, "expected_calls": len(turn.calls), "called": None, "user": turn.user})
            continue
        messages = model_input(state["messages"], instructions)
        called = [f"{c['name']} {json.dumps(c['args'])}" for c in state["messages"][1].tool_calls]
        gaps = {q: round(chat_model.probe_gap(messages, schemas, Probe(q, *WORDS)), 2) for q in questions}
        rows.append({"case": case.id, "expected_calls": len(turn.calls), "called": called, "gaps": gaps,
                     "user": turn.user})
    return {"cases": str(cases_path), "questions": questions, "rows": rows,
            "separation": {q: separation(rows, q) for q in questions}}


def separation(rows: list[dict[str, object]], question: str) -> float | None:
    """The chance that a message needing more calls has a lower gap than one needing one call
    (0.5: no separation; near 0 or 1: the question tells them apart)."""
    gaps = [(r["expected_calls"] > 1, r["gaps"][question]) for r in rows if r.get("gaps")]  # type: ignore[index,operator]
    more = [g for m, g in gaps if m]
    one = [g for m, g in gaps if not m]
    if not more or not one:
        return None
    return round(sum((m < o) + 0.5 * (m == o) for m in more for o in one) / (len(more) * len(one)), 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--question", action="append", default=None, help="a wording to try (repeatable)")
    parser.add_argument("--model", default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None, help="write the rows as JSON here")
    args = parser.parse_args()
    report = coverage_report(args.cases, args.question or QUESTIONS, args.model, args.limit)
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))
    print(json.dumps({"cases": report["cases"], "separation": report["separation"]}, indent=2))
    for q in report["questions"]:
        print(f"\n== {q}")
        rows = [r for r in report["rows"] if r.get("gaps")]
        for row in sorted(rows, key=lambda r: r["gaps"][q]):
            need = "MORE" if row["expected_calls"] > 1 else "one "
            print(f"{row['gaps'][q]:+.2f} {need} {row['user'][:90]}  <- {row['called'][0][:60] if row['called'] else ''}")


if __name__ == "__main__":
    main()
