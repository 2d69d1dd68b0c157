"""Overlay folders extend the packaged catalog without a reinstall, and a mistake names its file."""

from __future__ import annotations

import pytest
import yaml

from knowledge import load, read_catalog
from knowledge.load import CatalogFileError


def record(mid: str, **extra) -> dict:
    return {"id": mid, "name": mid.upper(), "family": "Test", "vendor": "Test", "weights": "open", "architecture": "dense",
            "params_total_b": {"value": 3.0, "origin": "public_config", "source": "hf:test/x config.json"}, **extra}


def test_an_overlay_adds_new_models_and_replaces_known_ones(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "mine.yaml").write_text(yaml.safe_dump([record("brand-new-3b"), record("qwen3-8b", name="Qwen3-8B patched")]))
    base = read_catalog()
    merged = read_catalog(overlays=[tmp_path])
    assert len(merged.models) == len(base.models) + 1
    assert next(m for m in merged.models if m.id == "qwen3-8b").name == "Qwen3-8B patched"


def test_an_overlay_can_add_hardware_records(tmp_path):
    base = read_catalog()
    card = base.hardware[0].model_dump(mode="json") | {"id": "my-card", "name": "My Card", "aliases": []}
    (tmp_path / "hardware.yaml").write_text(yaml.safe_dump([card]))
    assert "my-card" in {h.id for h in read_catalog(overlays=[tmp_path]).hardware}


def test_a_broken_overlay_record_names_its_file_and_record(tmp_path):
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump([{"id": "oops", "name": "Oops"}]))
    with pytest.raises(CatalogFileError) as err:
        read_catalog(overlays=[tmp_path])
    assert "bad.yaml" in str(err.value) and "'oops'" in str(err.value)


def test_load_catalog_sees_an_added_file_without_a_restart(tmp_path, monkeypatch):
    monkeypatch.setattr(load, "_overlay_source", lambda: [tmp_path])
    before = len(load.load_catalog().models)
    (tmp_path / "extra.yaml").write_text(yaml.safe_dump([record("hot-added-1b")]))
    assert len(load.load_catalog().models) == before + 1
    (tmp_path / "extra.yaml").unlink()
    assert len(load.load_catalog().models) == before
