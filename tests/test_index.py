from __future__ import annotations

import json
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from assistant.answering.retrieval.retrieve import Retriever
from assistant.config import Settings
from assistant.errors import IndexMismatchError, IndexMissingError
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index, open_index
from assistant.store.sync import sync_index

from .conftest import (
    ON_SERVER,
    ROOT,
    assistant_command,
    cli_env,
    kill_mid_embedding,
    wait_until,
    where,
    write_article,
)


def counts(report: object) -> tuple[int, int, int, int]:
    return (report.added, report.updated, report.deleted, report.unchanged)


def top_article(settings: Settings, embedder: LocalEmbeddings, question: str) -> str:
    passages = Retriever(embedder).search(Index(settings, embedder).snapshot(), question, k=1)
    return passages[0].chunk.article_id


def test_sync_adds_updates_deletes_and_skips(settings: Settings, embedder: LocalEmbeddings) -> None:
    first = sync_index(settings, embedder)
    assert counts(first) == (4, 0, 0, 0)
    assert first.chunks > 4

    write_article(
        settings.corpus_dir,
        "extra/notes.md",
        "Notes",
        "2020-02-16",
        "The closing dinner was hosted by the Narcotics Control Bureau.",
    )
    day1 = settings.corpus_dir / "day-1.md"
    day1.write_text(day1.read_text().replace("cultural programme", "cultural evening"))
    (settings.corpus_dir / "preview.md").unlink()
    (settings.corpus_dir / "broken.md").write_bytes(b"\x00\x01binary")
    second = sync_index(settings, embedder)
    assert counts(second) == (1, 1, 1, 2)
    assert [s.reason for s in second.skipped] == ["binary file (contains NUL bytes), not text"]

    index = open_index(settings, embedder)
    ids = {r.id for r in index.articles()}
    assert ids == {"day-1", "day-2", "overview", "extra/notes"}
    assert index.size == second.chunks
    # Deleted articles are gone from both the dense and the keyword index.
    vector = embedder.embed_query("Amit Shah is scheduled to inaugurate the conference")
    assert all(not i.startswith("preview#") for i, _ in index.dense_search(vector, 50))
    assert all(not i.startswith("preview#") for i, _ in index.keyword_search("scheduled", 50))
    assert top_article(settings, embedder, "Who hosted the closing dinner?") == "extra/notes"

    third = sync_index(settings, embedder)
    assert counts(third) == (0, 0, 0, 4)


