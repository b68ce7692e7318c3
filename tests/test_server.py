"""Server mode against a real Chroma server (`chroma run`, the pinned chromadb's own server),
started on a free loopback port for this module and stopped by its process id: sync, ask and
eval through it; a rebuild switching the pointer record; a sync killed half-way; and two
`assistant serve` processes sharing one server, where an article synced through one is
answered by the other without a restart."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering.pipeline import Answerer
from assistant.app.daemons import chroma_server, free_port
from assistant.config import Settings
from assistant.evaluation.questions import load_questions
from assistant.evaluation.runner import run_cases
from assistant.ingest.corpus import load_corpus
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.layout import retired, sentence_ids
from assistant.store.reader import Index
from assistant.store.remote import Remote
from assistant.store.sync import sync_index

from .conftest import ROOT, kill_mid_embedding, wait_until, write_article

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with chroma_server(tmp_path_factory.mktemp("chroma-server")) as url:
        yield url


def server_settings(tmp_path: Path, url: str, namespace: str) -> Settings:
    corpus = tmp_path / "corpus"
    if not corpus.exists():
        shutil.copytree(ROOT / "corpus", corpus)
    return Settings(
        corpus_dir=corpus, index_dir=tmp_path / "lock", chroma_url=url, chroma_namespace=namespace
    )


def assert_in_step(settings: Settings) -> None:
    remote = Remote(settings.chroma_url, settings.chroma_namespace)
    pointer = remote.current()
    assert pointer is not None
    manifest = remote.manifest(*pointer)
    articles, _ = load_corpus(settings.corpus_dir, settings.max_file_bytes)
    assert {a.id: a.content_hash for a in articles} == {
        i: r["content_hash"] for i, r in manifest["articles"].items()
    }
    chunk_ids = {c["id"] for chunks in manifest["chunks"].values() for c in chunks}
    stored = remote.collection("chunks", pointer[0]).get(include=[])["ids"]
    # beside the build's own records, only those it retired (kept for the build before it)
    assert len(stored) == len(set(stored))
    assert set(stored) == chunk_ids | set(retired(manifest, "chunks"))
    sentences = remote.collection("sentences", pointer[0]).get(include=[])["ids"]
    assert set(sentences) == set(sentence_ids(manifest)) | set(retired(manifest, "sentences"))


def test_sync_ask_and_eval_through_the_server(
    tmp_path: Path, chroma_url: str, embedder: LocalEmbeddings, answerer: Answerer
) -> None:
    settings = server_settings(tmp_path, chroma_url, "sample")
    report = sync_index(settings, embedder)
    assert report.added == 4 and not (tmp_path / "lock" / "builds").exists()  # no local files
    assert_in_step(settings)
    remote_answerer = Answerer(Index(settings, embedder))
    cases = load_questions(ROOT / "corpus" / "questions.yaml")
    remote_run = run_cases(cases, remote_answerer.ask)
    local_run = run_cases(cases, answerer.ask)
    # the same index in a server answers exactly as the embedded one
    assert [r.answer.text for r in remote_run.results] == [r.answer.text for r in local_run.results]
    assert remote_run.metrics()["evidence_accuracy"] == local_run.metrics()["evidence_accuracy"]

    (settings.corpus_dir / "preview.md").unlink()
    write_article(settings.corpus_dir, "late.md", "Late", "2020-03-02",
                  "The closing dinner was hosted by Ambassador Rita Okafor.")  # fmt: skip
    report = sync_index(settings, embedder)
    assert (report.added, report.deleted) == (1, 1)
    assert_in_step(settings)
    assert "Rita Okafor" in remote_answerer.ask("Who hosted the closing dinner?").text

    before = Remote(chroma_url, "sample").current()
    sync_index(settings, embedder, rebuild=True)
    after = Remote(chroma_url, "sample").current()
    assert before and after and after[0] != before[0]
    assert_in_step(settings)
    names = [c.name for c in Remote(chroma_url, "sample").client.list_collections()]
    assert any(before[0] in n for n in names)  # kept for the questions still reading it...
    write_article(settings.corpus_dir, "later.md", "Later", "2020-03-03", "A later note.")
    sync_index(settings, embedder)
    names = [c.name for c in Remote(chroma_url, "sample").client.list_collections()]
    assert not any(before[0] in n for n in names)  # ...until the next sync
    assert_in_step(settings)


def test_eval_command_against_the_server(tmp_path: Path, chroma_url: str) -> None:
    holdout = ROOT / "tests" / "data" / "holdout"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ASSISTANT_CHROMA_URL": chroma_url,
           "ASSISTANT_CHROMA_NAMESPACE": "malaria"}  # fmt: skip
    where = ["--corpus", str(holdout / "malaria"), "--index", str(tmp_path / "lock")]
    done = subprocess.run([sys.executable, "-m", "assistant", "index", *where], env=env,
                          capture_output=True, text=True, cwd=ROOT, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "eval", *where,
         "--questions", str(holdout / "malaria-questions.yaml"), "--report", str(tmp_path / "r"),
         "--fail-under", "evidence_accuracy=0.85", "--fail-under", "quote_faithfulness=1"],
        env=env, capture_output=True, text=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_sync_killed_half_way_leaves_the_last_commit_answering(
    tmp_path: Path, chroma_url: str, embedder: LocalEmbeddings
) -> None:
    settings = server_settings(tmp_path, chroma_url, "crash")
    sync_index(settings, embedder)
    # once: tests/test_crash.py kills the embedded store's syncs at many points
    for n in range(20):
        write_article(settings.corpus_dir, f"t/a{n}.md", f"T {n}", "2021-01-01",
                      f"Meeting {n} was chaired by Officer {n}. " * 30)  # fmt: skip
    before = Index(settings, embedder).snapshot().stamp
    kill_mid_embedding(
        ["index", "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)],
        {**os.environ, "HF_HUB_OFFLINE": "1", "ASSISTANT_CHROMA_URL": chroma_url,
         "ASSISTANT_CHROMA_NAMESPACE": "crash", "ASSISTANT_THREADS": "1"},
    )  # fmt: skip
    assert Index(settings, embedder).snapshot().stamp == before  # killed before its commit
    answer = Answerer(Index(settings, embedder)).ask("Who chaired the pharmaceutical session?")
    assert "Bangarurajan" in answer.text
    sync_index(settings, embedder)
    assert_in_step(settings)


def _serve(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port),
         "--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)],
        env={**os.environ, "HF_HUB_OFFLINE": "1", "ASSISTANT_CHROMA_URL": settings.chroma_url,
             "ASSISTANT_CHROMA_NAMESPACE": settings.chroma_namespace, "ASSISTANT_THREADS": "1",
             "GRADIO_ANALYTICS_ENABLED": "False"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip


def _client(port: int):
    """A gradio client of the app on this port, once it serves."""
    import urllib.request

    from gradio_client import Client

    wait_until(lambda: urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=5),
               what=f"the app on port {port}")  # fmt: skip
    return Client(f"http://127.0.0.1:{port}/", verbose=False)


def test_two_web_replicas_share_one_server(
    tmp_path: Path, chroma_url: str, embedder: LocalEmbeddings
) -> None:
    one = server_settings(tmp_path / "one", chroma_url, "replicas")
    two = server_settings(tmp_path / "two", chroma_url, "replicas")
    sync_index(one, embedder)
    ports = [free_port(), free_port()]
    servers = [_serve(one, ports[0]), _serve(two, ports[1])]
    try:
        clients = [_client(p) for p in ports]
        for client in clients:
            answer = client.predict("Who chaired the session on pharmaceutical drugs?",
                                    api_name="/ask")  # fmt: skip
            assert "Bangarurajan" in answer["answer"]
        write_article(one.corpus_dir, "late.md", "Late", "2020-03-02",
                      "The closing dinner was hosted by Ambassador Rita Okafor.")  # fmt: skip
        clients[0].predict(api_name="/update_index")  # a sync through the first replica
        answer = clients[1].predict("Who hosted the closing dinner?", api_name="/ask")
        assert "Rita Okafor" in answer["answer"]  # the second follows without a restart
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
