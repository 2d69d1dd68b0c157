"""The oracle: a scripted chat model that plays each case perfectly, to prove the harness.

It drives the real agent graph (tools, threads, events) with replies derived from the case
itself: the expected calls, with argument values that satisfy their rules, then an answer
composed only from what the tools returned. If the oracle does not score ~100 %, the
harness or a case is wrong, not a backing model.
"""

from __future__ import annotations

import math
import re
import uuid
from typing import Any, Callable

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from advisor import present
from advisor.llm.scripted import ScriptedChatModel
from evals.matching import ALIASES, HARDWARE_KEYS, Call, check_call, loose_numbers
from evals.toolcases import ArgRule, Case, ExpectedCall
from knowledge import load_catalog
from knowledge.schema import Catalog
from tools.errors import AdvisorError, InvalidRequest
from tools.phrasing import parse_context, parse_hardware, parse_quant

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


def _number(value: Any) -> str:
    """A figure as a person types it: 24, 0.5, 32768 (never 3.3e+04)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:.10g}" if not float(value).is_integer() else str(int(value))
    return str(value)


def _size(value: Any) -> str:
    return f"{_number(value)} GB" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def hardware_text(values: dict[str, Any], catalog: Catalog) -> str | None:
    """The words a user would type for a case's gpu / vram_gb / ram_gb / gpus / cpu_only rules,
    e.g. "2x NVIDIA GeForce RTX 3090 + 128 GB RAM"; None when the rules name no hardware."""
    gpu, vram, ram = values.get("gpu"), values.get("vram_gb"), values.get("ram_gb")
    count = values.get("gpus")
    times = f"{count}x " if isinstance(count, int) and count > 1 else ""
    names = {h.id: h.name for h in catalog.hardware}
    parts = []
    if gpu is not None:
        parts.append(times + names.get(gpu, str(gpu)))  # a catalog id as its name; other text as written
    elif vram is not None:
        parts.append(f"{times}{_size(vram)} GPU")
    elif values.get("cpu_only") is True:
        parts.append("CPU only")
    if ram is not None:
        parts.append(f"{_size(ram)} RAM")
    return " + ".join(parts) or None


# A figure in the user's message with its unit and the word after it: "-8 GB of vram", "50 million token".
_USER_FIGURE = re.compile(r"-?\d+(?:\.\d+)?\s*(?:[a-z]+)?(?:\s+of)?(?:\s+[a-z]+)?", re.IGNORECASE)


def users_words(user: str, value: Any) -> str | None:
    """The phrase of the user's message that states a figure, for input the tools must refuse.

    A good agent copies "-8 GB of vram" as written; text rebuilt from the case's rule ("-8 GB
    GPU") would be a value the user never wrote, which the agent treats as the model's mistake.
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    for found in _USER_FIGURE.finditer(user):
        if any(math.isclose(n, value, rel_tol=1e-6) for n in loose_numbers(found.group())):
            return found.group().strip()
    return None


def _never() -> Any:
    raise InvalidRequest("names no hardware")


def _readable(text: str, parse: Callable[[str], Any]) -> bool:
    try:
        parse(text)
    except AdvisorError:
        return False
    return True


SPAN_WORDS = 8  # the longest phrase of the user's message tried as an argument ("2x 3090 + 128 GB of RAM")


def copied_span(said: str, fits: Callable[[str], bool]) -> str | None:
    """The shortest phrase of the user's words that the tools read as the case expects.

    The agent refuses argument text holding figures the user never wrote, so the oracle copies,
    as a good model does, instead of sending the case's catalog id or a rebuilt phrase.
    """
    words = said.split()
    for n in range(1, SPAN_WORDS + 1):
        for i in range(len(words) - n + 1):
            span = " ".join(words[i:i + n]).strip(" ,.;:!?\"'")
            if span and fits(span):
                return span
    return None


def _means(call: ExpectedCall, keys: tuple[str, ...], arg: str, catalog: Catalog) -> Callable[[str], bool]:
    """Whether a text, as the call's `arg`, parses and satisfies the call's rules on `keys`."""
    rules = {k: r for k, r in call.args.items() if ALIASES.get(k, k) in keys}
    expected = ExpectedCall(name=call.name, args=rules)
    parse = {"hardware": lambda t: parse_hardware(t, catalog).is_empty and _never(),  # a phrase naming no hardware is no copy
             "quant": lambda t: parse_quant(t, catalog), "context": parse_context}[arg]
    return lambda text: _readable(text, parse) and check_call(expected, Call(call.name, {arg: text}), {}, catalog) == []


def example_args(call: ExpectedCall, catalog: Catalog | None = None, user: str = "") -> dict[str, Any]:
    """Arguments that satisfy the call's rules, spelled the way the tools take them: hardware,
    quant and context as text, so the oracle also proves the tools' parsers read the cases right.

    `user` is what the user said so far (this turn first): hardware, quant and context are
    copied from it when a phrase of it means what the case expects; otherwise they are written
    from the rules, or for input the tools must refuse, the phrase stating the user's figure.
    """
    catalog = catalog or load_catalog()
    values = {ALIASES.get(arg, arg): None if rule.optional else example_value(rule)  # optional: left out passes too
              for arg, rule in call.args.items()}
    hardware = {k: values.pop(k) for k in HARDWARE_KEYS if k in values}
    if call.name in ("recommend", "estimate") and "hardware" not in values:
        text = hardware_text(hardware, catalog)
        if text is not None:
            text = copied_span(user, _means(call, HARDWARE_KEYS, "hardware", catalog)) or text
        if text is not None and not _readable(text, lambda t: parse_hardware(t, catalog)):
            text = users_words(user, hardware.get("vram_gb", hardware.get("ram_gb"))) or text
        values["hardware"] = text
    if isinstance(values.get("quant"), str):
        values["quant"] = copied_span(user, _means(call, ("quant",), "quant", catalog)) or values["quant"]
    context = values.get("context")
    if isinstance(context, (int, float)) and not isinstance(context, bool):
        values["context"] = copied_span(user, _means(call, ("context",), "context", catalog)) or _number(context)
        if not _readable(values["context"], parse_context):
            values["context"] = users_words(user, context) or values["context"]
    return {arg: value for arg, value in values.items() if value is not None}


def _calls_message(calls: list[ExpectedCall], user: str = "") -> AIMessage:
    return AIMessage(content="", tool_calls=[
        {"name": c.name, "args": example_args(c, user=user), "id": f"call_{uuid.uuid4().hex[:8]}", "type": "tool_call"} for c in calls])


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
            lines += present.sentences(message.artifact.get("data"), message.name)  # the words every front end uses
    return " ".join(lines) or OFF_TOPIC


def oracle_model(case: Case) -> ScriptedChatModel:
    replies: list[Any] = []
    for n, turn in enumerate(case.turns):
        said = " ".join([turn.user, *(t.user for t in reversed(case.turns[:n]))])  # this turn's words first
        if turn.order == "strict" and 1 < len(turn.calls) <= SEQUENTIAL_MAX:
            replies += [_calls_message([call], said) for call in turn.calls]  # one round each, like "estimate, then license"
        elif turn.calls:
            replies.append(_calls_message(turn.calls, said))
        replies.append(ASK_BACK if turn.answer.asks and not turn.calls else compose_answer)
    return ScriptedChatModel(replies=replies, model_name="oracle (scripted)")
