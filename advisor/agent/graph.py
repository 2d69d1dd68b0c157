"""The agent loop as a LangGraph StateGraph: agent -> tools -> agent ... -> finish.

The model writes the calls' arguments and the answer; when it must call and when it must
answer is decided here, because a 1.5B model decides that badly (it calls for "hi!", answers
a second question from memory, repeats a call, stops after the first of two):

- `agent`, first step: the router (advisor/agent/routing.py) says whether the question needs
  a tool. If so the model must call one, under a grammar; if not it answers without tools.
  A first question about "it" with no model named gets the agent's own question back.
- `agent`, later steps: a call that failed because the model got it wrong is retried; a part
  of the question still uncovered (advisor/agent/agenda.py) gets one more call, with a hint
  naming it; otherwise, or on the last step, the model answers.
- Each call's optional values are checked against what the user wrote, and made-up ones are
  dropped before it runs (advisor/agent/arguments.py).
- `tools` runs the calls. Problems never raise: they come back to the model as text, marked
  as the model's mistake (fix and retry) or as the user's (explain it to them).
- `finish` makes sure the turn ends with an answer: if the model wrote nothing usable, the
  tool results themselves, as tables, become the answer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage, ToolCall, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph
from pydantic import ValidationError

from advisor.agent.agenda import Call, Planner
from advisor.agent.arguments import ArgumentCheck
from advisor.agent.prompt import final_answer, model_input, split_turns, system_prompt
from advisor.agent.render import fallback_table
from advisor.agent.routing import Router
from advisor.agent.toolset import AgentTool
from knowledge.schema import Catalog
from tools.errors import AdvisorError, UnknownName
from tools.resolve import normalize

MAX_STEPS = 4  # model calls per turn: up to three tool rounds, then it must answer
CALL_MARKERS = ("<tool_call>", "{\"name\"", "```")
# "How fast is it?" as a first question: the one precise question back, asked by the agent itself
# (the router knows exactly what is missing; the small model, asked to say it, wrote "Error: ...").
ASK_WHICH_MODEL = ("Which model do you mean? Name it (for example \"Qwen3 8B\" or \"Gemma 4 31B\"), and your GPU "
                   "if it is not this machine, and I will look it up.")
# Pydantic error types that mean the call itself was malformed, not that the user asked for the impossible.
MALFORMED = ("missing", "extra_forbidden", "string_type", "int_type", "float_type", "int_parsing", "float_parsing",
             "literal_error", "enum", "model_type", "dict_type", "bool_type", "bool_parsing")


class AgentState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]
    steps: int  # model calls so far in this turn; the caller resets it to 0 with each question


def validation_text(exc: ValidationError) -> str:
    """One short clause per problem, naming the argument, so a small model can fix its call."""
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if p not in ("hardware",))
        text = err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts)


def _failure(call_id: str, name: str, error: str, *, users: bool) -> ToolMessage:
    """An error for the model: its own mistake to fix, or the user's request to explain."""
    advice = "Tell the user what is wrong with the request." if users else f"Fix the call and call {name} again."
    return ToolMessage(content=f"Error: {error} {advice}", tool_call_id=call_id, name=name, status="error",
                       artifact={"error": "input" if users else "call"})


def run_call(call: ToolCall, tools: dict[str, AgentTool], user_text: str) -> ToolMessage:
    """Validate and run one call; any problem becomes an error message for the model."""
    name, call_id = call["name"], call["id"] or ""
    tool = tools.get(name)
    if tool is None:
        return _failure(call_id, name, f"There is no tool named '{name}'. Available: {', '.join(tools)}.", users=False)
    try:
        output = tool.run(tool.args.model_validate(call["args"]))
    except ValidationError as exc:
        malformed = any(err["type"] in MALFORMED for err in exc.errors())
        return _failure(call_id, name, f"Invalid arguments for {name}: {validation_text(exc)}.", users=not malformed)
    except UnknownName as exc:
        typed = normalize(exc.name) in normalize(user_text)  # the user's unknown name, or the model's garbled one
        return _failure(call_id, name, exc.message, users=typed)
    except AdvisorError as exc:
        return _failure(call_id, name, exc.message, users=True)
    return ToolMessage(content=output.text, tool_call_id=call_id, name=name,
                       artifact={"data": output.data, "sources": output.sources})


def usable(answer: AIMessage | None) -> bool:
    """An answer worth showing: some text, and not a tool call the model wrote as prose."""
    if answer is None or not isinstance(answer.content, str):
        return False
    text = answer.content.strip()
    return bool(text) and not text.startswith(CALL_MARKERS)


def prompt_prefix(tools: list[AgentTool]) -> tuple[str, list[dict[str, Any]]]:
    """The system prompt and tool schemas: the same on every model call of a process."""
    return system_prompt([tool.name for tool in tools]), [tool.openai_schema() for tool in tools]


def calls_of(turn: list[BaseMessage]) -> list[Call]:
    """The turn's calls that count as done: run, or refused because of what the user asked."""
    outcome = {m.tool_call_id: m for m in turn if isinstance(m, ToolMessage)}
    done = []
    for message in turn:
        for call in message.tool_calls if isinstance(message, AIMessage) else []:
            result = outcome.get(call["id"] or "")
            kind = result.artifact.get("error") if result is not None and isinstance(result.artifact, dict) else None
            if result is not None and kind != "call":
                done.append(Call(call["name"], dict(call["args"]), failed_on_input=kind == "input"))
    return done


