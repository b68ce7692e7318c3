"""Shared fixtures and helpers: the real bundled embedding model, real Chroma in tmp_path,
indexed copies of a corpus, the `assistant` command in a subprocess, a served app. No test
reaches the network."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.app.daemons import free_port
from assistant.config import Settings
from assistant.store.embeddings import LocalEmbeddings, embedder_for

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
# `make test-server` runs the index, answer, CLI and eval tests again with the index on a real
# Chroma server (scripts/with-chroma-server), one namespace per index folder.
ON_SERVER = bool(os.environ.get("ASSISTANT_CHROMA_URL"))
if ON_SERVER:
    os.environ["ASSISTANT_CHROMA_NAMESPACE"] = "auto"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ON_SERVER:
        skip = pytest.mark.skip(reason="reads the embedded index's files")
        for item in items:
            if item.get_closest_marker("embedded_only"):
                item.add_marker(skip)


@pytest.fixture(scope="session")
def embedder() -> LocalEmbeddings:
    """One loaded model for the whole run (it is the real one, loading takes seconds)."""
    model = embedder_for("onnx", threads=2)  # the default runtime
    model.model()
    return model


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A copy of the project's sample corpus that a test may change."""
    target = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    return Settings(corpus_dir=corpus_dir, index_dir=tmp_path / "index")


def write_article(folder: Path, name: str, title: str, date: str, body: str) -> Path:
    """A Markdown article with front matter."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\ndate: {date}\n---\n\n{body}\n", encoding="utf-8")
    return path


def index_copy(
    root: Path, embedder: LocalEmbeddings, corpus: Path = ROOT / "corpus", **overrides: object
) -> Settings:
    """A copy of a corpus folder under root, indexed there; its settings."""
    from assistant.store.sync import sync_index

    shutil.copytree(corpus, root / "corpus")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index", **overrides)
    sync_index(settings, embedder)
    return settings


@pytest.fixture
def indexed(tmp_path: Path, embedder: LocalEmbeddings) -> Callable[..., Settings]:
    """indexed(corpus=the sample corpus, **settings) -> settings of an indexed copy of it."""
    made = []

    def make(corpus: Path = ROOT / "corpus", **overrides: object) -> Settings:
        made.append(None)
        return index_copy(tmp_path / f"indexed-{len(made)}", embedder, corpus, **overrides)

    return make


@pytest.fixture(scope="session")
def sample_settings(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings
) -> Settings:
    """The sample corpus indexed once for the whole run; tests must not change it."""
    return index_copy(tmp_path_factory.mktemp("sample"), embedder)


@pytest.fixture(scope="session")
def answerer(sample_settings: Settings, embedder: LocalEmbeddings):
    from assistant.answering.pipeline import Answerer
    from assistant.store.reader import Index

    return Answerer(Index(sample_settings, embedder))


def assistant_command(*args: str) -> list[str]:
    """The `assistant` command line, run by this interpreter."""
    return [sys.executable, "-m", "assistant", *args]


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a subprocess: this one, offline, importing this checkout."""
    return {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **extra}


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run `assistant ARGS...` to the end; its output as text."""
    return subprocess.run(
        assistant_command(*args), capture_output=True, text=True, cwd=ROOT,
        env=cli_env(**(env or {})), timeout=timeout,
    )  # fmt: skip


def kill_mid_embedding(args: list[str], env: dict[str, str], timeout: float = 300) -> list[str]:
    """Run `assistant ARGS...` and SIGKILL it once its log says the embedding has begun but not
    finished ("embedding 512/1400 texts"); the log lines read. Fails when the command ended
    before that point (the kill would have tested nothing)."""
    import re
    import signal
    import time

    proc = subprocess.Popen(
        assistant_command(*args), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line.rstrip())
        step = re.match(r"embedding (\d+)/(\d+) texts", line)
        if step and 0 < int(step.group(1)) < int(step.group(2)):
            proc.send_signal(signal.SIGKILL)
            break
        if time.monotonic() > deadline:
            break
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, f"the sync ended before the kill: {seen}"
    return seen


def where(settings: Settings) -> list[str]:
    """--corpus and --index of these settings, for the command line."""
    return ["--corpus", str(settings.corpus_dir), "--index", str(settings.index_dir)]


def url_of(settings: Settings) -> str:
    """The page of an app served with these settings."""
    return f"http://127.0.0.1:{settings.port}/"


@contextmanager
def serve_sample(
    root: Path, embedder: LocalEmbeddings, title: str, body: str, *, warm: bool = False,
    **overrides: object,
) -> Iterator[Settings]:  # fmt: skip
    """The sample corpus plus one hostile article, indexed and served on a free port as
    `assistant serve` serves it (the page mounted beside the HTTP API)."""
    from assistant.app.api import start
    from assistant.app.service import Service

    corpus = root / "sample"
    shutil.copytree(ROOT / "corpus", corpus)
    write_article(corpus, "hostile.md", title, "2020-03-01", body)
    settings = index_copy(root, embedder, corpus, port=free_port(), **overrides)
    server = start(Service(settings, embedder), warm=warm)
    try:
        yield settings
    finally:
        server.stop()


@pytest.fixture(scope="session")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PDFs printed by Chromium (an article, a long article over pages, two columns, a scan),
    one encrypted by qpdf, one cut in half, and a Word file by python-docx (tests/documents.py),
    made once per run; tests copy what they use."""
    from .documents import make_documents

    return make_documents(tmp_path_factory.mktemp("documents"))


