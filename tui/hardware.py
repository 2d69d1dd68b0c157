"""The hardware profile dialog's one rule on top of tools.phrasing: the text must name hardware.

Reading the words ("RTX 4070 Ti Super 16 GB, 64 GB RAM", "2x 3090", "CPU only, 32 GB RAM")
is tools.phrasing.parse_hardware, the same parser the agent's tools use, so the dialog and
the chat agree. Where the agent treats text that names no hardware ("my machine") as "use
the saved profile", the dialog is where that profile is written, so such text is an error.
"""

from __future__ import annotations

from knowledge.schema import Catalog
from tools.errors import InvalidRequest
from tools.phrasing import parse_hardware
from tools.requests import HardwareSpec


def profile_from_text(text: str, catalog: Catalog) -> HardwareSpec:
    """The HardwareSpec to save for the dialog's text; AdvisorError with a message otherwise."""
    spec = parse_hardware(text, catalog)
    if spec.is_empty:
        raise InvalidRequest("describe a GPU or system (e.g. 'RTX 4090, 64 GB RAM') or 'CPU only, 32 GB RAM'.")
    return spec
