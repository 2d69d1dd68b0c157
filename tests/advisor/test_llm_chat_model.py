"""The llama.cpp chat model's call grammar: copied arguments narrowed to the user's phrases.

The schema rewrite is checked directly; that the grammar binds the real model is checked
through the default model (slow).
"""

from __future__ import annotations

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from advisor.agent.toolset import EstimateArgs, AgentTool
from advisor.llm.chat_model import _copying

ESTIMATE = AgentTool("estimate", EstimateArgs, lambda args: None).openai_schema()


def test_a_copied_argument_becomes_the_phrases_offered_and_one_with_none_is_removed():
    parameters = ESTIMATE["function"]["parameters"]
    narrowed = _copying(parameters, {"hardware": ("my 3060", "3060"), "quant": (), "context": (), "speed": ()})
    assert narrowed["properties"]["hardware"] == {"enum": ["my 3060", "3060"]}
    assert "quant" not in narrowed["properties"] and "context" not in narrowed["properties"]
    assert narrowed["properties"]["model"] == parameters["properties"]["model"], "other arguments are untouched"
    assert narrowed["required"] == ["model"]
    assert _copying(parameters, None) is parameters


@pytest.mark.slow
def test_the_real_model_can_only_copy_the_phrases_offered():
    from advisor.llm.chat_model import load_chat_model  # noqa: PLC0415 - loads llama.cpp

    model = load_chat_model("qwen1.5b").bind_tools([ESTIMATE], tool_choice="estimate")
    question = [SystemMessage(content="Call the estimate tool for the user's question, copying their words."),
                HumanMessage(content="can my rtx 3060 run qwen3 8b at q8?")]
    free = model.invoke(question).tool_calls[0]["args"]
    assert free.get("quant"), f"without the narrowing the model fills quant: {free}"
    narrowed = model.invoke(question, copied={"estimate": {"hardware": ("rtx 3060",), "quant": (), "context": ()}})
    narrowed = narrowed.tool_calls[0]["args"]
    assert "quant" not in narrowed, narrowed
    assert narrowed.get("hardware") in (None, "rtx 3060"), narrowed


def test_a_tool_whose_required_argument_has_no_phrase_cannot_be_called():
    from advisor.agent.toolset import LicenseArgs  # noqa: PLC0415
    from advisor.llm.chat_model import _lost_required  # noqa: PLC0415

    parameters = ESTIMATE["function"]["parameters"]
    assert _lost_required(ESTIMATE, _copying(parameters, {"model": (), "hardware": ("my 3060",)}))
    assert not _lost_required(ESTIMATE, _copying(parameters, {"model": ("qwen3 8b",), "hardware": ()}))
    license_tool = AgentTool("license", LicenseArgs, lambda args: None).openai_schema()
    assert not _lost_required(license_tool, _copying(license_tool["function"]["parameters"], None))


@pytest.mark.slow
def test_the_real_model_calls_another_tool_or_answers_when_no_model_was_named():
    from advisor.llm.chat_model import load_chat_model  # noqa: PLC0415 - loads llama.cpp
    from advisor.agent.toolset import SearchArgs  # noqa: PLC0415

    search = AgentTool("search_articles", SearchArgs, lambda args: None).openai_schema()
    model = load_chat_model("qwen1.5b").bind_tools([ESTIMATE, search], tool_choice="required")
    question = [SystemMessage(content="Call a tool for the user's question."),
                HumanMessage(content="does quantizing the kv cache hurt quality much?")]
    call = model.invoke(question, copied={"estimate": {"model": (), "hardware": (), "quant": (), "context": ()}})
    assert [c["name"] for c in call.tool_calls] == ["search_articles"], call.tool_calls
