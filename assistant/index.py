"""The only module that talks to Chroma: sync the index with the corpus, open it, search it.

`sync_index` updates the current build in place and writes the manifest last, so a crash
leaves a manifest that still describes a consistent index; chunks Chroma holds beyond it are
ignored by readers and replaced by the next sync. `rebuild=True` builds a new folder and
switches CURRENT only when it is complete (file layout: store.py).

Work that does not depend on the question is done here, once: sentence splitting, named
entities and a vector for every sentence read in context (with the sentence before it).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant import store
from assistant.chunking import SPLITTER_VERSION, chunk_article
from assistant.config import Settings
from assistant.corpus import load_corpus
from assistant.embeddings import LocalEmbeddings
from assistant.errors import AssistantError, IndexMismatchError, IndexMissingError
from assistant.keywords import KeywordIndex
from assistant.types import Article, ArticleRecord, Chunk, IndexReport, Sentence

FORMAT = 3
COLLECTION = "chunks"
DIMENSIONS = 384
Progress = Callable[[int, int], None]  # (done, total) texts embedded


def index_settings(settings: Settings, embedder: LocalEmbeddings) -> dict[str, Any]:
    """What an index must have been built with to be read with these settings."""
    return {
        "format": FORMAT,
        "embedding_model": embedder.name,
        "chunk_size": settings.chunk_size,
        "splitter": SPLITTER_VERSION,
    }


def _check_settings(index_dir: object, built: dict[str, Any], wanted: dict[str, Any]) -> None:
    for key, value in wanted.items():
        if built.get(key) != value:
            raise IndexMismatchError(index_dir, key, built.get(key), value)


def sentence_window(text: str, sentences: list[tuple[int, int]], i: int) -> str:
    """A sentence with the one before it in its paragraph: "This session was chaired by ..."
    needs its subject, while a new paragraph usually starts a new subject."""
    start, end = sentences[i]
    if i > 0 and "\n" not in text[sentences[i - 1][1] : start]:
        start = sentences[i - 1][0]
    return text[start:end]


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


def _date_number(date: str) -> int:
    return int(date.replace("-", "")) if date else 0


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
    if settings.chroma_url:
        return _sync_remote(settings, embedder, articles, report, rebuild, progress, started)
    with store.no_lock() if dry_run else store.writer_lock(index_dir, settings.lock_wait):
        current = store.current_build(index_dir)
        if current is not None and not rebuild:
            try:
                manifest = store.read_manifest(current)
            except (OSError, ValueError) as exc:
                raise _damaged(index_dir, exc) from None
            _check_settings(index_dir, manifest["settings"], wanted)
            build = current
        else:
            manifest = {"settings": wanted, "generation": 0, "articles": {}, "chunks": {}}
            manifest["texts"] = {}
            build = store.new_build(index_dir)

        old = manifest["articles"]
        by_id = {a.id: a for a in articles}
        changed = [a for a in articles if old.get(a.id, {}).get("content_hash") != a.content_hash]
        changed_ids = {a.id for a in changed}
        report.added = sum(1 for a in changed if a.id not in old)
        report.updated = len(changed) - report.added
        report.deleted = sum(1 for article_id in old if article_id not in by_id)
        report.unchanged = len(articles) - len(changed)
        if dry_run or (not changed and not report.deleted and build == current):
            report.chunks = sum(len(c) for c in manifest["chunks"].values())
            report.seconds = time.perf_counter() - started
            return report

        build.mkdir(parents=True, exist_ok=True)
        processes = settings.threads if len(changed) >= 100 else 1
        new_chunks = _annotated_chunks(changed, settings.chunk_size, processes)
        gone = [i for i in old if i not in by_id or i in changed_ids]
        old_rows = _sentence_rows(manifest)
        try:
            old_vectors = _load_sentence_vectors(build, manifest)
        except (OSError, ValueError) as exc:
            raise _damaged(index_dir, exc) from None
        chunk_vectors, sentence_vectors = _embed(changed, new_chunks, embedder, progress)
        expected = {
            c["id"]
            for article_id, chunks in manifest["chunks"].items()
            if article_id not in changed_ids and article_id in by_id
            for c in chunks
        } | {c.id for chunks in new_chunks.values() for c in chunks}
        try:
            _write_chroma(build, wanted, gone, new_chunks, by_id, chunk_vectors, expected)
        except Exception as exc:  # Chroma's own errors: a damaged store
            raise _damaged(index_dir, exc) from None

        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for article_id in gone:
            for part in ("articles", "chunks", "texts"):
                manifest[part].pop(article_id, None)
        for article in changed:
            chunks = new_chunks[article.id]
            old[article.id] = asdict(_record(article, len(chunks), now))
            manifest["texts"][article.id] = article.text
            manifest["chunks"][article.id] = [_chunk_to_dict(c) for c in chunks]
        generation = manifest["generation"] + 1
        _write_keyword_index(build / f"bm25-{generation}", manifest)
        matrix = _merge_sentence_vectors(manifest, old_rows, old_vectors, sentence_vectors)
        np.save(build / f"sentences-{generation}.npy", matrix)
        manifest.update(generation=generation, updated_at=now)
        store.write_json_atomic(build / "manifest.json", manifest)  # the commit point
        if build != current:
            store.switch_to(index_dir, build)
        keep = {build.name} | ({current.name} if current is not None else set())
        store.remove_stale(index_dir, build, keep, generation)
        report.chunks = sum(len(c) for c in manifest["chunks"].values())
    report.seconds = time.perf_counter() - started
    return report


def _sync_remote(
    settings: Settings,
    embedder: LocalEmbeddings,
    articles: list[Article],
    report: IndexReport,
    rebuild: bool,
    progress: Progress | None,
    started: float,
) -> IndexReport:
    """sync_index in server mode (remote.py): the same steps, with collections and a pointer
    record on the Chroma server in place of build folders and CURRENT."""
    from assistant.remote import Remote, namespace_of

    remote = Remote(
        settings.chroma_url, namespace_of(settings.chroma_namespace, settings.index_dir)
    )
    wanted = index_settings(settings, embedder)
    where = f"the index on {remote.url}"
    lock = store.no_lock() if report.dry_run else store.writer_lock(settings.index_dir,
                                                                    settings.lock_wait)  # fmt: skip
    with lock:
        pointer = remote.current()
        if pointer is not None and not rebuild:
            build = pointer[0]
            manifest = remote.manifest(*pointer)
            _check_settings(where, manifest["settings"], wanted)
        else:
            build = store.new_build(settings.index_dir).name
            manifest = {"settings": wanted, "generation": 0, "articles": {}, "chunks": {}}
            manifest["texts"] = {}
        old = manifest["articles"]
        by_id = {a.id: a for a in articles}
        changed = [a for a in articles if old.get(a.id, {}).get("content_hash") != a.content_hash]
        changed_ids = {a.id for a in changed}
        report.added = sum(1 for a in changed if a.id not in old)
        report.updated = len(changed) - report.added
        report.deleted = sum(1 for article_id in old if article_id not in by_id)
        report.unchanged = len(articles) - len(changed)
        same_build = pointer is not None and build == pointer[0]
        if report.dry_run or (not changed and not report.deleted and same_build):
            report.chunks = sum(len(c) for c in manifest["chunks"].values())
            report.seconds = time.perf_counter() - started
            return report
        processes = settings.threads if len(changed) >= 100 else 1
        new_chunks = _annotated_chunks(changed, settings.chunk_size, processes)
        gone = [i for i in old if i not in by_id or i in changed_ids]
        chunk_vectors, sentence_vectors = _embed(changed, new_chunks, embedder, progress)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        for article_id in gone:
            for part in ("articles", "chunks", "texts"):
                manifest[part].pop(article_id, None)
        for article in changed:
            chunks = new_chunks[article.id]
            old[article.id] = asdict(_record(article, len(chunks), now))
            manifest["texts"][article.id] = article.text
            manifest["chunks"][article.id] = [_chunk_to_dict(c) for c in chunks]
        expected = {c["id"] for chunks in manifest["chunks"].values() for c in chunks}
        meta = {k: v for k, v in wanted.items() if isinstance(v, str | int | float)}
        _write_chunks(remote.collection("chunks", build, meta), gone, new_chunks, by_id,
                      chunk_vectors, expected)  # fmt: skip
        _write_sentences(remote.collection("sentences", build), gone, manifest, sentence_vectors)
        generation = manifest["generation"] + 1
        manifest.update(generation=generation, updated_at=now)
        remote.commit(build, generation, manifest)  # the commit point
        remote.remove_stale(build, generation)
        report.chunks = len(expected)
    report.seconds = time.perf_counter() - started
    return report


def _sentence_ids(manifest: dict[str, Any]) -> list[str]:
    """Ids of the sentence records, in sentence-matrix row order."""
    return [
        f"{article_id}#{n}"
        for article_id, chunks in manifest["chunks"].items()
        for n in range(sum(len(c["sentences"]) for c in chunks))
    ]


def _write_sentences(
    collection: Any, gone: list[str], manifest: dict[str, Any], vectors: dict[str, np.ndarray]
) -> None:
    for article_id in gone:
        collection.delete(where={"article_id": article_id})
    expected = set(_sentence_ids(manifest))
    orphans = [i for i in collection.get(include=[])["ids"] if i not in expected]
    for i in range(0, len(orphans), 2000):
        collection.delete(ids=orphans[i : i + 2000])
    rows = [(a, n, v) for a, matrix in vectors.items() for n, v in enumerate(matrix)]
    for i in range(0, len(rows), 2000):
        part = rows[i : i + 2000]
        collection.upsert(
            ids=[f"{a}#{n}" for a, n, _ in part],
            embeddings=np.array([v for _, _, v in part]),
            metadatas=[{"article_id": a, "position": n} for a, n, _ in part],
        )


def _record(article: Article, chunks: int, now: str) -> ArticleRecord:
    return ArticleRecord(
        id=article.id,
        path=article.path,
        title=article.title,
        date=article.date,
        source=article.source,
        content_hash=article.content_hash,
        chunks=chunks,
        indexed_at=now,
    )


def _annotated_chunks(
    articles: list[Article], chunk_size: int, processes: int = 1
) -> dict[str, list[Chunk]]:
    """Chunks of each article, each carrying the named entities inside it."""
    out = {a.id: chunk_article(a, chunk_size) for a in articles}
    if not articles:
        return out
    from assistant.nlp import entities

    found_all = entities([a.text for a in articles], processes)
    for article, found in zip(articles, found_all, strict=True):
        out[article.id] = [
            replace(c, entities=tuple(e for e in found if c.start <= e[0] and e[1] <= c.end))
            for c in out[article.id]
        ]
    return out


def _chunk_to_dict(chunk: Chunk) -> dict[str, Any]:
    data = asdict(chunk)
    del data["text"]  # sliced from the article text on load
    return data


def _chunk_from_dict(data: dict[str, Any], text: str) -> Chunk:
    return Chunk(
        **{
            **data,
            "text": text[data["start"] : data["end"]],
            "sentences": tuple(tuple(s) for s in data["sentences"]),
            "entities": tuple(tuple(e) for e in data["entities"]),
        }
    )


def _sentence_rows(manifest: dict[str, Any]) -> dict[str, tuple[int, int]]:
    """Row range of each article's sentences in the sentence matrix (manifest order)."""
    rows, at = {}, 0
    for article_id, chunks in manifest["chunks"].items():
        count = sum(len(c["sentences"]) for c in chunks)
        rows[article_id] = (at, at + count)
        at += count
    return rows


