"""The tool-call eval case format, validated before anything runs.

A case is a conversation (one or more user turns) and, per turn, the tool calls a good agent
makes and the checks its answer must pass. People bring their own case files (`--cases`), so
every field is checked here, including that the catalog ids a rule names exist: a typo in a
case must be a clear error, never a case that silently passes or fails. evals/README.md
documents the format with examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from knowledge.schema import Catalog
from tools.errors import InvalidRequest
from tools.requests import HardwareSpec

Category = Literal["simple", "choice", "multiple", "irrelevance", "missing_info", "multi_turn", "hostile"]
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
Order = Literal["strict", "unordered", "subset"]
Scalar = str | int | float | bool | None

RULE_KINDS = ("equals", "one_of", "approx", "model", "gpu", "license", "contains", "absent", "any")

# The arguments a rule may name, per tool of the advisor: the tools' own arguments (`hardware`,
# `quant`, `context` are text the user wrote), the older names case files still use
# (`min_context`) and the keys a hardware text means (evals/matching.py reads calls that way).
# A misspelt argument would otherwise make a rule that never sees a value. Tools the advisor
# does not have are not checked: their cases are skipped with the reason.
HARDWARE_MEANING = ("hardware", "gpu", "vram_gb", "ram_gb", "gpus", "cpu_only")
TOOL_ARGS: dict[str, tuple[str, ...]] = {
    "recommend": ("task", *HARDWARE_MEANING, "license", "context", "min_context"),
    "estimate": ("model", *HARDWARE_MEANING, "quant", "context"),
    "license": ("name",),
    "search_articles": ("query", "model"),
}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArgRule(Frozen):
    """What one argument may be. A bare value in YAML (`quant: Q8_0`) means `equals`.

    `model`, `gpu` and `license` compare what the tools would resolve the value to, because
    the tools accept names fuzzily ("4090", "RTX 4090") and only the resolved id matters.
    """

    equals: Scalar = None
    one_of: list[Scalar] | None = None  # a null entry allows the argument to be left out
    approx: float | None = None
    tol: float | None = Field(None, ge=0, description="absolute tolerance for approx")
    rel: float | None = Field(None, ge=0, description="relative tolerance for approx, e.g. 0.05")
    model: str | None = None  # catalog model id the value must resolve to
    gpu: str | None = None  # catalog hardware id the value must resolve to
    license: str | None = None  # catalog license or model id the value must resolve to
    contains: list[str] | None = None  # every word must occur in the value (case-insensitive)
    absent: bool = False  # must be left out (or null, or the tool's default)
    any: bool = False  # any value, or none: for free text such as a search query
    example: Scalar = None  # with any: the value the oracle sends (without one it leaves the argument out)
    optional: bool = False  # with another rule: leaving the argument out also passes

    @model_validator(mode="before")
    @classmethod
    def _bare_value(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"equals": data}

    @model_validator(mode="after")
    def _one_kind(self) -> ArgRule:
        kinds = [k for k in RULE_KINDS if k in self.model_fields_set]
        if len(kinds) != 1:
            raise ValueError(f"an argument rule needs exactly one of {', '.join(RULE_KINDS)}; got {kinds or 'none'}")
        if "example" in self.model_fields_set and kinds != ["any"]:
            raise ValueError("example goes with any (other rules already say what the oracle sends)")
        if (self.tol is not None or self.rel is not None) and kinds != ["approx"]:
            raise ValueError("tol and rel go with approx")
        if kinds == ["approx"] and self.tol is None and self.rel is None:
            raise ValueError("approx needs tol (absolute) or rel (relative)")
        if kinds in (["absent"], ["any"]) and not getattr(self, kinds[0]):
            raise ValueError(f"write `{kinds[0]}: true`")
        if self.optional and kinds[0] in ("absent", "any", "one_of"):
            raise ValueError(f"optional adds nothing to {kinds[0]} (use a null entry in one_of)")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in RULE_KINDS if k in self.model_fields_set)


class ExpectedCall(Frozen):
    name: str
    args: dict[str, ArgRule] = {}

    @model_validator(mode="after")
    def _known_args(self) -> ExpectedCall:
        known = TOOL_ARGS.get(self.name)
        unknown = sorted(set(self.args) - set(known or self.args))
        if unknown:
            raise ValueError(f"{self.name} has no argument {', '.join(unknown)}; rules may name {', '.join(known or ())}")
        gpus, cpu_only = self.args.get("gpus"), self.args.get("cpu_only")
        if gpus is not None and not (gpus.kind == "absent" or all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in _values(gpus))):
            raise ValueError("gpus is a count of GPUs: a whole number of at least 1 (or absent: true)")
        if cpu_only is not None and not (cpu_only.kind == "absent" or all(isinstance(v, bool) for v in _values(cpu_only))):
            raise ValueError("cpu_only is true or false (or absent: true)")
        return self


def _values(rule: ArgRule) -> list[Scalar]:
    """The values a rule accepts, for rules that list them; anything else gives a non-value."""
    if rule.kind == "equals":
        return [rule.equals]
    if rule.kind == "one_of":
        return [v for v in rule.one_of or [] if v is not None]
    return [object()]  # type: ignore[list-item]


class AnswerChecks(Frozen):
    """Checks on a turn's final answer text; each is explained in evals/README.md."""

    names_fitting_model: bool = False  # names a model the turn's tool results show fitting
    only_fitting_models: bool = False  # every catalog model it names fits (or was named by the user)
    license_restriction: bool = False  # mentions the restriction of a conditional license
    grounded: bool | None = None  # no figure absent from tool results and questions; default: on when tools are expected
    asks: bool = False  # asks the person something back (contains a question mark)
    mentions_any: list[str] = []  # at least one of these, case-insensitive
    mentions_all: list[str] = []
    must_not_mention: list[str] = []
    leaks_prompt: bool = True  # fails on system-prompt text or tool-call syntax in the answer; on unless turned off


