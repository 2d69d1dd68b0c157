"""The agent loop as a LangGraph StateGraph: agent -> tools -> agent ... -> finish.

The backing model decides: whether a question needs a tool, which tools, with which arguments,
and when it has enough to answer. Nothing here reads the question to guess its intent, because
a rule that matches the sentences it was written for fails on the next rewording. What the code
does is validate and bound what the model decides:

- `agent` offers the tools and lets the model either call or answer (the chat model decodes a
  call under a grammar built from the tool schemas, so a call is always well-formed JSON of a
  known tool; for a llama.cpp model the grammar also lets the copied arguments hold only phrases
  of the user's questions that the tools read, tools/spans.py). Before the first step of a thread
  a llama.cpp model is asked whether the message is about LLMs at all ("llm" or "other", read from
  its logits: prompt.TOPIC_RULE); "other" means it answers without tools. So is a first message
  far from everything the advisor covers (advisor/agent/scope.py: embedding similarity, the
  same for every backing model). On the last step the tools are withheld and the model must answer.
- A call whose copied argument lists alternatives the user wrote ("deepseek r1 14b vs phi 4",
  "q4 and q8", "a 4070 ti or a 4080"; tools/spans.listed) becomes one call per alternative: a
  small model makes one call and then answers, but it copies a phrase that names both.
- A call identical to one already made in this turn is not run again (small models loop); if
  nothing new is left, the model is asked for its answer.
- `tools` validates each call and runs it: a number in a copied argument (hardware, quant,
  context) that nobody said goes back to the model as its mistake, then the tool's pydantic
  schema and the tool itself judge the values. Problems never raise:
  they go back to the model as text, marked as its own mistake (fix the call) or as the user's
  (explain what is wrong with the request).
- `finish` makes sure the turn ends with an answer the person can read: leaked call syntax is
  cut off, a sentence crediting the articles goes when no result of the turn came from them, so
  does a sentence repeating the system prompt (advisor/agent/leaks.py; the answer is marked
  repaired), and if the model wrote nothing usable the tool results themselves, as tables, become
  the answer (marked as a fallback). The evals count repaired and fallback answers as the model's failures.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, Callable, Literal, Mapping, Protocol, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage, ToolCall, ToolMessage
from langchain_core.runnables import Runnable
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph
from pydantic import ValidationError

from advisor.agent.grounding import uncopied_arguments, without_unsupported_attribution
from advisor.agent.leaks import prompt_runs, without_prompt_text
from advisor.agent.prompt import (PAST_TURNS, TOPIC_MARGIN, TOPIC_QUESTION, TOPIC_WORDS, compact_turn, final_answer,
                                   model_input, split_turns, system_prompt)
from advisor.agent.render import fallback_table
from advisor.agent.toolset import AgentTool
from advisor.errors import PromptTooLong
from advisor.llm.probe import Probe
from tools.errors import AdvisorError, UnknownName
from tools.resolve import normalize
from tools.spans import MAX_LISTED, listed

MAX_STEPS = 4  # model calls per turn: up to three rounds of tool calls, then it must answer
# Where an answer turns into call syntax or prompt text; everything from here on is cut.
LEAK = re.compile(r"<tool_call>|</tool_call>|<tool_response>|```json|\{\s*\"name\"\s*:|To call a tool|"
                  r"<\|im_(?:start|end)\|>|<(?:start|end)_of_turn>|<\|endoftext\|>", re.IGNORECASE)
# Pydantic error types that mean the call itself was malformed, not that the user asked for the impossible.
MALFORMED = ("missing", "extra_forbidden", "string_type", "int_type", "float_type", "int_parsing", "float_parsing",
             "literal_error", "enum", "model_type", "dict_type", "bool_type", "bool_parsing")
NO_ANSWER = "I could not produce an answer to that. Try asking about a model, a GPU or a license."


class AgentState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]
    steps: int  # model calls so far in this turn; the caller resets it to 0 with each question


@dataclass(frozen=True)
class Deciders:
    """The chat model bound two ways. Both keep the tools in the prompt, so the cached prefix is
    the same for every call: `may_call` lets the model call or answer, `must_answer` withholds calls."""

    may_call: Runnable
    must_answer: Runnable
    first: Runnable  # may_call, with the topic question put to the model first (prompt.TOPIC_RULE)
    instructions: str
    copies: bool = False  # the model decodes calls under a grammar that can hold the user's phrases (`copied=`)
    copied_args: dict[str, dict[str, str]] = field(default_factory=dict)  # tool -> argument -> kind (AgentTool.copied)

    @classmethod
    def of(cls, chat_model: BaseChatModel, tools: list[AgentTool]) -> Deciders:
        instructions, schemas = prompt_prefix(tools)
        if not tools:
            return cls(chat_model, chat_model, chat_model, instructions)
        may_call = chat_model.bind_tools(schemas, tool_choice="auto")
        first = may_call
        if getattr(chat_model, "answers_probes", False):  # other backends decide with their native tool calling
            yes, no = TOPIC_WORDS
            first = chat_model.bind_tools(schemas, tool_choice="auto", probe=Probe(TOPIC_QUESTION, yes, no, TOPIC_MARGIN))
        return cls(may_call, chat_model.bind_tools(schemas, tool_choice="none"), first, instructions,
                   copies=getattr(chat_model, "copies_by_grammar", False),
                   copied_args={tool.name: tool.copied for tool in tools if tool.copied})


def validation_text(exc: ValidationError) -> str:
    """One short clause per problem, naming the argument, so a small model can fix its call."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        text = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts)


