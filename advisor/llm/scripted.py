"""A chat model that replays a script, so the agent can be tested without a real model.

The agent tests, the TUI tests and the eval oracle all need a model whose every reply is
known in advance. It streams text word by word and tool calls as chunks, exactly the way the
llama.cpp adapter does, so the graph and the front ends see the same event sequence.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any, Callable, Iterator, Sequence, Union

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.runnables import Runnable
from pydantic import PrivateAttr

from advisor.llm.probe import Probe
from advisor.llm.streaming import StreamingChatModel

Reply = Union[str, AIMessage, Callable[[list[BaseMessage]], Union[str, AIMessage]]]


def tool_call(name: str, args: dict[str, Any] | str, text: str = "") -> AIMessage:
    """A scripted reply that calls one tool; `args` as a string scripts a malformed call."""
    call_id = f"call_{uuid.uuid4().hex[:8]}"
    if isinstance(args, str):
        return AIMessage(content=text, invalid_tool_calls=[{"name": name, "args": args, "id": call_id, "error": None,
                                                            "type": "invalid_tool_call"}])
    return AIMessage(content=text, tool_calls=[{"name": name, "args": args, "id": call_id, "type": "tool_call"}])


class ScriptedChatModel(StreamingChatModel):
    """Replays `replies` in order, one per model call; a callable reply sees the prompt messages.

    `seen` keeps the messages of every call so tests can check what the model was shown,
    `offered` the tool names it could call at each call (none under tool_choice="none"), and
    `choices` the tool_choice of each call ("any" when a call was required), `allowed`
    the tools a required call was narrowed to (None: any of those offered), and `probes` the
    question bound to each call (advisor/llm/probe.py; put to the model only by a subclass
    that sets `answers_probes`, and then not answered: the script decides).
    """

    replies: list[Any]
    model_name: str = "scripted"

    _position: int = PrivateAttr(default=0)
    _seen: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _offered: list[list[str]] = PrivateAttr(default_factory=list)
    _choices: list[str | None] = PrivateAttr(default_factory=list)
    _allowed: list[list[str] | None] = PrivateAttr(default_factory=list)
    _probes: list[Probe | None] = PrivateAttr(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    @property
    def seen(self) -> list[list[BaseMessage]]:
        return self._seen

    @property
    def offered(self) -> list[list[str]]:
        return self._offered

    @property
    def choices(self) -> list[str | None]:
        return self._choices

    @property
    def allowed(self) -> list[list[str] | None]:
        return self._allowed

    @property
    def probes(self) -> list[Probe | None]:
        return self._probes

    @property
    def remaining(self) -> int:
        return len(self.replies) - self._position

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any) -> Runnable:
        names = [] if tool_choice == "none" else [_tool_name(tool) for tool in tools]
        return self.bind(tool_names=names, tool_choice=tool_choice, **kwargs)

    def _next_reply(self, messages: list[BaseMessage], tool_names: list[str], tool_choice: str | None,
                    allowed: list[str] | None, probe: Probe | None = None) -> AIMessage:
        self._seen.append(list(messages))
        self._probes.append(probe)
        self._offered.append(list(tool_names))
        self._choices.append(tool_choice)
        self._allowed.append(allowed)
        if self._position >= len(self.replies):
            raise RuntimeError(f"ScriptedChatModel ran out of replies after {len(self.replies)} calls")
        reply = self.replies[self._position]
        self._position += 1
        if callable(reply):
            reply = reply(list(messages))
        return AIMessage(content=reply) if isinstance(reply, str) else reply

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._next_reply(messages, kwargs.get("tool_names", []), kwargs.get("tool_choice"),
                                 kwargs.get("allowed_tools"), kwargs.get("probe"))
        text = reply.content if isinstance(reply.content, str) else ""
        for piece in re.findall(r"\S+\s*|\s+", text):
            yield self.text_chunk(piece, run_manager)
        calls = [{"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                 for i, c in enumerate(reply.tool_calls)]
        calls += [{"name": c["name"], "args": c["args"], "id": c["id"], "index": len(calls) + i}
                  for i, c in enumerate(reply.invalid_tool_calls)]
        prompt_tokens = sum(len(str(m.content).split()) for m in messages)
        yield ChatGenerationChunk(message=AIMessageChunk(
            content="", tool_call_chunks=calls,
            usage_metadata={"input_tokens": prompt_tokens, "output_tokens": len(text.split()),
                            "total_tokens": prompt_tokens + len(text.split())},
        ))


def _tool_name(tool: Any) -> str:
    if isinstance(tool, dict):
        return tool.get("function", tool).get("name", "")
    return getattr(tool, "name", getattr(tool, "__name__", str(tool)))
