"""Reading the index: `Index` is a read-only view of the current build that follows a writer's
commits (`open()` again reloads when the manifest changed), with dense search (Chroma), keyword
search (BM25) and the sentence vectors the answer step reads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.errors import AssistantError, IndexMissingError
from assistant.store import files as store
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.keywords import KeywordIndex
from assistant.store.layout import (
    check_settings,
    chroma_client,
    collection,
    damaged,
    index_settings,
    read_chunks,
    sentence_ids,
)
from assistant.types import ArticleRecord, Chunk, Sentence


class Index:
    """A read-only view of the current build; `open()` again picks up a writer's changes."""

    def __init__(self, settings: Settings, embedder: LocalEmbeddings) -> None:
        self.settings = settings
        self.embedder = embedder
        self.build: Path | None = None
        self._manifest: dict[str, Any] = {}
        self._chunks: dict[str, Chunk] = {}
        self._sentences: dict[str, list[Sentence]] = {}
        self._by_row: list[Sentence] = []
        self._vectors = np.zeros((0, embedder.dimensions), dtype=np.float32)
        self._keywords: KeywordIndex | None = None
        self._chunk_vectors: Any = None
        self._stamp: tuple[str, float] | None = None
        self._remote: Any = None

    def open(self) -> Index:
        """Load the current build (again, if a writer has changed it since)."""
        if self.settings.chroma_url:
            return self._open_remote()
        index_dir = self.settings.index_dir
        build = store.current_build(index_dir)
        if build is None:
            raise IndexMissingError(index_dir)
        stamp = (build.name, (build / "manifest.json").stat().st_mtime)
        if stamp == self._stamp:
            return self
        manifest = store.read_manifest(build)
        wanted = index_settings(self.settings, self.embedder)
        check_settings(index_dir, manifest["settings"], wanted)
        chunks, sentences, _ = read_chunks(manifest)
        row = sum(len(s) for s in sentences.values())
        vectors = np.load(build / f"sentences-{manifest['generation']}.npy")
        if len(vectors) != row:
            raise AssistantError(
                f"the index in {index_dir} is damaged (sentence vectors do not match the "
                "manifest): run `assistant index --rebuild`"
            )
        keywords = KeywordIndex.load(build / f"bm25-{manifest['generation']}")
        if build != self.build:
            try:
                client = chroma_client(build / "chroma")
                self._chunk_vectors = collection(client, manifest["settings"])
            except Exception as exc:  # Chroma's own errors: a damaged or foreign store
                raise damaged(index_dir, exc) from None
        self._chunks, self._sentences, self._vectors = chunks, sentences, vectors
        self._by_row = [s for article_sentences in sentences.values() for s in article_sentences]
        self._keywords, self.build, self._manifest, self._stamp = keywords, build, manifest, stamp
        return self

    def _open_remote(self) -> Index:
        """Server mode: follow the pointer record; when it moved, load that manifest and its
        sentence vectors and rebuild the keyword index in memory."""
        from assistant.store.remote import Remote, namespace_of

        if self._remote is None:
            namespace = namespace_of(self.settings.chroma_namespace, self.settings.index_dir)
            self._remote = Remote(self.settings.chroma_url, namespace)
        remote = self._remote
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
        stamp = (pointer[0], float(pointer[1]))
        if stamp == self._stamp:
            return self
        manifest = remote.manifest(*pointer)
        wanted = index_settings(self.settings, self.embedder)
        check_settings(f"the index on {remote.url}", manifest["settings"], wanted)
        chunks, sentences, texts = read_chunks(manifest)
        ids = sentence_ids(manifest)
        stored = remote.collection("sentences", pointer[0]).get(include=["embeddings"])
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
        keywords = KeywordIndex.build(list(chunks), texts)
        meta = {k: v for k, v in manifest["settings"].items() if isinstance(v, str | int | float)}
        self._chunk_vectors = remote.collection("chunks", pointer[0], meta)
        self._chunks, self._sentences, self._vectors = chunks, sentences, vectors
        self._by_row = [s for article_sentences in sentences.values() for s in article_sentences]
        self._keywords, self._manifest, self._stamp = keywords, manifest, stamp
        return self

    def articles(self) -> list[ArticleRecord]:
        """Every indexed article, newest first."""
        records = [ArticleRecord(**r) for r in self._manifest.get("articles", {}).values()]
        return sorted(records, key=lambda r: (r.date, r.id), reverse=True)

    def article(self, article_id: str) -> ArticleRecord | None:
        record = self._manifest.get("articles", {}).get(article_id)
        return ArticleRecord(**record) if record else None

    def text(self, article_id: str) -> str:
        """The article's cleaned text: what offsets and quotes refer to."""
        return self._manifest["texts"][article_id]

    def chunk(self, chunk_id: str) -> Chunk | None:
        return self._chunks.get(chunk_id)

    def sentences(self, article_id: str) -> list[Sentence]:
        """The article's sentences in order."""
        return self._sentences.get(article_id, [])

    def sentence_at(self, row: int) -> Sentence:
        """The sentence whose vector is row `row` of sentence_vectors()."""
        return self._by_row[row]

    @property
    def stamp(self) -> tuple[str, float] | None:
        """Changes whenever a writer commits a new manifest."""
        return self._stamp

    def sentence_vectors(self) -> np.ndarray:
        """One normalised vector per sentence (read with the sentence before it), by row."""
        return self._vectors

    @property
    def size(self) -> int:
        return len(self._chunks)

    def dense_search(
        self, vector: list[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Up to k (chunk id, cosine similarity) pairs, best first."""
        if self._chunk_vectors is None or not self._chunks:
            return []
        try:
            result = self._chunk_vectors.query(
                query_embeddings=[vector],
                n_results=min(k, len(self._chunks)),
                where=where or None,
                include=["distances"],
            )
        except Exception as exc:  # Chroma's own errors: a damaged store
            raise damaged(self.settings.index_dir, exc) from None
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
    return opened(Index(settings, embedder))


def opened(index: Index) -> Index:
    """index.open(), with a damaged index's low-level errors turned into one that says how
    to rebuild it."""
    try:
        return index.open()
    except (OSError, ValueError, json.JSONDecodeError, KeyError) as exc:
        raise AssistantError(
            f"the index in {index.settings.index_dir} is damaged ({exc}): "
            "run `assistant index --rebuild`"
        ) from None
