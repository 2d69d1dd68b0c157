"""License lookup by license name and by model, conflicts surfaced."""

from __future__ import annotations

import pytest

from tools.errors import UnknownName
from tools.licenses import license_terms


def test_license_by_name(catalog):
    answer = license_terms("Apache 2.0", catalog)
    assert answer.model is None
    assert answer.terms[0].license.id == "apache-2.0"
    assert answer.commercial_use == "yes"


def test_model_with_disagreeing_sources_is_flagged(catalog):
    answer = license_terms("API Model", catalog)
    assert answer.conflict is True
    assert {t.license.id for t in answer.terms} == {"apache-2.0", "research-only"}
    assert answer.commercial_use == "no"  # the strictest reading wins
    assert "a.txt" in answer.note and "b.txt" in answer.note


def test_unknown_name_suggests(catalog):
    with pytest.raises(UnknownName) as err:
        license_terms("Zebra License 9", catalog)
    assert err.value.suggestions
