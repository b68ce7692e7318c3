"""The corpus folder that syncs itself: the watcher in-process with a recording sync (debounced,
hidden files ignored, a busy index tried again, errors logged and the watching goes on), then
`assistant index --watch` and `assistant serve` as real processes: a file copied in is
answered, a removed one is no longer cited."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.app.daemons import free_port
from assistant.app.watch import CorpusWatcher
from assistant.errors import AssistantError, IndexBusyError
from assistant.store.embeddings import LocalEmbeddings
from assistant.types import IndexReport

from .conftest import (
    index_copy,
    run_cli,
    running_command,
    url_of,
    wait_until,
    where,
    write_article,
)

DELAY = 0.4


class Recorder:
    """A sync that records when it ran and answers as told (a report, or an error)."""

    def __init__(self) -> None:
        self.calls: list[float] = []
        self.answers: list[Callable[[], IndexReport]] = []
        self.ran = threading.Semaphore(0)
        self.log: list[str] = []

    def __call__(self) -> IndexReport:
        self.calls.append(time.monotonic())
        answer = self.answers.pop(0) if self.answers else IndexReport
        try:
            return answer()
        finally:
            self.ran.release()

    def wait(self, count: int = 1) -> None:
        for _ in range(count):
            assert self.ran.acquire(timeout=30), f"the watcher ran no sync: {self.log}"


@pytest.fixture
def watched(
    tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Path, Recorder, CorpusWatcher]]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sync = Recorder()
    polling = getattr(request, "param", False)  # file-system events, or scanning the folder
    watcher = CorpusWatcher(corpus, sync, sync.log.append, delay=DELAY, polling=polling,
                            ignore=(corpus / "index",))  # fmt: skip
    with watcher:
        sync.wait()  # the first sync, at start: what changed while nobody watched
        yield corpus, sync, watcher


@pytest.mark.slow
@pytest.mark.parametrize("watched", [False, True], ids=["events", "scanning"], indirect=True)
def test_a_burst_of_changes_is_one_sync_after_the_quiet(watched) -> None:
    corpus, sync, watcher = watched
    for n in range(5):  # a copy in several writes, each noticed, and a second file
        noticed = watcher.noticed
        write_article(corpus, "forum.md", "Forum", "2023-05-12", "Text. " * (n + 1))
        wait_until(lambda: watcher.noticed > noticed, 30, "the watcher to notice the write")  # noqa: B023
    write_article(corpus, "sub/other.md", "Other", "2023-05-12", "More text.")
    last_write = time.monotonic()
    sync.wait()
    assert sync.calls[-1] - last_write >= 0.9 * DELAY  # after the quiet, not at a write
    (corpus / "later.md").write_text("A later article.")
    sync.wait()
    assert watcher.syncs == 3  # at start, once for the whole burst, once for the later file
    assert sync.log[-1].startswith("watch: synced: 0 added")


@pytest.mark.slow
def test_hidden_files_and_the_index_folder_are_not_changes(watched) -> None:
    corpus, sync, _ = watched
    (corpus / ".upload-x1").mkdir()
    (corpus / ".upload-x1" / "draft.md").write_text("half an upload")
    (corpus / "index").mkdir()
    (corpus / "index" / "manifest.json").write_text("{}")
    assert not sync.ran.acquire(timeout=2.5 * DELAY)  # the quiet passed: nothing to sync
    (corpus / "real.md").write_text("A real article.")
    sync.wait()


@pytest.mark.slow
def test_a_busy_index_is_tried_again_and_a_failed_sync_does_not_stop_the_watching(
    watched,
) -> None:
    corpus, sync, watcher = watched

    def busy() -> IndexReport:
        raise IndexBusyError("4242")

    def broken() -> IndexReport:
        raise AssistantError("the index in index is damaged")

    sync.answers = [busy, IndexReport]
    (corpus / "a.md").write_text("Article A.")
    sync.wait(2)  # busy, then again after the delay without any new change
    assert any("process 4242" in line and "trying again" in line for line in sync.log)
    assert watcher.syncs == 2

    sync.answers = [broken]
    (corpus / "b.md").write_text("Article B.")
    sync.wait()
    assert sync.log[-1] == "watch: sync failed: the index in index is damaged"
    (corpus / "c.md").write_text("Article C.")
    sync.wait()  # still watching
    assert watcher.syncs == 3


# ---------------------------------------------------------------------------------------------
# Real processes


@pytest.mark.e2e
def test_index_watch_adds_a_copied_pdf_and_waits_for_another_writer(
    tmp_path: Path, embedder: LocalEmbeddings, documents: dict[str, Path]
) -> None:
    from assistant.store import files

    settings = index_copy(tmp_path, embedder)
    env = {"ASSISTANT_WATCH_DELAY": "0.5"}
    with running_command("index", "--watch", *where(settings), env=env) as log:
        log.wait_for(r"^watch: synced: 0 added, 0 updated, 0 deleted, 4 unchanged")
        with files.writer_lock(settings.index_dir):  # another writer holds the index
            shutil.copy(documents["article"], settings.corpus_dir / "gdansk.pdf")
            log.wait_for(r"index is being updated by process \d+; .*trying again in 0.5 s")
        log.wait_for(r"^watch: synced: 1 added, 0 updated, 0 deleted, 4 unchanged", 60)
        asked = run_cli("ask", "Who chaired the opening session of the Baltic Port Security Forum?",
                        "--json", *where(settings))  # fmt: skip
        assert asked.returncode == 0, asked.stderr
        assert '"article_id": "gdansk"' in asked.stdout and '"page": 1' in asked.stdout
        log.process.terminate()
        assert log.process.wait(timeout=60) == 0


@pytest.mark.e2e
def test_a_file_copied_into_the_corpus_of_a_running_server_is_answered(
    tmp_path: Path, embedder: LocalEmbeddings, documents: dict[str, Path]
) -> None:
    from gradio_client import Client

    settings = index_copy(tmp_path, embedder, port=free_port())
    env = {"ASSISTANT_WATCH_DELAY": "1", "ASSISTANT_PORT": str(settings.port)}
    question = "Who co-chaired the working group on container inspections?"
    with running_command("serve", *where(settings), env=env) as log:
        log.wait_for(r"^watch: synced: 0 added", 180)  # in step with the corpus
        log.wait_for(r"Running on local URL", 180)
        client = Client(url_of(settings), verbose=False)
        before = client.predict(question, api_name="/ask")
        assert all(c["article_id"] != "day-two" for c in before["citations"])

        copied = time.monotonic()
        shutil.copy(documents["long"], settings.corpus_dir / "day-two.pdf")
        log.wait_for(r"^watch: synced: 1 added", 120)
        synced = time.monotonic() - copied
        answer = client.predict(question, api_name="/ask")
        [cited] = answer["citations"]
        assert cited["article_id"] == "day-two" and "Tomasz Wielgosz" in cited["quote"]
        assert cited["page"] == 1
        print(f"\ncopied to answered: {synced:.1f} s (1 s of quiet, then the sync)")

        (settings.corpus_dir / "day-two.pdf").unlink()
        log.wait_for(r"^watch: synced: 0 added, 0 updated, 1 deleted", 60)
        after = client.predict(question, api_name="/ask")
        assert all(c["article_id"] != "day-two" for c in after["citations"])
