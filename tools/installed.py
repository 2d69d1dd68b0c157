"""Which models are already on this machine: the Ollama store, LM Studio's folder, the HF cache.

"Can I run X?" has a better answer when X is already downloaded, and "what should I run?" can
prefer what the person has. Like the hardware probe this module looks at the system (it lists
folders and reads GGUF headers), so it stays apart from the pure arithmetic.

Layouts read (as the three tools write them):
- Ollama: `<models>/manifests/<registry>/<namespace>/<model>/<tag>` JSON manifests whose
  `application/vnd.ollama.image.model` layer names a blob `<models>/blobs/sha256-<hex>` (a GGUF).
  `<models>` is $OLLAMA_MODELS, else ~/.ollama/models (and the Linux service's
  /usr/share/ollama/.ollama/models).
- LM Studio: `<models>/<publisher>/<repo>/<file>.gguf` under ~/.lmstudio/models (older
  versions: ~/.cache/lm-studio/models).
- Hugging Face cache: `<hub>/models--<org>--<repo>/snapshots/<revision>/<file>.gguf` under
  $HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub. Only GGUF files count: safetensors
  checkpoints are not what a local runtime loads.
Split GGUFs count once (their first part, sizes summed); vision projectors (mmproj) are skipped.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Iterable, Literal, Mapping

from pydantic import BaseModel, ConfigDict

from knowledge.schema import Catalog
from tools.gguf_file import GgufError, read_gguf
from tools.user_models import matching_model

Store = Literal["ollama", "lmstudio", "huggingface"]
STORES: tuple[Store, ...] = ("ollama", "lmstudio", "huggingface")
STORE_NAMES = {"ollama": "Ollama", "lmstudio": "LM Studio", "huggingface": "Hugging Face cache"}

_MODEL_LAYER = "application/vnd.ollama.image.model"
_SHARD = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
_DEFAULT_REGISTRY = "registry.ollama.ai"


class InstalledModel(BaseModel):
    """One model file found in a store, and the catalog entry it is a build of (if any)."""

    model_config = ConfigDict(frozen=True)

    store: Store
    name: str  # what the store calls it: an Ollama tag, or publisher/repo/file
    path: str  # the GGUF file (first part of a split file)
    size_bytes: int
    catalog_id: str | None = None
    catalog_name: str | None = None
    quant: str | None = None
    architecture: str | None = None
    problem: str | None = None  # a file that could not be read, said in words


def default_roots(env: Mapping[str, str] | None = None, home: Path | None = None) -> dict[Store, list[Path]]:
    """Where each store keeps its models on this machine, by the tools' own conventions."""
    env = os.environ if env is None else env
    home = Path.home() if home is None else home
    ollama = [Path(env["OLLAMA_MODELS"])] if env.get("OLLAMA_MODELS") else [
        home / ".ollama" / "models", Path("/usr/share/ollama/.ollama/models")]
    lmstudio = [home / ".lmstudio" / "models", home / ".cache" / "lm-studio" / "models"]
    if env.get("HF_HUB_CACHE"):
        hub = [Path(env["HF_HUB_CACHE"])]
    elif env.get("HF_HOME"):
        hub = [Path(env["HF_HOME"]) / "hub"]
    else:
        hub = [home / ".cache" / "huggingface" / "hub"]
    return {"ollama": ollama, "lmstudio": lmstudio, "huggingface": hub}


def find_installed(catalog: Catalog, roots: Mapping[Store, Iterable[Path]] | None = None,
                   read_headers: bool = True) -> list[InstalledModel]:
    """Every model file in the stores, matched to the catalog by name and, when read, by its header."""
    roots = default_roots() if roots is None else roots
    found: list[InstalledModel] = []
    seen: set[str] = set()
    for store in STORES:
        for root in roots.get(store, []):
            root = Path(root).expanduser()
            try:
                if not root.is_dir():
                    continue
                entries = list(_ollama(root) if store == "ollama" else _gguf_files(root, store))
            except OSError:  # e.g. the Ollama service's folder, readable only by its own user
                continue
            for name, path, size, hints in entries:
                key = f"{store}\t{name}"
                if key in seen:
                    continue
                seen.add(key)
                found.append(_describe(store, name, path, size, hints, catalog, read_headers))
    return found


def installed_ids(catalog: Catalog, roots: Mapping[Store, Iterable[Path]] | None = None) -> set[str]:
    """Catalog ids with at least one local build (names only, no file headers read)."""
    return {m.catalog_id for m in find_installed(catalog, roots, read_headers=False) if m.catalog_id}


def _ollama(root: Path) -> Iterable[tuple[str, Path, int, list[str]]]:
    manifests = root / "manifests"
    if not manifests.is_dir():
        return
    for manifest in sorted(p for p in manifests.rglob("*") if p.is_file()):
        parts = manifest.relative_to(manifests).parts
        if len(parts) < 4:
            continue
        registry, *repo, model, tag = parts
        try:
            layers = json.loads(manifest.read_text(encoding="utf-8")).get("layers", [])
        except (OSError, ValueError):
            continue
        layer = next((l for l in layers if isinstance(l, dict) and l.get("mediaType") == _MODEL_LAYER), None)
        if layer is None or not str(layer.get("digest", "")).startswith("sha256:"):
            continue
        blob = root / "blobs" / layer["digest"].replace(":", "-")
        if registry == _DEFAULT_REGISTRY and repo == ["library"]:
            name = f"{model}:{tag}"
        elif registry == _DEFAULT_REGISTRY:
            name = f"{'/'.join(repo)}/{model}:{tag}"
        else:
            name = f"{registry}/{'/'.join(repo)}/{model}:{tag}"
        size = blob.stat().st_size if blob.is_file() else int(layer.get("size") or 0)
        yield name, blob, size, [name, f"{model}:{tag}"]


def _gguf_files(root: Path, store: Store) -> Iterable[tuple[str, Path, int, list[str]]]:
    pattern = "models--*/snapshots/*/**/*.gguf" if store == "huggingface" else "**/*.gguf"
    for path in sorted(root.glob(pattern)):
        if path.name.lower().startswith("mmproj") or not path.is_file():
            continue
        shard = _SHARD.search(path.name)
        size = path.stat().st_size
        if shard:
            if int(shard.group(1)) != 1:
                continue
            siblings = path.parent.glob(_SHARD.sub("", path.name) + "-*-of-" + shard.group(2) + ".gguf")
            size = sum(p.stat().st_size for p in siblings if p.is_file())
        if store == "huggingface":
            repo_dir = next(p for p in path.parents if p.name.startswith("models--"))
            repo = repo_dir.name.removeprefix("models--").replace("--", "/")
        else:
            rel = path.relative_to(root).parts
            repo = "/".join(rel[:-1])
        name = f"{repo}/{path.name}" if repo else path.name
        repo_name = repo.split("/")[-1] if repo else ""
        yield name, path, size, [path.name, repo_name, repo]


def _describe(store: Store, name: str, path: Path, size: int, hints: list[str], catalog: Catalog,
              read_headers: bool) -> InstalledModel:
    quant = arch = problem = None
    layers = None
    general = None
    if read_headers:
        try:
            info = read_gguf(path)
            quant, arch, layers, general = info.quant, info.architecture, info.block_count, info.name
        except GgufError as exc:
            problem = exc.message
    model = matching_model([*hints, general or ""], layers, catalog)
    return InstalledModel(store=store, name=name, path=str(path), size_bytes=size,
                          catalog_id=model.id if model else None, catalog_name=model.name if model else None,
                          quant=quant, architecture=arch, problem=problem)
