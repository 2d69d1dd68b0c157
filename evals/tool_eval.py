"""Run the tool-call cases against a backing model and judge every turn.

Each case runs in its own temporary data folder (threads, saved hardware profile, article
index), so nothing one case does leaks into the next; the turns of a multi-turn case share
one thread. The article index is built once (and kept in the user cache) and copied into
each case's folder, because embedding the articles takes far longer than a case.

Backing models: "oracle" (the scripted model of evals/oracle.py), "default" (the advisor's
default pack), a pack name or a GGUF path. Real models decode greedily (temperature 0), so a
re-run gives the same verdicts.

Two sets of figures come out of every run, so the model and the scaffold can be told apart.
The system figures judge what the agent did: the calls that ran (a call the agent rejected as
malformed and handed back for a retry did not) and any answer it produced, its fallback
tables included. The raw figures judge the model alone: every call as the model first emitted
it, the rejected ones and their retries included, and only answers the model wrote itself.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from advisor.agent import Advisor, open_advisor
from advisor.events import Answer, Failure, ToolCall, ToolResult
from advisor.profile import save_profile
from advisor.settings import paths
from evals.answer_checks import Evidence, check_answer
from evals.matching import Call, Defaults, match_turn
from evals.oracle import oracle_model
from evals.toolcases import Case, Turn
from knowledge.schema import Catalog
from tools.mentions import Mentions

ORACLE = "oracle"
DEFAULT = "default"
CASES_DIR = Path(__file__).parent / "cases"


@dataclass(frozen=True)
class TurnOutcome:
    """What happened in one turn, as the agent's events reported it."""

    user: str
    calls: tuple[Call, ...]  # the calls that ran: ok, or refused because the request itself was impossible
    valid_calls: int  # of raw_calls: naming a real tool with arguments its schema accepts, not rejected as malformed
    results: tuple[ToolResult, ...]
    answer: str
    fallback: bool  # the agent answered with its tool-result tables because the model wrote nothing usable
    failure: str | None
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    raw_calls: tuple[Call, ...] | None = None  # every call as the model emitted it, malformed ones too; None: same as calls
    repaired: bool = False  # sentences repeating the system prompt were dropped from the model's answer

    @property
    def emitted(self) -> tuple[Call, ...]:
        return self.calls if self.raw_calls is None else self.raw_calls


@dataclass(frozen=True)
class Verdict:
    """One case on one model: the figures the summary is made of, and the diff that explains them."""

    case: str
    category: str
    model: str
    selection_ok: bool | None  # None: the case expects no tool (see irrelevance_ok) or accepts any
    args_ok: bool | None  # the calls that ran
    irrelevance_ok: bool | None  # None: some turn expects or accepts calls
    calls: int
    valid_calls: int
    answer_ok: bool
    seconds: float
    prompt_tokens: int
    completion_tokens: int
    fallback_turns: int
    args_raw_ok: bool | None = None  # the calls as the model emitted them, rejected ones and retries included
    answer_raw_ok: bool = False  # answer_ok, and no turn answered with the fallback tables or with prompt text cut
    diff: list[str] = field(default_factory=list)
    transcript: list[dict[str, Any]] = field(default_factory=list)
    skipped: str | None = None

    @property
    def passed(self) -> bool:
        return self.skipped is None and self.args_ok is not False and self.irrelevance_ok is not False and self.answer_ok


# --- running --------------------------------------------------------------------------------

def tool_defaults(advisor: Advisor) -> Defaults:
    """Each tool's optional arguments and their defaults, read from the schemas the model is offered."""
    return {t.name: {k: f.default for k, f in t.args.model_fields.items() if not f.is_required()} for t in advisor.tools}


def valid_call(call: Call, advisor: Advisor) -> bool:
    tool = next((t for t in advisor.tools if t.name == call.name), None)
    if tool is None:
        return False
    try:
        tool.args.model_validate(dict(call.args))
    except ValueError:  # pydantic's ValidationError is a ValueError
        return False
    return True


