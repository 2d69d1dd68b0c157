"""The agent loop with a scripted model: the model decides, the graph validates (retries, repeats,
the step limit, leaks), follow-ups, persistence, and turns that never die."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest
from langchain_core.messages import HumanMessage, ToolMessage

from advisor.agent import open_advisor
from advisor.agent.graph import MAX_STEPS
from advisor.agent.prompt import TOPIC_MARGIN, TOPIC_QUESTION
from advisor.agent.transcript import record_turn
from advisor.events import STOPPED, Answer, Token, ToolCall, ToolResult, UserMessage
from advisor.llm.scripted import ScriptedChatModel, tool_call
from advisor.profile import save_profile
from tools.requests import HardwareSpec

QUESTION = "What's the best coding model for a 16 GB card?"


def advisor_with(replies: list, data_dir: Path):
    model = ScriptedChatModel(replies=replies)
    return open_advisor(chat_model=model, data_dir=data_dir), model


def tool_messages(messages) -> list[ToolMessage]:
    return [m for m in messages if isinstance(m, ToolMessage)]


def test_the_models_call_runs_and_the_answer_streams(tmp_path):
    advisor, model = advisor_with([tool_call("recommend", {"task": "coding", "hardware": "16 GB card"}), "Devstral at IQ4_XS."], tmp_path)
    events = list(advisor.stream(QUESTION, "t1"))
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert [(c.name, c.args) for c in calls] == [("recommend", {"task": "coding", "hardware": "16 GB card"})]
    assert "".join(e.text for e in events if isinstance(e, Token)) == "Devstral at IQ4_XS."
    answer = events[-1]
    assert isinstance(answer, Answer) and not answer.fallback
    assert answer.sources, "picks carry their sources into the answer"
    shown = tool_messages(model.seen[1])[0].content
    assert "Hardware: 16 GB GPU" in shown and "Devstral at IQ4_XS" in shown
    assert model.offered[0][:3] == ["recommend", "estimate", "license"]
    assert model.choices == ["auto", "auto"], "the model decides at every step whether to call"


def test_invalid_arguments_go_back_to_the_model_which_retries(tmp_path):
    advisor, model = advisor_with([
        tool_call("recommend", {"task": "gaming", "hardware": "16 GB"}),
        tool_call("recommend", {"task": "coding", "hardware": "16 GB"}),
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
        tool_call("estimate", {"model": "Qwen9 900B", "hardware": "RTX 4090"}),
        "I do not know Qwen9 900B.",
    ], tmp_path)
    turn = record_turn(advisor.stream("Can I run Qwen9 900B on a 4090?", "t1"))
    assert [c.ok for c in turn.tool_calls] == [False, False, False]
    assert "not a valid JSON" in turn.tool_calls[0].error and "call estimate again" in turn.tool_calls[0].error
    assert "no tool named 'teleport'" in turn.tool_calls[1].error
    assert "Unknown model 'Qwen9 900B'" in turn.tool_calls[2].error
    assert "Tell the user" in turn.tool_calls[2].error, "the user typed that name: nothing to retry"
    assert model.choices == ["auto", "auto", "auto", "none"], "the last step withholds the tools"
    assert turn.answer == "I do not know Qwen9 900B."


@pytest.mark.parametrize(("hardware", "message"), [
    ("900 TB card", "8192"),
    ("-8 GB", "positive"),
    ("RTX 9090", "Unknown GPU or system 'RTX 9090'"),
])
def test_impossible_hardware_the_user_gave_is_explained_not_retried(tmp_path, hardware, message):
    advisor, model = advisor_with([tool_call("recommend", {"hardware": hardware}), "That is not a real machine."], tmp_path)
    events = list(advisor.stream(f"what can I run on a {hardware}?", "t1"))
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert not result.ok and result.error_kind == "input"
    assert message in result.error and "Tell the user" in result.error
    assert model.choices == ["auto", "auto"]


def test_the_hardware_text_is_read_by_the_tools_not_the_model(tmp_path):
    advisor, model = advisor_with([tool_call("estimate", {"model": "Qwen3 14B", "hardware": "two 3090s + 64GB ram",
                                                          "quant": "8 bit", "context": "16k"}), "Fits."], tmp_path)
    turn = record_turn(advisor.stream("qwen3 14b on two 3090s + 64GB ram, 8 bit, 16k ctx?", "t1"))
    [call] = turn.tool_calls
    assert call.ok and call.result["hardware"]["gpus"] == 2 and call.result["hardware"]["ram_gb"] == 64
    assert call.result["quant"] == "Q8_0" and call.result["context"] == 16384


def test_a_gpu_named_without_ram_keeps_the_profiles_ram_and_says_so(tmp_path):
    save_profile(HardwareSpec(gpu="RTX 3060", ram_gb=96), data_dir=tmp_path)
    advisor, model = advisor_with([tool_call("estimate", {"model": "Qwen3 32B", "hardware": "4090"}), "ok"], tmp_path)
    turn = record_turn(advisor.stream("qwen3 32b on a 4090?", "t1"))
    assert turn.tool_calls[0].result["hardware"]["ram_gb"] == 96
    assert "RAM not named; assumed 96 GB" in tool_messages(model.seen[1])[0].content


def test_two_asks_in_one_message_are_the_models_to_cover(tmp_path):
    advisor, model = advisor_with([
        tool_call("estimate", {"model": "Llama 4 Scout", "hardware": "M4 Max"}),
        tool_call("license", {"name": "Llama 4 Scout"}),
        "Runs; licensed under the Llama 4 Community License.",
    ], tmp_path)
    turn = record_turn(advisor.stream("Estimate Llama 4 Scout on an M4 Max, then tell me its license.", "t1"))
    assert [c.name for c in turn.tool_calls] == ["estimate", "license"]
    assert model.choices == ["auto", "auto", "auto"]
    assert all("Next:" not in str(m.content) for m in model.seen[1]), "no hints: the model decides"


def test_a_copied_phrase_listing_alternatives_becomes_one_call_for_each(tmp_path):
    advisor, model = advisor_with([
        tool_call("estimate", {"model": "deepseek r1 14b vs phi 4 reasoning", "hardware": "4060 8gb", "quant": "q4 or q8"}),
        "Both fit.",
    ], tmp_path)
    turn = record_turn(advisor.stream("deepseek r1 14b vs phi 4 reasoning on a 4060 8gb, q4 or q8?", "t1"))
    assert sorted((c.args["model"], c.args["quant"]) for c in turn.tool_calls) == [
        ("deepseek r1 14b", "q4"), ("deepseek r1 14b", "q8"), ("phi 4 reasoning", "q4"), ("phi 4 reasoning", "q8")]
    assert all(c.ok and c.args["hardware"] == "4060 8gb" for c in turn.tool_calls)
    shown = tool_messages(model.seen[1])
    assert len(shown) == 4 and sum("Phi-4 Reasoning" in m.content for m in shown) == 2
    assert turn.answer == "Both fit."


def test_a_listing_the_user_did_not_write_is_one_call(tmp_path):
    advisor, _ = advisor_with([tool_call("license", {"name": "apache 2.0 or mit"}), "Done."], tmp_path)
    turn = record_turn(advisor.stream("is apache 2.0 ok for my startup?", "t1"))
    assert [c.args for c in turn.tool_calls] == [{"name": "apache 2.0 or mit"}]


def test_a_repeated_call_is_not_run_again_and_the_model_must_answer(tmp_path):
    again = tool_call("license", {"name": "Phi-4"})
    advisor, model = advisor_with([tool_call("license", {"name": "Phi-4"}), again, "Phi-4 is MIT licensed."], tmp_path)
    turn = record_turn(advisor.stream("Is Phi-4 OK for commercial use?", "t1"))
    assert [c.name for c in turn.tool_calls] == ["license"]
    assert model.choices == ["auto", "auto", "none"]
    assert turn.answer == "Phi-4 is MIT licensed." and not turn.fallback


def test_call_syntax_in_an_answer_is_cut_off(tmp_path):
    advisor, _ = advisor_with([tool_call("license", {"name": "Phi-4"}),
                               'Phi-4 is MIT. To call a tool, reply with only: <tool_call>{"name": "license"}'], tmp_path)
    turn = record_turn(advisor.stream("Phi-4 license?", "t1"))
    assert turn.answer == "Phi-4 is MIT." and not turn.fallback


def test_a_bug_in_a_tool_is_reported_and_the_turn_goes_on(tmp_path, monkeypatch):
    import advisor.agent.toolset as toolset

    def broken(*_args, **_kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(toolset, "license_terms", broken)
    advisor, _ = advisor_with([tool_call("license", {"name": "Phi-4"}), "The license tool failed."], tmp_path)
    turn = record_turn(advisor.stream("Phi-4 license?", "t1"))
    assert not turn.tool_calls[0].ok and "ZeroDivisionError" in turn.tool_calls[0].error
    assert turn.answer == "The license tool failed."


def test_an_exception_inside_a_turn_becomes_a_message_and_the_thread_survives(tmp_path, monkeypatch):
    monkeypatch.delenv("ADVISOR_DEBUG", raising=False)

    def explode(_messages):
        raise RuntimeError("llama_decode returned -1")

    advisor, _ = advisor_with([explode, "second answer"], tmp_path)
    turn = record_turn(advisor.stream("first question", "t1"))
    assert turn.failure and "llama_decode returned -1" in turn.failure and "kept" in turn.failure
    again = record_turn(advisor.stream("second question", "t1"))
    assert again.answer == "second answer"
    assert [e.text for e in advisor.history("t1") if isinstance(e, UserMessage)] == ["first question", "second question"]


def test_a_conversation_too_long_for_the_window_drops_earlier_turns(tmp_path):
    from advisor.errors import PromptTooLong

    def too_long_with_history(messages):
        if len(messages) > 2:
            raise PromptTooLong(9000, 8192)
        return "short answer"

    advisor, model = advisor_with(["first answer", too_long_with_history, too_long_with_history], tmp_path)
    list(advisor.stream("first question", "t1"))
    turn = record_turn(advisor.stream("second question", "t1"))
    assert turn.answer == "short answer"
    assert [type(m).__name__ for m in model.seen[-1]] == ["SystemMessage", "HumanMessage"]


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


def test_follow_up_sees_a_note_of_the_earlier_calls_and_results_but_not_the_earlier_answers(tmp_path):
    advisor, model = advisor_with([
        tool_call("recommend", {"task": "coding", "hardware": "16 GB card"}), "Devstral (IQ4_XS, 15.48 GB).",
        tool_call("recommend", {"task": "coding", "hardware": "24 GB"}), "With 24 GB: Devstral at Q6_K.",
    ], tmp_path)
    list(advisor.stream(QUESTION, "t1"))
    turn = record_turn(advisor.stream("and with 24 GB?", "t1"))
    shown = model.seen[2]
    assert [type(m).__name__ for m in shown] == ["SystemMessage", "HumanMessage"], "one question, the note inside it"
    text = shown[1].content
    assert f'I asked: "{QUESTION}"' in text
    assert 'You called recommend {"task": "coding", "hardware": "16 GB card"}' in text
    full = tool_messages(model.seen[1])[0].content.splitlines()
    assert f"Result: {full[0]}" in text and len(full) > 1 and full[1] not in text, "only the first line of an old result"
    assert "Devstral (IQ4_XS, 15.48 GB)." not in text, "earlier answers are left out: the model would copy them"
    assert text.endswith("Now: and with 24 GB?")
    assert turn.tool_calls[0].args == {"task": "coding", "hardware": "24 GB"}


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


def test_a_stopped_answer_is_kept_in_the_thread_marked_and_the_next_question_starts_afresh(tmp_path):
    advisor, model = advisor_with(["A long answer that the person will not wait for.", "MoE means mixture of experts."],
                                  tmp_path)
    stream = advisor.stream("Tell me about MoE models", "t1")
    shown = [next(stream).text, next(stream).text]
    stream.close()
    [answer] = [e for e in advisor.history("t1") if isinstance(e, Answer)]
    assert answer.text == f"{''.join(shown).strip()} {STOPPED}", "what the person saw, marked as stopped"
    assert record_turn(advisor.stream("what does MoE mean?", "t1")).answer == "MoE means mixture of experts."
    question = model.seen[1][-1].content
    assert 'I asked: "Tell me about MoE models"' in question and question.endswith("Now: what does MoE mean?"), \
        "the stopped turn is closed: the next question is a new turn"


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
    advisor, _ = advisor_with([tool_call("recommend", {"task": "coding", "hardware": "16 GB card"}),
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


def test_credit_to_the_articles_goes_when_nothing_this_turn_came_from_them(tmp_path):
    advisor, _ = advisor_with(["Hello! According to the articles, Qwen3 is the best. Ask me about a model."], tmp_path)
    turn = record_turn(advisor.stream("hi there", "t1"))
    assert turn.answer == "Hello! Ask me about a model."


def test_an_impossible_value_the_model_made_up_is_its_own_mistake_to_fix(tmp_path):
    advisor, model = advisor_with([tool_call("estimate", {"model": "Phi-4", "context": "lots"}),
                                   tool_call("estimate", {"model": "Phi-4"}), "Phi-4 fits."], tmp_path)
    events = list(advisor.stream("does phi-4 fit?", "t1"))
    first, second = [e for e in events if isinstance(e, ToolResult)]
    assert first.error_kind == "call" and "call estimate again" in first.error
    assert second.ok


def test_a_number_in_a_copied_argument_that_nobody_said_goes_back_to_the_model(tmp_path):
    advisor, model = advisor_with([tool_call("recommend", {"hardware": "rtx 3070", "context": "32k"}),
                                   "Hi! Ask me about a model."], tmp_path)
    events = list(advisor.stream("heyy", "t1"))
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert result.error_kind == "call"
    assert "hardware 'rtx 3070', context '32k': not in the user's messages" in result.error
    assert events[-1].text == "Hi! Ask me about a model."


@pytest.mark.parametrize(("question", "args"), [
    ("qwen3 8b with 32k ctx", {"model": "qwen3 8b", "context": "32768"}),
    ("qwen3 8b on two 3090s", {"model": "qwen3 8b", "hardware": "2x RTX 3090"}),
    ("qwen3 8b at 8 bit", {"model": "qwen3 8b", "quant": "Q8_0"}),
    ("qwen3 8b, 1M context", {"model": "qwen3 8b", "context": 1048576}),
])
def test_copied_arguments_may_be_respelled_as_long_as_the_numbers_were_said(tmp_path, question, args):
    advisor, _ = advisor_with([tool_call("estimate", args), "ok"], tmp_path)
    events = list(advisor.stream(question, "t1"))
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert result.error_kind != "call", result.error


def test_a_message_outside_the_scope_check_is_answered_without_tools(tmp_path):
    class Nothing:
        def in_scope(self, text: str) -> bool:
            return "model" in text

    model = ScriptedChatModel(replies=["Hi!", tool_call("license", {"name": "Phi-4"}), "MIT."])
    advisor = open_advisor(chat_model=model, data_dir=tmp_path, scope=Nothing())
    assert record_turn(advisor.stream("hello", "t1")).answer == "Hi!"
    assert record_turn(advisor.stream("phi-4 model license?", "t2")).tool_calls[0].name == "license"
    assert model.offered[0] == [] and model.offered[1], "tools withheld only for the out-of-scope message"


def test_a_plan_call_runs_and_the_model_reads_its_verdict_as_text(tmp_path):
    advisor, model = advisor_with([tool_call("plan", {"model": "Qwen3 30B A3B", "context": "32k", "speed": "30 tok/s"}),
                                   "A 8 GB card with the experts in RAM."], tmp_path)
    events = list(advisor.stream("what gpu do I need for qwen3 30b a3b at 32k and 30 tok/s?", "t1"))
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert result.ok and result.result["type"] == "plan", result.error
    assert result.result["context"] == 32768 and result.result["target_tps"] == 30
    shown = tool_messages(model.seen[1])[0].content
    assert shown.startswith("Qwen3-30B-A3B at Q4_K_M with 32,768 tokens of context needs")
    assert "at 30 tok/s or more" in shown and "{" not in shown, "text for the model, not JSON"
    assert "plan" in model.offered[0]


def test_a_speed_the_user_never_said_is_sent_back_to_the_model(tmp_path):
    advisor, _ = advisor_with([tool_call("plan", {"model": "Qwen3 8B", "speed": "30 tok/s"}), "ok"], tmp_path)
    events = list(advisor.stream("what do I need to run qwen3 8b?", "t1"))
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert result.error_kind == "call" and "speed '30 tok/s': not in the user's messages" in result.error


@pytest.mark.parametrize(("question", "args", "rejected"), [
    ("gpt oss 20b on a 4070 ti super, how fast", {"model": "gpt oss 20b", "quant": "8bit"}, True),
    ("gpt oss 20b at 8 bit on a 4070 ti super", {"model": "gpt oss 20b", "quant": "Q8_0"}, False),
    ("qwen3 8b with 32,768 tokens", {"model": "qwen3 8b", "context": "32768"}, False),
])
def test_a_bit_width_nobody_said_is_sent_back_but_a_respelled_one_is_not(tmp_path, question, args, rejected):
    advisor, _ = advisor_with([tool_call("estimate", args), "ok"], tmp_path)
    [result] = [e for e in advisor.stream(question, "t1") if isinstance(e, ToolResult)]
    assert (result.error_kind == "call") is rejected, result.error


class CopyingModel(ScriptedChatModel):
    """A scripted model that, like the llama.cpp one, decodes calls under a grammar of the user's phrases:
    it records the `copied` values each step was given."""

    copies_by_grammar: ClassVar[bool] = True
    copied: list = []

    def _stream(self, messages, stop=None, run_manager=None, **kwargs):
        self.copied.append(kwargs.get("copied"))
        return super()._stream(messages, stop, run_manager, **kwargs)


def test_a_model_that_copies_by_grammar_is_offered_the_phrases_of_the_threads_questions(tmp_path):
    model = CopyingModel(replies=[tool_call("estimate", {"model": "qwen3 8b", "hardware": "my 3060"}), "Fits.",
                                  tool_call("estimate", {"model": "qwen3 8b", "hardware": "my 3060", "context": "32k"}),
                                  "Still fits."], copied=[])
    advisor = open_advisor(chat_model=model, data_dir=tmp_path)
    record_turn(advisor.stream("can my 3060 run qwen3 8b", "t1"))
    record_turn(advisor.stream("and at 32k?", "t1"))
    first, answer, follow_up, _ = model.copied
    estimate = first["estimate"]
    assert "my 3060" in estimate["hardware"] and estimate["context"] == () and estimate["quant"] == ()
    assert first["recommend"]["license"] == () and "qwen3 8b" in first["license"]["name"], \
        "each tool lists its own copied arguments (a license question may be about the model named)"
    assert answer is not None, "every step that may call gets the phrases"
    assert "my 3060" in follow_up["estimate"]["hardware"] and "32k" in follow_up["estimate"]["context"], \
        "earlier questions count too"


def test_a_recommendation_reads_the_users_words_on_commercial_use(tmp_path):
    advisor, model = advisor_with([tool_call("recommend", {"task": "coding", "license": "for my startup"}), "ok"], tmp_path)
    record_turn(advisor.stream("coding model for my startup", "t1"))
    assert "license: commercial" in tool_messages(model.seen[1])[0].content



class ProbedModel(ScriptedChatModel):
    """A scripted model that, like the llama.cpp one, is bound with yes/no questions (advisor/llm/probe.py)."""

    answers_probes: ClassVar[bool] = True


def test_the_topic_question_goes_with_a_threads_first_step_only(tmp_path):
    model = ProbedModel(replies=[tool_call("estimate", {"model": "Qwen3 8B", "hardware": "RTX 3060"}), "Fits.",
                                 "Still fits."])
    advisor = open_advisor(chat_model=model, data_dir=tmp_path)
    record_turn(advisor.stream("can my RTX 3060 run Qwen3 8B", "t1"))
    record_turn(advisor.stream("and at 32k?", "t1"))
    topic, after_result, follow_up = model.probes
    assert topic.question == TOPIC_QUESTION and topic.margin == TOPIC_MARGIN
    assert after_result is None and follow_up is None, "a result or an earlier turn already says what the chat is about"
    assert model.choices == ["auto", "auto", "auto"]


def test_the_model_a_recommendation_picked_may_be_estimated_in_a_follow_up(tmp_path):
    model = CopyingModel(replies=[tool_call("recommend", {"task": "coding", "hardware": "my 4090"}), "Top pick shown.",
                                  "Fine."], copied=[])
    advisor = open_advisor(chat_model=model, data_dir=tmp_path)
    record_turn(advisor.stream("best coding model for my 4090", "t1"))
    record_turn(advisor.stream("how fast would the top one be at 32k?", "t1"))
    first, after_result, follow_up = model.copied
    assert first["estimate"]["model"] == () and after_result["estimate"]["model"] == (), \
        "nobody named a model in this turn: no estimate of a pick nobody asked about"
    picked = follow_up["estimate"]["model"]
    top_line = str(model.seen[1][-1].content).strip().splitlines()[0].lower()
    assert picked and all(name.lower() in top_line for name in picked), "the earlier result's first line names the top pick"


def test_sentences_repeating_the_system_prompt_are_dropped_and_the_answer_marked_repaired(tmp_path):
    from advisor.agent.prompt import RULES  # noqa: PLC0415

    rule = next(line for line in RULES.splitlines() if line.startswith("- Start with the direct answer"))
    leaked = f"That name is not a model I know. {rule.removeprefix('- ')} Ask me about a real model."
    advisor, model = advisor_with([leaked], tmp_path)
    [answer] = [e for e in advisor.stream("Can I run '; DROP TABLE models; -- on a 3090?", "t1") if isinstance(e, Answer)]
    assert answer.text == "That name is not a model I know. Ask me about a real model."
    assert answer.repaired and not answer.fallback


def test_an_answer_without_prompt_text_is_not_marked_repaired(tmp_path):
    advisor, model = advisor_with(["Start with a smaller model; it fits and runs fast."], tmp_path)
    [answer] = [e for e in advisor.stream("what fits on a 3060?", "t1") if isinstance(e, Answer)]
    assert answer.text == "Start with a smaller model; it fits and runs fast." and not answer.repaired
