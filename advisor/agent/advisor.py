"""The Advisor: one question in, a stream of events out, conversations kept on disk.

Front ends (CLI, TUI, evals) see only this class and the events of advisor/events.py; LangGraph
and llama.cpp stay behind it. Each turn runs the graph with the question as input; LangGraph
checkpoints that input before the first model call, so a question survives the app being
closed mid-answer.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, Iterator

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langgraph.checkpoint.sqlite import SqliteSaver

from advisor.agent.graph import Scope, build_graph, prompt_prefix
from advisor.agent.scope import default_scope_check
from advisor.agent.grounding import ungrounded_figures
from advisor.agent.prompt import final_answer, model_input, split_turns
from advisor.agent.threads import ThreadInfo, ThreadStore
from advisor.agent.toolset import AgentTool, build_tools
from advisor.events import STOPPED, Answer, Event, Failure, Timings, Token, ToolCall, ToolResult, UserMessage
from advisor.llm.stop import StopSignal
from advisor.bench import load_bench
from advisor.profile import load_profile
from advisor.settings import Paths, chat_model_name, paths
from knowledge import load_catalog
from knowledge.schema import Catalog
from tools.errors import AdvisorError
from tools.spans import copying_from

Progress = Callable[[str, float], None]


class Advisor:
    def __init__(self, chat_model: BaseChatModel, tools: list[AgentTool], catalog: Catalog, where: Paths,
                 model_name: str, interrupt: threading.Event | None = None, scope: Scope | None = None) -> None:
        self.model_name = model_name
        self.tools = tools
        self._interrupt = interrupt or threading.Event()
        self._store = ThreadStore(where.threads_db)
        self._conn = sqlite3.connect(str(where.threads_db), check_same_thread=False, timeout=10)
        # Calls may copy only phrases of the user's questions that the tools read (tools/spans.py).
        # ADVISOR_FREE_ARGUMENTS=1 turns that off, to measure what it changes (evals/README.md).
        copyable = None if os.environ.get("ADVISOR_FREE_ARGUMENTS") else copying_from(catalog)
        self._graph = build_graph(chat_model, tools, SqliteSaver(self._conn), scope=scope, copyable=copyable)
        self._busy = threading.Lock()
        self._chat_model = chat_model

    def stop(self) -> None:
        """Ask the answer being written to end now (Esc in the chat): safe from any thread."""
        self._interrupt.set()

    def warm_up(self) -> None:
        """Put the prompt prefix in the model's cache before the first question (llama.cpp only)."""
        warm_up = getattr(self._chat_model, "warm_up", None)
        if warm_up is not None:
            instructions, schemas = prompt_prefix(self.tools)
            warm_up(model_input([], instructions), schemas)

    # --- one turn ---------------------------------------------------------------------------

    def stream(self, question: str, thread_id: str) -> Iterator[Event]:
        """Answer `question` in `thread_id`, event by event; closing the iterator stops generation."""
        question = question.strip()
        if not question:
            yield Failure("The question is empty.")
            return
        if not self._busy.acquire(blocking=False):
            yield Failure("Still answering the previous question; close that stream first.")
            return
        self._interrupt.clear()
        finished = False
        streamed: list[str] = []
        try:
            self._store.record_question(thread_id, question)
            yield from self._run_turn(question, thread_id, streamed)
            finished = True
        finally:
            if not finished:
                self._interrupt.set()
                self._keep_stopped(thread_id, "".join(streamed))
            self._busy.release()

    def _keep_stopped(self, thread_id: str, text: str) -> None:
        """A stream closed mid-turn (Esc in the chat): the text written so far becomes the turn's
        answer, marked as stopped, so the thread shows what the person saw and the next question
        does not continue the unfinished turn."""
        config = {"configurable": {"thread_id": thread_id}}
        try:
            answer = AIMessage(content=f"{text.strip()} {STOPPED}".strip(), additional_kwargs={"stopped": True})
            turn = split_turns(self._graph.get_state(config).values.get("messages", []))[-1]
            if len(turn) > 1 and isinstance(turn[-1], AIMessage) and not turn[-1].tool_calls:
                answer.id = turn[-1].id  # the cut answer got saved already: replace it rather than add a second
            self._graph.update_state(config, {"messages": [answer]}, as_node="finish")
        except Exception:  # noqa: BLE001 - the question is already saved; losing the partial text must not raise here
            if os.environ.get("ADVISOR_DEBUG"):
                raise

    def _run_turn(self, question: str, thread_id: str, streamed: list[str]) -> Iterator[Event]:
        started = time.perf_counter()
        first_token: float | None = None
        replies: list[AIMessage] = []
        config = {"configurable": {"thread_id": thread_id}, "recursion_limit": 25}
        inputs = {"messages": [HumanMessage(content=question)], "steps": 0}
        try:
            for mode, payload in self._graph.stream(inputs, config, stream_mode=["messages", "updates"], durability="sync"):
                if mode == "messages":
                    chunk, meta = payload
                    if meta.get("langgraph_node") == "agent" and isinstance(chunk.content, str) and chunk.content:
                        if first_token is None:
                            first_token = time.perf_counter() - started
                        streamed.append(chunk.content)
                        yield Token(chunk.content)
                    continue
                for node, update in payload.items():
                    for message in (update or {}).get("messages", []):
                        if node == "agent" and isinstance(message, AIMessage):
                            replies.append(message)
                        yield from _events_of(message, live=True)
        except AdvisorError as exc:
            yield Failure(exc.message)
            return
        except Exception as exc:  # noqa: BLE001 - a turn never dies with a traceback; the question is already saved
            if os.environ.get("ADVISOR_DEBUG"):
                raise
            yield Failure(f"Something went wrong while answering ({type(exc).__name__}: {exc}). "
                          "Your question is kept in this chat; ask again, or start a new chat.")
            return
        state = self._graph.get_state(config).values
        turn = split_turns(state.get("messages", []))[-1]
        usage = [m.usage_metadata for m in replies if m.usage_metadata]
        timings = Timings(
            total_s=round(time.perf_counter() - started, 3),
            first_token_s=None if first_token is None else round(first_token, 3),
            prompt_tokens=sum(u["input_tokens"] for u in usage),
            completion_tokens=sum(u["output_tokens"] for u in usage),
            cached_prompt_tokens=sum((u.get("input_token_details") or {}).get("cache_read", 0) for u in usage),
        )
        yield _answer(turn, timings)

    # --- conversations ----------------------------------------------------------------------

    def threads(self) -> list[ThreadInfo]:
        return self._store.list()

    def has_thread(self, thread_id: str) -> bool:
        return self._store.exists(thread_id)

    def history(self, thread_id: str) -> list[Event]:
        """The thread's past turns as events: question, tool calls and results, answer."""
        state = self._graph.get_state({"configurable": {"thread_id": thread_id}}).values
        events: list[Event] = []
        for turn in split_turns(state.get("messages", [])):
            for message in turn:
                events.extend(_events_of(message, live=False))
            if final_answer(turn) is not None:
                events.append(_answer(turn, None))
        return events

    def delete_thread(self, thread_id: str) -> None:
        self._graph.checkpointer.delete_thread(thread_id)
        self._store.delete(thread_id)

    def close(self) -> None:
        self._store.close()
        self._conn.close()


