"""Reading the knowledge files: the only I/O the deterministic tools depend on.

The packaged catalog can be extended without a reinstall: overlay folders (the models the user
added from their own files, and any `--catalog DIR`) hold model records in the same YAML
format, plus optional hardware / licenses / quants tables. A record whose id is already known
replaces it; a new id is added. The advisor layer says which folders to merge
(`set_overlay_source`), because only it knows where the user's data lives.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Callable, Sequence

import yaml
from pydantic import ValidationError

from knowledge.schema import Catalog, Hardware, License, Model, Quant

DATA_DIR = Path(__file__).parent / "data"
ARTICLES_DIR = Path(__file__).parent / "articles"

# Tables an overlay folder may extend besides models; each record replaces the one with its id.
OVERLAY_TABLES: dict[str, type] = {"hardware": Hardware, "licenses": License, "quants": Quant}

_overlay_source: Callable[[], Sequence[Path]] | None = None

# libyaml's C parser when PyYAML was built with it: the pure-Python one takes ~2 s for the catalog.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogFileError(ValueError):
    """A knowledge or overlay file that does not parse or validate; the message names the file."""


def _read_yaml_list(path: Path) -> list[dict]:
    try:
        items = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []
    except yaml.YAMLError as exc:
        raise CatalogFileError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(items, list):
        raise CatalogFileError(f"{path.name}: expected a list of records at the top level")
    return items


def _overlay_model_files(folder: Path) -> list[Path]:
    files = sorted((folder / "models").glob("*.yaml")) if (folder / "models").is_dir() else []
    return files + sorted(p for p in folder.glob("*.yaml") if p.stem not in OVERLAY_TABLES)


def _checked(path: Path, record: dict, kind: type) -> dict:
    """Validate one overlay record alone, so a mistake names its file and record."""
    try:
        kind.model_validate(record)
    except ValidationError as exc:
        rid = record.get("id", "?") if isinstance(record, dict) else "?"
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise CatalogFileError(f"{path}: record '{rid}' is invalid ({where}: {first['msg']})") from None
    return record


def _merge(base: list[dict], extra: list[dict]) -> list[dict]:
    by_id = {item.get("id"): i for i, item in enumerate(base)}
    merged = list(base)
    for item in extra:
        if item.get("id") in by_id:
            merged[by_id[item["id"]]] = item
        else:
            by_id[item.get("id")] = len(merged)
            merged.append(item)
    return merged


def read_catalog(data_dir: Path = DATA_DIR, overlays: Sequence[Path] = ()) -> Catalog:
    """Parse and validate every data file, then merge the overlay folders in order.

    A malformed file fails loudly, naming the file.
    """
    models: list[dict] = []
    for path in sorted((data_dir / "models").glob("*.yaml")):
        models.extend(_read_yaml_list(path))
    tables = {name: _read_yaml_list(data_dir / f"{name}.yaml") for name in OVERLAY_TABLES}
    for folder in overlays:
        folder = Path(folder)
        if not folder.is_dir():
            continue
        for path in _overlay_model_files(folder):
            models = _merge(models, [_checked(path, r, Model) for r in _read_yaml_list(path)])
        for name, kind in OVERLAY_TABLES.items():
            if (folder / f"{name}.yaml").is_file():
                path = folder / f"{name}.yaml"
                tables[name] = _merge(tables[name], [_checked(path, r, kind) for r in _read_yaml_list(path)])
    return Catalog(
        models=models,
        hardware=tables["hardware"],
        licenses=tables["licenses"],
        quants=tables["quants"],
        backends=_read_yaml_list(data_dir / "backends.yaml"),
        engines=_read_yaml_list(data_dir / "engines.yaml"),
    )


def set_overlay_source(source: Callable[[], Sequence[Path]] | None) -> None:
    """Register the function that lists overlay folders; `load_catalog` asks it on every call."""
    global _overlay_source
    _overlay_source = source


def overlay_dirs() -> tuple[Path, ...]:
    return tuple(Path(p) for p in _overlay_source()) if _overlay_source else ()


def _stamp(folders: tuple[Path, ...]) -> tuple:
    """What the overlays hold right now: any added, removed or edited file changes it."""
    stamp = []
    for folder in folders:
        files = []
        if folder.is_dir():
            for path in [*_overlay_model_files(folder), *(folder / f"{n}.yaml" for n in OVERLAY_TABLES)]:
                if path.is_file():
                    st = path.stat()
                    files.append((str(path), st.st_mtime_ns, st.st_size))
        if files:  # an empty or missing folder changes nothing, so it must not miss the cache
            stamp.append((str(folder), tuple(files)))
    return tuple(stamp)


@lru_cache(maxsize=4)
def _load(stamp: tuple) -> Catalog:
    return read_catalog(DATA_DIR, [Path(folder) for folder, _ in stamp])


def load_catalog() -> Catalog:
    """The packaged catalog merged with the registered overlays, parsed again only when they change."""
    return _load(_stamp(overlay_dirs()))
