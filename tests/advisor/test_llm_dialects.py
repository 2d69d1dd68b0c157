"""How conversations and tool calls are written for each model family (no model needed)."""

from __future__ import annotations

import json

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

from advisor.agent.toolset import EstimateArgs, RecommendArgs, AgentTool
from advisor.llm.chat_model import LlamaChatModel, _call_chunk
from advisor.llm.dialects import HERMES, PLAIN_JSON, dialect_for
from advisor.llm.runtime import fallback_template


class FakeRuntime:
    def __init__(self, dialect):
        self.dialect = dialect


TOOLS = [AgentTool("recommend", RecommendArgs, print).openai_schema(), AgentTool("estimate", EstimateArgs, print).openai_schema()]


def test_families_get_their_dialect():
    assert dialect_for("qwen2") is HERMES and dialect_for("qwen3moe") is HERMES
    assert dialect_for("gemma3") is PLAIN_JSON and dialect_for("llama") is PLAIN_JSON


def test_tool_description_is_compact_and_lists_choices():
    text = HERMES.tools_prompt(TOOLS)
    assert "  - task (coding|general|reasoning|vision|long-context|agentic|multilingual|math|edge, optional)" in text
    assert "  - model (string, required): model name as the user wrote it" in text
    assert "<tool_call>" in text and "{" not in text.split("To call a tool")[0], "no JSON schema dump"


def test_messages_render_calls_and_results_in_the_dialect():
    model = LlamaChatModel.model_construct(runtime=FakeRuntime(HERMES), model_name="fake")
    call = {"name": "recommend", "args": {"task": "coding"}, "id": "c1", "type": "tool_call"}
    turns = model._chat_messages([
        SystemMessage("rules"), HumanMessage("q"), AIMessage("", tool_calls=[call]),
        ToolMessage("first", tool_call_id="c1", name="recommend"), ToolMessage("second", tool_call_id="c2", name="estimate"),
    ], TOOLS)
    assert [t["role"] for t in turns] == ["system", "user", "assistant", "user"]
    assert turns[0]["content"].startswith("rules\n\n# Tools"), "the rules first, the tools and how to call them last"
    assert turns[2]["content"] == '<tool_call>\n{"name": "recommend", "arguments": {"task": "coding"}}\n</tool_call>'
    assert turns[3]["content"] == "<tool_response>\nfirst\n</tool_response>\n\n<tool_response>\nsecond\n</tool_response>"


def test_plain_json_dialect_has_no_markers():
    assert PLAIN_JSON.call_text("license", {"name": "x"}) == '{"name": "license", "arguments": {"name": "x"}}'
    assert PLAIN_JSON.result_text("license", "terms") == "Result of license:\nterms"


def test_call_chunks_parse_or_stay_raw():
    good = _call_chunk('{"name": "estimate", "arguments": {"model": "Qwen3 8B"}}')
    assert good["name"] == "estimate" and json.loads(good["args"]) == {"model": "Qwen3 8B"}
    bad = _call_chunk('{"name": "estimate", "argu')
    assert bad["name"] is None and bad["args"] == '{"name": "estimate", "argu'


def test_gemma_without_a_stored_template_gets_its_own_turn_format():
    formatter = Jinja2ChatFormatter(template=fallback_template("gemma3"), eos_token="<eos>", bos_token="<bos>")
    prompt = formatter(messages=[{"role": "system", "content": "S"}, {"role": "user", "content": "Q"},
                                 {"role": "assistant", "content": "A"}, {"role": "user", "content": "Q2"}]).prompt
    assert prompt == ("<bos><start_of_turn>user\nS\n\nQ<end_of_turn>\n<start_of_turn>model\nA<end_of_turn>\n"
                      "<start_of_turn>user\nQ2<end_of_turn>\n<start_of_turn>model\n")
    assert "<|im_start|>" in fallback_template("someothermodel")
