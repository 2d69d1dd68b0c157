"""What a question asks to look up, and which of it the turn's tool calls have not covered yet.

"Compare Qwen3 30B and Gemma 4 26B on a 4090", "estimate Scout on an M4 Max, then its
license", "will it fit on a 4090? and on a 3060?": the 1.5B model makes the first call and
then answers, every time. Listing what the question names is easy to do exactly (catalog
names, quant labels, a few words for "license" and "runs"), so the agent does it, and after
each round of calls tells the model what is still open ("Next: call license for Llama 4
Scout"). When nothing is open the model must answer, which also stops it from repeating a
call it already made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from knowledge.schema import Catalog
from tools.mentions import Mentions

_LICENSE = re.compile(r"\blicen[cs]\w*", re.IGNORECASE)
_COMMERCIAL = re.compile(r"\bcommercial\w*|\bsell\b|\bin a product\b", re.IGNORECASE)
_RUNNING = re.compile(r"\b(?:run|runs|running|fit|fits|fast|faster|speed|memory|vram|estimate|tok/s|tokens per second)\b",
                      re.IGNORECASE)
_QUANT = re.compile(r"\b(?:i?q\d(?:_[0-9a-z]+)*|f16|bf16|fp16)\b", re.IGNORECASE)
_CONTEXT = re.compile(r"(\d+(?:\.\d+)?)\s*(k|m)\b[^.?!]{0,20}?\b(?:tokens?|context)|\b(?:context|window)\D{0,20}?(\d+(?:\.\d+)?)\s*(k|m)\b",
                      re.IGNORECASE)
_POINTS_BACK = re.compile(r"\b(?:one|ones|those|these|them|both|each|it|its)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Call:
    name: str
    args: dict[str, Any]
    failed_on_input: bool = False  # the tool refused what the user asked for: covered, not to be retried


@dataclass(frozen=True)
class Agenda:
    models: tuple[str, ...]  # catalog ids the question is about
    devices: tuple[str, ...]  # catalog device ids named
    quants: tuple[str, ...]  # quant labels named, upper case
    contexts: tuple[int, ...]  # context lengths named ("128k tokens"), in tokens
    license_lookup: bool  # asks for a license by name ("what's the license of ...")
    commercial: bool  # asks about commercial use (a recommend filter or a license lookup covers it)
    running: bool  # asks whether or how fast something runs


@dataclass(frozen=True)
class Planner:
    models: Mentions
    devices: Mentions
    names: dict[str, str]  # catalog id -> display name, for the hints

    @classmethod
    def from_catalog(cls, catalog: Catalog) -> Planner:
        names = {m.id: m.name for m in catalog.models} | {h.id: h.name for h in catalog.hardware}
        cpu_platforms = {h.id for h in catalog.hardware if h.kind == "cpu"}  # named by ram_gb, not by a gpu argument
        devices = Mentions(tuple(n for n in Mentions.of_hardware(catalog).names if n.record_id not in cpu_platforms))
        return cls(Mentions.of_models(catalog), devices, names)

    def agenda(self, question: str, earlier_calls: list[Call]) -> Agenda:
        """`earlier_calls`: the previous turn's, for a follow-up that points back ("which one is faster?")."""
        models = self.models.find(question)
        if not models and _POINTS_BACK.search(question):
            models = list(dict.fromkeys(m for c in earlier_calls for m in self._models_of(c)))
        quants = list(dict.fromkeys(q.upper() for q in _QUANT.findall(question)))
        contexts = []
        for a, unit_a, b, unit_b in _CONTEXT.findall(question):
            number, unit = (a, unit_a) if a else (b, unit_b)
            contexts.append(int(float(number) * (1000 if unit.lower() == "k" else 1_000_000)))
        return Agenda(tuple(models), tuple(self.devices.find(question)), tuple(quants), tuple(dict.fromkeys(contexts)),
                      bool(_LICENSE.search(question)), bool(_COMMERCIAL.search(question)), bool(_RUNNING.search(question)))

    def next_step(self, agenda: Agenda, calls: list[Call]) -> str | None:
        """A hint naming one call still to make, or None when the question is covered."""
        if not calls:
            return None
        tool = calls[0].name
        per_subject = ("estimate", "license", "search_articles")
        looked_up = [c for c in calls if c.name in per_subject]
        for model in agenda.models:
            if not any(model in self._models_of(c) for c in looked_up):
                per_model = tool if tool in per_subject else "license" if agenda.license_lookup else "estimate"
                return f"call {per_model} for {self.names[model]}"
        sized = [c for c in calls if c.name in ("estimate", "recommend")]
        for device in agenda.devices:
            if sized and not any(device in self.devices.find(str(c.args.get("gpu") or "")) for c in sized):
                return f'call {sized[0].name} again with gpu "{self.names[device]}"'
        for quant in agenda.quants:
            if tool == "estimate" and not any(str(c.args.get("quant") or "Q4_K_M").upper().startswith(quant) for c in sized):
                return f"call estimate again at {quant}"
        for tokens in agenda.contexts:
            field = "context" if tool == "estimate" else "min_context"
            given = [c.args.get("context") or c.args.get("min_context") or 0 for c in sized]
            if sized and not any(abs(g - tokens) <= 0.05 * tokens for g in given):
                return f"call {sized[0].name} again with {field} {tokens}"
        subject = (self.names[agenda.models[0]] if agenda.models
                   else "the top pick" if tool == "recommend" else "the model the user asks about")
        licensed = any(c.name == "license" for c in calls)
        filtered = any(c.name == "recommend" and c.args.get("license") == "commercial" for c in calls)
        if agenda.license_lookup and not licensed:
            return f"call license for {subject}"
        if agenda.commercial and not (licensed or filtered):
            return "call recommend again with license commercial" if tool == "recommend" else f"call license for {subject}"
        if agenda.running and not sized and agenda.models and tool != "search_articles":
            return f"call estimate for {subject}"
        return None

    def _models_of(self, call: Call) -> list[str]:
        named = " ".join(str(call.args.get(k) or "") for k in ("model", "name", "query"))
        return self.models.find(named)
