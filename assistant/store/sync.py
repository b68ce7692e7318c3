"""Writing the index: `sync_index` brings it in step with the corpus folder.

One pipeline for both stores: load the corpus, compare content hashes with the manifest, chunk
and annotate (named entities) what changed, embed each new chunk and each new sentence read with
the one before it, write the vectors, then commit. The store is a build folder (files.py: the
manifest written last is the commit point; `rebuild` writes a new folder and switches CURRENT
when it is complete) or a Chroma server (remote.py: the pointer record is the commit point).
A crash before the commit leaves the previous state answering; records written beyond it are
pruned by the next sync.

A sync never changes what the committed build reads: record ids carry the article's content
version, so new records go beside the old ones; the records the new build no longer uses are
listed in its manifest as retired and removed by the next sync, and the previous generation's
files stay until then. A question still reading the previous build finishes on it.

In a build folder, the new articles' sentence vectors and keyword postings are written as one
new segment (segments.py), and the chunk records Chroma may hold beyond the committed build
are named in pending.json before they are written, so the next sync prunes those without
listing the collection; the manifest (manifest.py, SQLite) gets new rows for the articles the
sync changed. What a sync writes follows what changed, not the size of the index; it still
reads the whole manifest, and the corpus folder, at its start.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import Settings
from assistant.ingest.chunking import chunk_article
from assistant.ingest.corpus import load_corpus, text_key
from assistant.ingest.ocr import PageProgress
from assistant.ingest.people import load_people_model
from assistant.store import files, people, records, segments
from assistant.store import manifest as store_manifest  # `manifest` is the dict, here
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.layout import (
    check_settings,
    chroma_client,
    chunk_count,
    chunk_ids,
    chunk_to_dict,
    collection,
    damaged,
    index_settings,
    outdated,
    retired,
    retired_between,
    sentence_ids,
)
from assistant.types import Article, ArticleRecord, Chunk, IndexReport, same_paragraph

Progress = Callable[[int, int], None]  # (done, total) texts embedded


@dataclass
class _Changes:
    """What a sync has to do, found by comparing content hashes with the manifest."""

    by_id: dict[str, Article]  # every article in the corpus
    changed: list[Article]  # new or edited
    gone: list[str]  # ids whose records go: deleted or edited


def _compare(manifest: dict[str, Any], articles: list[Article], report: IndexReport) -> _Changes:
    old = manifest["articles"]
    by_id = {a.id: a for a in articles}
    changed = [a for a in articles if old.get(a.id, {}).get("content_hash") != a.content_hash]
    changed_ids = {a.id for a in changed}
    report.added = sum(1 for a in changed if a.id not in old)
    report.updated = len(changed) - report.added
    report.deleted = sum(1 for article_id in old if article_id not in by_id)
    report.unchanged = len(articles) - len(changed)
    gone = [i for i in old if i not in by_id or i in changed_ids]
    return _Changes(by_id, changed, gone)


def _update_manifest(
    manifest: dict[str, Any], changes: _Changes, new_chunks: dict[str, list[Chunk]], now: str
) -> None:
    for article_id in changes.gone:
        for part in ("articles", "chunks", "texts"):
            manifest[part].pop(article_id, None)
    for article in changes.changed:
        chunks = new_chunks[article.id]
        manifest["articles"][article.id] = asdict(_record(article, len(chunks), now))
        manifest["texts"][article.id] = article.text
        manifest["chunks"][article.id] = [chunk_to_dict(c) for c in chunks]


def _empty_manifest(wanted: dict[str, Any]) -> dict[str, Any]:
    return {"settings": wanted, "generation": 0, "articles": {}, "chunks": {}, "texts": {}}


@dataclass
class _Touched:
    """The articles a sync changed in the manifest: whose parts it wrote (dirty), which of
    them it added again (moved: new or edited) and which it took out (gone: deleted or
    edited)."""

    dirty: set[str]
    moved: set[str]
    gone: set[str]


class _FolderStore:
    """The embedded index: build folders with Chroma, segments (sentence vectors and keyword
    postings) and manifest."""

    def __init__(self, settings: Settings, dimensions: int) -> None:
        self.index_dir = settings.index_dir
        self.dimensions = dimensions
        self.current: Path | None = None
        self.build: Path | None = None
        self.upgraded: list[str] = []  # built by older code: what of it (a full rebuild)

    def begin(self, wanted: dict[str, Any], rebuild: bool) -> tuple[dict[str, Any], bool]:
        """The manifest to start from, and whether this sync writes a new build."""
        self.current = files.current_build(self.index_dir)
        if self.current is not None and not rebuild:
            try:
                manifest = files.read_manifest(self.current)
            except (OSError, ValueError, sqlite3.Error) as exc:
                raise damaged(self.index_dir, exc) from None
            check_settings(self.index_dir, manifest["settings"], wanted)
            self.upgraded = outdated(manifest["settings"], wanted)
            if not self.upgraded:
                self.build = self.current
                return manifest, False
        self.build = files.new_build(self.index_dir)
        return _empty_manifest(wanted), True

    def remember(self, manifest: dict[str, Any]) -> None:
        """Keep what the commit needs from the manifest before it changes: where each article's
        sentence vectors and chunks are, and their segments (mapped: a damaged one fails
        here)."""
        assert self.build is not None
        self.build.mkdir(parents=True, exist_ok=True)
        try:
            self.before = segments.written(self.build, manifest, self.dimensions)
        except (OSError, ValueError) as exc:
            raise damaged(self.index_dir, exc) from None

    def write_vectors(
        self, wanted: dict[str, Any], changes: _Changes, new_chunks: dict[str, list[Chunk]],
        chunk_vectors: np.ndarray, before: dict[str, Any],
    ) -> None:  # fmt: skip
        assert self.build is not None
        # What the collection may hold beyond the committed build's chunks: those it retired
        # and those a sync killed before its commit wrote (it named them first, in pending).
        # Naming them spares listing every id in Chroma.
        pending = self.build / "pending.json"
        try:
            named = json.loads(pending.read_text(encoding="utf-8")) if pending.exists() else []
        except (OSError, ValueError):
            named = None  # unreadable: list the collection instead
        ids = [c.id for chunks in new_chunks.values() for c in chunks]
        # still named until they are pruned, which this sync may not live to do
        files.write_json_atomic(pending, sorted({*ids, *(named or ())}))
        stale = None if named is None else {*named, *retired(before, "chunks")}
        try:
            chunks = collection(chroma_client(self.build / "chroma"), wanted)
            records.write_chunks(chunks, chunk_ids(before), new_chunks, changes.by_id,
                                 chunk_vectors, stale)  # fmt: skip
        except Exception as exc:  # Chroma's own errors: a damaged store
            raise damaged(self.index_dir, exc) from None

    def commit(
        self, manifest: dict[str, Any], sentence_vectors: dict[str, np.ndarray], touched: _Touched
    ) -> None:
        assert self.build is not None
        generation = manifest["generation"]
        manifest["vectors"], manifest["keywords"] = segments.write(
            self.build, generation, manifest, self.before, sentence_vectors
        )
        if store_manifest.committed(self.build) is None or store_manifest.unsplit(self.build):
            dirty = set(manifest["articles"])  # a new build, kept in JSON or by older code
        else:  # what the sync changed, and the articles whose rows a merge moved
            dirty = touched.dirty | {
                a for a, where in manifest["vectors"].items()
                if tuple(where) != self.before.sentences.get(a)
                or tuple(manifest["keywords"][a]) != self.before.keywords.get(a)
            }  # fmt: skip
        # the commit point
        store_manifest.write(self.build, manifest, dirty, touched.moved, touched.gone)
        (self.build / "manifest.json").unlink(missing_ok=True)  # kept in SQLite from now on
        files.write_json_atomic(self.build / "pending.json", [])  # all in the manifest now
        if self.build != self.current:
            files.switch_to(self.index_dir, self.build)
        keep = {self.build.name} | ({self.current.name} if self.current is not None else set())
        used = {w[0] for w in [*manifest["vectors"].values(), *self.before.sentences.values()]}
        files.remove_stale(self.index_dir, self.build, keep, generation, used)


class _ServerStore:
    """The index on a Chroma server (remote.py): collections per build and a pointer record."""

    def __init__(self, settings: Settings) -> None:
        from assistant.store.remote import Remote, namespace_of

        namespace = namespace_of(settings.chroma_namespace, settings.index_dir)
        self.remote = Remote(settings.chroma_url, namespace)
        self.index_dir = settings.index_dir
        self.build = ""
        self.upgraded: list[str] = []  # built by older code: what of it (a full rebuild)

    def begin(self, wanted: dict[str, Any], rebuild: bool) -> tuple[dict[str, Any], bool]:
        pointer = self.remote.current()
        self.previous = pointer[0] if pointer is not None else ""
        if pointer is not None and not rebuild:
            self.build = pointer[0]
            manifest = self.remote.manifest(*pointer)
            check_settings(f"the index on {self.remote.url}", manifest["settings"], wanted)
            self.upgraded = outdated(manifest["settings"], wanted)
            if not self.upgraded:
                return manifest, False
        self.build = files.new_build(self.index_dir).name
        return _empty_manifest(wanted), True

    def remember(self, manifest: dict[str, Any]) -> None:
        pass  # sentence vectors are records on the server, written by commit()

    def write_vectors(
        self, wanted: dict[str, Any], changes: _Changes, new_chunks: dict[str, list[Chunk]],
        chunk_vectors: np.ndarray, before: dict[str, Any],
    ) -> None:  # fmt: skip
        meta = {k: v for k, v in wanted.items() if isinstance(v, str | int | float)}
        chunks = self.remote.collection("chunks", self.build, meta)
        records.write_chunks(chunks, chunk_ids(before), new_chunks, changes.by_id, chunk_vectors)
        self.keep_sentences = set(sentence_ids(before))

    def commit(
        self, manifest: dict[str, Any], sentence_vectors: dict[str, np.ndarray], touched: _Touched
    ) -> None:
        sentences = self.remote.collection("sentences", self.build)
        records.write_sentences(sentences, self.keep_sentences, manifest, sentence_vectors)
        self.remote.commit(self.build, manifest["generation"], manifest)  # the commit point
        self.remote.remove_stale(self.build, manifest["generation"], self.previous)


def sync_index(
    settings: Settings,
    embedder: LocalEmbeddings,
    *,
    rebuild: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,  # of the embedding
    ocr_progress: PageProgress | None = None,  # of reading PDFs' scanned pages
) -> IndexReport:
    """Bring the index in step with the corpus folder and report what changed."""
    started = time.perf_counter()
    wanted = index_settings(settings, embedder)
    store: _FolderStore | _ServerStore = (
        _ServerStore(settings)
        if settings.chroma_url
        else _FolderStore(settings, embedder.dimensions)
    )
    lock = files.no_lock() if dry_run else files.writer_lock(settings.index_dir, settings.lock_wait)
    with lock, _held_apart():
        manifest, fresh = store.begin(wanted, rebuild)
        gc.freeze()  # the manifest just read lives through the sync (see _held_apart)
        # files unchanged since the manifest recorded them are taken from it, not read again
        articles, skipped = load_corpus(settings.corpus_dir, settings.max_file_bytes, manifest,
                                        settings.max_document_bytes, ocr_progress)  # fmt: skip
        report = IndexReport(skipped=skipped, dry_run=dry_run,
                             rebuilt=rebuild or bool(store.upgraded))  # fmt: skip
        changes = _compare(manifest, articles, report)
        people_model = load_people_model()
        stale = people.stale(manifest, people_model)  # read with another model, or never
        unnamed = people.lacking_vectors(manifest)  # a build made before they were kept
        if dry_run or (
            not changes.changed and not report.deleted and not fresh and not stale and not unnamed
        ):
            report.chunks = chunk_count(manifest)
            report.seconds = time.perf_counter() - started
            return report
        store.remember(manifest)
        processes = settings.threads if len(changes.changed) >= 100 else 1
        new_chunks = _annotated_chunks(changes.changed, settings.chunk_size, processes)
        chunk_vectors, sentence_vectors = _embed(changes.changed, new_chunks, embedder, progress)
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        before = {**manifest, "chunks": manifest["chunks"].copy(),
                  "articles": dict(manifest["articles"])}  # fmt: skip
        _update_manifest(manifest, changes, new_chunks, now)
        changed = {a.id for a in changes.changed}
        refreshed = [
            *changed,
            *(a for a in stale if a in manifest["articles"] and a not in changed),
        ]
        # the names the kept vectors are of: an article read again with another model keeps
        # its vector when its event's name stays; a new or edited one is encoded again
        named = {a: people.event_name(manifest, a) for a in refreshed if a not in changed}
        people.refresh(manifest, refreshed, people_model, settings.threads)
        read_again = set(refreshed)
        refreshed += [a for a in people.name_vectors(manifest, refreshed, embedder, named)
                      if a not in read_again]  # fmt: skip
        store.write_vectors(wanted, changes, new_chunks, chunk_vectors, before)
        manifest.update(
            generation=manifest["generation"] + 1,
            updated_at=now,
            retired=retired_between(before, manifest, set(changes.gone)),
        )
        refreshed = set(refreshed) | changed
        store.commit(manifest, sentence_vectors, _Touched(refreshed, changed, set(changes.gone)))
        report.chunks = chunk_count(manifest)
    report.seconds = time.perf_counter() - started
    return report


@contextmanager
def _held_apart() -> Iterator[None]:
    """What is frozen during a sync (the models and the manifest: long-lived, and acyclic or
    never freed before its end) is not walked by the cycle collector, whose collections
    otherwise walk the whole heap again and again (most of adding one report to 10,000 went
    to them); let go at its end, when those objects are collected as before. Refcounting
    frees what is not in a cycle either way."""
    try:
        yield
    finally:
        gc.unfreeze()


RACY_NS = 2_000_000_000  # a file changed this recently may change again within the same tick


def sentence_window(text: str, sentences: list[tuple[int, int]], i: int) -> str:
    """A sentence with the one before it in its paragraph: "This session was chaired by ..."
    needs its subject, while a new paragraph usually starts a new subject."""
    start, end = sentences[i]
    if i > 0 and same_paragraph(text, sentences[i - 1][1], start):
        start = sentences[i - 1][0]
    return text[start:end]


def _record(article: Article, chunks: int, now: str) -> ArticleRecord:
    # A file modified within the last moments is recorded without its time, so the next sync
    # reads it again rather than trusting a time another write may share.
    settled = time.time_ns() - article.mtime_ns > RACY_NS
    return ArticleRecord(
        id=article.id,
        path=article.path,
        title=article.title,
        date=article.date,
        source=article.source,
        content_hash=article.content_hash,
        chunks=chunks,
        indexed_at=now,
        size=article.size if settled else 0,
        mtime_ns=article.mtime_ns if settled else 0,
        pages=article.pages,
        scanned=article.scanned,
        text_key=text_key(article.text),
    )


def _annotated_chunks(
    articles: list[Article], chunk_size: int, processes: int = 1
) -> dict[str, list[Chunk]]:
    """Chunks of each article, each carrying the named entities inside it."""
    out = {a.id: chunk_article(a, chunk_size) for a in articles}
    if not articles:
        return out
    from assistant.ingest.nlp import entities

    found_all = entities([a.text for a in articles], processes)
    for article, found in zip(articles, found_all, strict=True):
        out[article.id] = [
            replace(c, entities=tuple(e for e in found if c.start <= e[0] and e[1] <= c.end))
            for c in out[article.id]
        ]
    return out


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
    vectors = np.zeros((len(texts), embedder.dimensions), dtype=np.float32)
    # Longest first across all blocks, as encode() does within one call: batches of similar
    # length waste no time on padding, and the progress bar still moves.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    block = max(embedder.batch_size * 8, 512)
    if progress is not None and texts:
        progress(0, len(texts))
    for i in range(0, len(order), block):
        rows = order[i : i + block]
        vectors[rows] = embedder.encode([texts[j] for j in rows])
        if progress is not None:
            progress(min(i + block, len(texts)), len(texts))
    return vectors
