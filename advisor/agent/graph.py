"""The agent loop as a LangGraph StateGraph: agent -> tools -> agent ... -> finish.

- `agent` asks the chat model for the next step. The first step follows the router
  (advisor/agent/routing.py): a question about models, hardware or licenses must start with
  a tool call, anything else is answered without tools. Later steps let the model choose
  between another call and the answer; on the last allowed step it must answer.
- `tools` runs the requested calls. Bad arguments and unknown names come back to the model
  as the error text (it may retry); they never raise.
- `finish` makes sure the turn ends with an answer: if the model wrote nothing usable, the
  tool results themselves, as tables, become the answer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypedDict

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AnyMessage, ToolCall, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.graph.state import CompiledStateGraph
from pydantic import ValidationError

from advisor.agent.prompt import final_answer, model_input, split_turns, system_prompt
from advisor.agent.render import fallback_table
from advisor.agent.routing import Router
from advisor.agent.toolset import AgentTool
from tools.errors import AdvisorError

MAX_STEPS = 4  # model calls per turn: up to three tool rounds, then it must answer
CALL_MARKERS = ("<tool_call>", "{\"name\"", "```")


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


def run_call(call: ToolCall, tools: dict[str, AgentTool]) -> ToolMessage:
    """Validate and run one call; any problem becomes an error message for the model."""
    name, call_id = call["name"], call["id"] or ""
    tool = tools.get(name)
    if tool is None:
        error = f"There is no tool named '{name}'. Available: {', '.join(tools)}."
    else:
        try:
            output = tool.run(tool.args.model_validate(call["args"]))
        except ValidationError as exc:
            error = f"Invalid arguments for {name}: {validation_text(exc)}. Fix them and call {name} again."
        except AdvisorError as exc:
            error = exc.message
        else:
            return ToolMessage(content=output.text, tool_call_id=call_id, name=name,
                               artifact={"data": output.data, "sources": output.sources})
    return ToolMessage(content=f"Error: {error}", tool_call_id=call_id, name=name, status="error")


def usable(answer: AIMessage | None) -> bool:
    """An answer worth showing: some text, and not a tool call the model wrote as prose."""
    if answer is None or not isinstance(answer.content, str):
        return False
    text = answer.content.strip()
    return bool(text) and not text.startswith(CALL_MARKERS)


def prompt_prefix(tools: list[AgentTool]) -> tuple[str, list[dict[str, Any]]]:
    """The system prompt and tool schemas: the same on every model call of a process."""
    return system_prompt([tool.name for tool in tools]), [tool.openai_schema() for tool in tools]


def build_graph(chat_model: BaseChatModel, tools: list[AgentTool], checkpointer: BaseCheckpointSaver | None,
                router: Router, *, max_steps: int = MAX_STEPS) -> CompiledStateGraph:
    by_name = {tool.name: tool for tool in tools}
    instructions, schemas = prompt_prefix(tools)
    # Every variant keeps the tools in the prompt, so the cached prefix is the same for all.
    must_call = chat_model.bind_tools(schemas, tool_choice="any") if tools else chat_model
    may_call = chat_model.bind_tools(schemas) if tools else chat_model
    no_call = chat_model.bind_tools(schemas, tool_choice="none") if tools else chat_model

    def agent(state: AgentState) -> dict[str, Any]:
        steps = state.get("steps", 0) + 1
        if steps == 1:
            turns = split_turns(state["messages"])
            route = router.route(str(turns[-1][0].content), has_history=len(turns) > 1)
            llm = must_call if route == "call" else no_call
        else:
            llm = may_call if steps < max_steps else no_call
        reply = llm.invoke(model_input(state["messages"], instructions))
        if llm is no_call and isinstance(reply, AIMessage) and (reply.tool_calls or reply.invalid_tool_calls):
            reply = AIMessage(content=reply.content, id=reply.id)  # no tools were offered: calls are not run
        return {"messages": [reply], "steps": steps}

    def route(state: AgentState) -> Literal["tools", "finish"]:
        last = state["messages"][-1]
        wants_tools = isinstance(last, AIMessage) and bool(last.tool_calls or last.invalid_tool_calls)
        return "tools" if wants_tools and state.get("steps", 0) < max_steps else "finish"

    def act(state: AgentState) -> dict[str, Any]:
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        results = [run_call(call, by_name) for call in last.tool_calls]
        for bad in last.invalid_tool_calls:
            results.append(ToolMessage(
                content=f"Error: the call to {bad['name']} was not a valid JSON object of arguments"
                        f"{' (' + bad['error'] + ')' if bad.get('error') else ''}. Call it again.",
                tool_call_id=bad["id"] or "", name=bad["name"] or "", status="error"))
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
