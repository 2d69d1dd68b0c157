"""The hardware a question is answered for when the person does not name any.

"Which model should I run?" is about the asker's own machine. The profile is what they saved
(`save_profile`, e.g. from the TUI) or, failing that, what tools.hardware_probe detects. A
saved file that no longer parses is reported and replaced by detection, never a crash.
Detection's guesses (a CPU's memory from its family, an iGPU's share of RAM) travel with the
profile as `assumptions`, so every answer built on it can list them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import Field

from pydantic import BaseModel, ConfigDict, ValidationError

from advisor.settings import Paths, paths
from knowledge import load_catalog
from tools.errors import AdvisorError
from tools.hardware_probe import detect
from tools.requests import HardwareSpec
from tools.resolve import resolve_hardware


class HardwareProfile(BaseModel):
    model_config = ConfigDict(frozen=True)

    spec: HardwareSpec
    origin: Literal["saved", "detected"]
    note: str = ""  # e.g. why a saved profile was ignored
    assumptions: tuple[str, ...] = Field(default=())  # what detection guessed to build `spec`

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
    spec, assumptions = _resolve(detect())
    return HardwareProfile(spec=spec, origin="detected", assumptions=assumptions)


def _resolve(found) -> tuple[HardwareSpec, tuple[str, ...]]:
    """Spec and assumptions of a detected machine (a stand-in without `resolve` gives no assumptions)."""
    catalog = load_catalog()
    if hasattr(found, "resolve"):
        return found.resolve(catalog)
    return found.as_spec(catalog), ()


def with_own_machine(spec: HardwareSpec, data_dir: Path | None = None) -> tuple[HardwareSpec, list[str]]:
    """The hardware a CLI request means, and what was filled in, said in words.

    Nothing named means this machine (saved profile, else detected), as the agent does. A GPU
    named without RAM keeps the profile's RAM, so a model too big for the card offloads instead
    of "not fitting"; with no RAM known either, that is said too.
    """
    if spec.is_empty:
        own = load_profile(data_dir)
        where = "saved hardware profile" if own.origin == "saved" else "detected hardware of this computer"
        return own.spec, [f"no hardware given: using the {where} ({own.description})", *own.assumptions]
    if (spec.gpu or spec.vram_gb) and spec.ram_gb is None and not _shares_ram(spec):
        own = load_profile(data_dir)
        if own.spec.ram_gb:
            where = "your saved profile" if own.origin == "saved" else "this computer"
            return spec.model_copy(update={"ram_gb": own.spec.ram_gb}), [
                f"system RAM not given: assumed {own.spec.ram_gb:g} GB, the RAM of {where}"]
        return spec, ["system RAM not given and not detected: layers that do not fit the GPU cannot be offloaded"]
    return spec, []


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


def _shares_ram(spec: HardwareSpec) -> bool:
    """A unified-memory chip or a CPU named: its memory is the RAM, so no separate RAM is filled in."""
    if not spec.gpu:
        return False
    try:
        return resolve_hardware(spec.gpu, load_catalog()).hardware.kind in ("unified", "cpu")
    except AdvisorError:
        return False
