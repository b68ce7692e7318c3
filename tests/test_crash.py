"""Crash safety: `assistant index` killed with SIGKILL at random points, many times over; after
each kill the index still answers, and the next sync brings it exactly in step with the
corpus (Chroma, the keyword segments and the sentence vectors all agree with the manifest). A
damaged index folder gives a clear error naming `assistant index --rebuild`, which
recovers."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.answering.retrieval.retrieve import Retriever
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.ingest.corpus import load_corpus
from assistant.store import files as store
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.keywords import Postings
from assistant.store.layout import COLLECTION, chroma_client, retired
from assistant.store.reader import open_index
from assistant.store.segments import keywords_path
from assistant.store.sync import sync_index

from .conftest import ROOT, assistant_command, cli_env, where, write_article

TRIALS = 4  # each: a CLI index killed at a random point, then a sync; more add time, not cases
WORDS = "delegates port customs heroin ministers agreed training seizures forum border".split()


def _change_corpus(corpus: Path, rng: random.Random, trial: int) -> None:
    """Add a few articles, rewrite one, delete one: the kind of change a sync writes."""
    for n in range(rng.randint(2, 6)):
        body = " ".join(rng.choice(WORDS) for _ in range(120))
        write_article(
            corpus, f"t{trial:02d}/a{n}.md", f"Trial {trial} article {n}", "2021-05-01",
            f"Meeting {trial}-{n} was chaired by Officer {trial * 10 + n}. {body}.",
        )  # fmt: skip
    mine = sorted(corpus.glob("t*/a*.md"))
    if len(mine) > 3:
        rng.choice(mine).unlink()
        victim = rng.choice(sorted(corpus.glob("t*/a*.md")))
        victim.write_text(victim.read_text(encoding="utf-8") + "\nA late addition.\n", "utf-8")


def assert_in_step(settings: Settings, embedder: LocalEmbeddings) -> None:
    """The manifest matches the corpus, and every store matches the manifest, exactly."""
    build = store.current_build(settings.index_dir)
    assert build is not None
    manifest = store.read_manifest(build)
    articles, _ = load_corpus(settings.corpus_dir, settings.max_file_bytes)
    assert {a.id: a.content_hash for a in articles} == {
        i: r["content_hash"] for i, r in manifest["articles"].items()
    }
    chunk_ids = [c["id"] for chunks in manifest["chunks"].values() for c in chunks]
    assert len(chunk_ids) == len(set(chunk_ids))
    collection = chroma_client(build / "chroma").get_collection(COLLECTION)
    stored = collection.get(include=[])["ids"]
    # beside the build's own records, only those it retired (kept for the build before it)
    assert len(stored) == len(set(stored))
    assert set(stored) == set(chunk_ids) | set(retired(manifest, "chunks"))
    # each article's chunk rows in the keyword segments are its chunks, in order
    segments = {
        s: Postings.load(keywords_path(build, s)) for s, _, _ in manifest["keywords"].values()
    }
    keyword_ids = [i for s, a, b in manifest["keywords"].values() for i in segments[s].ids[a:b]]
    assert keyword_ids == chunk_ids
    index = open_index(settings, embedder)  # checks the sentence vectors against the manifest
    assert index.size == len(chunk_ids)


@pytest.mark.e2e
def test_index_killed_at_random_points_recovers_exactly(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    sync_index(settings, embedder)
    # how long an uninterrupted run takes, so that kills land anywhere inside one
    _change_corpus(settings.corpus_dir, random.Random(-1), 99)
    started = time.monotonic()
    subprocess.run(
        assistant_command("index", *where(settings)),
        env=cli_env(ASSISTANT_THREADS="1"),
        check=True,
        capture_output=True,
    )
    duration = time.monotonic() - started
    rng = random.Random(20261129)
    killed = 0
    for trial in range(TRIALS):
        _change_corpus(settings.corpus_dir, rng, trial)
        proc = subprocess.Popen(
            assistant_command("index", *where(settings)), env=cli_env(ASSISTANT_THREADS="1"),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.3, duration))
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait() == -signal.SIGKILL
        # queries work straight after the kill (the last committed state answers)
        passages = Retriever(embedder).search(
            open_index(settings, embedder), "Who chaired meeting?", k=3
        )
        assert passages
        sync_index(settings, embedder)
        assert_in_step(settings, embedder)
    assert killed >= TRIALS // 2  # most runs really were cut short


@pytest.mark.slow
@pytest.mark.parametrize("damage", ["truncate-manifest", "garbage-vectors", "garbage-chroma"])
def test_a_damaged_index_names_the_rebuild_that_recovers(
    settings: Settings, embedder: LocalEmbeddings, damage: str
) -> None:
    sync_index(settings, embedder)
    build = store.current_build(settings.index_dir)
    assert build is not None
    if damage == "truncate-manifest":
        path = build / "manifest.sqlite"
        path.write_bytes(path.read_bytes()[:100])
    elif damage == "garbage-vectors":
        for path in build.glob("sentences-*.npy"):
            path.write_bytes(os.urandom(64))
    else:
        for path in (build / "chroma").rglob("*.sqlite3"):
            path.write_bytes(b"garbage" * 100)
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "ask", "Who chaired the pharmaceutical session?",
         "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)],
        env=cli_env(ASSISTANT_THREADS="1"), capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "assistant index --rebuild" in done.stderr and "Traceback" not in done.stderr
    with pytest.raises(AssistantError, match="index --rebuild"):
        open_index(settings, embedder).dense_search([0.0] * 384, 1)
    write_article(settings.corpus_dir, "new.md", "New", "2021-01-01", "A new article text.")
    with pytest.raises(AssistantError, match="index --rebuild"):
        sync_index(settings, embedder)  # a sync that has to write to it says the same
    sync_index(settings, embedder, rebuild=True)
    assert_in_step(settings, embedder)
