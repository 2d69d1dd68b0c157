"""Would an expert sign the picks? Score `recommend` against the sources' own recommendations.

Every explicit pick in the five articles ("best coding model for 24 GB: GLM-4.7-Flash") is a
catalog `Endorsement`. A scenario is one hardware tier and task the articles speak of, run as
the request a person with that hardware would send (a representative card plus 64 GB of RAM,
so expert offload is allowed); it hits when an endorsed model, or a variant of one, is among
the first three picks.

The ranking itself weighs those endorsements, so scoring it on all of them is in-sample. The
held-out figure removes one article's endorsements from the catalog, ranks, and asks whether
that article's picks still come up: what the advisor would say for a source it never read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.schema import Catalog, Endorsement, Model
from tools.errors import AdvisorError
from tools.recommend import base_model, endorsements_for, recommend
from tools.requests import HardwareSpec, RecommendRequest
from tools.shapes import device_from_spec

TOP = 3
RAM_GB = 64  # a typical desktop's RAM, so picks that need expert offload count
# One representative device per tier (the tier's upper end, marketed GB).
DISCRETE = {8: "RTX 4060", 12: "RTX 4070", 16: "RTX 4070 Ti Super", 24: "RTX 4090"}
UNIFIED = {128: "M4 Max 128GB", 64: "M4 Max 64GB"}


@dataclass(frozen=True)
class Scenario:
    name: str
    hardware: HardwareSpec
    task: str
    sources: tuple[str, ...]


@dataclass
class Verdict:
    scenario: Scenario
    picks: list[str]
    expected: list[str]
    hit: bool
    duplicates: int


@dataclass
class AdviceScore:
    label: str
    verdicts: list[Verdict] = field(default_factory=list)

    @property
    def hit_at_3(self) -> float:
        return sum(v.hit for v in self.verdicts) / len(self.verdicts) if self.verdicts else float("nan")

    @property
    def duplicates(self) -> int:
        return sum(v.duplicates for v in self.verdicts)

    def as_dict(self) -> dict:
        return {"scenarios": len(self.verdicts), f"hit_at_{TOP}": round(self.hit_at_3, 4), "duplicate_variants": self.duplicates,
                "misses": [{"scenario": v.scenario.name, "task": v.scenario.task, "picks": v.picks, "expected": v.expected}
                           for v in self.verdicts if not v.hit]}


def _hardware(e: Endorsement) -> tuple[str, HardwareSpec] | None:
    """The request hardware of a tier: a card or Mac at the tier's top, CPU only for the edge tier."""
    if e.memory_gb_max <= 8 and e.kind == "any":
        return "CPU only, 16 GB RAM", HardwareSpec(cpu_only=True, ram_gb=16)
    if e.kind == "unified":
        size = min((s for s in UNIFIED if s >= e.memory_gb_max), default=None) or max(UNIFIED)
        return UNIFIED[size], HardwareSpec(gpu=UNIFIED[size])
    sizes = [s for s in DISCRETE if e.memory_gb_min <= s <= e.memory_gb_max]
    if not sizes:
        return None  # 32-64 GB discrete tiers have no single consumer card
    name = DISCRETE[max(sizes)]
    return f"{name} + {RAM_GB} GB RAM", HardwareSpec(gpu=name, ram_gb=RAM_GB)


def scenarios(catalog: Catalog, only_source: str | None = None) -> list[Scenario]:
    """One scenario per (tier device, task) some article picks a model for; `only_source` keeps one article's."""
    found: dict[tuple[str, str], set[str]] = {}
    specs: dict[str, HardwareSpec] = {}
    for model in catalog.models:
        for e in model.endorsements:
            if only_source and e.source != only_source:
                continue
            where = _hardware(e)
            if where is None:
                continue
            specs[where[0]] = where[1]
            for task in e.tasks:
                found.setdefault((where[0], task), set()).add(e.source)
    return [Scenario(name, specs[name], task, tuple(sorted(src))) for (name, task), src in sorted(found.items())]


def _expected(catalog: Catalog, scenario: Scenario, sources: set[str] | None) -> list[Model]:
    device = device_from_spec(scenario.hardware, catalog)
    out = []
    for model in catalog.models:
        picked, _ = endorsements_for(model, device, scenario.task)
        if any(sources is None or e.source in sources for e in picked):
            out.append(model)
    return out


def _run(catalog: Catalog, judge: Catalog, scenario: Scenario, sources: set[str] | None) -> Verdict:
    expected = _expected(judge, scenario, sources)
    try:
        picks = recommend(RecommendRequest(hardware=scenario.hardware, task=scenario.task, limit=TOP), catalog)
    except AdvisorError:
        picks = []
    bases = [p.base_model for p in picks]
    wanted = {m.id for m in expected} | {base_model(m) for m in expected}  # a variant of an endorsed model counts
    hit = any(p.model in wanted or p.base_model in wanted for p in picks)
    return Verdict(scenario, [p.model for p in picks], sorted(m.id for m in expected), hit, len(bases) - len(set(bases)))


def in_sample(catalog: Catalog) -> AdviceScore:
    """Every scenario, ranked with every endorsement the catalog holds: the ranking saw these picks."""
    score = AdviceScore("in-sample: ranked with all endorsements")
    score.verdicts = [_run(catalog, catalog, s, None) for s in scenarios(catalog)]
    return score


def without(catalog: Catalog, source: str) -> Catalog:
    models = [m.model_copy(update={"endorsements": [e for e in m.endorsements if e.source != source]})
              if any(e.source == source for e in m.endorsements) else m for m in catalog.models]
    return catalog.model_copy(update={"models": models})


def leave_one_article_out(catalog: Catalog) -> AdviceScore:
    """Each article's scenarios, ranked without that article's endorsements, judged by its picks only."""
    score = AdviceScore("held out: each article's picks, ranked without that article")
    for source in sorted({e.source for m in catalog.models for e in m.endorsements}):
        blind = without(catalog, source)
        score.verdicts += [_run(blind, catalog, s, {source}) for s in scenarios(catalog, only_source=source)]
    return score