def _retry_needed(turn: list[BaseMessage]) -> bool:
    """The last round of calls holds a mistake of the model's (bad JSON, unknown tool, wrong types)."""
    last_round = []
    for message in reversed(turn):
        if not isinstance(message, ToolMessage):
            break
        last_round.append(message)
    return any(isinstance(m.artifact, dict) and m.artifact.get("error") == "call" for m in last_round)


def _with_note(messages: list[BaseMessage], note: str) -> list[BaseMessage]:
    """A note rides on the last message the model reads (a tool result, or the question); it is
    not stored in the thread."""
    last = messages[-1]
    return [*messages[:-1], last.model_copy(update={"content": f"{last.content}\n{note}"})]


def _grounded(reply: AIMessage, check: ArgumentCheck, user_text: str) -> AIMessage:
    if not reply.tool_calls:
        return reply
    calls, dropped = [], []
    for call in reply.tool_calls:
        args, gone = check.ground(dict(call["args"]), user_text)
        calls.append({**call, "args": args})
        dropped += [f"{call['name']}.{item}" for item in gone]
    return reply.model_copy(update={"tool_calls": calls, "additional_kwargs": {**reply.additional_kwargs, "dropped_args": dropped}})


def build_graph(chat_model: BaseChatModel, tools: list[AgentTool], checkpointer: BaseCheckpointSaver | None,
                catalog: Catalog, *, max_steps: int = MAX_STEPS) -> CompiledStateGraph:
    router, planner, check = Router.from_catalog(catalog), Planner.from_catalog(catalog), ArgumentCheck.from_catalog(catalog)
    by_name = {tool.name: tool for tool in tools}
    instructions, schemas = prompt_prefix(tools)
    # Both variants keep the tools in the prompt, so the cached prefix is the same for all calls.
    must_call = chat_model.bind_tools(schemas, tool_choice="any") if tools else chat_model
    no_call = chat_model.bind_tools(schemas, tool_choice="none") if tools else chat_model

    def user_text(turns: list[list[BaseMessage]]) -> str:
        return "\n".join(str(t[0].content) for t in turns if t and isinstance(t[0], HumanMessage))

    def agent(state: AgentState) -> dict[str, Any]:
        steps = state.get("steps", 0) + 1
        turns = split_turns(state["messages"])
        turn, question = turns[-1], str(turns[-1][0].content)
        messages = model_input(state["messages"], instructions)
        llm = no_call
        if not tools:
            llm = chat_model
        elif steps == 1:
            follow_up = len(turns) > 1
            if router.route(question, has_history=follow_up) == "call":
                earlier = tuple(dict.fromkeys(c.name for c in calls_of(turns[-2]))) if follow_up else ()
                allowed = router.first_tools(question, has_history=follow_up, available=list(by_name), earlier_tools=earlier)
                llm = must_call.bind(allowed_tools=allowed)
            elif router.points_at_nothing(question, has_history=follow_up):
                return {"messages": [AIMessage(content=ASK_WHICH_MODEL)], "steps": steps}
        elif steps < max_steps:
            earlier = calls_of(turns[-2]) if len(turns) > 1 else []
            hint = planner.next_step(planner.agenda(question, earlier), calls_of(turn))
            if _retry_needed(turn):
                llm = must_call
            elif hint:
                llm, messages = must_call, _with_note(messages, f"Next: {hint}.")
        reply = llm.invoke(messages)
        if llm is no_call and isinstance(reply, AIMessage) and (reply.tool_calls or reply.invalid_tool_calls):
            reply = AIMessage(content=reply.content, id=reply.id)  # no tools were offered: calls are not run
        if isinstance(reply, AIMessage):
            reply = _grounded(reply, check, user_text(turns))
        return {"messages": [reply], "steps": steps}

    def route(state: AgentState) -> Literal["tools", "finish"]:
        last = state["messages"][-1]
        wants_tools = isinstance(last, AIMessage) and bool(last.tool_calls or last.invalid_tool_calls)
        return "tools" if wants_tools and state.get("steps", 0) < max_steps else "finish"

    def act(state: AgentState) -> dict[str, Any]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        said = user_text(split_turns(state["messages"]))
        results = [run_call(call, by_name, said) for call in last.tool_calls]
        for bad in last.invalid_tool_calls:
            reason = f" ({bad['error']})" if bad.get("error") else ""
            results.append(_failure(bad["id"] or "", bad["name"] or "",
                                    f"the call to {bad['name']} was not a valid JSON object of arguments{reason}.", users=False))
        return {"messages": results}

    def finish(state: AgentState) -> dict[str, Any]:
        turn = split_turns(state["messages"])[-1]
        answer = final_answer(turn)
        if usable(answer):
            return {}
        found = [(m.name or "", m.artifact["data"]) for m in turn
                 if isinstance(m, ToolMessage) and m.status != "error" and isinstance(m.artifact, dict)]
        text = fallback_table(found) or "I could not produce an answer to that. Try asking about a model, a GPU or a license."
        return {"messages": [AIMessage(content=text, additional_kwargs={"fallback": True})]}

    graph = StateGraph(AgentState)
    graph.add_node("agent", agent)
    graph.add_node("tools", act)
    graph.add_node("finish", finish)
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", route)
    graph.add_edge("tools", "agent")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)
