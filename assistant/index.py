"""The only module that talks to Chroma: build, sync, open and search the index.

Layout of the index folder:

    CURRENT                 name of the build that answers queries (switched atomically)
    .writer.lock/.pid       one writer at a time
    builds/<name>/manifest.json   settings, articles and their chunks: the commit point
    builds/<name>/chroma/         Chroma PersistentClient (cosine space, our own embeddings)
    builds/<name>/bm25-<gen>/     keyword index for the manifest of generation <gen>

`sync` updates the current build in place and writes the manifest last, so a crash leaves a
manifest that still describes what was asked for; chunks Chroma holds beyond it are ignored by
readers and replaced by the next sync. `rebuild` builds a new folder and switches CURRENT only
when it is complete.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.chunking import SPLITTER_VERSION, chunk_article
from assistant.config import Settings
from assistant.corpus import load_corpus
from assistant.embeddings import LocalEmbeddings
from assistant.errors import (
    AssistantError,
    IndexBusyError,
    IndexMismatchError,
    IndexMissingError,
)
from assistant.keywords import KeywordIndex
from assistant.types import Article, ArticleRecord, Chunk, IndexReport

FORMAT = 1
COLLECTION = "chunks"
Progress = Callable[[int, int], None]  # (done, total) chunks embedded


def index_settings(settings: Settings, embedder: LocalEmbeddings) -> dict[str, Any]:
    """What an index must have been built with to be read with these settings."""
    return {
        "format": FORMAT,
        "embedding_model": embedder.name,
        "chunk_size": settings.chunk_size,
        "splitter": SPLITTER_VERSION,
    }


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _chunk_to_dict(chunk: Chunk) -> dict[str, Any]:
    data = asdict(chunk)
    data["sentences"] = [list(s) for s in chunk.sentences]
    return data


def _chunk_from_dict(data: dict[str, Any]) -> Chunk:
    return Chunk(**{**data, "sentences": tuple(tuple(s) for s in data["sentences"])})


def _date_number(date: str) -> int:
    return int(date.replace("-", "")) if date else 0


def _chroma_client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def _collection(client: Any, meta: dict[str, Any]) -> Any:
    # embedding_function=None: Chroma must never embed (its default model comes from a hub).
    return client.get_or_create_collection(
        COLLECTION,
        configuration={"hnsw": {"space": "cosine"}},
        metadata={k: v for k, v in meta.items() if isinstance(v, str | int | float)},
        embedding_function=None,
    )


# ---------------------------------------------------------------------------------------------
# Build folders and the writer lock


def _current_build(index_dir: Path) -> Path | None:
    pointer = index_dir / "CURRENT"
    if not pointer.is_file():
        return None
    build = index_dir / "builds" / pointer.read_text(encoding="utf-8").strip()
    return build if (build / "manifest.json").is_file() else None


def _switch_to(index_dir: Path, build: Path) -> None:
    tmp = index_dir / f".CURRENT.{os.getpid()}.tmp"
    tmp.write_text(build.name, encoding="utf-8")
    os.replace(tmp, index_dir / "CURRENT")


def _remove_stale_builds(index_dir: Path, keep: set[str]) -> None:
    """Delete builds that neither answer queries nor were the previous answerer."""
    for build in (index_dir / "builds").glob("*"):
        if build.name not in keep:
            shutil.rmtree(build, ignore_errors=True)


@contextmanager
def writer_lock(index_dir: Path, wait: float = 0.0) -> Iterator[None]:
    """Hold the single-writer lock; IndexBusyError names the process that holds it."""
    from filelock import FileLock, Timeout

    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".writer.lock"))
    pid_file = index_dir / ".writer.pid"
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        pid = pid_file.read_text().strip() if pid_file.exists() else "unknown"
        raise IndexBusyError(pid) from None
    try:
        pid_file.write_text(str(os.getpid()))
        yield
    finally:
        pid_file.unlink(missing_ok=True)
        lock.release()


# ---------------------------------------------------------------------------------------------
# Manifest


def _read_manifest(build: Path) -> dict[str, Any]:
    return json.loads((build / "manifest.json").read_text(encoding="utf-8"))


def _check_settings(index_dir: Path, built: dict[str, Any], wanted: dict[str, Any]) -> None:
    for key, value in wanted.items():
        if built.get(key) != value:
            raise IndexMismatchError(index_dir, key, built.get(key), value)


def _record(article: Article, chunks: int, now: str) -> dict[str, Any]:
    return asdict(
        ArticleRecord(
            id=article.id,
            path=article.path,
            title=article.title,
            date=article.date,
            source=article.source,
            content_hash=article.content_hash,
            chunks=chunks,
            indexed_at=now,
        )
    )


# ---------------------------------------------------------------------------------------------
# Writing


def sync_index(
    settings: Settings,
    embedder: LocalEmbeddings,
    *,
    rebuild: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> IndexReport:
    """Bring the index in step with the corpus folder and report what changed."""
    started = time.perf_counter()
    articles, skipped = load_corpus(settings.corpus_dir, settings.max_file_bytes)
    report = IndexReport(skipped=skipped, dry_run=dry_run, rebuilt=rebuild)
    index_dir = settings.index_dir
    wanted = index_settings(settings, embedder)
    with writer_lock(index_dir, settings.lock_wait) if not dry_run else _no_lock():
        current = _current_build(index_dir)
        if current is not None and not rebuild:
            manifest = _read_manifest(current)
            _check_settings(index_dir, manifest["settings"], wanted)
            build = current
        else:
            manifest = {"settings": wanted, "generation": 0, "articles": {}, "chunks": {}}
            build = (
                index_dir / "builds" / f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
            )

        old = manifest["articles"]
        by_id = {a.id: a for a in articles}
        changed = [
            a for a in articles if a.id not in old or old[a.id]["content_hash"] != a.content_hash
        ]
        report.added = sum(1 for a in changed if a.id not in old)
        report.updated = len(changed) - report.added
        report.deleted = sum(1 for article_id in old if article_id not in by_id)
        report.unchanged = len(articles) - len(changed)
        gone = [i for i in old if i not in by_id or i in {a.id for a in changed}]
        nothing_to_do = not changed and not report.deleted and build == current

        if dry_run or nothing_to_do:
            report.chunks = sum(len(c) for c in manifest["chunks"].values())
            if dry_run and build != current:
                report.chunks = 0
            report.seconds = time.perf_counter() - started
            return report

        build.mkdir(parents=True, exist_ok=True)
        new_chunks = {a.id: chunk_article(a, settings.chunk_size) for a in changed}
        _write_chroma(build, wanted, gone, new_chunks, by_id, embedder, progress)

        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for article_id in gone:
            old.pop(article_id, None)
            manifest["chunks"].pop(article_id, None)
        for article in changed:
            chunks = new_chunks[article.id]
            old[article.id] = _record(article, len(chunks), now)
            manifest["chunks"][article.id] = [_chunk_to_dict(c) for c in chunks]
        generation = manifest["generation"] + 1
        _write_keyword_index(build / f"bm25-{generation}", manifest["chunks"])
        manifest.update(generation=generation, updated_at=now)
        _write_json_atomic(build / "manifest.json", manifest)
        for stale in build.glob("bm25-*"):
            if stale.name != f"bm25-{generation}":
                shutil.rmtree(stale, ignore_errors=True)
        if build != current:
            _switch_to(index_dir, build)
        keep = {build.name} | ({current.name} if current is not None else set())
        _remove_stale_builds(index_dir, keep)
        report.chunks = sum(len(c) for c in manifest["chunks"].values())
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _no_lock() -> Iterator[None]:
    yield


def _write_chroma(
    build: Path,
    meta: dict[str, Any],
    gone: list[str],
    new_chunks: dict[str, list[Chunk]],
    articles: dict[str, Article],
    embedder: LocalEmbeddings,
    progress: Progress | None,
) -> None:
    flat = [c for chunks in new_chunks.values() for c in chunks]
    vectors = _embed_with_progress(embedder, [c.text for c in flat], progress)
    collection = _collection(_chroma_client(build / "chroma"), meta)
    for article_id in gone:
        collection.delete(where={"article_id": article_id})
    batch = 2000
    for i in range(0, len(flat), batch):
        part = flat[i : i + batch]
        collection.upsert(
            ids=[c.id for c in part],
            embeddings=vectors[i : i + batch],
            documents=[c.text for c in part],
            metadatas=[
                {
                    "article_id": c.article_id,
                    "title": articles[c.article_id].title,
                    "date": articles[c.article_id].date,
                    "date_number": _date_number(articles[c.article_id].date),
                    "index": c.index,
                    "start": c.start,
                    "end": c.end,
                }
                for c in part
            ],
        )


def _embed_with_progress(
    embedder: LocalEmbeddings, texts: list[str], progress: Progress | None
) -> Any:
    import numpy as np

    vectors = np.zeros((len(texts), 384), dtype=np.float32)
    # Longest first across all blocks, as encode() does within one call: batches of similar
    # length waste no time on padding, and the progress bar still moves.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    block = max(embedder.batch_size * 8, 512)
    for i in range(0, len(order), block):
        rows = order[i : i + block]
        vectors[rows] = embedder.encode([texts[j] for j in rows])
        if progress is not None:
            progress(min(i + block, len(texts)), len(texts))
    return vectors


def _write_keyword_index(folder: Path, chunks: dict[str, list[dict[str, Any]]]) -> None:
    flat = [c for article_chunks in chunks.values() for c in article_chunks]
    if folder.exists():
        shutil.rmtree(folder)
    KeywordIndex.build([c["id"] for c in flat], [c["text"] for c in flat]).save(folder)


# ---------------------------------------------------------------------------------------------
# Reading


class Index:
    """A read-only view of the current build: articles, chunks, dense and keyword search."""

    def __init__(self, settings: Settings, embedder: LocalEmbeddings) -> None:
        self.settings = settings
        self.embedder = embedder
        self.build: Path | None = None
        self._manifest: dict[str, Any] = {}
        self._chunks: dict[str, Chunk] = {}
        self._keywords: KeywordIndex | None = None
        self._collection: Any = None
        self._stamp: tuple[str, float] | None = None

    def open(self) -> Index:
        """Load the current build (again, if a writer has changed it since)."""
        index_dir = self.settings.index_dir
        build = _current_build(index_dir)
        if build is None:
            raise IndexMissingError(index_dir)
        stamp = (build.name, (build / "manifest.json").stat().st_mtime)
        if stamp == self._stamp:
            return self
        manifest = _read_manifest(build)
        _check_settings(
            index_dir, manifest["settings"], index_settings(self.settings, self.embedder)
        )
        self._chunks = {
            c["id"]: _chunk_from_dict(c) for chunks in manifest["chunks"].values() for c in chunks
        }
        self._keywords = KeywordIndex.load(build / f"bm25-{manifest['generation']}")
        if build != self.build:
            self._collection = _collection(_chroma_client(build / "chroma"), manifest["settings"])
        self.build, self._manifest, self._stamp = build, manifest, stamp
        return self

    def articles(self) -> list[ArticleRecord]:
        """Every indexed article, newest first."""
        records = [ArticleRecord(**r) for r in self._manifest.get("articles", {}).values()]
        return sorted(records, key=lambda r: (r.date, r.id), reverse=True)

    def article(self, article_id: str) -> ArticleRecord | None:
        record = self._manifest.get("articles", {}).get(article_id)
        return ArticleRecord(**record) if record else None

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    @property
    def size(self) -> int:
        return len(self._chunks)

    def dense_search(
        self, vector: list[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Up to k (chunk id, cosine similarity) pairs, best first."""
        if self._collection is None or not self._chunks:
            return []
        result = self._collection.query(
            query_embeddings=[vector],
            n_results=min(k, len(self._chunks)),
            where=where or None,
            include=["distances"],
        )
        pairs = zip(result["ids"][0], result["distances"][0], strict=True)
        # Chunks Chroma holds beyond the manifest belong to an unfinished sync: not answers yet.
        return [(i, 1.0 - float(d)) for i, d in pairs if i in self._chunks]

    def keyword_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) pairs, best first."""
        if self._keywords is None:
            return []
        return [(i, s) for i, s in self._keywords.search(query, k) if i in self._chunks]


def open_index(settings: Settings, embedder: LocalEmbeddings) -> Index:
    """Open the current build for reading; errors say how to build or rebuild it."""
    try:
        return Index(settings, embedder).open()
    except (OSError, json.JSONDecodeError, KeyError) as exc:
        raise AssistantError(
            f"the index in {settings.index_dir} is damaged ({exc}): run `assistant index --rebuild`"
        ) from None