@pytest.mark.slow  # several syncs of a corpus: left to make test
def test_a_file_that_stops_reading_keeps_its_indexed_version(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    """A copy still being written, or a bad save over a good article, takes nothing away."""
    sync_index(settings, embedder)
    day1 = settings.corpus_dir / "day-1.md"
    good = day1.read_bytes()
    day1.write_bytes(b"\x00\x01half a copy")
    broken = sync_index(settings, embedder)
    assert counts(broken) == (0, 0, 0, 4)
    [skipped] = broken.skipped
    assert skipped.path == str(day1)
    assert skipped.reason.startswith("binary file (contains NUL bytes), not text; the version")
    assert "stays in the index until the file reads again" in skipped.reason
    assert "day-1" in {r.id for r in open_index(settings, embedder).articles()}
    # still answered from it, and read again at each sync until it reads
    assert top_article(settings, embedder, "cultural programme") == "day-1"
    assert counts(sync_index(settings, embedder)) == (0, 0, 0, 4)
    day1.write_bytes(good.replace(b"cultural programme", b"cultural evening"))
    fixed = sync_index(settings, embedder)
    assert counts(fixed) == (0, 1, 0, 3) and not fixed.skipped
    # a copy of a kept article's text beside it: the broken file is only skipped, once
    (settings.corpus_dir / "a-copy.md").write_bytes(day1.read_bytes())
    day1.write_bytes(b"\x00")
    twice = sync_index(settings, embedder)
    assert [s.reason for s in twice.skipped] == ["binary file (contains NUL bytes), not text"]
    assert counts(twice) == (1, 0, 1, 3)
    (settings.corpus_dir / "a-copy.md").unlink()
    day1.write_bytes(good)
    sync_index(settings, embedder)
    # a rebuild starts from the files alone: an unreadable file is then only skipped
    day1.write_bytes(b"\x00")
    rebuilt = sync_index(settings, embedder, rebuild=True)
    assert counts(rebuilt)[0] == 3
    assert "day-1" not in {r.id for r in open_index(settings, embedder).articles()}


def test_an_article_over_a_lowered_size_limit_leaves_the_index(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    """A size limit is a setting, not a bad copy: nothing is kept for it."""
    sync_index(settings, embedder)
    smaller = settings.model_copy(update={"max_file_bytes": 1_000})
    report = sync_index(smaller, embedder)
    assert report.deleted >= 1 and report.skipped
    assert all("over the limit" in s.reason and "stays" not in s.reason for s in report.skipped)
    ids = {r.id for r in open_index(smaller, embedder).articles()}
    assert not ids & {Path(s.path).stem for s in report.skipped}


def test_noop_sync_does_not_load_the_model(settings: Settings, embedder: LocalEmbeddings) -> None:
    sync_index(settings, embedder)
    fresh = LocalEmbeddings()
    report = sync_index(settings, fresh)
    assert counts(report) == (0, 0, 0, 4)
    assert not fresh.loaded


def test_unchanged_files_are_not_read_again(
    settings: Settings, embedder: LocalEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from assistant.ingest import corpus

    files = sorted(settings.corpus_dir.glob("*.md"))
    for n, path in enumerate(files):  # settled files: written well before they are indexed
        os.utime(path, ns=(1_600_000_000_000_000_000 + n, 1_600_000_000_000_000_000 + n))
    sync_index(settings, embedder)
    read: list[str] = []
    real = corpus.load_article
    monkeypatch.setattr(corpus, "load_article", lambda p, *a: read.append(p.name) or real(p, *a))
    assert counts(sync_index(settings, embedder)) == (0, 0, 0, 4) and read == []
    # Same size, new content: the new modification time gives it away.
    day = settings.corpus_dir / "day-1.md"
    text = day.read_text(encoding="utf-8")
    day.write_text(text.replace("Natarajan", "Natarajam"), encoding="utf-8")
    report = sync_index(settings, embedder)
    assert counts(report) == (0, 1, 0, 3) and read == ["day-1.md"]
    assert "Natarajam" in open_index(settings, embedder).text("day-1")


@pytest.mark.skipif(ON_SERVER, reason="edits a build folder's manifest")
def test_an_index_split_by_older_code_is_read_then_rebuilt_by_the_next_sync(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    from assistant.store import files

    sync_index(settings, embedder)
    build = files.current_build(settings.index_dir)
    with closing(sqlite3.connect(build / "manifest.sqlite")) as db, db:
        generation, data = db.execute("SELECT max(generation), data FROM meta").fetchone()
        meta = json.loads(data)
        meta["settings"]["splitter"] = "sentences-v0"
        db.execute("UPDATE meta SET data = ? WHERE generation = ?", (json.dumps(meta), generation))
    index = Index(settings, embedder)
    assert index.snapshot().size > 0  # answers go on from it until the sync
    report = sync_index(settings, embedder)
    assert report.rebuilt and report.added == 4 and "rebuilt" in report.summary()
    assert files.current_build(settings.index_dir) != build
    assert index.snapshot().size == report.chunks


def test_dry_run_writes_nothing(settings: Settings, embedder: LocalEmbeddings) -> None:
    fresh = LocalEmbeddings()
    report = sync_index(settings, fresh, dry_run=True)
    assert counts(report) == (4, 0, 0, 0)
    assert not settings.index_dir.exists() or not any(settings.index_dir.iterdir())
    assert not fresh.loaded


def test_settings_mismatch_says_to_rebuild(settings: Settings, embedder: LocalEmbeddings) -> None:
    sync_index(settings, embedder)
    other = settings.model_copy(update={"chunk_size": 400})
    with pytest.raises(IndexMismatchError, match=r"chunk_size=900.*assistant index --rebuild"):
        open_index(other, embedder)
    with pytest.raises(IndexMismatchError):
        sync_index(other, embedder)
    report = sync_index(other, embedder, rebuild=True)
    assert report.added == 4
    assert open_index(other, embedder).size == report.chunks


def test_missing_index(settings: Settings, embedder: LocalEmbeddings) -> None:
    with pytest.raises(IndexMissingError, match="run `assistant index`"):
        open_index(settings, embedder)


@pytest.mark.slow  # three full builds: left to make test
@pytest.mark.embedded_only  # tests/test_server.py checks the same on a server
def test_rebuild_switches_only_when_complete(settings: Settings, embedder: LocalEmbeddings) -> None:
    sync_index(settings, embedder)
    old_build = (settings.index_dir / "CURRENT").read_text()
    sync_index(settings, embedder, rebuild=True)
    new_build = (settings.index_dir / "CURRENT").read_text()
    assert new_build != old_build
    # The previous build is kept (a reader may still hold it); older ones are removed.
    sync_index(settings, embedder, rebuild=True)
    builds = {p.name for p in (settings.index_dir / "builds").iterdir()}
    assert old_build not in builds and new_build in builds and len(builds) == 2


def _grow_corpus(corpus: Path, n: int) -> None:
    text = (ROOT / "corpus" / "day-1.md").read_text().split("---", 2)[2]
    for i in range(n):
        write_article(corpus, f"bulk/a{i:03d}.md", f"Copy {i}", "2021-01-01", f"Copy {i}.\n{text}")


@pytest.mark.e2e
@pytest.mark.embedded_only  # tests/test_server.py checks the same on a server
def test_rebuild_killed_half_way_leaves_the_old_index_answering(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    sync_index(settings, embedder)
    before = (settings.index_dir / "CURRENT").read_text()
    _grow_corpus(settings.corpus_dir, 30)  # embedded in many batches: killed between two
    kill_mid_embedding(["index", "--rebuild", *where(settings)], cli_env())
    builds = settings.index_dir / "builds"
    assert len(list(builds.iterdir())) == 2  # the killed rebuild had started its own build
    assert (settings.index_dir / "CURRENT").read_text() == before
    index = open_index(settings, embedder)
    assert {r.id for r in index.articles()} == {"day-1", "day-2", "overview", "preview"}
    assert top_article(settings, embedder, "Who chaired the pharmaceutical session?") == "day-2"
    # The next writer cleans up the half-built folder and finishes the job.
    report = sync_index(settings, embedder)
    assert report.added == 30
    assert len(list(builds.iterdir())) == 1


@pytest.mark.e2e
def test_second_writer_is_told_who_holds_the_lock(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    _grow_corpus(settings.corpus_dir, 30)
    first = subprocess.Popen(
        [*assistant_command("index"), *where(settings)],
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    pid_file = settings.index_dir / ".writer.pid"
    wait_until(pid_file.exists, 60, "the first writer's pid file")
    second = subprocess.run(
        [*assistant_command("index"), *where(settings)],
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    assert second.returncode == 1
    assert f"index is being updated by process {first.pid}" in second.stderr
    waiting = subprocess.run(
        [*assistant_command("index", "--json", "--wait", "120"), *where(settings)],
        env=cli_env(),
        capture_output=True,
        text=True,
    )
    assert first.wait(timeout=120) == 0
    assert waiting.returncode == 0, waiting.stderr
    assert json.loads(waiting.stdout)["unchanged"] == 34


def test_an_index_made_before_dense_search_looked_wider_is_widened(tmp_path: Path) -> None:
    from assistant.store.layout import HNSW, chroma_client, collection

    client = chroma_client(tmp_path / "chroma")
    old = client.get_or_create_collection(
        "chunks", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
    )
    assert old.configuration_json["hnsw"]["ef_search"] < HNSW["ef_search"]  # Chroma's default
    collection(client, {"format": 4})
    again = chroma_client(tmp_path / "chroma").get_collection("chunks")
    assert again.configuration_json["hnsw"]["ef_search"] == HNSW["ef_search"]
    assert again.configuration_json["hnsw"]["space"] == "cosine"
