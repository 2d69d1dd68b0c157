"""Where the advisor keeps its files, and which environment variables change that.

Assembled models, the Chroma index and saved conversations are user data, so they live in
platformdirs' per-user folders and never in the repository.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

from knowledge.load import set_overlay_source

APP_NAME = "open-weight-advisor"


@dataclass(frozen=True)
class Paths:
    cache_dir: Path  # assembled GGUF models
    data_dir: Path  # Chroma index, conversation database, hardware profile

    @property
    def models_dir(self) -> Path:
        return self.cache_dir / "models"

    @property
    def prompt_state_dir(self) -> Path:
        return self.cache_dir / "prompt-state"  # llama.cpp state after the fixed prompt prefix (advisor/llm/state.py)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def threads_db(self) -> Path:
        return self.data_dir / "threads.sqlite3"

    @property
    def profile_file(self) -> Path:
        return self.data_dir / "hardware_profile.json"

    @property
    def user_catalog_dir(self) -> Path:
        return self.data_dir / "catalog"  # models added from the user's own files (`advisor models add`)


def paths() -> Paths:
    """Resolve paths now, so tests can point ADVISOR_CACHE_DIR / ADVISOR_DATA_DIR at a temp dir."""
    cache = os.environ.get("ADVISOR_CACHE_DIR") or user_cache_dir(APP_NAME)
    data = os.environ.get("ADVISOR_DATA_DIR") or user_data_dir(APP_NAME)
    return Paths(cache_dir=Path(cache), data_dir=Path(data))


CATALOG_ENV = "ADVISOR_CATALOG"  # extra catalog overlay folders, separated like PATH


def catalog_overlays() -> list[Path]:
    """Folders merged over the packaged catalog: the user's added models, then $ADVISOR_CATALOG."""
    extra = [Path(p).expanduser() for p in os.environ.get(CATALOG_ENV, "").split(os.pathsep) if p.strip()]
    return [paths().user_catalog_dir, *extra]


# Every part of the advisor (CLI, agent, chat app) reads the catalog through knowledge.load_catalog,
# which lives below this package; registering here makes it merge the user's folders everywhere.
set_overlay_source(catalog_overlays)


def chat_model_name() -> str:
    """The backing chat model: a pack name ('qwen1.5b', 'qwen0.5b', 'gemma270m') or a GGUF path."""
    return os.environ.get("ADVISOR_MODEL", "qwen1.5b")