class Turn(Frozen):
    user: str
    calls: list[ExpectedCall] = []
    order: Order = "strict"
    may_ask: bool = False  # making no call and asking a question back also passes (answer checks then skip)
    forbid: list[str] = []  # tools that must not be called in this turn, whatever `order` allows
    answer: AnswerChecks = AnswerChecks()

    @property
    def expects_tools(self) -> bool:
        return bool(self.calls)

    @property
    def expects_none(self) -> bool:
        """No call at all is right; `calls: []` with `order: subset` means any calls are acceptable."""
        return not self.calls and self.order != "subset"

    @property
    def check_grounding(self) -> bool:
        return self.expects_tools if self.answer.grounded is None else self.answer.grounded


class IngestDoc(Frozen):
    name: str = Field(pattern=r"^[\w.-]+\.(md|txt|html)$", description="file name the article is saved under")
    text: str = Field(min_length=1)


class Setup(Frozen):
    profile: HardwareSpec | None = None  # saved hardware profile; none means this machine's detected hardware
    ingest: list[IngestDoc] = []  # articles added to the case's own index before the first turn


class Case(Frozen):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    category: Category
    about: str = ""  # why the case exists, for whoever reads a failure
    smoke: bool = False  # part of the small subset CI runs on the real default model
    setup: Setup = Setup()
    turns: list[Turn] = Field(min_length=1)

    @model_validator(mode="after")
    def _fits_category(self) -> Case:
        if self.category == "multi_turn" and len(self.turns) < 2:
            raise ValueError("a multi_turn case needs at least two turns")
        if self.category == "irrelevance" and any(t.calls or t.order != "strict" for t in self.turns):
            raise ValueError("an irrelevance case expects no tool call in any turn (calls: [], order: strict)")
        return self

    @property
    def tools_needed(self) -> set[str]:
        needed = {call.name for turn in self.turns for call in turn.calls}
        return needed | ({"search_articles"} if self.setup.ingest else set())

    @property
    def expects_tools(self) -> bool:
        """Tool selection and argument accuracy are scored on these cases."""
        return any(turn.expects_tools for turn in self.turns)

    @property
    def expects_none(self) -> bool:
        """Irrelevance is scored on these: no turn should call any tool."""
        return all(turn.expects_none for turn in self.turns)


