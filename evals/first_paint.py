"""Time to first paint of `advisor chat`, and time until the model can answer.

Each run is a fresh Python process (the cost people feel includes interpreter start and
imports), started by this script with its spawn time. The child runs the real app, with the
real default advisor factory, headless; it records when Textual reports the first frame
(the `Ready` event, posted right after the first screen is composited and written), the
CPU time the process used until then (which, unlike wall time, does not grow when other
programs compete for the cores) and,
with --ready, when the background worker has loaded the model, the tools and the
checkpointer. The target is a first paint under 1 s; readiness is reported, not judged.

    python -m evals.first_paint [--runs 5] [--ready] [--model qwen0.5b] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

TARGET_S = 1.0


def child(spawned_at: float, model: str | None, wait_ready: bool, timeout: float) -> None:
    """Inside the measured process: run the app headless and print the marks as JSON."""
    from textual import events  # noqa: PLC0415 - imports are part of what is measured

    from tui.app import AdvisorApp  # noqa: PLC0415
    from tui.backend import real_advisor  # noqa: PLC0415

    marks: dict[str, float | str | None] = {"imports_s": round(time.time() - spawned_at, 3)}

    class TimedApp(AdvisorApp):
        def on_ready(self, _: events.Ready) -> None:
            marks["first_paint_s"] = round(time.time() - spawned_at, 3)
            marks["first_paint_cpu_s"] = round(time.process_time(), 3)  # this process only: load-independent
            if not wait_ready:
                self.exit()
                return
            self.set_interval(0.05, self._check_ready)
            self.set_timer(timeout, lambda: self.exit())

        def _check_ready(self) -> None:
            chat = self._chat_screen()
            if chat.advisor is not None or chat.load_error is not None:
                marks["ready_s"] = round(time.time() - spawned_at, 3)
                marks["load_error"] = chat.load_error
                self.exit()

    TimedApp(real_advisor(), model=model).run(headless=True, size=(120, 36))
    print(json.dumps(marks))


def measure(runs: int, model: str | None, wait_ready: bool, timeout: float) -> list[dict]:
    results = []
    for _ in range(runs):
        args = [sys.executable, "-m", "evals.first_paint", "--child", str(time.time()), "--timeout", str(timeout)]
        if model:
            args += ["--model", model]
        if wait_ready:
            args.append("--ready")
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout + 60)
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode != 0 or not lines:
            raise SystemExit(f"the measured app failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        results.append(json.loads(lines[-1]))
    return results


def summary(results: list[dict]) -> dict:
    paints = [r["first_paint_s"] for r in results]
    report = {
        "runs": len(results),
        "first_paint_median_s": round(statistics.median(paints), 3),
        "first_paint_max_s": max(paints),
        "imports_median_s": round(statistics.median(r["imports_s"] for r in results), 3),
        "first_paint_cpu_median_s": round(statistics.median(r["first_paint_cpu_s"] for r in results), 3),
        "load_average": round(os.getloadavg()[0], 2),
        "target_s": TARGET_S,
        "within_target": max(paints) < TARGET_S,
    }
    ready = [r["ready_s"] for r in results if "ready_s" in r]
    if ready:
        report["ready_median_s"] = round(statistics.median(ready), 3)
        report["load_errors"] = sorted({r["load_error"] for r in results if r.get("load_error")})
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--ready", action="store_true", help="also wait until the model is loaded")
    parser.add_argument("--model", default=None, help="pack name or GGUF path (default: settings)")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for the model")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", type=float, default=None, help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.child is not None:
        child(opts.child, opts.model, opts.ready, opts.timeout)
        return
    results = measure(opts.runs, opts.model, opts.ready, opts.timeout)
    report = summary(results)
    if opts.json:
        print(json.dumps({"summary": report, "runs": results}, indent=2))
        return
    print(f"first paint: median {report['first_paint_median_s']:.3f} s, worst {report['first_paint_max_s']:.3f} s "
          f"over {report['runs']} runs (target < {TARGET_S:g} s: {'met' if report['within_target'] else 'MISSED'})")
    print(f"  of which interpreter start + imports: median {report['imports_median_s']:.3f} s")
    print(f"  CPU time of the app process until first paint: median {report['first_paint_cpu_median_s']:.3f} s "
          f"(wall time depends on machine load; 1-min load average now {report['load_average']:g} "
          f"on {os.cpu_count()} cores)")
    if "ready_median_s" in report:
        print(f"model ready to answer: median {report['ready_median_s']:.2f} s after start")
        for error in report["load_errors"]:
            print(f"  load error: {error}")


if __name__ == "__main__":
    main()
