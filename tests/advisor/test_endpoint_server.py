"""End to end against a real OpenAI-compatible server: llama-cpp-python's own, started here on
localhost with the qwen0.5b pack (its `server` extra is in the dev install).

Slow: the server loads the model and evaluates every prompt in full on the CPU. What is
checked is the plumbing, which any server shares: the agent's tool schemas go out, native
tool calls come back as `AIMessage.tool_calls`, and a whole agent turn ends in an answer.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from advisor.agent import open_advisor
from advisor.agent.graph import prompt_prefix
from advisor.agent.toolset import build_tools
from advisor.agent.transcript import record_turn
from advisor.llm.endpoints import load_endpoint_model
from advisor.llm.packs import model_path
from advisor.profile import load_profile
from advisor.settings import paths
from knowledge import load_catalog

pytestmark = pytest.mark.slow

STARTUP_S = 180.0  # loading the 0.5B model on a busy 2-core machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory) -> Iterator[str]:
    path, _ = model_path("qwen0.5b", paths().models_dir)
    port = _free_port()
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    # chatml-function-calling: llama-cpp-python's chat format that returns OpenAI tool calls.
    server = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(path), "--host", "127.0.0.1",
                               "--port", str(port), "--chat_format", "chatml-function-calling", "--n_ctx", "8192",
                               "--n_threads", "1"], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert server.poll() is None, f"the server exited; see {log.name}"
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"the server did not start in {STARTUP_S:g} s; see {log.name}"
            time.sleep(1)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def test_the_agents_tools_go_out_and_a_native_tool_call_comes_back(server_url) -> None:
    catalog = load_catalog()
    tools = build_tools(catalog, profile=lambda: load_profile(None), index_dir=None)
    instructions, schemas = prompt_prefix(tools)
    model = load_endpoint_model(f"openai:qwen0.5b@{server_url}").bind_tools(schemas, tool_choice="auto")
    reply = model.invoke([SystemMessage(content=instructions),
                          HumanMessage(content="Estimate whether Qwen3 8B runs on an RTX 3060. Call the estimate tool.")])
    assert reply.tool_calls, f"no tool call; the model wrote {reply.content!r}"
    assert reply.tool_calls[0]["name"] in {t.name for t in tools}
    assert isinstance(reply.tool_calls[0]["args"], dict)


def test_a_whole_agent_turn_through_the_server_ends_in_an_answer(server_url, tmp_path) -> None:
    advisor = open_advisor(f"openai:qwen0.5b@{server_url}", data_dir=tmp_path / "data")
    try:
        turn = record_turn(advisor.stream("Is Gemma 3 27B licensed for commercial use?", "e2e"))
    finally:
        advisor.close()
    assert turn.failure is None
    assert turn.answer.strip()
    assert turn.timings and turn.timings.prompt_tokens > 0
