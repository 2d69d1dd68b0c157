"""Any OpenAI-compatible server as the backing model, through LangChain's ChatOpenAI.

People who compare backing models run them in Ollama, llama-server, LM Studio or vLLM, and a
team that outgrows a laptop serves a bigger model from a GPU box; all of them speak the
OpenAI chat API with native tool calling. `ChatOpenAI` talks to any of them, so the agent
graph uses it exactly like the local llama.cpp model (`bind_tools` with tool_choice "auto" or
"none", `AIMessage.tool_calls` back). What this module adds (the choice strings themselves,
`openai:NAME[@URL]` and `ollama:TAG`, are parsed in advisor/llm/choices.py):

- the key from `OPENAI_API_KEY` when set, else a placeholder (local servers want none, the
  client insists on one);
- a check at load time that the server is there and answers like an OpenAI API, and errors
  during a turn turned into one sentence naming the URL, never a traceback;
- the small differences between servers and our llama model smoothed over (see the methods).
"""

from __future__ import annotations

import json
import os
import re
from typing import Any, Iterator, Sequence

import httpx
import openai
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.messages import AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_openai import ChatOpenAI

from advisor.llm.choices import Endpoint, parse_endpoint
from advisor.llm.packs import ModelUnavailable

PLACEHOLDER_KEY = "not-needed"  # local servers ignore the key; the OpenAI client requires one
PROBE_TIMEOUT_S = 30.0  # the load-time check of GET /models; a busy CPU-only server answers late
REQUEST_TIMEOUT_S = 300.0  # one model call; a CPU-only server may take minutes for a long prompt
_CALL_AS_TEXT = re.compile(r"functions\.([A-Za-z0-9_-]+):")  # a call a server wrote as text (see _stream)
OPENAI_BIND_KWARGS = {"strict", "parallel_tool_calls", "response_format", "stop"}  # what bind_tools passes on


class EndpointUnavailable(ModelUnavailable):
    """The OpenAI-compatible server cannot be used: down, unreachable, or answering something else."""


def probe(endpoint: Endpoint, timeout: float = PROBE_TIMEOUT_S) -> list[str]:
    """The model ids the server lists; raises EndpointUnavailable naming the URL if it does not answer like one."""
    url = f"{endpoint.base_url}/models"
    hint = {"ollama": " Is Ollama running (`ollama serve`)?"}.get(endpoint.provider, " Is the server running, and is --base-url right?")
    try:
        response = httpx.get(url, headers={"Authorization": f"Bearer {_api_key()}"}, timeout=timeout)
    except httpx.HTTPError as exc:
        raise EndpointUnavailable(f"No OpenAI-compatible server answers at {endpoint.base_url} "
                                  f"({type(exc).__name__}: {exc or 'no details'}).{hint}") from None
    if response.status_code >= 400:
        raise EndpointUnavailable(f"The server at {endpoint.base_url} refused GET /models with HTTP "
                                  f"{response.status_code}: {response.text[:200].strip() or 'no details'}.")
    try:
        listed = response.json()["data"]
        return [str(item["id"]) for item in listed]
    except (ValueError, KeyError, TypeError):
        raise EndpointUnavailable(f"The server at {endpoint.base_url} does not answer like an OpenAI-compatible API: "
                                  f"GET /models gave {response.text[:120].strip()!r}.") from None


def _api_key() -> str:
    return os.environ.get("OPENAI_API_KEY") or PLACEHOLDER_KEY


