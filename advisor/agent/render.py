"""Tool results as the text the model reads, and the answer given when it writes nothing usable.

The words come from advisor/present (one presenter per result type, shared with the CLI, the
TUI and the eval oracle); this module only picks the model's view of them. On this CPU every
prompt token costs ~10-15 ms of prefill, so each text opens with the verdict (a small model
copies the opening line, and a follow-up sees only that line: advisor/agent/prompt.py), then
the few figures an answer needs: the best three picks with their trade-offs, at most two
figures the articles reported, articles named by title and date. Never JSON, never file names.
"""

from __future__ import annotations

from typing import Any

from tools.estimate import Estimate
from tools.licenses import LicenseAnswer
from tools.plan import PlanResult
from tools.recommend import Pick
from tools.requests import RecommendRequest

from advisor import present
from advisor.present import estimate, hits, licenses, picks, plan


def picks_text(result: list[Pick], hardware_line: str, req: RecommendRequest) -> str:
    return picks.model_text(result, hardware_line, req)


def estimate_text(result: Estimate, hardware_line: str) -> str:
    return estimate.model_text(result, hardware_line)


def license_text(answer: LicenseAnswer) -> str:
    return licenses.model_text(answer)


def plan_text(result: PlanResult) -> str:
    return plan.model_text(result)


def hits_text(result: list[Any]) -> str:
    return hits.model_text(result)


def fallback_table(results: list[tuple[str, Any]]) -> str:
    """The answer from the turn's successful tool results (tool name, payload), for when the model fails:
    each result's verdict, then its essentials as a Markdown table."""
    return "\n\n".join(text for name, data in results if (text := present.answer_markdown(data, name)))