class ProcessLog:
    """A process's output (stdout and stderr), read line by line in a thread, so a test can
    wait for a line."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        import queue
        import threading

        self.process = process
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stream = process.stdout
        threading.Thread(target=lambda: [self._queue.put(line) for line in stream],
                         daemon=True).start()  # fmt: skip

    def wait_for(self, pattern: str, timeout: float = 120) -> str:
        """The first line from now on that matches pattern (a regular expression); fails with
        the lines seen when the process ends or the time is up first."""
        import queue
        import re
        import time

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2).rstrip()
            except queue.Empty:
                if self.process.poll() is not None and self._queue.empty():
                    break
                continue
            self.lines.append(line)
            if re.search(pattern, line):
                return line
        raise AssertionError(f"no line matching {pattern!r}; the log said: {self.lines[-30:]}")


@contextmanager
def running_command(*args: str, env: dict[str, str] | None = None) -> Iterator[ProcessLog]:
    """`assistant ARGS...` running until the with-block ends (SIGTERM, by its process id); its
    output unbuffered, so that each line is there when printed."""
    import signal

    process = subprocess.Popen(
        assistant_command(*args), cwd=ROOT, env=cli_env(PYTHONUNBUFFERED="1", **(env or {})),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        yield ProcessLog(process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until(condition: Callable[[], object], timeout: float = 120, what: str = "") -> object:
    """Poll condition() until it returns something true (returned), or fail after timeout:
    for a state held by another process or a socket, which sends no event to wait on."""
    import time

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except OSError:  # a server not listening yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what or condition}")
        time.sleep(0.05)  # the only poll in the tests: other processes give no event


class ScriptedChat:
    """A chat model that writes `reply` a word at a time (what GenerativeAnswerer calls of a
    LangChain chat model: `stream`, and `invoke` for follow-up rewrites). With a gate, it writes
    the first word, then waits for the gate (a model still writing); `closed` is set when its
    stream ends or is abandoned."""

    def __init__(self, reply: str, gate: Any = None) -> None:
        import threading

        self.reply, self.gate = reply, gate
        self.closed = threading.Event()

    def invoke(self, messages: Any) -> Any:
        from langchain_core.messages import AIMessage

        return AIMessage(content="")  # no rewrite: the rule rewrite is used

    def stream(self, messages: Any) -> Iterator[Any]:
        from langchain_core.messages import AIMessageChunk

        words = self.reply.split(" ")
        try:
            for i, word in enumerate(words):
                if i == 1 and self.gate is not None:
                    assert self.gate.wait(120), "the test never opened the gate"
                yield AIMessageChunk(content=word + (" " if i + 1 < len(words) else ""))
        finally:
            self.closed.set()


@contextmanager
def scripted_backend(name: str, chat: ScriptedChat) -> Iterator[ScriptedChat]:
    """The backend `name` answers with this scripted model (registered the way real backends
    are), for services that first use it inside the with-block."""
    from assistant.answering import GenerativeAnswerer, register

    before = register(name, lambda extractive, settings, n: GenerativeAnswerer(
        extractive, settings, n, chat=chat))  # fmt: skip
    try:
        yield chat
    finally:
        register(name, before)


def message_text(content: object) -> str:
    """A chat message's text (gradio_client gives a list of parts)."""
    if isinstance(content, list):
        return " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content)