def ask(advisor: Advisor, question: str, thread_id: str) -> TurnOutcome:
    emitted: list[tuple[str, Call]] = []
    results: list[ToolResult] = []
    answer: Answer | None = None
    failure: str | None = None
    started = time.perf_counter()
    for event in advisor.stream(question, thread_id):
        if isinstance(event, ToolCall):
            emitted.append((event.call_id, Call(event.name, dict(event.args))))
        elif isinstance(event, ToolResult):
            results.append(event)
        elif isinstance(event, Answer):
            answer = event
        elif isinstance(event, Failure):
            failure = event.message
    seconds = time.perf_counter() - started
    timings = answer.timings if answer else None
    rejected = {r.call_id for r in results if r.error_kind == "call"}
    answered = {r.call_id for r in results}
    raw = tuple(call for _, call in emitted)
    return TurnOutcome(
        user=question, calls=tuple(call for cid, call in emitted if cid in answered and cid not in rejected),
        raw_calls=raw, valid_calls=sum(cid not in rejected and valid_call(c, advisor) for cid, c in emitted),
        results=tuple(results),
        answer=answer.text if answer else "", fallback=bool(answer and answer.fallback), failure=failure,
        repaired=bool(answer and answer.repaired),
        seconds=timings.total_s if timings else seconds,
        prompt_tokens=timings.prompt_tokens if timings else 0, completion_tokens=timings.completion_tokens if timings else 0,
    )


def base_index() -> Path | None:
    """The article index every case starts from (None when article search is not installed).

    It lives in the user cache and is reused across runs: ArticleIndex.open rebuilds it only
    when the articles or the catalog changed, so only the first run pays for the embedding.
    """
    if importlib.util.find_spec("tools.article_search") is None:
        return None
    from tools.article_search import ArticleIndex  # noqa: PLC0415 - imports sentence-transformers (seconds)

    index_dir = paths().cache_dir / "tool-eval-index"
    ArticleIndex.open(index_dir)
    return index_dir


def prepare(case: Case, data_dir: Path, index: Path | None) -> None:
    """The case's starting state: a copy of the article index, its own articles, its hardware profile."""
    if index is not None:
        shutil.copytree(index, data_dir / "index")
    if case.setup.profile is not None:
        save_profile(case.setup.profile, data_dir)
    if case.setup.ingest:
        from tools.article_search import ArticleIndex  # noqa: PLC0415

        folder = data_dir / "to-ingest"
        folder.mkdir()
        for doc in case.setup.ingest:
            (folder / doc.name).write_text(doc.text, encoding="utf-8")
        report = ArticleIndex.open(data_dir / "index").ingest([folder / doc.name for doc in case.setup.ingest])
        failed = [o for o in report.outcomes if o.status not in ("added", "updated")]
        if failed:
            raise RuntimeError(f"case {case.id}: could not ingest {[(o.path, o.detail) for o in failed]}")


def open_backend(model: str, case: Case, data_dir: Path) -> Advisor:
    if model == ORACLE:
        return open_advisor(chat_model=oracle_model(case), data_dir=data_dir)
    return open_advisor(None if model == DEFAULT else model, data_dir=data_dir)


def run_case(case: Case, model: str, catalog: Catalog, mentions: Mentions, index: Path | None) -> Verdict:
    with tempfile.TemporaryDirectory(prefix=f"tool-eval-{case.id}-") as tmp:
        data_dir = Path(tmp)
        prepare(case, data_dir, index)
        advisor = open_backend(model, case, data_dir)
        try:
            missing = sorted(case.tools_needed - {t.name for t in advisor.tools})
            if missing:
                return _skipped(case, model, f"the agent offers no {', '.join(missing)} tool")
            outcomes = [ask(advisor, turn.user, thread_id=case.id) for turn in case.turns]
            defaults = tool_defaults(advisor)
        finally:
            advisor.close()
    return judge(case, model, outcomes, defaults, catalog, mentions)


def _skipped(case: Case, model: str, why: str) -> Verdict:
    return Verdict(case.id, case.category, model, None, None, None, 0, 0, False, 0.0, 0, 0, 0, skipped=why)


# --- judging --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TurnJudgement:
    names_ok: bool
    args_ok: bool  # the calls that ran
    args_raw_ok: bool  # the calls as the model emitted them
    answer_ok: bool
    problems: list[str]


