"""Assembling a model from chunks: verified once, reused, rebuilt when damaged, clear when missing."""

from __future__ import annotations

import hashlib
import os

import pytest

from advisor.llm import packs
from advisor.llm.packs import ModelPack, ModelUnavailable, assemble, chunk_files, model_path


@pytest.fixture
def fake_pack(tmp_path, monkeypatch):
    chunks = [tmp_path / f"part{i}.bin" for i in range(3)]
    for i, chunk in enumerate(chunks):
        chunk.write_bytes(bytes([i]) * 1000 + b"GGUF" * i)
    whole = b"".join(c.read_bytes() for c in chunks)
    pack = ModelPack("fake", "Fake model", ("fake-part1==1.0",), len(whole), hashlib.sha256(whole).hexdigest(), "fake.gguf")
    monkeypatch.setattr(packs, "chunk_files", lambda p: chunks)
    return pack, whole


def test_assembles_in_order_and_reports_progress(tmp_path, fake_pack):
    pack, whole = fake_pack
    seen: list[float] = []
    path = assemble(pack, tmp_path / "models", lambda label, frac: seen.append(frac))
    assert path.read_bytes() == whole
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert not list((tmp_path / "models").glob("*.partial-*"))


def test_verified_file_is_reused_without_the_chunks(tmp_path, fake_pack, monkeypatch):
    pack, _ = fake_pack
    first = assemble(pack, tmp_path / "models")
    monkeypatch.setattr(packs, "chunk_files", lambda p: pytest.fail("should not reassemble"))
    assert assemble(pack, tmp_path / "models") == first


@pytest.mark.parametrize("damage", ["truncate", "flip_byte"])
def test_partial_or_corrupt_file_is_rebuilt(tmp_path, fake_pack, damage):
    pack, whole = fake_pack
    path = assemble(pack, tmp_path / "models")
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        del data[len(data) // 2:]
    else:
        data[10] ^= 0xFF
    path.write_bytes(bytes(data))
    os.utime(path, ns=(1, 1))  # a changed file has another mtime than the verified stamp
    assert assemble(pack, tmp_path / "models").read_bytes() == whole


def test_missing_packages_name_the_install_command():
    pack = ModelPack("ghost", "Ghost model", ("no-such-advisor-pack-part1==1.0",), 10, "0" * 64, "ghost.gguf")
    with pytest.raises(ModelUnavailable) as err:
        chunk_files(pack)
    assert "no-such-advisor-pack-part1" in err.value.message and "pip install" in err.value.message


def test_model_choice_must_be_a_pack_or_a_gguf(tmp_path):
    with pytest.raises(ModelUnavailable, match="qwen1.5b"):
        model_path("llama-70b", tmp_path)
    not_gguf = tmp_path / "notes.txt"
    not_gguf.write_text("hello")
    with pytest.raises(ModelUnavailable, match="not a GGUF"):
        model_path(str(not_gguf), tmp_path)
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF" + bytes(10))
    assert model_path(str(gguf), tmp_path) == (gguf, "mine.gguf")