def _load_sentence_vectors(build: Path, manifest: dict[str, Any]) -> np.ndarray:
    path = build / f"sentences-{manifest['generation']}.npy"
    return np.load(path) if path.exists() else np.zeros((0, DIMENSIONS), dtype=np.float32)


def _merge_sentence_vectors(
    manifest: dict[str, Any],
    old_rows: dict[str, tuple[int, int]],
    old_vectors: np.ndarray,
    new_vectors: dict[str, np.ndarray],
) -> np.ndarray:
    parts = [
        new_vectors[a] if a in new_vectors else old_vectors[slice(*old_rows[a])]
        for a in manifest["chunks"]
    ]
    return np.concatenate(parts) if parts else np.zeros((0, DIMENSIONS), dtype=np.float32)


def _embed(
    articles: list[Article],
    chunks: dict[str, list[Chunk]],
    embedder: LocalEmbeddings,
    progress: Progress | None,
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Vectors of every new chunk, and of every new sentence read with the one before it."""
    texts = [c.text for a in articles for c in chunks[a.id]]
    n_chunks = len(texts)
    counts = []
    for article in articles:
        sentences = [s for c in chunks[article.id] for s in c.sentences]
        texts += [sentence_window(article.text, sentences, i) for i in range(len(sentences))]
        counts.append(len(sentences))
    vectors = _embed_with_progress(embedder, texts, progress)
    by_article, at = {}, n_chunks
    for article, count in zip(articles, counts, strict=True):
        by_article[article.id] = vectors[at : at + count]
        at += count
    return vectors[:n_chunks], by_article


def _embed_with_progress(
    embedder: LocalEmbeddings, texts: list[str], progress: Progress | None
) -> np.ndarray:
    vectors = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
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


def _write_chroma(
    build: Path,
    meta: dict[str, Any],
    gone: list[str],
    new_chunks: dict[str, list[Chunk]],
    articles: dict[str, Article],
    vectors: np.ndarray,
    expected: set[str],
) -> None:
    _write_chunks(
        _collection(_chroma_client(build / "chroma"), meta), gone, new_chunks, articles, vectors,
        expected,
    )  # fmt: skip


def _write_chunks(
    collection: Any,
    gone: list[str],
    new_chunks: dict[str, list[Chunk]],
    articles: dict[str, Article],
    vectors: np.ndarray,
    expected: set[str],
) -> None:
    flat = [c for chunks in new_chunks.values() for c in chunks]
    for article_id in gone:
        collection.delete(where={"article_id": article_id})
    # Chunks an interrupted sync wrote for articles that have since gone: not in any manifest.
    orphans = [i for i in collection.get(include=[])["ids"] if i not in expected]
    for i in range(0, len(orphans), 2000):
        collection.delete(ids=orphans[i : i + 2000])
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


def _write_keyword_index(folder: Path, manifest: dict[str, Any]) -> None:
    ids, texts = [], []
    for article_id, chunks in manifest["chunks"].items():
        text = manifest["texts"][article_id]
        for c in chunks:
            ids.append(c["id"])
            texts.append(text[c["start"] : c["end"]])
    KeywordIndex.build(ids, texts).save(folder)


# ---------------------------------------------------------------------------------------------
# Reading


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
        self._vectors = np.zeros((0, DIMENSIONS), dtype=np.float32)
        self._keywords: KeywordIndex | None = None
        self._collection: Any = None
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
        _check_settings(index_dir, manifest["settings"], wanted)
        chunks, sentences, row = {}, {}, 0
        for article_id, article_chunks in manifest["chunks"].items():
            text = manifest["texts"][article_id]
            sentences[article_id] = []
            for data in article_chunks:
                chunk = _chunk_from_dict(data, text)
                chunks[chunk.id] = chunk
                for start, end in chunk.sentences:
                    position = len(sentences[article_id])
                    sentences[article_id].append(
                        Sentence(row, article_id, chunk.id, position, start, end)
                    )
                    row += 1
        vectors = np.load(build / f"sentences-{manifest['generation']}.npy")
        if len(vectors) != row:
            raise AssistantError(
                f"the index in {index_dir} is damaged (sentence vectors do not match the "
                "manifest): run `assistant index --rebuild`"
            )
        keywords = KeywordIndex.load(build / f"bm25-{manifest['generation']}")
        if build != self.build:
            try:
                client = _chroma_client(build / "chroma")
                self._collection = _collection(client, manifest["settings"])
            except Exception as exc:  # Chroma's own errors: a damaged or foreign store
                raise _damaged(index_dir, exc) from None
        self._chunks, self._sentences, self._vectors = chunks, sentences, vectors
        self._by_row = [s for article_sentences in sentences.values() for s in article_sentences]
        self._keywords, self.build, self._manifest, self._stamp = keywords, build, manifest, stamp
        return self

    def _open_remote(self) -> Index:
        """Server mode: follow the pointer record; when it moved, load that manifest and its
        sentence vectors and rebuild the keyword index in memory."""
        from assistant.remote import Remote, namespace_of

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
            raise IndexMissingError(f"the Chroma server at {remote.url}")
        stamp = (pointer[0], float(pointer[1]))
        if stamp == self._stamp:
            return self
        manifest = remote.manifest(*pointer)
        wanted = index_settings(self.settings, self.embedder)
        _check_settings(f"the index on {remote.url}", manifest["settings"], wanted)
        chunks, sentences, texts = self._read_manifest(manifest)
        ids = _sentence_ids(manifest)
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
            else np.zeros((0, DIMENSIONS), dtype=np.float32)
        )
        keywords = KeywordIndex.build(list(chunks), texts)
        meta = {k: v for k, v in manifest["settings"].items() if isinstance(v, str | int | float)}
        self._collection = remote.collection("chunks", pointer[0], meta)
        self._chunks, self._sentences, self._vectors = chunks, sentences, vectors
        self._by_row = [s for article_sentences in sentences.values() for s in article_sentences]
        self._keywords, self._manifest, self._stamp = keywords, manifest, stamp
        return self

    def _read_manifest(
        self, manifest: dict[str, Any]
    ) -> tuple[dict[str, Chunk], dict[str, list[Sentence]], list[str]]:
        chunks, sentences, texts, row = {}, {}, [], 0
        for article_id, article_chunks in manifest["chunks"].items():
            text = manifest["texts"][article_id]
            sentences[article_id] = []
            for data in article_chunks:
                chunk = _chunk_from_dict(data, text)
                chunks[chunk.id] = chunk
                texts.append(chunk.text)
                for start, end in chunk.sentences:
                    position = len(sentences[article_id])
                    sentences[article_id].append(
                        Sentence(row, article_id, chunk.id, position, start, end)
                    )
                    row += 1
        return chunks, sentences, texts

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
        if self._collection is None or not self._chunks:
            return []
        try:
            result = self._collection.query(
                query_embeddings=[vector],
                n_results=min(k, len(self._chunks)),
                where=where or None,
                include=["distances"],
            )
        except Exception as exc:  # Chroma's own errors: a damaged store
            raise _damaged(self.settings.index_dir, exc) from None
        pairs = zip(result["ids"][0], result["distances"][0], strict=True)
        # Chunks Chroma holds beyond the manifest belong to an unfinished sync: not answers yet.
        return [(i, 1.0 - float(d)) for i, d in pairs if i in self._chunks]

    def keyword_search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) pairs, best first."""
        if self._keywords is None:
            return []
        return [(i, s) for i, s in self._keywords.search(query, k) if i in self._chunks]


def _damaged(index_dir: Path, exc: BaseException) -> AssistantError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return AssistantError(
        f"the index in {index_dir} is damaged ({reason}): run `assistant index --rebuild`"
    )


def open_index(settings: Settings, embedder: LocalEmbeddings) -> Index:
    """Open the current build for reading; errors say how to build or rebuild it."""
    try:
        return Index(settings, embedder).open()
    except (OSError, ValueError, json.JSONDecodeError, KeyError) as exc:
        raise AssistantError(
            f"the index in {settings.index_dir} is damaged ({exc}): run `assistant index --rebuild`"
        ) from None