def _events_of(message: BaseMessage, *, live: bool) -> Iterator[Event]:
    """Events for one stored message. Answers are left to _answer, which sees the whole turn."""
    if isinstance(message, HumanMessage) and not live:
        yield UserMessage(str(message.content))
    elif isinstance(message, AIMessage):
        for call in message.tool_calls:
            yield ToolCall(call["id"] or "", call["name"], dict(call["args"]))
        for bad in message.invalid_tool_calls:
            yield ToolCall(bad["id"] or "", bad["name"] or "", {"raw": bad["args"]})
    elif isinstance(message, ToolMessage):
        ok = message.status != "error"
        artifact = message.artifact if isinstance(message.artifact, dict) else {}
        kind = artifact.get("error")
        yield ToolResult(message.tool_call_id, message.name or "", ok, artifact.get("data") if ok else None,
                         None if ok else str(message.content), text=str(message.content),
                         error_kind=kind if kind in ("call", "input") else None)


def _answer(turn: list[BaseMessage], timings: Timings | None) -> Answer:
    answer = final_answer(turn)
    text = str(answer.content).strip() if answer else ""
    results = [m for m in turn if isinstance(m, ToolMessage) and m.status != "error"]
    sources = sorted({s for m in results if isinstance(m.artifact, dict) for s in m.artifact.get("sources", [])})
    fallback = bool(answer and answer.additional_kwargs.get("fallback"))
    repaired = bool(answer and answer.additional_kwargs.get("repaired"))
    question = str(turn[0].content) if turn and isinstance(turn[0], HumanMessage) else ""
    ungrounded = [] if fallback else ungrounded_figures(text, [question, *(str(m.content) for m in results)])
    return Answer(text=text, sources=sources, timings=timings, fallback=fallback, repaired=repaired, ungrounded=ungrounded)


def open_advisor(model: str | None = None, *, chat_model: BaseChatModel | None = None, data_dir: Path | None = None,
                 progress: Progress | None = None, scope: Scope | None = None) -> Advisor:
    """An Advisor over the local model pack `model` (default: settings), or over an injected chat model.

    A loaded model gets the embedding scope check (advisor/agent/scope.py) unless `scope` is given;
    an injected one (tests, the eval oracle) only gets one when passed.

    Raises AdvisorError (e.g. ModelUnavailable naming the install command) when the model cannot be loaded.
    """
    where = paths() if data_dir is None else Paths(paths().cache_dir, data_dir)
    interrupt = StopSignal()  # llama.cpp watches it too, so a stop ends even a prompt evaluation at once
    if chat_model is None:
        from advisor.llm.chat_model import load_chat_model  # noqa: PLC0415 - llama.cpp only when a real model is used

        scope = scope or default_scope_check(load_catalog())  # loads in the background while the model loads
        chat_model = load_chat_model(model or chat_model_name(), progress=progress, interrupt=interrupt)
        name = chat_model.model_name
    else:
        name = str(getattr(chat_model, "model_name", type(chat_model).__name__))
    catalog = load_catalog()
    tools = build_tools(catalog, profile=lambda: load_profile(data_dir), index_dir=where.index_dir,
                        bench=lambda: load_bench(data_dir))
    advisor = Advisor(chat_model, tools, catalog, where, name, interrupt, scope=scope)
    if progress:
        progress("Reading the instructions into the model", 0.0)
    advisor.warm_up()
    if progress:
        progress("Reading the instructions into the model", 1.0)
    return advisor
