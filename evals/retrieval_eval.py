"""Retrieval quality and speed of the article index, measured on hand-written cases.

A case is a question, the seed article(s) that answer it and the answer's key figure. A
retrieved passage is relevant when its `source` is one of the expected articles (a digest
of seed X and seed X itself both count as X). Reported:
- recall@k: share of questions with a relevant passage in the top k;
- MRR: mean of 1/rank of the first relevant passage (0 when none is in the top k);
- answer recall@k: the stricter share whose top k holds a relevant passage containing the
  answer itself (one of the case's `answer` strings), not just the right article;
- warm query latency (p50/p95) and the cold start of a fresh process: import, open, first query.

Run through `advisor eval retrieval`; `python -m evals.retrieval_eval --cold-start DIR` is
the child process the cold-start measurement starts.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tools.errors import InvalidRequest

CASES_FILE = Path(__file__).parent / "retrieval" / "cases.yaml"


class RetrievalCase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    question: str = Field(min_length=1)
    sources: list[str] = Field(min_length=1)
    fact: str
    answer: list[str] = []


class CaseResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    question: str
    expected: list[str]
    rank: int | None  # of the first passage from an expected source
    answer_rank: int | None  # of the first such passage that also contains the answer
    retrieved: list[str]  # sources of the top k, best first
    latency_ms: float


class ColdStart(BaseModel):
    model_config = ConfigDict(frozen=True)

    import_s: float
    open_s: float
    first_query_s: float

    @property
    def total_s(self) -> float:
        return self.import_s + self.open_s + self.first_query_s


class RetrievalScore(BaseModel):
    model_config = ConfigDict(frozen=True)

    cases: int
    k: int
    recall_at_k: float
    mrr: float
    answer_recall_at_k: float
    latency_p50_ms: float
    latency_p95_ms: float
    chunks: int
    cold_start: ColdStart | None
    results: list[CaseResult]

    @property
    def misses(self) -> list[CaseResult]:
        return [r for r in self.results if r.rank is None]


def load_cases(path: Path = CASES_FILE) -> list[RetrievalCase]:
    """Parse and validate a cases file; a malformed one is a clear error naming the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(raw, list) or not raw:
            raise InvalidRequest(f"{path}: expected a non-empty list of cases.")
        return [RetrievalCase.model_validate(item) for item in raw]
    except FileNotFoundError:
        raise InvalidRequest(f"No such cases file: {path}") from None
    except yaml.YAMLError as exc:
        raise InvalidRequest(f"{path} is not valid YAML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidRequest(f"{path}: bad case ({'.'.join(map(str, first['loc']))}: {first['msg']}).") from None


def _contains_answer(text: str, answers: list[str]) -> bool:
    lower = text.lower()
    return any(a.lower() in lower for a in answers)


def score_retrieval(index, cases: list[RetrievalCase], k: int = 5,  # index: tools.article_search.ArticleIndex
                    cold_start: ColdStart | None = None) -> RetrievalScore:
    index.search("warm-up query", k=k)  # the first query pays one-off costs; cold start covers those
    results = []
    for case in cases:
        started = time.perf_counter()
        hits = index.search(case.question, k=k)
        latency = (time.perf_counter() - started) * 1000
        relevant = [i for i, h in enumerate(hits, 1) if h.source in case.sources]
        answering = [i for i, h in enumerate(hits, 1)
                     if h.source in case.sources and _contains_answer(h.text, case.answer)]
        results.append(CaseResult(
            id=case.id, question=case.question, expected=case.sources,
            rank=relevant[0] if relevant else None,
            answer_rank=answering[0] if answering else None if case.answer else (relevant[0] if relevant else None),
            retrieved=[h.source for h in hits], latency_ms=round(latency, 2),
        ))
    latencies = [r.latency_ms for r in results]
    return RetrievalScore(
        cases=len(results), k=k,
        recall_at_k=round(sum(r.rank is not None for r in results) / len(results), 4),
        mrr=round(sum(1 / r.rank for r in results if r.rank) / len(results), 4),
        answer_recall_at_k=round(sum(r.answer_rank is not None for r in results) / len(results), 4),
        latency_p50_ms=round(statistics.median(latencies), 2),
        latency_p95_ms=round(statistics.quantiles(latencies, n=20)[18] if len(latencies) > 1 else latencies[0], 2),
        chunks=sum(s.chunks for s in index.sources()),
        cold_start=cold_start, results=results,
    )


def measure_cold_start(index_dir: Path) -> ColdStart:
    """Time a fresh Python process importing the search tool, opening an already built index
    and answering one query: what the agent's first search_articles call costs."""
    out = subprocess.run([sys.executable, "-m", "evals.retrieval_eval", "--cold-start", str(index_dir)],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).parent.parent)
    return ColdStart.model_validate_json(out.stdout.strip().splitlines()[-1])


def _cold_start_child(index_dir: Path) -> None:
    started = time.perf_counter()
    from tools.article_search import ArticleIndex
    imported = time.perf_counter()
    index = ArticleIndex.open(index_dir)
    opened = time.perf_counter()
    index.search("Which model is best for coding on a 24 GB GPU?")
    done = time.perf_counter()
    print(json.dumps({"import_s": round(imported - started, 3), "open_s": round(opened - imported, 3),
                      "first_query_s": round(done - opened, 3)}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--cold-start":
        _cold_start_child(Path(sys.argv[2]))
    else:
        sys.exit("usage: python -m evals.retrieval_eval --cold-start INDEX_DIR  (the report is `advisor eval retrieval`)")
