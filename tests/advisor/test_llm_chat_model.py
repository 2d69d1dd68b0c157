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
