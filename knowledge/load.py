"""Reading the knowledge files: the only I/O the deterministic tools depend on."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from knowledge.schema import Catalog

DATA_DIR = Path(__file__).parent / "data"
ARTICLES_DIR = Path(__file__).parent / "articles"


def _read_yaml_list(path: Path) -> list[dict]:
    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(items, list):
        raise ValueError(f"{path.name}: expected a list of records at the top level")
    return items


def read_catalog(data_dir: Path = DATA_DIR) -> Catalog:
    """Parse and validate every data file; a malformed file fails loudly, naming the file."""
    models: list[dict] = []
    for path in sorted((data_dir / "models").glob("*.yaml")):
        models.extend(_read_yaml_list(path))
    return Catalog(
        models=models,
        hardware=_read_yaml_list(data_dir / "hardware.yaml"),
        licenses=_read_yaml_list(data_dir / "licenses.yaml"),
        quants=_read_yaml_list(data_dir / "quants.yaml"),
        backends=_read_yaml_list(data_dir / "backends.yaml"),
        engines=_read_yaml_list(data_dir / "engines.yaml"),
    )


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """The packaged catalog, parsed once per process."""
    return read_catalog()
