"""The eval's outputs: JSON with every figure and verdict, a Markdown report and a bar chart.

The JSON and the Markdown come from the same scores, so the README table, the CI log and a
downstream script never disagree. The run's date, machine and commit go with every output
because latency and even verdicts only mean something next to them.
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from evals.scoring import GOALS, METRICS, RAW, Score, by_category, score
from evals.tool_eval import Verdict

REPO = Path(__file__).resolve().parent.parent


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def _from_repo(path: str) -> str:
    """A case folder inside the checkout is named relative to it, so committed reports do not
    carry one person's home directory."""
    try:
        return str(Path(path).resolve().relative_to(REPO))
    except ValueError:
        return path


def run_info(models: dict[str, str], cases_from: str | list[str],
             splits: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """When, where and on what the eval ran; `models` maps each --model to the backing model's title,
    `splits` each split's name to its case ids when the run covered more than one case file."""
    from tools.hardware_probe import detect  # noqa: PLC0415 - the one probe of the system

    machine = detect()
    ram = f", {machine.ram_gb:g} GB RAM" if machine.ram_gb else ""
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{machine.cpu} ({machine.physical_cores} cores{ram}), {platform.system()} {platform.release()}, "
                   f"{os.cpu_count()} logical CPUs",
        "commit": _commit(),
        "cases_from": ", ".join(_from_repo(c) for c in ([cases_from] if isinstance(cases_from, str) else cases_from)),
        "models": models,
        **({"splits": splits} if splits else {}),
    }


def as_json(verdicts: dict[str, list[Verdict]], info: dict[str, Any]) -> dict[str, Any]:
    return {
        "run": info,
        "models": {
            model: {
                "summary": score(found).as_dict(),
                "categories": {c: s.as_dict() for c, s in by_category(found).items()},
                "cases": [{**asdict(v), "passed": v.passed} for v in found],
            }
            for model, found in verdicts.items()
        },
    }


def pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def metric_columns() -> list[tuple[str, str, str | None]]:
    """(label, system field, raw field or None) per column: a raw figure sits in its system figure's cell."""
    raw_fields = set(RAW.values())
    return [(f"{label} raw / system" if m in RAW else label, m, RAW.get(m)) for m, label in METRICS.items() if m not in raw_fields]


def metric_cells(s: Score) -> list[str]:
    """Each column's figure; a paired column reads 'raw / system', e.g. '61% / 80%'."""
    return [f"{pct(getattr(s, raw))} / {pct(getattr(s, m))}" if raw else pct(getattr(s, m)) for _, m, raw in metric_columns()]


def _goal(field: str) -> str:
    return f">= {GOALS[field]:.0%}" if field in GOALS else "-"


def goal_cells() -> list[str]:
    return [f"{_goal(raw)} / {_goal(m)}" if raw else _goal(m) if m in GOALS else "" for _, m, raw in metric_columns()]


def summary_rows(scores: dict[str, Score], titles: dict[str, str]) -> list[str]:
    head = ["model", "cases", *(label for label, _, _ in metric_columns()), "latency p50 / p95 (s)", "tokens / case"]
    rows = [_row(head), _row(["---"] * len(head))]
    for model, s in scores.items():
        title = titles.get(model, model)
        rows.append(_row([f"{model} ({title})" if title != model else model, str(s.cases), *metric_cells(s),
                          f"{seconds(s.latency_p50_s)} / {seconds(s.latency_p95_s)}",
                          "-" if s.tokens_per_case is None else f"{s.tokens_per_case:,.0f}"]))
    rows.append(_row(["goal (default model)", "", *goal_cells(), "", ""]))
    return rows


def markdown(verdicts: dict[str, list[Verdict]], info: dict[str, Any], chart: str | None = None) -> str:
    scores = {model: score(found) for model, found in verdicts.items()}
    lines = [
        "# Tool-call eval",
        "",
        f"{info['date']} on {info['machine']}; commit {info['commit']}; cases from {info['cases_from']}.",
        "",
        "Raw figures judge the backing model alone (every call as it emitted it, rejected ones and retries "
        "included; fallback tables and answers with prompt text cut count as failed answers); system figures judge what the agent delivered.",
        "",
        *summary_rows(scores, info["models"]),
        "",
    ]
    splits = info.get("splits") or {}
    if len(splits) > 1:
        lines += ["## By split", ""]
        head = ["model", "split", "cases", *(label for label, _, _ in metric_columns())]
        lines += [_row(head), _row(["---"] * len(head))]
        for model, found in verdicts.items():
            for split, ids in splits.items():
                s = score([v for v in found if v.case in set(ids)])
                lines.append(_row([model, split, str(s.cases), *metric_cells(s)]))
        lines.append("")
    if chart:
        lines += [f"![tool-call eval by model]({chart})", ""]
    lines += ["## By category", ""]
    head = ["model", "category", "cases", *(label for label, _, _ in metric_columns())]
    lines += [_row(head), _row(["---"] * len(head))]
    for model, found in verdicts.items():
        for category, s in by_category(found).items():
            lines.append(_row([model, category, str(s.cases), *metric_cells(s)]))
    lines += ["", "## Failed cases", ""]
    for model, found in verdicts.items():
        failed = [v for v in found if not v.passed]
        lines.append(f"**{model}**: {len(failed)} of {len(found)} cases failed." if failed else f"**{model}**: every case passed.")
        lines.append("")
        for v in failed:
            why = v.skipped or "; ".join(v.diff[:3]) + (" …" if len(v.diff) > 3 else "")
            lines.append(f"- `{v.case}` ({v.category}): {why}")
        lines.append("")
    return "\n".join(lines)


def bar_chart(verdicts: dict[str, list[Verdict]], path: Path) -> Path:
    """Grouped bars: one group per metric, one bar per model."""
    import matplotlib  # noqa: PLC0415 - heavy import, only when a report is written

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    metrics = [m for m in METRICS if m in GOALS]
    models = list(verdicts)
    scores = {model: score(found) for model, found in verdicts.items()}
    width = 0.8 / max(1, len(models))
    fig, ax = plt.subplots(figsize=(10, 4.5))
    for i, model in enumerate(models):
        values = [100 * (getattr(scores[model], m) or 0.0) for m in metrics]
        offsets = [x + (i - (len(models) - 1) / 2) * width for x in range(len(metrics))]
        bars = ax.bar(offsets, values, width, label=model)
        ax.bar_label(bars, fmt="%.0f", fontsize=7, padding=1)
    ax.scatter(range(len(metrics)), [100 * GOALS[m] for m in metrics], marker="_", s=900, color="black", zorder=3,
               label="goal (default model)")
    ax.set_xticks(range(len(metrics)), [METRICS[m] for m in metrics])
    ax.set_ylabel("% of cases (schema: % of calls)")
    ax.set_ylim(0, 110)
    ax.set_title("Tool-call eval by backing model")
    ax.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
