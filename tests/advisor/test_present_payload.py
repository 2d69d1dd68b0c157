"""Results cross boundaries tagged with their kind and come back as the pydantic types, in one place."""

from __future__ import annotations

import pytest
from present_samples import estimate, hits, license_answer, picks

from advisor import present
from advisor.present import generic
from advisor.present.payload import from_payload, to_payload
from tools.estimate import Estimate
from tools.recommend import Pick


@pytest.mark.parametrize("make, kind", [(estimate, "estimate"), (license_answer, "license")])
def test_a_result_is_tagged_and_read_back_equal(make, kind):
    payload = to_payload(make())
    assert payload["type"] == kind
    assert from_payload(payload) == make()


@pytest.mark.parametrize("make, kind", [(picks, "pick"), (hits, "hit")])
def test_a_list_result_stays_a_list_of_tagged_items(make, kind):
    payload = to_payload(make())
    assert isinstance(payload, list) and {item["type"] for item in payload} == {kind}
    assert from_payload(payload) == make()


def test_an_untagged_result_from_before_the_tag_is_read_by_its_tool():
    old = estimate().model_dump(mode="json")
    assert from_payload(old) == old, "no tag, no tool: nothing is guessed from the keys"
    assert isinstance(from_payload(old, "estimate"), Estimate)
    assert all(isinstance(p, Pick) for p in from_payload([p.model_dump(mode="json") for p in picks()], "recommend"))


def test_a_near_miss_shape_stays_data_and_renders_as_fields():
    near = {"type": "estimate", "fit": "x", "memory_gb": None, "quant": "Q4"}
    assert from_payload(near) == near
    assert present.summary(near) == "4 fields"


def test_unknown_shapes_are_shown_by_their_python_type():
    grid = generic.table({"answer": 42, "notes": ["a", "b"], "gone": None, "long": "x" * 500})
    cells = dict(grid.rows)
    assert cells == {"answer": "42", "notes": '["a", "b"]', "gone": "(none)", "long": "x" * 199 + "…"}
    assert present.summary([1, 2]) == "2 items" and present.verdict({"a": 1}) is None


def test_every_front_end_gets_the_same_summary_from_payload_or_object():
    for result in (estimate(), picks(), license_answer(), hits()):
        assert present.summary(to_payload(result)) == present.summary(result)
