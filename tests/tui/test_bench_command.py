"""The palette's "Benchmark this machine" runs `advisor bench` in a worker and reports what it stored."""

from __future__ import annotations

from types import SimpleNamespace

from tui.app import BENCH_COMMAND

from chat_scripts import SIZE  # shared test data, next to this file


async def test_the_palette_offers_the_benchmark_and_reports_its_result(make_app, wait_for, monkeypatch):
    calls = []

    def fake_measure(choice, data_dir):
        calls.append((choice, data_dir))
        return SimpleNamespace(summary=lambda: "measured 11.0 tok/s generation on Qwen (2 threads)")

    monkeypatch.setattr("advisor.bench.measure_and_store", fake_measure)
    app = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert BENCH_COMMAND[0] in titles
        app.action_bench()
        await wait_for(pilot, lambda: any("Benchmark stored" == n.title for n in app._notifications))
        assert calls == [(app.default_model, app.data_dir)]


async def test_a_failing_benchmark_is_a_notification_not_a_crash(make_app, wait_for, monkeypatch):
    def broken(choice, data_dir):
        raise RuntimeError("llama.cpp could not load the model")

    monkeypatch.setattr("advisor.bench.measure_and_store", broken)
    app = make_app([])
    async with app.run_test(size=SIZE) as pilot:
        app.action_bench()
        await wait_for(pilot, lambda: any(n.title == "Benchmark failed" for n in app._notifications))
