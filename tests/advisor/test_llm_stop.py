"""Stop means stop: the interrupt is seen by llama.cpp itself, so even a long prompt evaluation ends.

The StopSignal tests need no model; the slow one runs the real llama.cpp with the smallest pack.
"""

from __future__ import annotations

import ctypes
import threading

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from advisor.llm.stop import StopSignal


def test_a_stop_signal_is_an_event_whose_byte_c_code_reads_as_its_state() -> None:
    signal = StopSignal()
    strlen = ctypes.CDLL(None).strlen
    strlen.argtypes, strlen.restype = [ctypes.c_void_p], ctypes.c_size_t
    assert not signal.is_set() and strlen(signal.address) == 0
    signal.set()
    assert signal.is_set() and strlen(signal.address) == 1
    signal.clear()
    assert not signal.is_set() and strlen(signal.address) == 0


def test_a_stop_signal_wakes_a_waiting_thread_like_any_event() -> None:
    signal = StopSignal()
    woke = threading.Event()
    waiter = threading.Thread(target=lambda: signal.wait(10) and woke.set())
    waiter.start()
    signal.set()
    waiter.join(5)
    assert woke.is_set()


@pytest.mark.slow
def test_a_stop_during_a_long_prompt_evaluation_ends_it_and_the_model_answers_the_next_question() -> None:
    from advisor.llm.chat_model import LlamaChatModel
    from advisor.llm.packs import model_path
    from advisor.llm.runtime import load_runtime
    from advisor.settings import paths

    path, title = model_path("gemma270m", paths().models_dir)
    signal = StopSignal()
    model = LlamaChatModel(runtime=load_runtime(path), model_name=title, interrupt=signal, max_tokens=8)
    long_prompt = [SystemMessage(content="Answer questions about open-weight language models. " * 400),
                   HumanMessage(content="Which model fits a 16 GB card?")]
    tokens = len(model.runtime.tokenize(model.runtime.render(model._chat_messages(long_prompt, []))))

    timer = threading.Timer(0.5, signal.set)  # a few hundred of the ~4,000 tokens are evaluated by then
    timer.start()
    text = "".join(str(chunk.content) for chunk in model.stream(long_prompt))
    timer.join()

    assert text == ""
    assert model.runtime.llm.n_tokens < tokens, "the evaluation was cut short, not finished and then stopped"
    signal.clear()
    answer = "".join(str(chunk.content) for chunk in model.stream([HumanMessage(content="Say hello.")]))
    assert answer.strip(), "after a stop the same context answers again"