def _failure(call_id: str, name: str, error: str, *, users: bool) -> ToolMessage:
    """An error for the model: its own mistake to fix, or the user's request to explain."""
    advice = "Tell the user what is wrong with the request." if users else f"Fix the call and call {name} again."
    return ToolMessage(content=f"Error: {error} {advice}", tool_call_id=call_id, name=name, status="error",
                       artifact={"error": "input" if users else "call"})


def run_call(call: ToolCall, tools: dict[str, AgentTool], user_text: str, said: str | None = None) -> ToolMessage:
    """Validate and run one call; any problem becomes an error message for the model.

    An unknown name is the user's when they typed it, the model's when it garbled a name the user
    spelled right. Any other exception of a tool is reported as a failure of that tool: the turn
    goes on and the person hears about it.
    """
    name, call_id = call["name"], call["id"] or ""
    tool = tools.get(name)
    if tool is None:
        return _failure(call_id, name, f"There is no tool named '{name}'. Available: {', '.join(tools)}.", users=False)
    made_up = uncopied_arguments(call["args"], user_text if said is None else said)
    if made_up:
        values = ", ".join(f"{arg} '{call['args'][arg]}'" for arg in made_up)
        return _failure(call_id, name, f"{values}: not in the user's messages. Copy the user's own words, or leave "
                                       f"{' and '.join(made_up)} out when the user gave none.", users=False)
    try:
        output = tool.run(tool.args.model_validate(call["args"]))
    except ValidationError as exc:
        malformed = any(err["type"] in MALFORMED for err in exc.errors())
        return _failure(call_id, name, f"Invalid arguments for {name}: {validation_text(exc)}.", users=not malformed)
    except UnknownName as exc:
        typed = normalize(exc.name) in normalize(user_text)
        return _failure(call_id, name, exc.message, users=typed)
    except AdvisorError as exc:
        return _failure(call_id, name, exc.message, users=not _invented(exc.message, call["args"], user_text))
    except Exception as exc:  # noqa: BLE001 - a bug in one tool must not end the turn
        return ToolMessage(content=f"Error: the {name} tool failed ({type(exc).__name__}: {exc}). Tell the user it failed.",
                           tool_call_id=call_id, name=name, status="error", artifact={"error": "tool"})
    return ToolMessage(content=output.text, tool_call_id=call_id, name=name,
                       artifact={"data": output.data, "sources": output.sources})


def _invented(message: str, args: dict[str, Any], user_text: str) -> bool:
    """The error quotes an argument value the user never wrote: the model made it up, so it may retry."""
    quoted = {normalize(q) for q in re.findall(r"'([^']+)'", message)}
    return any(isinstance(v, str) and normalize(v) in quoted and normalize(v) not in normalize(user_text)
               for v in args.values())


def readable(answer: AIMessage | None) -> str:
    """The part of an answer worth showing: text before any leaked call syntax or prompt text."""
    if answer is None or not isinstance(answer.content, str):
        return ""
    text = answer.content
    leak = LEAK.search(text)
    return (text[:leak.start()] if leak else text).strip()


def prompt_prefix(tools: list[AgentTool]) -> tuple[str, list[dict[str, Any]]]:
    """The system prompt and tool schemas: the same on every model call of a process."""
    return system_prompt([tool.name for tool in tools]), [tool.openai_schema() for tool in tools]


