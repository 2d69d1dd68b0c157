"""Where the side panel and the hardware dialog read and write the profile: advisor.profile.

The agent reads the same file for every answer, so a saved edit applies to the next
question. The catalog, the probe and the resolver load on first use, inside a worker or a
dialog, which keeps them out of the imports that precede the first paint.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ProfileStore:
    data_dir: Path | None = None

    def describe(self) -> tuple[str, str]:
        """(description, where it came from); detection may take a moment (nvidia-smi)."""
        from advisor.profile import load_profile  # noqa: PLC0415 - see module docstring

        profile = load_profile(self.data_dir)
        origin = "saved" if profile.origin == "saved" else "detected on this machine"
        return profile.description, f"{origin}; {profile.note}" if profile.note else origin

    def check(self, text: str) -> str | None:
        """The error message for text that cannot become a profile, else None."""
        from knowledge import load_catalog  # noqa: PLC0415
        from tools.errors import AdvisorError  # noqa: PLC0415
        from tui.hardware import profile_from_text  # noqa: PLC0415

        try:
            profile_from_text(text, load_catalog())
        except AdvisorError as exc:
            return exc.message
        return None

    def save(self, text: str) -> None:
        from advisor.profile import save_profile  # noqa: PLC0415
        from knowledge import load_catalog  # noqa: PLC0415
        from tui.hardware import profile_from_text  # noqa: PLC0415

        save_profile(profile_from_text(text, load_catalog()), self.data_dir)

    def reset(self) -> None:
        from advisor.profile import clear_profile  # noqa: PLC0415

        clear_profile(self.data_dir)
