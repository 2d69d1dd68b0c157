"""Free-text hardware as typed in the profile dialog."""

from __future__ import annotations

import pytest

from knowledge import load_catalog
from tools.errors import AdvisorError, UnknownName
from tui.hardware import parse_hardware


@pytest.mark.parametrize(("text", "expected"), [
    ("RTX 4070 Ti Super 16 GB, 64 GB RAM", {"gpu": "NVIDIA GeForce RTX 4070 Ti Super", "ram_gb": 64}),
    ("rtx4090", {"gpu": "NVIDIA GeForce RTX 4090"}),
    ("2x RTX 3090 + 128 GB RAM", {"gpu": "NVIDIA GeForce RTX 3090", "gpus": 2, "ram_gb": 128}),
    ("16 GB, 32GB RAM", {"vram_gb": 16, "ram_gb": 32}),
    ("Voodoo 9000 12 GB", {"vram_gb": 12}),
    ("CPU only, 32 GB RAM", {"cpu_only": True, "ram_gb": 32}),
])
def test_parses(text, expected):
    spec = parse_hardware(text, load_catalog())
    assert {key: getattr(spec, key) for key in expected} == expected


def test_unknown_name_without_size_lists_close_names():
    with pytest.raises(UnknownName) as err:
        parse_hardware("Voodoo 9000", load_catalog())
    assert err.value.suggestions


@pytest.mark.parametrize(("text", "message"), [
    ("RTX 4090 48 GB", "memory size"),
    ("64 GB RAM, RAM", "RAM size"),
    ("RTX 4090, RTX 3090", "more than one GPU"),
    ("CPU only, RTX 4090", "cpu_only cannot be combined"),
    (" , ", "describe a GPU"),
])
def test_bad_text_gets_a_specific_error(text, message):
    with pytest.raises(AdvisorError, match=message):
        parse_hardware(text, load_catalog())
