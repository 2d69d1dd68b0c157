"""OpenAI-compatible servers as backing models: the choice strings, and clear errors naming the URL
when the server is down or answers garbage (tiny local HTTP servers stand in; no model runs)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.messages import HumanMessage

from advisor.agent import open_advisor
from advisor.agent.transcript import record_turn
from advisor.llm.choices import is_endpoint, parse_endpoint, with_base_url
from advisor.llm.endpoints import EndpointUnavailable, load_endpoint_model
from advisor.llm.packs import ModelUnavailable

MODELS = json.dumps({"object": "list", "data": [{"id": "tiny", "object": "model"}]}).encode()


def test_ollama_tags_keep_their_colons_and_default_to_the_local_ollama() -> None:
    endpoint = parse_endpoint("ollama:qwen2.5:7b")
    assert (endpoint.model, endpoint.base_url) == ("qwen2.5:7b", "http://localhost:11434/v1")


def test_openai_models_take_the_base_url_given_else_openai_base_url_else_openais(monkeypatch) -> None:
    assert parse_endpoint(with_base_url("openai:qwen", "http://gpu-box:8000/v1/")).base_url == "http://gpu-box:8000/v1"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://localhost:8080/v1")
    assert parse_endpoint("openai:qwen").base_url == "http://localhost:8080/v1"
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert parse_endpoint("openai:gpt-4o-mini").base_url == "https://api.openai.com/v1"


def test_packs_and_paths_are_not_endpoints_and_a_base_url_for_them_is_refused() -> None:
    assert not is_endpoint("qwen1.5b") and not is_endpoint("/models/x.gguf") and not is_endpoint(None)
    assert is_endpoint("openai:x") and is_endpoint("ollama:llama3.2")
    with pytest.raises(ModelUnavailable, match="--base-url is for an OpenAI-compatible server"):
        with_base_url("qwen0.5b", "http://localhost:8080/v1")
    with pytest.raises(ModelUnavailable, match="names no model"):
        parse_endpoint("ollama:")


def test_a_server_that_is_down_gets_a_message_naming_its_url() -> None:
    with socket.socket() as probe:  # a port nobody listens on once this closes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(EndpointUnavailable, match=f"No OpenAI-compatible server answers at http://127.0.0.1:{port}/v1"):
        load_endpoint_model(f"openai:tiny@http://127.0.0.1:{port}/v1")


class _Garbage(BaseHTTPRequestHandler):
    """Answers every request with 200 and a line of plain text, like a web page on the wrong port."""

    seen_keys: list[str] = []

    def _reply(self, body: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.seen_keys.append(self.headers.get("Authorization", ""))
        self._reply(b"hello, this is not an API", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._reply(b"hello, this is not an API", "text/plain")

    def log_message(self, *args: object) -> None:
        pass


class _ModelsOnly(_Garbage):
    """Lists a model properly, then answers chat completions with a JSON object of the wrong shape."""

    def do_GET(self) -> None:  # noqa: N802
        self.seen_keys.append(self.headers.get("Authorization", ""))
        self._reply(MODELS, "application/json")

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._reply(b'{"unexpected": true}', "application/json")


def _serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def garbage_server() -> Iterator[str]:
    yield from _serve(_Garbage)


@pytest.fixture
def models_only_server() -> Iterator[str]:
    yield from _serve(_ModelsOnly)


def test_a_server_answering_garbage_gets_a_message_naming_its_url(garbage_server) -> None:
    with pytest.raises(EndpointUnavailable, match=f"at {garbage_server} does not answer like an OpenAI-compatible API"):
        load_endpoint_model(f"openai:tiny@{garbage_server}")


def test_the_key_comes_from_openai_api_key_when_set(garbage_server, monkeypatch) -> None:
    _Garbage.seen_keys.clear()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-123")
    with pytest.raises(EndpointUnavailable):
        load_endpoint_model(f"openai:tiny@{garbage_server}")
    monkeypatch.delenv("OPENAI_API_KEY")
    with pytest.raises(EndpointUnavailable):
        load_endpoint_model(f"openai:tiny@{garbage_server}")
    assert _Garbage.seen_keys[0] == "Bearer sk-test-123"
    assert _Garbage.seen_keys[1].startswith("Bearer ") and "sk-test" not in _Garbage.seen_keys[1]


def test_a_garbage_chat_completion_becomes_an_error_naming_the_url(models_only_server) -> None:
    model = load_endpoint_model(f"openai:tiny@{models_only_server}")
    with pytest.raises(EndpointUnavailable, match=f"model server at {models_only_server}"):
        model.invoke([HumanMessage(content="hello")])


def test_a_streamed_reply_from_a_garbage_server_becomes_an_error_naming_the_url(models_only_server) -> None:
    model = load_endpoint_model(f"openai:tiny@{models_only_server}")
    with pytest.raises(EndpointUnavailable, match=f"model server at {models_only_server} sent no chat completion"):
        list(model.stream([HumanMessage(content="hello")]))


def test_the_advisor_over_a_garbage_server_reports_a_failure_naming_the_url_not_a_traceback(models_only_server,
                                                                                              tmp_path) -> None:
    advisor = open_advisor(f"openai:tiny@{models_only_server}", data_dir=tmp_path / "data")
    try:
        turn = record_turn(advisor.stream("What's the best coding model for a 16 GB card?", "t1"))
    finally:
        advisor.close()
    assert turn.failure and models_only_server in turn.failure


def test_narrowing_to_some_tools_sends_only_those_and_hints_for_the_llama_model_are_dropped() -> None:
    model = load_endpoint_model("openai:tiny@http://127.0.0.1:9/v1", check=False)

    def tool(name: str) -> dict:
        return {"type": "function", "function": {"name": name, "description": name, "parameters": {"type": "object"}}}

    bound = model.bind_tools([tool("estimate"), tool("license")], tool_choice="auto", allowed_tools=["license"],
                             probe="Does a tool help here?")
    assert [t["function"]["name"] for t in bound.kwargs["tools"]] == ["license"]
    assert bound.kwargs["tool_choice"] == "auto"
    assert "allowed_tools" not in bound.kwargs and "probe" not in bound.kwargs, "llama-only hints never reach the server"


def _completion(content: str | None, calls: list[dict] | None = None) -> dict:
    message: dict = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = [{"id": f"call_{i}", "type": "function",
                                  "function": {"name": c["name"], "arguments": json.dumps(c["args"])}}
                                 for i, c in enumerate(calls)]
    return {"id": "cmpl-1", "object": "chat.completion", "created": 0, "model": "tiny",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12}}


class _Scripted(_Garbage):
    """A server that answers chat completions from a script and keeps every request body."""

    replies: list[dict] = []
    bodies: list[dict] = []

    def do_GET(self) -> None:  # noqa: N802
        self._reply(MODELS, "application/json")

    def do_POST(self) -> None:  # noqa: N802
        self.bodies.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
        self._reply(json.dumps(self.replies.pop(0)).encode(), "application/json")


def test_a_call_a_server_wrote_as_text_is_asked_for_again_as_a_required_call() -> None:
    """llama-cpp-python's chatml-function-calling format can answer "functions.license:" as text."""
    _Scripted.bodies.clear()
    _Scripted.replies[:] = [_completion("functions.license:"), _completion("", [{"name": "license", "args": {"name": "Gemma 3"}}])]
    for url in _serve(_Scripted):
        tools = [{"type": "function", "function": {"name": "license", "description": "license terms",
                                                    "parameters": {"type": "object", "properties": {"name": {"type": "string"}}}}}]
        model = load_endpoint_model(f"openai:tiny@{url}").bind_tools(tools, tool_choice="auto")
        reply = None
        for chunk in model.stream([HumanMessage(content="Is Gemma 3 open?")]):
            reply = chunk if reply is None else reply + chunk
    assert reply is not None and [c["name"] for c in reply.tool_calls] == ["license"]
    assert reply.tool_calls[0]["args"] == {"name": "Gemma 3"}
    assert _Scripted.bodies[0]["tool_choice"] == "auto"
    assert _Scripted.bodies[1]["tool_choice"] == {"type": "function", "function": {"name": "license"}}


def test_an_assistant_turn_that_only_called_tools_is_sent_with_empty_text_not_null() -> None:
    from langchain_core.messages import AIMessage, ToolMessage

    model = load_endpoint_model("openai:tiny@http://127.0.0.1:9/v1", check=False)
    called = AIMessage(content="", tool_calls=[{"name": "license", "args": {"name": "Gemma 3"}, "id": "call_0"}])
    payload = model._get_request_payload([HumanMessage(content="Is Gemma 3 open?"), called,
                                          ToolMessage(content="open weights", tool_call_id="call_0")])
    assistant = [m for m in payload["messages"] if m["role"] == "assistant"]
    assert assistant[0]["content"] == "" and assistant[0]["tool_calls"]
