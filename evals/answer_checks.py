"""Checks on an answer's text, judged against what the tools actually returned in that turn.

Which models "fit" is read from the turn's own tool results (recommend picks, estimate
verdicts), so the checks stay right when the catalog or the estimator changes. Which models an
answer names is found with the same matcher the article index uses (tools/mentions.py), so
"Qwen3 30B A3B" and "qwen3:30b" count as the same model.

The prompt-leak check runs on every turn unless a case turns it off: a small model that
prints its instructions or a tool call instead of an answer has failed the person whatever
else the text says. It compares with the agent's real system prompt (imported, so it follows
every edit of the prompt) and flags any run of PROMPT_RUN_WORDS consecutive words of it
(advisor/agent/leaks.py, which the agent uses to drop such sentences; the replies the prompt
itself tells the model to give, after "reply:", are not leaks).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Iterator

from advisor.agent.grounding import ungrounded_figures
from advisor.agent.leaks import prompt_runs, repeated_runs
from advisor.agent.prompt import SYSTEM_PROMPT
from evals.toolcases import AnswerChecks
from tools.mentions import Mentions

NOT_FITTING = ("does_not_fit", "no_hardware")
# Words that show an answer passed on a license's condition rather than only its name.
RESTRICTION_WORDS = ("restrict", "condition", "prohibit", "not allowed", "not permitted", "forbid", "separate license",
                     "monthly active users", "use policy", "acceptable use", "700 million", "100 million", "only if")


# Tool-call syntax and prompt scaffolding that never belongs in an answer, case-insensitive.
CALL_MARKERS = ("<tool_call>", "</tool_call>", "<tool_response>", "</tool_response>", "to call a tool", "example calls")
# A JSON object naming a tool and its arguments, in either key order.
CALL_JSON = re.compile(r'\{[^{}]*"name"\s*:[^{}]*"(arguments|args|parameters)"\s*:'
                       r'|\{[^{}]*"(arguments|args|parameters)"\s*:\s*\{[^{}]*\}[^{}]*"name"\s*:', re.IGNORECASE)
PROMPT_RUNS = prompt_runs(SYSTEM_PROMPT)


def prompt_leaks(answer: str, prompt_runs: set[tuple[str, ...]] = PROMPT_RUNS) -> list[str]:
    """What in the answer is prompt text or tool-call syntax; empty when nothing is."""
    text = answer.casefold()
    found = [f"tool-call syntax {m!r}" for m in CALL_MARKERS if m in text]
    if CALL_JSON.search(answer):
        found.append("a tool call as JSON")
    runs = repeated_runs(answer, prompt_runs)
    if runs:
        found.append(f"system prompt text {' '.join(runs[0])!r}" + (f" and {len(runs) - 1} more runs" if len(runs) > 1 else ""))
    return found


@dataclass(frozen=True)
class Evidence:
    """What an answer may draw on: the questions so far and every tool result so far."""

    questions: tuple[str, ...]
    results: tuple[Any, ...]  # successful tool results' data, earlier turns included
    shown: tuple[str, ...]  # every tool result and error as the model read it, earlier turns included
    turn_results: tuple[tuple[str, Any], ...]  # (tool name, data) of this turn only: what fits is judged here


def fit_verdicts(turn_results: tuple[tuple[str, Any], ...]) -> dict[str, bool]:
    """Model id -> whether this turn's recommend/estimate results show it running on the hardware."""
    verdicts: dict[str, bool] = {}
    for name, data in turn_results:
        rows = data if name == "recommend" and isinstance(data, list) else [data] if name == "estimate" else []
        for row in rows:
            if isinstance(row, dict) and "model" in row and "fit" in row:
                verdicts[row["model"]] = verdicts.get(row["model"], False) or row["fit"] not in NOT_FITTING
    return verdicts


def _figure_texts(value: Any) -> Iterator[str]:
    """Every scalar of a tool result as text; floats also as the rounded forms a renderer prints."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _figure_texts(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _figure_texts(item)
    elif isinstance(value, float):
        yield f"{value!r} {value:g} {round(value, 1):g} {round(value, 2):g}"
    elif value is not None:
        yield str(value)


def ungrounded(answer: str, evidence: Evidence) -> list[str]:
    texts = [*evidence.questions, *evidence.shown, *(" ".join(_figure_texts(r)) for r in evidence.results)]
    texts += [json.dumps(r, ensure_ascii=False) for r in evidence.results]
    return ungrounded_figures(answer, texts)


def check_answer(checks: AnswerChecks, *, grounded: bool, answer: str, evidence: Evidence,
                 mentions: Mentions) -> list[str]:
    """Every problem with the answer; empty when it passes all of the turn's checks."""
    text = answer.casefold()
    problems = [f"answer lacks any of {checks.mentions_any}"] if checks.mentions_any and not any(
        w.casefold() in text for w in checks.mentions_any) else []
    problems += [f"answer lacks '{w}'" for w in checks.mentions_all if w.casefold() not in text]
    problems += [f"answer mentions '{w}'" for w in checks.must_not_mention if w.casefold() in text]
    if checks.asks and "?" not in answer:
        problems.append("answer asks nothing back")
    if checks.license_restriction and not any(w in text for w in RESTRICTION_WORDS):
        problems.append("answer does not mention the license restriction")
    named = mentions.find(answer)
    fits = fit_verdicts(evidence.turn_results)
    if checks.names_fitting_model and not any(fits.get(m) for m in named):
        fitting = sorted(m for m, ok in fits.items() if ok)
        problems.append(f"answer names no model that fits (named {named or 'none'}; fitting: {fitting or 'none'})")
    if checks.only_fitting_models:
        asked = {m for q in evidence.questions for m in mentions.find(q)}
        wrong = [m for m in named if not fits.get(m) and m not in asked]
        if wrong:
            problems.append(f"answer names models the tool results do not show fitting: {wrong}")
    if checks.leaks_prompt:
        problems += [f"answer leaks {leak}" for leak in prompt_leaks(answer)]
    if grounded:
        invented = ungrounded(answer, evidence)
        if invented:
            problems.append(f"answer states figures no tool result or question contains: {invented}")
    return problems