def _call_key(name: str, args: Any) -> str:
    return f"{name}:{json.dumps(args, sort_keys=True, default=str)}"


def _earlier_calls(turn: list[BaseMessage]) -> set[str]:
    """Calls of this turn that ran (or were refused for what the user asked): no point making them again."""
    outcome = {m.tool_call_id: m for m in turn if isinstance(m, ToolMessage)}
    done = set()
    for message in turn:
        for call in message.tool_calls if isinstance(message, AIMessage) else []:
            result = outcome.get(call["id"] or "")
            kind = result.artifact.get("error") if result is not None and isinstance(result.artifact, dict) else None
            if result is not None and kind != "call":
                done.add(_call_key(call["name"], call["args"]))
    return done


def _without_repeats(reply: AIMessage, turn: list[BaseMessage]) -> AIMessage:
    done = _earlier_calls(turn)
    fresh = [c for c in reply.tool_calls if _call_key(c["name"], c["args"]) not in done]
    if len(fresh) == len(reply.tool_calls):
        return reply
    return reply.model_copy(update={"tool_calls": fresh})


def _decide(deciders: Deciders, state: AgentState, max_steps: int, has_tools: bool, scope: Scope | None,
            copyable: Copyable | None) -> AIMessage:
    steps = state.get("steps", 0) + 1
    turns = split_turns(state["messages"])
    turn = turns[-1]
    llm = deciders.may_call if has_tools and steps < max_steps else deciders.must_answer
    first_message = len(turns) == 1
    if steps == 1 and first_message and scope is not None and not scope.in_scope(str(turn[0].content)):
        llm = deciders.must_answer
    elif steps == 1 and first_message and llm is deciders.may_call:
        llm = deciders.first  # like the scope check, the topic question judges a thread's opening message only
    extra: dict[str, Any] = {}
    found: Mapping[str, tuple[str, ...]] = {}
    if llm is not deciders.must_answer and copyable is not None:
        # The questions the model sees (model_input keeps PAST_TURNS earlier ones): what a call may copy.
        asked = [str(t[0].content) for t in turns[-(PAST_TURNS + 1):] if t and isinstance(t[0], HumanMessage)]
        found = copyable(asked, _results_shown(turns[-(PAST_TURNS + 1):]))
        if deciders.copies:
            extra["copied"] = {tool: {arg: found.get(kind, ()) for arg, kind in args.items()}
                               for tool, args in deciders.copied_args.items()}
    reply = _invoke(llm, state["messages"], deciders.instructions, **extra)
    if llm is deciders.must_answer and (reply.tool_calls or reply.invalid_tool_calls):
        reply = AIMessage(content=reply.content, id=reply.id)  # no tools were offered: calls are not run
    if reply.tool_calls and not reply.invalid_tool_calls:
        reply = _one_call_per_alternative(reply, deciders.copied_args, found)
        reply = _without_repeats(reply, turn)
        if not reply.tool_calls:  # it only repeated itself: what it has is what there is
            reply = _invoke(deciders.must_answer, state["messages"], deciders.instructions)
            reply = AIMessage(content=reply.content, id=reply.id)
    return reply


def _one_call_per_alternative(reply: AIMessage, copied_args: dict[str, dict[str, str]],
                              found: Mapping[str, tuple[str, ...]]) -> AIMessage:
    """A call whose copied argument lists alternatives the user wrote ("deepseek r1 14b vs phi 4
    reasoning", "q4 and at q8", "a 4070 ti and also on a 4080"; tools/spans.listed) becomes one call
    per alternative, each an ordinary call with one value. A small model makes one call per reply
    and then answers (a second call in the same reply or after the first result: evals/README.md),
    but it copies a phrase that lists both; every alternative then gets its own result."""
    calls: list[ToolCall] = []
    for call in reply.tool_calls:
        kinds = copied_args.get(call["name"], {})
        options = [[(arg, part) for part in (listed(value, kinds[arg], found.get(kinds[arg], ()))
                                             if arg in kinds and isinstance(value, str) else (value,))]
                   for arg, value in call["args"].items()]
        combinations = list(itertools.product(*options))
        if len(combinations) == 1 or len(combinations) > MAX_LISTED:
            calls.append(call)
            continue
        calls += [{**call, "args": dict(combination), "id": f"{call['id']}-{n}"}
                  for n, combination in enumerate(combinations, 1)]
    return reply if calls == reply.tool_calls else reply.model_copy(update={"tool_calls": calls})


