"""The case format: every shipped case validates, and broken case files fail with a clear message."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.tool_eval import CASES_DIR
from evals.toolcases import CATEGORIES, ArgRule, load_cases, parse_cases, select
from knowledge import load_catalog
from tools.errors import InvalidRequest


@pytest.fixture(scope="module")
def shipped():
    return load_cases(CASES_DIR, load_catalog())


def test_shipped_cases_cover_every_category(shipped) -> None:
    counts = Counter(case.category for case in shipped)
    assert len(shipped) >= 80
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= 8


def test_smoke_subset_is_small_and_mixed(shipped) -> None:
    smoke = select(shipped, smoke=True)
    assert 3 <= len(smoke) <= 6
    assert any(c.expects_tools for c in smoke) and any(c.expects_none for c in smoke)


def test_bare_value_means_equals() -> None:
    assert ArgRule.model_validate("Q8_0").kind == "equals"
    assert ArgRule.model_validate({"approx": 16, "tol": 0.5}).kind == "approx"


@pytest.mark.parametrize("rule, message", [
    ({"approx": 16}, "approx needs tol"),
    ({"equals": 1, "one_of": [1, 2]}, "exactly one of"),
    ({"model": "qwen3-8b", "tol": 1}, "tol and rel go with approx"),
    ({"equals": "x", "example": "y"}, "example goes with any"),
])
def test_bad_rules_are_named(rule, message) -> None:
    with pytest.raises(ValueError, match=message):
        ArgRule.model_validate(rule)


def _case(**overrides) -> dict:
    return {"id": "c1", "category": "simple",
            "turns": [{"user": "q", "calls": [{"name": "estimate", "args": {"model": {"model": "qwen3-8b"}}}]}], **overrides}


def test_unknown_catalog_id_is_an_error() -> None:
    bad = _case(turns=[{"user": "q", "calls": [{"name": "estimate", "args": {"model": {"model": "qwen9-1t"}}}]}])
    with pytest.raises(InvalidRequest, match="no catalog model id 'qwen9-1t'"):
        parse_cases([bad], "mine.yaml", load_catalog())


def test_problems_name_the_file_and_case() -> None:
    with pytest.raises(InvalidRequest, match=r"mine.yaml: case 1 \(c1\): category"):
        parse_cases([_case(category="trivia")], "mine.yaml", load_catalog())


def test_irrelevance_case_may_not_expect_calls() -> None:
    with pytest.raises(InvalidRequest, match="irrelevance case expects no tool call"):
        parse_cases([_case(category="irrelevance")], "mine.yaml", load_catalog())


def test_duplicate_ids_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("- {id: same, category: irrelevance, turns: [{user: hi}]}\n")
    (tmp_path / "b.yaml").write_text("- {id: same, category: irrelevance, turns: [{user: hello}]}\n")
    with pytest.raises(InvalidRequest, match="repeated: same"):
        load_cases(tmp_path, load_catalog())
    with pytest.raises(InvalidRequest, match="no such case file"):
        load_cases(tmp_path / "nope.yaml", load_catalog())
    (tmp_path / "c.yaml").write_text("id: [unclosed\n")
    with pytest.raises(InvalidRequest, match="cannot read as YAML"):
        load_cases(tmp_path / "c.yaml", load_catalog())


def test_select_filters_and_limits(shipped) -> None:
    chosen = select(shipped, categories=["irrelevance"], limit=2)
    assert [c.category for c in chosen] == ["irrelevance", "irrelevance"]
    with pytest.raises(InvalidRequest, match="unknown category trivia"):
        select(shipped, categories=["trivia"])


def test_the_router_lets_every_case_turn_make_its_expected_first_call(shipped) -> None:
    """The router and the first-call tool subsets are part of the agent, not of the model:
    a case they would block can never pass, whatever backing model runs it."""
    from advisor.agent.routing import Router

    router = Router.from_catalog(load_catalog())
    tools = ["recommend", "estimate", "license", "search_articles"]
    blocked = []
    for case in shipped:
        earlier: tuple[str, ...] = ()
        for n, turn in enumerate(case.turns):
            route = router.route(turn.user, has_history=n > 0)
            allowed = router.first_tools(turn.user, has_history=n > 0, available=tools, earlier_tools=earlier)
            names = [c.name for c in turn.calls]
            if turn.expects_none and route != "reply":
                blocked.append((case.id, n, "should reply", route))
            elif names and (route != "call" or not set(names[:1] if turn.order == "strict" else names) & set(allowed)):
                blocked.append((case.id, n, names, route, allowed))
            earlier = tuple(dict.fromkeys(names))
    assert blocked == []
