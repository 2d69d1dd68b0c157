"""The oracle: a scripted chat model that plays each case perfectly, to prove the harness.

It drives the real agent graph (tools, threads, events) with replies derived from the case
itself: the expected calls, with argument values that satisfy their rules, then an answer
composed only from what the tools returned. If the oracle does not score ~100 %, the
harness or a case is wrong, not a backing model.
"""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from advisor.llm.scripted import ScriptedChatModel
from evals.answer_checks import NOT_FITTING
from evals.toolcases import ArgRule, Case, ExpectedCall

OFF_TOPIC = "I can only help with open-weight models: which fit your hardware, how fast they run, and their licenses."
ASK_BACK = "Which model and which hardware do you mean?"
SEQUENTIAL_MAX = 3  # the graph allows three tool rounds per turn; longer strict lists go out in one message


def example_value(rule: ArgRule) -> Any:
    """A value the rule accepts; None means 'leave the argument out'."""
    kind = rule.kind
    if kind == "one_of":
        return (rule.one_of or [None])[0]
    if kind == "contains":
        return " ".join(rule.contains or [])
    if kind == "absent":
        return None
    if kind == "any":
        return rule.example
    return getattr(rule, kind)  # equals, approx, and catalog ids (an id resolves to itself)


def example_args(call: ExpectedCall) -> dict[str, Any]:
    values = {arg: example_value(rule) for arg, rule in call.args.items()}
    return {arg: value for arg, value in values.items() if value is not None}


def _calls_message(calls: list[ExpectedCall]) -> AIMessage:
    return AIMessage(content="", tool_calls=[
        {"name": c.name, "args": example_args(c), "id": f"call_{uuid.uuid4().hex[:8]}", "type": "tool_call"} for c in calls])


def _describe(name: str, data: Any) -> list[str]:
    """Plain sentences from one tool result, using only its own names and figures."""
    if name == "recommend":
        fitting = [p for p in data if p["fit"] not in NOT_FITTING][:3]
        return [f"{p['model_name']} at {p['quant']} needs {p['memory_gb']:g} GB ({p['fit'].replace('_', ' ')})"
                + (f", about {p['decode_tps']:g} tok/s." if p["decode_tps"] is not None else ".") for p in fitting] \
            or ["No catalog model fits these constraints."]
    if name == "estimate":
        speed = data.get("decode_tps") or {}
        return [f"{data['model_name']} at {data['quant']} needs {data['memory_gb']['total']:g} GB: {data['fit'].replace('_', ' ')}"
                + (f", about {speed['expected']:g} tok/s." if speed else ".")]
    if name == "license":
        lines = [data["note"]]
        for term in data["terms"]:
            if term["license"]["restrictions"]:
                lines.append(f"Restrictions of {term['license']['name']}: {term['license']['restrictions'][0]}")
        return lines
    if name == "search_articles":
        return [f"[{hit['source']}] {hit['title']} ({hit['section']})" for hit in data[:2]] or ["The articles say nothing on that."]
    return []


def compose_answer(messages: list[BaseMessage]) -> str:
    """The answer to the current turn, written from its tool results (and errors) only."""
    start = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
    lines: list[str] = []
    for message in messages[start:]:
        if not isinstance(message, ToolMessage):
            continue
        if message.status == "error":
            lines.append(f"The {message.name} tool could not answer: {message.content}")
        elif isinstance(message.artifact, dict):
            lines += _describe(message.name or "", message.artifact.get("data"))
    return " ".join(lines) or OFF_TOPIC


def oracle_model(case: Case) -> ScriptedChatModel:
    replies: list[Any] = []
    for turn in case.turns:
        if turn.order == "strict" and 1 < len(turn.calls) <= SEQUENTIAL_MAX:
            replies += [_calls_message([call]) for call in turn.calls]  # one round each, like "estimate, then license"
        elif turn.calls:
            replies.append(_calls_message(turn.calls))
        replies.append(ASK_BACK if turn.answer.asks and not turn.calls else compose_answer)
    return ScriptedChatModel(replies=replies, model_name="oracle (scripted)")
