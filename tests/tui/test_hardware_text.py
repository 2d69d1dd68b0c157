"""The profile dialog's text: parsed by tools.phrasing, and it must name some hardware.

The phrasings themselves are tested in tests/tools/test_phrasing.py; here only the dialog's
own rule, that text naming no hardware cannot become the saved profile.
"""

from __future__ import annotations

import pytest

from knowledge import load_catalog
from tools.errors import InvalidRequest, UnknownName
from tools.phrasing import parse_hardware
from tui.hardware import profile_from_text


@pytest.mark.parametrize("text", [
    "RTX 4070 Ti Super 16 GB, 64 GB RAM",
    "2x RTX 3090 + 128 GB RAM",
    "CPU only, 32 GB RAM",
    "Voodoo 9000 12 GB",
])
def test_the_dialog_saves_what_the_tools_parser_reads(text):
    assert profile_from_text(text, load_catalog()) == parse_hardware(text, load_catalog())


@pytest.mark.parametrize("text", [" , ", "my machine", "this laptop"])
def test_text_naming_no_hardware_is_an_error_in_the_dialog(text):
    with pytest.raises(InvalidRequest, match="describe a GPU or system"):
        profile_from_text(text, load_catalog())


def test_an_unknown_card_is_an_error_with_close_names():
    with pytest.raises(UnknownName) as err:
        profile_from_text("Voodoo 9000", load_catalog())
    assert err.value.suggestions
