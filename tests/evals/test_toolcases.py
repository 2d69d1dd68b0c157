"""The case format: every shipped case validates, and broken case files fail with a clear message."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from evals.tool_eval import CASES_DIR
from evals.toolcases import CATEGORIES, ArgRule, load_cases, parse_cases, select, split_files
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


def _estimate_case(**args) -> dict:
    return _case(turns=[{"user": "q", "calls": [{"name": "estimate", "args": {"model": {"model": "qwen3-8b"}, **args}}]}])


@pytest.mark.parametrize("args", [
    {"hardware": {"contains": ["4090"]}},
    {"gpu": {"gpu": "rtx-3090"}, "gpus": 2},
    {"gpus": {"one_of": [2, 4]}},
    {"cpu_only": True, "ram_gb": {"approx": 16, "tol": 0.5}},
    {"gpus": {"absent": True}, "cpu_only": {"absent": True}},
    {"quant": "Q8_0", "context": {"approx": 16384, "tol": 1}},
])
def test_cases_may_name_the_tools_arguments_and_what_hardware_text_means(args) -> None:
    assert parse_cases([_estimate_case(**args)], "mine.yaml", load_catalog())


@pytest.mark.parametrize("args, message", [
    ({"gpus": 1.5}, "gpus is a count of GPUs"),
    ({"gpus": "two"}, "gpus is a count of GPUs"),
    ({"gpus": {"approx": 2, "tol": 1}}, "gpus is a count of GPUs"),
    ({"cpu_only": "yes"}, "cpu_only is true or false"),
    ({"vram": {"approx": 24, "tol": 1}}, "estimate has no argument vram"),
    ({"min_context": 4096}, "estimate has no argument min_context"),  # recommend's older name only
])
def test_misnamed_or_mistyped_argument_rules_are_errors(args, message) -> None:
    with pytest.raises(InvalidRequest, match=message):
        parse_cases([_estimate_case(**args)], "mine.yaml", load_catalog())


def test_tools_the_advisor_lacks_are_not_checked_for_argument_names() -> None:
    case = _case(turns=[{"user": "q", "calls": [{"name": "weather", "args": {"city": "Paris"}}]}])
    assert parse_cases([case], "mine.yaml", load_catalog())


@pytest.mark.parametrize("split, files", [("dev", ["dev.yaml"]), ("test", ["test.yaml"]), ("all", ["dev.yaml", "test.yaml"])])
def test_splits_name_the_generalization_files(split, files) -> None:
    found = split_files(split)
    assert [p.name for p in found.values()] == files and all(p.parent.name == "generalization" for p in found.values())


def test_an_unknown_split_is_an_error() -> None:
    with pytest.raises(InvalidRequest, match="unknown split 'train'"):
        split_files("train")
