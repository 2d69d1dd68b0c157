"""What the embedding scope check (advisor/agent/scope.py) decides on a set of cases, without a model.

The check only withholds tools; it helps where it withholds them from a message that needs none
and harms where it withholds them from one that needs a tool. It reads the first message of each
case, as the agent applies it to the first message of a conversation only.

    python -m evals.scope --cases evals/generalization/dev.yaml [--threshold 0.14] [--show]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from advisor.agent.scope import THRESHOLD, ScopeCheck
from evals.toolcases import load_cases
from knowledge import load_catalog


def scope_report(cases_path: Path, threshold: float = THRESHOLD) -> dict[str, object]:
    from tools.minilm import packaged_minilm  # noqa: PLC0415 - loads the weights

    catalog = load_catalog()
    check = ScopeCheck.of(packaged_minilm(), catalog, threshold)
    rows = []
    for case in load_cases(cases_path, catalog):
        turn = case.turns[0]  # the check applies to the first message of a conversation only
        rows.append({"case": case.id, "needs_tool": turn.expects_tools, "score": round(check.score(turn.user), 3),
                     "withheld": not check.in_scope(turn.user), "user": turn.user})
    needing = [r for r in rows if r["needs_tool"]]
    not_needing = [r for r in rows if not r["needs_tool"]]
    return {
        "cases": str(cases_path), "threshold": threshold, "first_messages": len(rows),
        "withheld_needing_a_tool": sum(r["withheld"] for r in needing),
        "needing_a_tool": len(needing),
        "withheld_needing_none": sum(r["withheld"] for r in not_needing),
        "needing_none": len(not_needing),
        "lowest_score_needing_a_tool": min((r["score"] for r in needing), default=None),
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--show", action="store_true", help="list every withheld turn")
    args = parser.parse_args()
    report = scope_report(args.cases, args.threshold)
    rows = report.pop("rows")
    print(json.dumps(report, indent=2))
    if args.show:
        for row in rows:
            if row["withheld"]:
                print(f"{row['score']:.3f} {'NEEDS TOOL ' if row['needs_tool'] else ''}{row['user']}")


if __name__ == "__main__":
    main()
