"""The llama thread: every generator runs on one thread, and closing early stops it."""

from __future__ import annotations

import threading
import time
from typing import Iterator

import pytest

from advisor.llm.runtime import on_llama_thread, stream_on_llama_thread


def test_every_call_runs_on_the_same_thread_which_is_not_the_callers() -> None:
    seen = {on_llama_thread(threading.get_ident) for _ in range(3)}
    streamed = set(stream_on_llama_thread(lambda: iter([threading.get_ident()])))
    assert len(seen) == 1 and seen == streamed
    assert threading.get_ident() not in seen


def test_closing_the_stream_stops_the_producer_and_the_next_call_waits_for_it() -> None:
    produced: list[int] = []

    def counting() -> Iterator[int]:
        for n in range(1000):
            produced.append(n)
            time.sleep(0.001)
            yield n

    stream = stream_on_llama_thread(counting)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()
    at_close = len(produced)
    on_llama_thread(lambda: None)  # queued behind the producer: runs once it has stopped
    assert len(produced) <= at_close + 1 < 1000


def test_errors_of_the_producer_reach_the_consumer() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("broken model file")

    stream = stream_on_llama_thread(failing)
    assert next(stream) == 1
    with pytest.raises(ValueError, match="broken model file"):
        next(stream)
