"""How long a start takes with and without the saved prompt state (advisor/llm/state.py).

Two measurements, each cold then warm, each a fresh process as a person would start it:

- `advisor ask QUESTION --json`: wall time from spawning the process to its exit, and, from
  the answer's own timings, how much of it the turn took (the rest is the start: imports,
  model load, the prompt prefix).
- the chat app (`evals.first_paint --ready`): time from process start until the model is
  loaded and a question can be answered.
- stop latency (`--only stop`, also part of the full run, warm): `advisor ask` gets SIGINT
  (Ctrl-C) as soon as the first answer text appears; reported are the seconds until
  "[stopped]" is printed (generation has ended) and until the process has exited.

Cold means no saved state: each pair runs with a fresh cache directory whose `models/` links
to the real one (so no GGUF is copied) and whose `prompt-state/` starts empty; the cold start
evaluates the prefix and saves it, the warm start, with the same directory, loads it. The
conversations go to a temporary data directory. Goals on the 2-core development machine:
`ask` <= 12 s and app ready <= 6 s warm.

    python -m evals.startup [--model qwen1.5b] [--question "..."] [--only ask|app|stop] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from advisor.settings import paths

QUESTION = "Is Gemma 3 27B licensed for commercial use?"  # one license call and a short answer
GOALS_S = {"ask": 12.0, "app": 6.0}


def _cache_with_real_models(root: Path) -> Path:
    cache = root / "cache"
    cache.mkdir()
    (cache / "models").symlink_to(paths().models_dir.resolve(), target_is_directory=True)
    return cache


def time_ask(question: str, model: str | None, env: dict[str, str], timeout: float) -> dict:
    args = [sys.executable, "-m", "advisor", "ask", question, "--json"] + (["--model", model] if model else [])
    started = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=timeout)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"`advisor ask` failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    turn = json.loads(done.stdout)
    turn_s = ((turn.get("timings") or {}).get("total_s")) or 0.0
    return {"wall_s": round(wall, 2), "turn_s": round(turn_s, 2), "start_s": round(wall - turn_s, 2)}


def time_app(model: str | None, env: dict[str, str], timeout: float) -> dict:
    """One run of evals.first_paint's measured child (the real app, headless, until the model is ready)."""
    args = [sys.executable, "-m", "evals.first_paint", "--child", str(time.time()), "--ready", "--timeout", str(timeout)]
    done = subprocess.run(args + (["--model", model] if model else []), capture_output=True, text=True, env=env,
                          timeout=timeout + 120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise SystemExit(f"the chat app failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
    marks = json.loads(lines[-1])
    if marks.get("load_error") or "ready_s" not in marks:
        raise SystemExit(f"the chat app could not load the model: {marks.get('load_error')}")
    # A crash while the process shuts down, after the figures were taken, is reported, not hidden.
    return {"first_paint_s": marks["first_paint_s"], "ready_s": marks["ready_s"], "exit_code": done.returncode}


def time_stop(question: str, model: str | None, env: dict[str, str], timeout: float) -> dict:
    args = [sys.executable, "-m", "advisor", "ask", question] + (["--model", model] if model else [])
    child = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert child.stdout is not None
    marks: dict[str, float] = {}
    written = b""
    started = time.perf_counter()
    try:
        while piece := child.stdout.read1(256):
            written += piece
            now = time.perf_counter()
            if "signal" not in marks and written.strip():
                marks["signal"] = now
                child.send_signal(signal.SIGINT)
            if b"[stopped]" in written and "stopped" not in marks:
                marks["stopped"] = now
            if now - started > timeout:
                break
        child.wait(timeout=timeout)
    finally:
        if child.poll() is None:
            child.kill()
    exited = time.perf_counter()
    if "signal" not in marks:
        raise SystemExit("`advisor ask` wrote no answer text to interrupt")
    if "stopped" not in marks:
        raise SystemExit(f"`advisor ask` was not marked stopped (exit {child.returncode}): {written[-300:]!r}")
    return {"first_text_s": round(marks["signal"] - started, 2), "to_stopped_s": round(marks["stopped"] - marks["signal"], 2),
            "to_exit_s": round(exited - marks["signal"], 2), "exit_code": child.returncode}


def measure(question: str, model: str | None, only: str | None, timeout: float) -> dict:
    report: dict = {"load_average_before": round(os.getloadavg()[0], 2), "cores": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="advisor-startup-") as tmp:
        for what in ("ask", "app"):
            if only not in (None, what) and not (what == "ask" and only == "stop"):
                continue
            root = Path(tmp) / what
            root.mkdir()
            env = {**os.environ, "ADVISOR_CACHE_DIR": str(_cache_with_real_models(root)),
                   "ADVISOR_DATA_DIR": str(root / "data")}
            for phase in ("cold", "warm") if only != "stop" else ("cold",):
                result = time_ask(question, model, env, timeout) if what == "ask" else time_app(model, env, timeout)
                report[f"{what}_{phase}"] = result
            if what == "ask" and only in (None, "stop"):
                report["stop"] = time_stop(question, model, env, timeout)  # warm: the state was saved above
    report["load_average_after"] = round(os.getloadavg()[0], 2)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="pack name or GGUF path (default: settings)")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--only", choices=("ask", "app", "stop"), default=None)
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--json", action="store_true")
    opts = parser.parse_args()
    report = measure(opts.question, opts.model, opts.only, opts.timeout)
    if opts.json:
        print(json.dumps(report, indent=2))
        return
    for phase in ("cold", "warm"):
        if ask := report.get(f"ask_{phase}"):
            print(f"advisor ask, {phase}: {ask['wall_s']:.1f} s wall = {ask['start_s']:.1f} s start + "
                  f"{ask['turn_s']:.1f} s turn" + (f" (goal <= {GOALS_S['ask']:g} s)" if phase == "warm" else ""))
    for phase in ("cold", "warm"):
        if app := report.get(f"app_{phase}"):
            print(f"chat app, {phase}: first paint {app['first_paint_s']:.2f} s, ready {app['ready_s']:.1f} s"
                  + (f" (goal <= {GOALS_S['app']:g} s)" if phase == "warm" else "")
                  + (f"; the process then exited with code {app['exit_code']}" if app["exit_code"] else ""))
    if stop := report.get("stop"):
        print(f"Ctrl-C in advisor ask ({stop['first_text_s']:.1f} s in, at the first answer text): "
              f"'[stopped]' after {stop['to_stopped_s']:.2f} s, process exited after {stop['to_exit_s']:.2f} s "
              f"(exit code {stop['exit_code']})")
    print(f"1-min load average {report['load_average_before']:g} before, {report['load_average_after']:g} after, "
          f"on {report['cores']} cores shared with other work: wall times grow with it.")


if __name__ == "__main__":
    main()