class EndpointChatModel(ChatOpenAI):
    """ChatOpenAI with the few adjustments the agent and real servers need (see each method)."""

    endpoint_label: str = ""  # the base URL, for error messages

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: str | dict | bool | None = None,
                   allowed_tools: list[str] | None = None, **kwargs: Any) -> Runnable:
        """Tools in the OpenAI format; the agent's hints for the local llama model are translated or dropped.

        `allowed_tools` (how the llama model narrows a call) becomes a narrower tool list. Other
        hints (e.g. `probe`, a yes/no question the llama model answers before it may call) have
        no OpenAI equivalent: a server with native tool calling decides that itself, and would
        reject the unknown parameter.
        """
        schemas = [convert_to_openai_tool(t) for t in tools]
        if allowed_tools:
            schemas = [s for s in schemas if s["function"]["name"] in allowed_tools] or schemas
        passed = {k: v for k, v in kwargs.items() if k in OPENAI_BIND_KWARGS}
        return super().bind_tools(schemas, tool_choice=tool_choice, **passed)

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        with self._errors_named():
            result = super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        message = result.generations[0].message
        named = _CALL_AS_TEXT.fullmatch(str(message.content).strip())
        offered = {t["function"]["name"] for t in kwargs.get("tools") or []}
        called = bool(getattr(message, "tool_calls", None))
        if kwargs.get("tool_choice") == "auto" and named and named.group(1) in offered and not called:
            # llama-cpp-python's "chatml-function-calling" format: when the model first picks
            # "message:", a grammar then lets it write only a function's name, which arrives as
            # text. The model meant that call; ask again with the call required.
            forced = {**kwargs, "tool_choice": {"type": "function", "function": {"name": named.group(1)}}}
            with self._errors_named():
                result = super()._generate(messages, stop=stop, run_manager=run_manager, **forced)
        return result

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        """Replies that may call a tool come from one plain request; text-only replies stream.

        llama-cpp-python's server returns no chunks at all when asked to stream a reply under
        tool_choice "auto", and servers differ in how they split streamed call arguments; the
        agent shows a call only once it is complete anyway.
        """
        if kwargs.get("tools") and kwargs.get("tool_choice") != "none":
            message = self._generate(messages, stop=stop, run_manager=run_manager, **kwargs).generations[0].message
            calls = [{"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                     for i, c in enumerate(getattr(message, "tool_calls", []))]
            calls += [{"name": c["name"], "args": c["args"], "id": c["id"], "index": len(calls) + i}
                      for i, c in enumerate(getattr(message, "invalid_tool_calls", []))]
            chunk = AIMessageChunk(content=message.content, tool_call_chunks=calls,
                                   usage_metadata=getattr(message, "usage_metadata", None),
                                   response_metadata=message.response_metadata, id=message.id)
            if run_manager and isinstance(message.content, str) and message.content:
                run_manager.on_llm_new_token(message.content, chunk=ChatGenerationChunk(message=chunk))
            yield ChatGenerationChunk(message=chunk)
            return
        streamed = False
        with self._errors_named():
            for chunk in super()._stream(messages, stop=stop, run_manager=run_manager, **kwargs):
                streamed = True
                yield chunk
        if not streamed:  # e.g. a plain-text page: no server-sent events at all
            raise EndpointUnavailable(f"The model server at {self.endpoint_label} sent no chat completion chunks; "
                                      "is it an OpenAI-compatible API?")

    def _get_request_payload(self, input_: Any, *, stop: list[str] | None = None, **kwargs: Any) -> dict:
        """An assistant turn that only called tools goes out with "" as its content, not null:
        llama-cpp-python's server rejects a null content (its schema says string), OpenAI's takes either."""
        payload = super()._get_request_payload(input_, stop=stop, **kwargs)
        for message in payload.get("messages", []):
            if message.get("role") == "assistant" and message.get("content") is None:
                message["content"] = ""
        return payload

    def _errors_named(self) -> _NamedErrors:
        return _NamedErrors(self.endpoint_label)


class _NamedErrors:
    """Turns what the OpenAI client raises into one sentence for the person, naming the server."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: Any) -> bool:
        if exc is None or isinstance(exc, (EndpointUnavailable, GeneratorExit, KeyboardInterrupt)):
            return False
        if isinstance(exc, openai.APIConnectionError):
            raise EndpointUnavailable(f"Lost the connection to the model server at {self.url} "
                                      f"({type(exc).__name__}). Is it still running?") from None
        if isinstance(exc, openai.APIStatusError):
            raise EndpointUnavailable(f"The model server at {self.url} answered HTTP {exc.status_code}: "
                                      f"{_brief(exc.message)}") from None
        if isinstance(exc, (openai.APIError, ValueError, TypeError, KeyError, AttributeError)):
            raise EndpointUnavailable(f"The model server at {self.url} sent something that is not an OpenAI "
                                      f"chat completion ({type(exc).__name__}: {_brief(str(exc))}).") from None
        return False


def _brief(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_endpoint_model(choice: str, *, check: bool = True) -> EndpointChatModel:
    """A chat model over the server `choice` names; with `check`, fails now (naming the URL) if it is not there."""
    endpoint = parse_endpoint(choice)
    if check:
        probe(endpoint)
    return EndpointChatModel(model=endpoint.model, base_url=endpoint.base_url, api_key=_api_key(), temperature=0,
                             timeout=REQUEST_TIMEOUT_S, max_retries=0, endpoint_label=endpoint.base_url)
