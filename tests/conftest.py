"""Shared fixtures: the real bundled embedding model, real Chroma in tmp_path, no network."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from assistant.config import Settings
from assistant.daemons import free_port
from assistant.embeddings import LocalEmbeddings, embedder_for

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


@pytest.fixture(scope="session")
def sample_settings(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings
) -> Settings:
    """The sample corpus indexed once for the whole run; tests must not change it."""
    from assistant.index import sync_index

    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    sync_index(settings, embedder)
    return settings


@pytest.fixture(scope="session")
def answerer(sample_settings: Settings, embedder: LocalEmbeddings):
    from assistant.answer import Answerer
    from assistant.index import Index

    return Answerer(Index(sample_settings, embedder))


@contextmanager
def serve_sample(
    root: Path, embedder: LocalEmbeddings, title: str, body: str, *, warm: bool = False,
    **overrides: object,
) -> Iterator[Settings]:  # fmt: skip
    """The sample corpus plus one hostile article, indexed and served on a free port."""
    from assistant.chat import build_app, launch
    from assistant.index import sync_index

    shutil.copytree(ROOT / "corpus", root / "corpus")
    write_article(root / "corpus", "hostile.md", title, "2020-03-01", body)
    settings = Settings(
        corpus_dir=root / "corpus", index_dir=root / "index", port=free_port(), **overrides
    )
    sync_index(settings, embedder)
    app = build_app(settings, embedder, warm=warm)
    launch(app, settings, block=False)
    try:
        yield settings
    finally:
        app.close()
