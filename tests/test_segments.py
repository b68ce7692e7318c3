"""Segments: each sync writes only its new articles' sentence vectors and keyword postings;
a snapshot reads its live segments as one index. Keyword search over segments gives exactly
what one bm25s index over the live chunks gives, and the sentence rows are those a rebuild
makes; merges keep the number of segments small. The manifest is written article by article
(SQLite), and the generation before a sync still reads as it was."""

from __future__ import annotations

import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.store import files
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.keywords import KeywordIndex
from assistant.store.reader import Index
from assistant.store.segments import MOST, plan
from assistant.store.sync import sync_index

from .conftest import write_article

pytestmark = pytest.mark.embedded_only
WORDS = "delegates port customs heroin ministers agreed training seizures forum border".split()
QUERIES = [
    "Who chaired the session on pharmaceutical drugs?",
    "What was the budget of the conference?",
    "heroin seizures at the border port",
    "training of customs officers",
    "heroin heroin port",  # a repeated word counts twice
]


def _rebuilt_keywords(settings: Settings) -> KeywordIndex:
    """One bm25s index over the committed build's chunks, as format 4 wrote it."""
    manifest = files.read_manifest(files.current_build(settings.index_dir))
    ids, texts = [], []
    for article_id, chunks in manifest["chunks"].items():
        for c in chunks:
            ids.append(c["id"])
            texts.append(manifest["texts"][article_id][c["start"] : c["end"]])
    return KeywordIndex.build(ids, texts)


@pytest.mark.e2e  # many syncs of a real index (10 s): in make test, not make quick
def test_segments_read_as_the_one_index_a_rebuild_makes(
    tmp_path: Path, settings: Settings, embedder: LocalEmbeddings
) -> None:
    sync_index(settings, embedder)
    rng = random.Random(26)
    queries = QUERIES + [" ".join(rng.choice(WORDS) for _ in range(4)) for _ in range(20)]
    for n in range(7):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 300)))
        write_article(settings.corpus_dir, f"x{n}.md", f"X{n}", "2021-01-01",
                      f"Meeting {n} was chaired by Officer {n}. {body}.")  # fmt: skip
        if n % 3 == 2:
            rng.choice(sorted(settings.corpus_dir.glob("x*.md"))).unlink()
        if n % 4 == 3:
            edited = sorted(settings.corpus_dir.glob("*.md"))[0]
            edited.write_text(edited.read_text("utf-8") + "\nA late word on heroin.\n", "utf-8")
        sync_index(settings, embedder)
        snapshot = Index(settings, embedder).snapshot()
        one = _rebuilt_keywords(settings)
        for query in queries:
            for k in (3, 1000):
                assert snapshot.keyword_search(query, k) == one.search(query, k), query
    build = files.current_build(settings.index_dir)
    assert len(list(build.glob("keywords-*.npz"))) > 1  # the index really is in segments
    # each article's sentence rows hold, vector for vector, what a rebuild of the corpus has
    # (a rebuild orders articles by file, a sync appends what it writes)
    shutil.copytree(settings.corpus_dir, tmp_path / "again")
    again = settings.model_copy(
        update={"corpus_dir": tmp_path / "again", "index_dir": tmp_path / "again-index"}
    )
    sync_index(again, embedder)
    mine, rebuilt = Index(settings, embedder).snapshot(), Index(again, embedder).snapshot()
    assert len(mine.sentence_vectors()) == len(rebuilt.sentence_vectors())
    probes = np.random.default_rng(0).standard_normal((384, 8)).astype(np.float32)
    for probe in probes.T:
        got, want = mine.sentence_vectors() @ probe, rebuilt.sentence_vectors() @ probe
        for record in rebuilt.articles():
            rows = [s.row for s in mine.sentences(record.id)]
            assert rows, record.id
            expected = want[[s.row for s in rebuilt.sentences(record.id)]]
            assert np.allclose(got[rows], expected, atol=1e-4), record.id


def test_a_sync_folds_smaller_segments_and_keeps_their_number_small() -> None:
    # a segment no larger than what is written is folded into it, smallest first
    assert plan({1: 100, 2: 5}, {1: 100, 2: 5}, 5) == {2}
    assert plan({1: 100, 2: 5, 3: 10}, {1: 100, 2: 5, 3: 10}, 5) == {2, 3}
    assert plan({1: 100}, {1: 100}, 5) == set()
    # a mostly dead segment is folded whatever its size; an empty one is dropped
    assert plan({1: 40, 2: 0}, {1: 100, 2: 7}, 5) == {1, 2}
    # growing one article at a time, segments stay about log2 of the rows, never over MOST
    live: dict[int, int] = {}
    for generation in range(1, 3000):
        fold = plan(live, dict(live), 5)
        size = 5 + sum(live[s] for s in fold)
        live = {s: n for s, n in live.items() if s not in fold}
        live[generation] = size
    assert sum(live.values()) == 5 * 2999 and len(live) <= 12 < MOST