def _ids_problems(case: Case, catalog: Catalog) -> list[str]:
    """Catalog ids a rule names that do not exist (a rule that could never match)."""
    known = {
        "model": {m.id for m in catalog.models},
        "gpu": {h.id for h in catalog.hardware},
        "license": {m.id for m in catalog.models} | {lic.id for lic in catalog.licenses},
    }
    problems = []
    for t, turn in enumerate(case.turns, start=1):
        for call in turn.calls:
            for arg, rule in call.args.items():
                for kind, ids in known.items():
                    value = getattr(rule, kind)
                    if value is not None and value not in ids:
                        problems.append(f"turn {t}, {call.name}.{arg}: no catalog {kind} id '{value}'")
    return problems


def _where(err: dict[str, Any]) -> str:
    return ".".join(str(p) for p in err["loc"]) or "(top)"


def parse_cases(data: Any, origin: str, catalog: Catalog) -> list[Case]:
    """Cases from parsed YAML (a list of case mappings); every problem named with its place."""
    if not isinstance(data, list):
        raise InvalidRequest(f"{origin}: a case file holds a YAML list of cases, got {type(data).__name__}")
    cases, problems = [], []
    for i, item in enumerate(data):
        label = f"{origin}: case {i + 1}" + (f" ({item['id']})" if isinstance(item, dict) and "id" in item else "")
        try:
            case = Case.model_validate(item)
        except ValidationError as exc:
            problems += [f"{label}: {_where(err)}: {err['msg'].removeprefix('Value error, ')}" for err in exc.errors()]
            continue
        problems += [f"{label}: {p}" for p in _ids_problems(case, catalog)]
        cases.append(case)
    if problems:
        raise InvalidRequest("invalid eval cases:\n  " + "\n  ".join(problems))
    return cases


def load_cases(path: Path, catalog: Catalog) -> list[Case]:
    """Every case in a .yaml file, or in all .yaml files of a folder (sorted by name)."""
    if not path.exists():
        raise InvalidRequest(f"no such case file or folder: {path}")
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    if not files:
        raise InvalidRequest(f"no .yaml case files in {path}")
    cases: list[Case] = []
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise InvalidRequest(f"{file}: cannot read as YAML: {exc}") from None
        cases += parse_cases(data, file.name, catalog)
    seen: dict[str, int] = {}
    for case in cases:
        seen[case.id] = seen.get(case.id, 0) + 1
    duplicates = sorted(i for i, n in seen.items() if n > 1)
    if duplicates:
        raise InvalidRequest(f"case ids must be unique; repeated: {', '.join(duplicates)}")
    return cases


GENERALIZATION_DIR = Path(__file__).parent / "generalization"
SPLITS = ("dev", "test")


def split_files(split: str) -> dict[str, Path]:
    """The case file of each split a run covers: dev, test, or all (both, kept apart in the report).

    The agent is tuned only while looking at dev; test is reported and never used to change it
    (evals/README.md).
    """
    names = SPLITS if split == "all" else (split,)
    if any(name not in SPLITS for name in names):
        raise InvalidRequest(f"unknown split '{split}'; choose dev, test or all")
    return {name: GENERALIZATION_DIR / f"{name}.yaml" for name in names}


def select(cases: list[Case], *, categories: list[str] | None = None, smoke: bool = False,
           limit: int | None = None) -> list[Case]:
    """The cases a run uses: optional categories, the smoke subset, then the first `limit`."""
    unknown = sorted(set(categories or []) - set(CATEGORIES))
    if unknown:
        raise InvalidRequest(f"unknown category {', '.join(unknown)}; choose from {', '.join(CATEGORIES)}")
    chosen = [c for c in cases if (not categories or c.category in categories) and (c.smoke or not smoke)]
    return chosen[:limit] if limit is not None else chosen
