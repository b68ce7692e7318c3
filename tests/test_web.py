from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator

import pytest

from assistant.chat import build_app, launch
from assistant.config import Settings
from assistant.embeddings import LocalEmbeddings
from assistant.index import sync_index

from .conftest import write_article


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(settings: Settings, embedder: LocalEmbeddings) -> Iterator[str]:
    write_article(
        settings.corpus_dir,
        "hostile.md",
        "Hostile <b>page</b>",
        "2020-03-01",
        "The gala was opened by <script>alert('x')</script> Mayor Jane Roe.",
    )
    sync_index(settings, embedder)
    served = settings.model_copy(update={"port": free_port()})
    app = build_app(served, embedder)
    launch(app, served, block=False)
    try:
        yield f"http://127.0.0.1:{served.port}/"
    finally:
        app.close()


def test_page_serves_and_answers_with_a_cited_quote(server: str) -> None:
    from gradio_client import Client

    with urllib.request.urlopen(server, timeout=30) as response:
        assert response.status == 200
        assert "assistant: ask the proceedings" in response.read().decode()
    client = Client(server, verbose=False)
    html = client.predict("Who chaired the session on pharmaceutical drugs?", api_name="/ask")
    assert "K. Bangarurajan" in html.split('<div class="citation">')[0]
    citation = html.split('<div class="citation">')[1]
    assert "<b>K. Bangarurajan</b>" in citation and "<mark>" in citation
    assert "2020-02-1" in citation

    refusal = client.predict("What was the budget of the conference?", api_name="/ask")
    assert "The articles don&#x27;t say" in refusal and "Closest passages" in refusal

    hostile = client.predict("Who opened the gala?", api_name="/ask")
    assert "Mayor Jane Roe" in hostile
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    assert "<b>page</b>" not in hostile
