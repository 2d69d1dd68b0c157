"""The hardware a question is answered for when the person does not name any.

"Which model should I run?" is about the asker's own machine. The profile is what they saved
(`save_profile`, e.g. from the TUI) or, failing that, what tools.hardware_probe detects. A
saved file that no longer parses is reported and replaced by detection, never a crash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from advisor.settings import Paths, paths
from knowledge import load_catalog
from tools.hardware_probe import detect
from tools.requests import HardwareSpec


class HardwareProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    spec: HardwareSpec
    origin: Literal["saved", "detected"]
    note: str = ""  # e.g. why a saved profile was ignored

    @property
    def description(self) -> str:
        return describe(self.spec)


def describe(spec: HardwareSpec) -> str:
    """A short human label: 'RTX 4090 + 64 GB RAM', '16 GB GPU', 'CPU only, 24 GB RAM'."""
    ram = f"{spec.ram_gb:g} GB RAM" if spec.ram_gb else None
    if spec.gpu or spec.vram_gb:
        gpu = spec.gpu or f"{spec.vram_gb:g} GB GPU"
        gpu = f"{spec.gpus}x {gpu}" if spec.gpus > 1 else gpu
        return f"{gpu} + {ram}" if ram else gpu
    return f"CPU only, {ram}" if ram else "unknown hardware"


def _profile_file(data_dir: Path | None) -> Path:
    where = paths()
    return Paths(where.cache_dir, data_dir).profile_file if data_dir else where.profile_file


def detected_profile() -> HardwareProfile:
    return HardwareProfile(spec=detect().as_spec(load_catalog()), origin="detected")


def load_profile(data_dir: Path | None = None) -> HardwareProfile:
    """The saved profile if there is a valid one, else the detected hardware."""
    path = _profile_file(data_dir)
    if not path.exists():
        return detected_profile()
    try:
        spec = HardwareSpec.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, ValidationError) as exc:
        reason = str(exc).splitlines()[0]
        return detected_profile().model_copy(update={"note": f"saved profile {path} ignored ({reason})"})
    return HardwareProfile(spec=spec, origin="saved")


def save_profile(spec: HardwareSpec, data_dir: Path | None = None) -> Path:
    path = _profile_file(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(spec.model_dump_json(exclude_defaults=True, indent=2) + "\n", encoding="utf-8")
    return path


def clear_profile(data_dir: Path | None = None) -> None:
    """Forget the saved profile so detection is used again."""
    _profile_file(data_dir).unlink(missing_ok=True)