def test_a_sync_writes_the_manifest_rows_of_what_it_changed_and_keeps_the_state_before(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    sync_index(settings, embedder)
    build = files.current_build(settings.index_dir)
    first = files.read_manifest(build)
    write_article(settings.corpus_dir, "new.md", "New", "2021-01-01", "A new article text.")
    edited = settings.corpus_dir / "day-1.md"
    edited.write_text(edited.read_text("utf-8") + "\nA late addition.\n", "utf-8")
    sync_index(settings, embedder)
    generation = first["generation"] + 1
    with closing(sqlite3.connect(build / "manifest.sqlite")) as db:
        written = {i for (i,) in db.execute("SELECT id FROM articles WHERE first = ?",
                                            (generation,))}  # fmt: skip
    assert written == {"new", "day-1"}
    # the generation before reads exactly as it did (a question may still be loading it)
    assert files.read_manifest(build, first["generation"]) == first
    second = files.read_manifest(build)
    # as a dict keeps them: an edited article goes last, after the unchanged ones
    assert list(second["articles"])[-2:] == ["day-1", "new"]
    assert list(second["texts"]) == list(second["chunks"]) == list(second["articles"])
    assert "A late addition." in second["texts"]["day-1"]


def test_heavy_parts_are_read_when_used_and_a_manifest_without_them_is_read_and_moved_on(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    import json

    from assistant.store.layout import chunk_count, chunk_ids

    sync_index(settings, embedder)
    build = files.current_build(settings.index_dir)
    assert build is not None
    manifest = files.read_manifest(build)
    held = manifest["chunks"]._held.raw
    # what a sync that adds one article reads of the others: no chunks, rows or vectors (the
    # ids are made from the records once one article's chunks show they are made that way)
    ids, count = chunk_ids(manifest), chunk_count(manifest)
    assert sum(not isinstance(raw, str) for raw in held.values()) == 1 < len(held)
    read = {c["id"] for chunks in manifest["chunks"].values() for c in chunks}
    assert ids == read and count == len(read) > 0
    assert not any(isinstance(raw, str) for raw in held.values())  # read once used
    heavy = ("chunks", "people", "sessions", "event_vectors")
    whole = {part: list(manifest[part].items()) for part in heavy}  # in order

    # a manifest written before the heavy column: the heavy parts in each row's data
    with closing(sqlite3.connect(build / "manifest.sqlite")) as db, db:
        for article_id, first, data, heavy in db.execute(
            "SELECT id, first, light, heavy FROM articles"
        ).fetchall():
            merged = {k: v for k, v in json.loads(data).items() if k != "heavy"}
            merged |= json.loads(heavy)
            db.execute("UPDATE articles SET light = ? WHERE id = ? AND first = ?",
                       (json.dumps(merged), article_id, first))  # fmt: skip
        db.execute("ALTER TABLE articles DROP COLUMN heavy")
        db.execute("ALTER TABLE articles RENAME COLUMN light TO data")
    old = files.read_manifest(build)
    assert {part: list(old[part].items()) for part in whole} == whole
    assert Index(settings, embedder).snapshot().people() != []
    # its next sync writes the column, and every row again, once, with its heavy parts in it
    write_article(settings.corpus_dir, "new.md", "New", "2021-01-01", "A new article text.")
    sync_index(settings, embedder)
    with closing(sqlite3.connect(build / "manifest.sqlite")) as db:
        current = db.execute("SELECT heavy FROM articles WHERE last IS NULL").fetchall()
        # the code before reads `data`: it now stops with an error, not with no chunks
        with pytest.raises(sqlite3.OperationalError, match="no such column: data"):
            db.execute("SELECT id, pseq, text, data FROM articles")
    assert len(current) == 5 and all("chunks" in json.loads(h) for (h,) in current)
    after = files.read_manifest(build)
    kept = {part: [(a, v) for a, v in after[part].items() if a != "new"] for part in whole}
    assert kept == whole
    # a damaged heavy column is found when it is first read, and said plainly
    from assistant.errors import AssistantError

    with closing(sqlite3.connect(build / "manifest.sqlite")) as db, db:
        db.execute("UPDATE articles SET heavy = '{broken' WHERE id = 'new' AND last IS NULL")
    with pytest.raises(AssistantError, match=r"manifest row of 'new' is damaged.*--rebuild"):
        Index(settings, embedder).snapshot()