def _results_shown(turns: list[list[BaseMessage]]) -> list[str]:
    """Earlier turns' results as the model sees them (their first lines in prompt.earlier_note), for a
    follow-up about "the top one". Not this turn's: with those offered, the 1.5B model followed a
    recommendation with an estimate of its pick that nobody asked for (evals/README.md)."""
    return [str(m.content) for t in turns[:-1] for m in compact_turn(t) if isinstance(m, ToolMessage) and m.content]


def _invoke(llm: Runnable, messages: list[AnyMessage], instructions: str, **extra: Any) -> AIMessage:
    """One model call; if the conversation no longer fits the context window, earlier turns are left out."""
    try:
        reply = llm.invoke(model_input(messages, instructions), **extra)
    except PromptTooLong:
        reply = llm.invoke(model_input(messages, instructions, past_turns=0), **extra)
    assert isinstance(reply, AIMessage)
    return reply


class Scope(Protocol):
    def in_scope(self, text: str) -> bool: ...


# The user's questions and the tool results shown -> for each copied argument, the phrases its
# parser reads (tools/spans.values_in).
Copyable = Callable[[list[str], list[str]], Mapping[str, tuple[str, ...]]]


def build_graph(chat_model: BaseChatModel, tools: list[AgentTool], checkpointer: BaseCheckpointSaver | None,
                *, max_steps: int = MAX_STEPS, scope: Scope | None = None,
                copyable: Copyable | None = None) -> CompiledStateGraph:
    by_name = {tool.name: tool for tool in tools}
    deciders = Deciders.of(chat_model, tools)
    prompt_text = prompt_runs(deciders.instructions)  # what an answer must not repeat (advisor/agent/leaks.py)

    def agent(state: AgentState) -> dict[str, Any]:
        return {"messages": [_decide(deciders, state, max_steps, bool(tools), scope, copyable)], "steps": state.get("steps", 0) + 1}

    def route(state: AgentState) -> Literal["tools", "finish"]:
        last = state["messages"][-1]
        wants_tools = isinstance(last, AIMessage) and bool(last.tool_calls or last.invalid_tool_calls)
        return "tools" if wants_tools and state.get("steps", 0) < max_steps else "finish"

    def act(state: AgentState) -> dict[str, Any]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        asked = "\n".join(str(t[0].content) for t in split_turns(state["messages"]) if t and isinstance(t[0], HumanMessage))
        results_so_far = [str(m.content) for m in state["messages"] if isinstance(m, ToolMessage) and m.status != "error"]
        seen = "\n".join([asked, *results_so_far])  # not the errors: they quote the rejected values back
        results = [run_call(call, by_name, asked, seen) for call in last.tool_calls]
        for bad in last.invalid_tool_calls:
            reason = f" ({bad['error']})" if bad.get("error") else ""
            results.append(_failure(bad["id"] or "", bad["name"] or "",
                                    f"the call to {bad['name']} was not a valid JSON object of arguments{reason}.", users=False))
        return {"messages": results}

    def finish(state: AgentState) -> dict[str, Any]:
        turn = split_turns(state["messages"])[-1]
        answer = final_answer(turn)
        cited = any(m.artifact.get("sources") for m in turn if isinstance(m, ToolMessage) and isinstance(m.artifact, dict))
        text, _ = without_unsupported_attribution(readable(answer), cited)
        text, cut = without_prompt_text(text, prompt_text)
        if text and answer is not None:
            if text == str(answer.content).strip():
                return {}
            marks = {**answer.additional_kwargs, "repaired": True} if cut else answer.additional_kwargs
            return {"messages": [answer.model_copy(update={"content": text, "additional_kwargs": marks})]}
        found = [(m.name or "", m.artifact["data"]) for m in turn
                 if isinstance(m, ToolMessage) and m.status != "error" and isinstance(m.artifact, dict)]
        errors = [str(m.content).removeprefix("Error: ").split(" Tell the user")[0] for m in turn
                  if isinstance(m, ToolMessage) and isinstance(m.artifact, dict) and m.artifact.get("error") in ("input", "tool")]
        text = fallback_table(found) or " ".join(errors) or NO_ANSWER
        reply = AIMessage(content=text, additional_kwargs={"fallback": True})
        if answer is not None and answer.id:
            reply.id = answer.id  # replaces the unusable answer in the thread
        return {"messages": [reply]}

    graph = StateGraph(AgentState)
    graph.add_node("agent", agent)
    graph.add_node("tools", act)
    graph.add_node("finish", finish)
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", route)
    graph.add_edge("tools", "agent")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)
