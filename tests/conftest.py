"""Shared fixtures: every test gets its own user dirs so nothing touches the real cache/data."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory, monkeypatch):
    root = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(root / "data"))
    # Assembled GGUF models are large and identical for every test: share the real cache unless a
    # test points ADVISOR_CACHE_DIR elsewhere itself.
    yield root
