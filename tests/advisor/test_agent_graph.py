"""The agent loop with a scripted model: routing, retries, the step limit, follow-ups, persistence."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from advisor.agent import open_advisor
from advisor.agent.graph import MAX_STEPS
from advisor.agent.transcript import record_turn
from advisor.events import Answer, Token, ToolCall, UserMessage
from advisor.llm.scripted import ScriptedChatModel, tool_call
from advisor.profile import save_profile
from tools.requests import HardwareSpec

QUESTION = "What's the best coding model for a 16 GB card?"


def advisor_with(replies: list, data_dir: Path):
    model = ScriptedChatModel(replies=replies)
    return open_advisor(chat_model=model, data_dir=data_dir), model


def tool_messages(messages) -> list[ToolMessage]:
    return [m for m in messages if isinstance(m, ToolMessage)]


def test_routes_a_tool_call_and_streams_the_answer(tmp_path):
    advisor, model = advisor_with([tool_call("recommend", {"task": "coding", "vram_gb": 16}), "Devstral at IQ4_XS."], tmp_path)
    events = list(advisor.stream(QUESTION, "t1"))
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert [(c.name, c.args) for c in calls] == [("recommend", {"task": "coding", "vram_gb": 16})]
    assert "".join(e.text for e in events if isinstance(e, Token)) == "Devstral at IQ4_XS."
    answer = events[-1]
    assert isinstance(answer, Answer) and not answer.fallback
    assert answer.sources, "picks carry their sources into the answer"
    shown = tool_messages(model.seen[1])[0].content
    assert "Hardware: 16 GB GPU" in shown and "Devstral at IQ4_XS" in shown
    assert model.offered[0][:3] == ["recommend", "estimate", "license"]


def test_invalid_arguments_go_back_to_the_model_which_retries(tmp_path):
    advisor, model = advisor_with([
        tool_call("recommend", {"task": "gaming", "vram_gb": 16}),
        tool_call("recommend", {"task": "coding", "vram_gb": 16}),
        "Done.",
    ], tmp_path)
    turn = record_turn(advisor.stream(QUESTION, "t1"))
    assert [c.ok for c in turn.tool_calls] == [False, True]
    assert "task" in turn.tool_calls[0].error and "coding" in turn.tool_calls[0].error
    error_seen = tool_messages(model.seen[1])[-1]
    assert error_seen.status == "error" and "task" in error_seen.content
    assert turn.answer == "Done."


def test_the_models_own_mistakes_are_retried_and_the_users_are_explained(tmp_path):
    advisor, model = advisor_with([
        tool_call("estimate", "model = Qwen3 30B"),
        tool_call("teleport", {"to": "mars"}),
        tool_call("estimate", {"model": "Qwen9 900B", "gpu": "RTX 4090"}),
        "I do not know Qwen9 900B.",
    ], tmp_path)
    turn = record_turn(advisor.stream("Can I run Qwen9 900B on a 4090?", "t1"))
    assert [c.ok for c in turn.tool_calls] == [False, False, False]
    assert "not a valid JSON" in turn.tool_calls[0].error and "call estimate again" in turn.tool_calls[0].error
    assert "no tool named 'teleport'" in turn.tool_calls[1].error
    assert "Unknown model 'Qwen9 900B'" in turn.tool_calls[2].error
    assert "Tell the user" in turn.tool_calls[2].error, "the user typed that name: nothing to retry"
    assert model.choices == ["any", "any", "any", "none"]
    assert turn.answer == "I do not know Qwen9 900B."


def test_impossible_values_the_user_gave_are_explained_not_retried(tmp_path):
    advisor, model = advisor_with([tool_call("recommend", {"vram_gb": 500000}), "500000 GB is more than any machine has."],
                                  tmp_path)
    turn = record_turn(advisor.stream("I have 500000 GB of VRAM, what can I run?", "t1"))
    [call] = turn.tool_calls
    assert not call.ok and "less than or equal to 8192" in call.error and "Tell the user" in call.error
    assert model.choices == ["any", "none"]


def test_made_up_argument_values_are_dropped_before_the_call_runs(tmp_path):
    advisor, _ = advisor_with([tool_call("estimate", {"model": "Qwen3 14B", "gpu": "RTX 3090", "vram_gb": 16,
                                                      "context": 512}), "Fits."], tmp_path)
    turn = record_turn(advisor.stream("Can I run Qwen3 14B on my 3090?", "t1"))
    [call] = turn.tool_calls
    assert call.args == {"model": "Qwen3 14B", "gpu": "RTX 3090"}
    assert call.dropped == ["vram_gb=16", "context=512"]
    assert call.ok and call.result["hardware"]["name"] == "NVIDIA GeForce RTX 3090"


def test_a_second_part_of_the_question_gets_its_own_call_with_a_hint(tmp_path):
    advisor, model = advisor_with([
        tool_call("estimate", {"model": "Llama 4 Scout", "gpu": "M4 Max"}),
        tool_call("license", {"name": "Llama 4 Scout"}),
        "Runs; licensed under the Llama 4 Community License.",
    ], tmp_path)
    turn = record_turn(advisor.stream("Estimate Llama 4 Scout on an M4 Max, then tell me its license.", "t1"))
    assert [c.name for c in turn.tool_calls] == ["estimate", "license"]
    assert model.choices == ["any", "any", "none"]
    assert tool_messages(model.seen[1])[-1].content.endswith("Next: call license for Llama 4 Scout.")
    assert "Next:" not in tool_messages(model.seen[2])[0].content, "the hint is not kept in the thread"


def test_once_the_question_is_covered_a_repeated_call_is_not_run(tmp_path):
    again = tool_call("license", {"name": "Phi-4"})
    advisor, model = advisor_with([tool_call("license", {"name": "Phi-4"}), again], tmp_path)
    turn = record_turn(advisor.stream("Is Phi-4 OK for commercial use?", "t1"))
    assert [c.name for c in turn.tool_calls] == ["license"]
    assert model.choices == ["any", "none"]
    assert turn.fallback, "the model wrote no answer, so the result table stands in"


def test_step_limit_forces_an_answer_and_falls_back_to_the_tool_results(tmp_path):
    broken = [tool_call("recommend", {"task": "gaming"}) for _ in range(MAX_STEPS - 2)]
    advisor, model = advisor_with([tool_call("recommend", "not json"), *broken, ""], tmp_path)
    turn = record_turn(advisor.stream(QUESTION, "t1"))
    assert len(model.seen) == MAX_STEPS
    assert model.offered[-1] == [], "the last step is offered no tools"
    assert turn.fallback and "could not produce an answer" in turn.answer


def test_empty_answer_falls_back_to_a_table(tmp_path):
    advisor, _ = advisor_with([tool_call("license", {"name": "Gemma 3 27B"}), ""], tmp_path)
    turn = record_turn(advisor.stream("Gemma 3 27B license?", "t1"))
    assert turn.fallback and "| license | commercial |" in turn.answer


def test_follow_up_sees_the_previous_turn_compacted_to_its_call_and_answer(tmp_path):
    advisor, model = advisor_with([
        tool_call("recommend", {"task": "coding", "vram_gb": 16}), "Devstral (IQ4_XS, 15.48 GB).",
        tool_call("recommend", {"task": "coding", "vram_gb": 24}), "With 24 GB: Devstral at Q6_K.",
    ], tmp_path)
    list(advisor.stream(QUESTION, "t1"))
    turn = record_turn(advisor.stream("and with 24 GB?", "t1"))
    first_call_of_turn_two = model.seen[2]
    texts = [(type(m).__name__, m.content) for m in first_call_of_turn_two]
    assert ("HumanMessage", QUESTION) in texts
    assert ("AIMessage", "Devstral (IQ4_XS, 15.48 GB).") in texts
    assert texts[-1] == ("HumanMessage", "and with 24 GB?")
    earlier_calls = [c for m in first_call_of_turn_two if isinstance(m, AIMessage) for c in m.tool_calls]
    assert [(c["name"], c["args"]) for c in earlier_calls] == [("recommend", {"task": "coding", "vram_gb": 16})]
    [earlier_result] = tool_messages(first_call_of_turn_two)
    assert earlier_result.content == "Hardware: 16 GB GPU. Task: coding; license: any; context 8,192 tokens.", \
        "only the first line of an old result is kept"
    assert model.choices[2] == "any", "a follow-up about memory must start with a tool call"
    assert turn.tool_calls[0].args == {"task": "coding", "vram_gb": 24}


def test_threads_persist_across_advisors_and_can_be_deleted(tmp_path):
    advisor, _ = advisor_with([tool_call("license", {"name": "Gemma 3 27B"}), "Gemma terms."], tmp_path)
    list(advisor.stream("Gemma 3 27B license?", "t1"))
    advisor.close()
    reopened, _ = advisor_with([], tmp_path)
    [info] = reopened.threads()
    assert (info.id, info.title, info.turns) == ("t1", "Gemma 3 27B license?", 1)
    kinds = [type(e).__name__ for e in reopened.history("t1")]
    assert kinds == ["UserMessage", "ToolCall", "ToolResult", "Answer"]
    reopened.delete_thread("t1")
    assert reopened.threads() == [] and reopened.history("t1") == []


def test_question_is_saved_even_when_the_reader_stops_mid_answer(tmp_path):
    advisor, _ = advisor_with(["A long answer that the person will not wait for."], tmp_path)
    stream = advisor.stream("Tell me about MoE models", "t1")
    assert isinstance(next(stream), Token)
    stream.close()
    history = advisor.history("t1")
    assert history and history[0] == UserMessage("Tell me about MoE models")
    assert advisor.threads()[0].id == "t1"


def test_no_hardware_named_uses_the_saved_profile(tmp_path):
    save_profile(HardwareSpec(gpu="RTX 4090", ram_gb=64), data_dir=tmp_path)
    advisor, model = advisor_with([tool_call("recommend", {"task": "coding"}), "ok"], tmp_path)
    turn = record_turn(advisor.stream("best coding model for me?", "t1"))
    assert turn.tool_calls[0].ok
    assert "RTX 4090 + 64 GB RAM (no hardware named; using the saved hardware profile)" in tool_messages(model.seen[1])[0].content


def test_out_of_scope_answer_needs_no_tool(tmp_path):
    advisor, _ = advisor_with(["I only cover open-weight models, hardware and licenses."], tmp_path)
    turn = record_turn(advisor.stream("What's the weather in Paris?", "t1"))
    assert turn.tool_calls == [] and not turn.fallback and turn.answer.startswith("I only cover")


def test_figures_missing_from_tool_results_are_flagged(tmp_path):
    advisor, _ = advisor_with([tool_call("recommend", {"task": "coding", "vram_gb": 16}),
                               "Devstral needs 15.48 GB and runs at 87 tok/s on 16 GB."], tmp_path)
    turn = record_turn(advisor.stream(QUESTION, "t1"))
    assert turn.ungrounded == ["87"]


def test_a_second_concurrent_stream_is_refused(tmp_path):
    advisor, _ = advisor_with(["first answer here"], tmp_path)
    first = advisor.stream("one", "t1")
    next(first)
    second = list(advisor.stream("two", "t2"))
    assert len(second) == 1 and "Still answering" in second[0].message
    first.close()


@pytest.mark.parametrize("question", ["", "   "])
def test_empty_question_is_a_failure_not_a_crash(tmp_path, question):
    advisor, _ = advisor_with([], tmp_path)
    [event] = list(advisor.stream(question, "t1"))
    assert "empty" in event.message


def test_scripted_model_exposes_what_it_was_shown(tmp_path):
    advisor, model = advisor_with(["hi"], tmp_path)
    list(advisor.stream("hello", "t1"))
    assert isinstance(model.seen[0][-1], HumanMessage) and model.remaining == 0


def test_a_first_question_about_it_is_answered_with_a_question_back(tmp_path):
    advisor, model = advisor_with([], tmp_path)
    turn = record_turn(advisor.stream("Is it OK for commercial use?", "t1"))
    assert turn.tool_calls == [] and model.seen == [], "no model call is needed to ask which model"
    assert turn.answer.startswith("Which model do you mean?")