def _judge_turn(turn: Turn, outcome: TurnOutcome, evidence: Evidence, defaults: Defaults, catalog: Catalog,
                mentions: Mentions) -> TurnJudgement:
    if outcome.failure:
        return TurnJudgement(False, False, False, False, [f"the agent failed: {outcome.failure}"])
    if turn.may_ask and not outcome.calls and "?" in outcome.answer:  # asked back
        return TurnJudgement(True, True, not outcome.emitted, True, [])
    match = match_turn(turn.calls, outcome.calls, turn.order, defaults, catalog)
    raw = match if outcome.emitted == outcome.calls else match_turn(turn.calls, outcome.emitted, turn.order, defaults, catalog)
    forbidden = [c.name for c in outcome.calls if c.name in turn.forbid]
    problems = list(match.diff) + [f"called {name}, which this turn forbids" for name in forbidden]
    if match.args_ok and not raw.args_ok:
        problems += [f"as first emitted: {p}" for p in raw.diff] or ["as first emitted: a call was rejected as malformed"]
    answer_problems = check_answer(turn.answer, grounded=turn.check_grounding, answer=outcome.answer,
                                   evidence=evidence, mentions=mentions)
    if not outcome.answer.strip():
        answer_problems.append("no answer text")
    return TurnJudgement(match.names_ok and not forbidden, match.args_ok and not forbidden, raw.args_ok and not forbidden,
                         not answer_problems, problems + answer_problems)


def judge(case: Case, model: str, outcomes: list[TurnOutcome], defaults: Defaults, catalog: Catalog,
          mentions: Mentions) -> Verdict:
    judged: list[TurnJudgement] = []
    diff: list[str] = []
    questions: list[str] = []
    results: list[Any] = []
    shown: list[str] = []
    for n, (turn, outcome) in enumerate(zip(case.turns, outcomes), start=1):
        questions.append(turn.user)
        ok = [r for r in outcome.results if r.ok]
        results += [r.result for r in ok]
        shown += [r.text or r.error or "" for r in outcome.results]
        evidence = Evidence(tuple(questions), tuple(results), tuple(shown), tuple((r.name, r.result) for r in ok))
        judged.append(_judge_turn(turn, outcome, evidence, defaults, catalog, mentions))
        diff += [f"turn {n}: {p}" for p in judged[-1].problems]
    made = sum(len(o.emitted) for o in outcomes)  # whatever the model tried, rejected calls included
    expects = case.expects_tools
    answer_ok = all(j.answer_ok for j in judged)
    fallbacks = sum(o.fallback for o in outcomes)
    return Verdict(
        case=case.id, category=case.category, model=model,
        selection_ok=all(j.names_ok for j in judged) if expects else None,
        args_ok=all(j.args_ok for j in judged) if expects else None,
        irrelevance_ok=made == 0 if case.expects_none else None,
        calls=made, valid_calls=sum(o.valid_calls for o in outcomes), answer_ok=answer_ok,
        seconds=round(sum(o.seconds for o in outcomes), 3),
        prompt_tokens=sum(o.prompt_tokens for o in outcomes), completion_tokens=sum(o.completion_tokens for o in outcomes),
        fallback_turns=fallbacks,
        args_raw_ok=all(j.args_raw_ok for j in judged) if expects else None,
        answer_raw_ok=answer_ok and fallbacks == 0 and not any(o.repaired for o in outcomes),
        diff=diff,
        transcript=[{"user": o.user, "calls": [{"name": c.name, "args": dict(c.args)} for c in o.emitted],
                     "not_run": len(o.emitted) - len(o.calls),
                     "errors": [{"error": r.error, "kind": r.error_kind} for r in o.results if not r.ok],
                     "answer": o.answer, "fallback": o.fallback, "repaired": o.repaired}
                    for o in outcomes],
    )


def run_suite(cases: Iterable[Case], models: list[str], catalog: Catalog,
              on_verdict: Callable[[Verdict], None] | None = None) -> dict[str, list[Verdict]]:
    """Every case on every model, in order; `on_verdict` hears each verdict as it comes (progress)."""
    cases = list(cases)
    mentions = Mentions.of_models(catalog)
    verdicts: dict[str, list[Verdict]] = {}
    index = base_index()
    for model in models:
        verdicts[model] = []
        for case in cases:
            verdict = run_case(case, model, catalog, mentions, index)
            verdicts[model].append(verdict)
            if on_verdict:
                on_verdict(verdict)
    return verdicts
