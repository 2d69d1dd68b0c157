"""From case verdicts to the figures the report compares: rates, latency percentiles, tokens.

Every rate has its own denominator (selection and argument accuracy over the cases that
expect a tool, irrelevance over those that expect none, schema validity over the calls made)
and is None when that denominator is empty, so a category without such cases shows "-"
rather than a misleading 0 % or 100 %.

Argument accuracy and answer pass come twice: the system figure (what the agent delivered,
with its retries after a rejected call and its fallback tables) and the raw figure (what the
backing model did on its own, see evals/tool_eval.py). RAW pairs them for the report.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

from evals.tool_eval import Verdict

METRICS = {  # field -> label, in report order
    "tool_selection": "tool selection",
    "argument_accuracy_raw": "argument accuracy (raw)",
    "argument_accuracy": "argument accuracy",
    "irrelevance": "irrelevance",
    "schema_valid": "schema-valid calls",
    "answer_pass_raw": "answer pass (raw)",
    "answer_pass": "answer pass",
    "passed": "case pass",
}
RAW = {"argument_accuracy": "argument_accuracy_raw", "answer_pass": "answer_pass_raw"}  # system figure -> raw twin
# argument_accuracy_raw: issue 11's goal for the default model on the generalization test split.
GOALS = {"tool_selection": 0.95, "argument_accuracy_raw": 0.85, "argument_accuracy": 0.90, "irrelevance": 0.90,
         "schema_valid": 1.0, "answer_pass": 0.85}


@dataclass(frozen=True)
class Score:
    cases: int
    skipped: int
    tool_selection: float | None
    argument_accuracy: float | None
    argument_accuracy_raw: float | None
    irrelevance: float | None
    schema_valid: float | None
    answer_pass: float | None
    answer_pass_raw: float | None
    passed: float | None
    latency_p50_s: float | None
    latency_p95_s: float | None
    tokens_per_case: float | None  # prompt + generated, mean
    generated_tokens_per_case: float | None
    fallback_turns: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(flags: list[bool | None]) -> float | None:
    counted = [f for f in flags if f is not None]
    return round(sum(counted) / len(counted), 4) if counted else None


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile: always one of the measured values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def score(verdicts: list[Verdict]) -> Score:
    ran = [v for v in verdicts if v.skipped is None]
    calls = sum(v.calls for v in ran)
    seconds = [v.seconds for v in ran]
    return Score(
        cases=len(ran), skipped=len(verdicts) - len(ran),
        tool_selection=_rate([v.selection_ok for v in ran]),
        argument_accuracy=_rate([v.args_ok for v in ran]),
        argument_accuracy_raw=_rate([v.args_raw_ok for v in ran]),
        irrelevance=_rate([v.irrelevance_ok for v in ran]),
        schema_valid=round(sum(v.valid_calls for v in ran) / calls, 4) if calls else None,
        answer_pass=_rate([v.answer_ok for v in ran]),
        answer_pass_raw=_rate([v.answer_raw_ok for v in ran]),
        passed=_rate([v.passed for v in ran]),
        latency_p50_s=percentile(seconds, 50), latency_p95_s=percentile(seconds, 95),
        tokens_per_case=round(sum(v.prompt_tokens + v.completion_tokens for v in ran) / len(ran), 1) if ran else None,
        generated_tokens_per_case=round(sum(v.completion_tokens for v in ran) / len(ran), 1) if ran else None,
        fallback_turns=sum(v.fallback_turns for v in ran),
    )


def by_category(verdicts: list[Verdict]) -> dict[str, Score]:
    categories = dict.fromkeys(v.category for v in verdicts)
    return {c: score([v for v in verdicts if v.category == c]) for c in categories}
