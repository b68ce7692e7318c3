"""Reading the index: an `Index` hands out `Snapshot`s, immutable views of one committed build
(manifest, chunks, sentences, sentence vectors, keyword index, Chroma collection) with the
per-build caches the answer step keeps on them. A question takes one snapshot at its start and
reads only it; when a writer commits, the next `snapshot()` loads the new build and swaps it in
with one reference assignment, while questions still reading the old one finish on it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from assistant.config import Settings
from assistant.errors import AssistantError, IndexMissingError
from assistant.roles import RoleRow
from assistant.store import files as store
from assistant.store import segments
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.keywords import (
    KeywordIndex,
    KeywordSegment,
    Postings,
    SegmentedKeywords,
)
from assistant.store.layout import (
    check_settings,
    chroma_client,
    collection,
    damaged,
    index_settings,
    read_chunks,
    sentence_ids,
)
from assistant.store.manifest import collector_paused, text_vector
from assistant.text import PagedText, page_at
from assistant.types import ArticleRecord, Chunk, Sentence

T = TypeVar("T")
OVERFETCH = 16  # dense hits asked beyond k: records a sync in progress is writing beside ours
LOAD_TRIES = 5  # a build that vanished while loading was replaced: load the newer one
Stamp = tuple[str, float]  # (build, manifest time or generation): changes at every commit


# Chroma's error when a search meets a record deleted while it ran; searching again finds the
# graph without it.
_IN_FLUX = "Error finding id"
RETRIES = 3


class Snapshot:
    """One committed build, read-only; safe to share between threads. Per-build caches live in
    `memo()`, so they are dropped with the snapshot and never outlive the build they describe."""

    def __init__(
        self, *, stamp: Stamp, where: str, manifest: dict[str, Any],
        parts: tuple[dict[str, Chunk], dict[str, list[Sentence]]],
        vectors: np.ndarray | segments.SentenceMatrix,
        keywords: KeywordIndex | SegmentedKeywords | None, chunk_vectors: Any,
    ) -> None:  # fmt: skip
        self.stamp = stamp
        self.where = where  # the index folder or server, for messages
        self._manifest = manifest
        self._chunks, self._sentences = parts  # read_chunks(manifest), done once by the loader
        self._by_row = [s for article in self._sentences.values() for s in article]
        if len(vectors) != len(self._by_row):
            raise AssistantError(
                f"the index in {where} is damaged (sentence vectors do not match the "
                "manifest): run `assistant index --rebuild`"
            )
        self._vectors = vectors
        self._keywords = keywords
        self._chunk_vectors = chunk_vectors
        # Records beside ours in Chroma: the ones this build retired, kept for the build before.
        self._beside = len(manifest.get("retired", {}).get("chunks", ())) + OVERFETCH
        self._memo: dict[str, Any] = {}
        self._memo_lock = threading.Lock()
        # PDF articles' texts carry their page starts, so citations cut from them say the page
        self._paged = {
            article_id: PagedText(
                manifest["texts"][article_id], record["pages"], record.get("scanned", ())
            )
            for article_id, record in manifest.get("articles", {}).items()
            if record.get("pages")
        }

    @property
    def generation(self) -> int:
        """The build's commit number (1 for a new build)."""
        return int(self._manifest.get("generation", 0))

    def outlived_by(self, current: Snapshot) -> bool:
        """Whether commits since this build may have pruned its records in Chroma: a sync
        keeps the records of the build before it only, so one commit later this build is
        still whole and two commits later it may not be."""
        if current.stamp[0] == self.stamp[0]:
            return current.generation >= self.generation + 2
        return current.generation >= 2  # a rebuild, then another commit

    def memo(self, key: str, make: Callable[[Snapshot], T]) -> T:
        """The value cached on this build under key, made once by make(self)."""
        found = self._memo.get(key)
        if found is None:
            with self._memo_lock:
                found = self._memo.get(key)
                if found is None:
                    found = self._memo[key] = make(self)
        return found

    def articles(self) -> list[ArticleRecord]:
        """Every indexed article, newest first."""
        records = [_record(r) for r in self._manifest.get("articles", {}).values()]
        return sorted(records, key=lambda r: (r.date, r.id), reverse=True)

    def article(self, article_id: str) -> ArticleRecord | None:
        record = self._manifest.get("articles", {}).get(article_id)
        return _record(record) if record else None

    def text(self, article_id: str) -> str:
        """The article's cleaned text: what offsets and quotes refer to (a PagedText, which
        knows where its pages begin, for a PDF)."""
        return self._paged.get(article_id) or self._manifest["texts"][article_id]

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    def sentences(self, article_id: str) -> list[Sentence]:
        """The article's sentences in order."""
        return self._sentences.get(article_id, [])

    def sentence_at(self, row: int) -> Sentence:
        """The sentence whose vector is row `row` of sentence_vectors()."""
        return self._by_row[row]

    def sentence_vectors(self) -> np.ndarray | segments.SentenceMatrix:
        """One normalised vector per sentence (read with the sentence before it), by row:
        `sentence_vectors() @ vector` gives each row's similarity (in a build folder, over
        mapped segments)."""
        return self._vectors

    @property
    def size(self) -> int:
        return len(self._chunks)

    def people(self, article_id: str | None = None) -> list[RoleRow]:
        """The people table of this build (of one article): who did what, each row with its
        quote, offsets and, for a PDF, the page the quote starts on."""
        held = self._manifest.get("people", {})
        ids = [article_id] if article_id is not None else list(held)
        out = []
        for a in ids:
            pages = self._manifest["articles"].get(a, {}).get("pages", ())
            for data in held.get(a, []):
                out.append(RoleRow(**{**data, "page": page_at(pages, data["start"]) if pages
                                      else None}))  # fmt: skip
        return out

    def sessions(self, article_id: str) -> list[tuple[str, int, int]]:
        """The sessions an article names: (name, start, end)."""
        return [tuple(s) for s in self._manifest.get("sessions", {}).get(article_id, [])]

    def event(self, article_id: str) -> str:
        """The event an article reports, as it names it ("" before the table was read)."""
        return self._manifest.get("events", {}).get(article_id, "")

    def event_vector(self, article_id: str) -> np.ndarray | None:
        """The vector of the name the article's event is compared by (its event, else its
        title), as the sync encoded it; None in a build made before it did."""
        held = self._manifest.get("event_vectors", {}).get(article_id)
        return None if held is None else text_vector(held)

    def dense_search(
        self, vector: list[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Up to k (chunk id, cosine similarity) pairs, best first."""
        if self._chunk_vectors is None or not self._chunks:
            return []
        for attempt in range(RETRIES + 1):
            try:
                result = self._chunk_vectors.query(
                    query_embeddings=[vector],
                    n_results=min(k, len(self._chunks)) + self._beside,
                    where=where or None,
                    include=["distances"],
                )
                break
            except Exception as exc:  # Chroma's own errors: a damaged store
                # A record a sync deletes while a search reads its neighbour list (records
                # another build retired) is "not found" for that moment only: search again.
                if attempt < RETRIES and _IN_FLUX in str(exc):
                    continue
                raise damaged(self.where, exc) from None
        pairs = zip(result["ids"][0], result["distances"][0], strict=True)
        # Chunks Chroma holds beyond the manifest belong to another build: not ours.
        return [(i, 1.0 - float(d)) for i, d in pairs if i in self._chunks][:k]

    def keyword_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) pairs, best first."""
        if self._keywords is None:
            return []
        return [(i, s) for i, s in self._keywords.search(query, k) if i in self._chunks]


def _record(data: dict[str, Any]) -> ArticleRecord:
    """An article record from the manifest (one written before pages were kept has none)."""
    return ArticleRecord(**{**data, "pages": tuple(data.get("pages", ())),
                            "scanned": tuple(data.get("scanned", ()))})  # fmt: skip


class Index:
    """The index a process reads: `snapshot()` gives the current committed build, loading a
    writer's newer commit first. Swapping builds is one reference assignment under a lock."""

    def __init__(self, settings: Settings, embedder: LocalEmbeddings) -> None:
        self.settings = settings
        self.embedder = embedder
        self._current: Snapshot | None = None
        self._load_lock = threading.Lock()
        self._remote: Any = None
        self._client: tuple[Path, Any] | None = None  # (build folder, its Chroma collection)
        self._segments: dict[tuple[str, int], KeywordSegment] = {}  # of the last build loaded

    def snapshot(self) -> Snapshot:
        """The current build as one consistent, immutable view; errors say how to build or
        rebuild the index."""
        for attempt in range(LOAD_TRIES):
            stamp = self._checked(self._stamp)
            current = self._current
            if current is not None and current.stamp == stamp:
                return current
            with self._load_lock:  # one loader at a time; readers of the old one go on
                current = self._current
                if current is not None and current.stamp == stamp:
                    return current
                try:
                    current = self._checked(lambda: self._load(stamp))  # noqa: B023
                except AssistantError:
                    # A writer that committed twice while we loaded removes what we were
                    # loading: the newer build is the one to load. Otherwise it is damage.
                    if attempt + 1 < LOAD_TRIES and self._checked(self._stamp) != stamp:
                        continue
                    raise
                self._current = current  # the swap: one reference assignment
                return current
        raise AssertionError("unreachable")

    def stamp(self) -> Stamp:
        """Which build answers now and when it was committed, read without loading it."""
        return self._checked(self._stamp)

    def _checked(self, read: Callable[[], T]) -> T:
        """read(), with a damaged index's low-level errors turned into one naming the fix."""
        try:
            return read()
        except (OSError, ValueError, json.JSONDecodeError, KeyError, sqlite3.Error) as exc:
            raise AssistantError(
                f"the index in {self.settings.index_dir} is damaged ({exc}): "
                "run `assistant index --rebuild`"
            ) from None

    def _stamp(self) -> Stamp:
        if self.settings.chroma_url:
            pointer = self._pointer()
            return pointer[0], float(pointer[1])
        build = store.current_build(self.settings.index_dir)
        if build is None:
            raise IndexMissingError(self.settings.index_dir)
        return build.name, store.manifest_stamp(build)

    def _load(self, stamp: Stamp) -> Snapshot:
        if self.settings.chroma_url:
            return self._load_remote(stamp)
        index_dir = self.settings.index_dir
        build = index_dir / "builds" / stamp[0]
        # exactly the stamped generation (gone if two commits came since: load the newer one)
        manifest = store.read_manifest(build, int(stamp[1]))
        check_settings(
            index_dir, manifest["settings"], index_settings(self.settings, self.embedder)
        )
        with collector_paused():  # every article's chunks decoded here (manifest.LazyPart)
            counts = segments.sentence_counts(manifest)
        vectors = segments.SentenceMatrix.open(
            build, segments.locations(manifest, counts), counts, self.embedder.dimensions
        )
        keywords = self._keywords(build, manifest)
        if self._client is None or self._client[0] != build:
            try:
                handle = collection(chroma_client(build / "chroma"), manifest["settings"])
            except Exception as exc:  # Chroma's own errors: a damaged or foreign store
                raise damaged(index_dir, exc) from None
            self._client = (build, handle)
        return Snapshot(stamp=stamp, where=str(index_dir), manifest=manifest,
                        parts=read_chunks(manifest)[:2], vectors=vectors, keywords=keywords,
                        chunk_vectors=self._client[1])  # fmt: skip

    def _keywords(self, build: Path, manifest: dict[str, Any]) -> KeywordIndex | SegmentedKeywords:
        """The build's keyword index: over its segments (each prepared once and shared by the
        snapshots that read it), or a format-4 build's one bm25s index."""
        if "keywords" not in manifest:
            return KeywordIndex.load(build / f"bm25-{manifest['generation']}")
        where = manifest["keywords"]
        used = sorted({segment for segment, _, _ in where.values()})
        prepared = {}
        for segment in used:
            key = (build.name, segment)
            if key not in self._segments:
                self._segments[key] = KeywordSegment(
                    Postings.load(segments.keywords_path(build, segment))
                )
            prepared[key] = self._segments[key]
        self._segments = prepared  # what the builds after this one may share
        position = {segment: n for n, segment in enumerate(used)}
        live = [(position[s], a, b) for s, a, b in (where[i] for i in manifest["chunks"])]
        return SegmentedKeywords([prepared[(build.name, s)] for s in used], live)

    def _server(self) -> Any:
        from assistant.store.remote import Remote, namespace_of

        if self._remote is None:
            namespace = namespace_of(self.settings.chroma_namespace, self.settings.index_dir)
            self._remote = Remote(self.settings.chroma_url, namespace)
        return self._remote

    def _pointer(self) -> tuple[str, int]:
        remote = self._server()
        try:
            pointer = remote.current()
        except Exception as exc:
            raise AssistantError(
                f"the Chroma server at {remote.url} does not answer "
                f"({' '.join(str(exc).split())[:160]})"
            ) from None
        if pointer is None:
            raise IndexMissingError(
                f"the Chroma server at {remote.url} (namespace {remote.namespace})"
            )
        return pointer

    def _load_remote(self, stamp: Stamp) -> Snapshot:
        """Server mode: the pointer's manifest and sentence vectors, and the keyword index
        rebuilt in memory."""
        remote = self._server()
        build, generation = stamp[0], int(stamp[1])
        manifest = remote.manifest(build, generation)
        wanted = index_settings(self.settings, self.embedder)
        check_settings(f"the index on {remote.url}", manifest["settings"], wanted)
        chunks, sentences, texts = read_chunks(manifest)
        ids = sentence_ids(manifest)
        stored = remote.collection("sentences", build).get(include=["embeddings"])
        by_id = dict(zip(stored["ids"], stored["embeddings"], strict=True))
        if any(i not in by_id for i in ids):
            raise AssistantError(
                f"the index on {remote.url} is damaged (sentence vectors missing): "
                "run `assistant index --rebuild`"
            )
        vectors = (
            np.asarray([by_id[i] for i in ids], dtype=np.float32)
            if ids
            else np.zeros((0, self.embedder.dimensions), dtype=np.float32)
        )
        meta = {k: v for k, v in manifest["settings"].items() if isinstance(v, str | int | float)}
        return Snapshot(stamp=stamp, where=f"the index on {remote.url}", manifest=manifest,
                        parts=(chunks, sentences), vectors=vectors,
                        keywords=KeywordIndex.build(list(chunks), texts),
                        chunk_vectors=remote.collection("chunks", build, meta))  # fmt: skip


def open_index(settings: Settings, embedder: LocalEmbeddings) -> Snapshot:
    """The current build of the index in settings; errors say how to build or rebuild it."""
    return Index(settings, embedder).snapshot()
