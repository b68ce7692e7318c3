"""The HTTP API over real HTTP: the page and the API served together (uvicorn, in a thread) on
a free loopback port over a small indexed corpus, with a key; the JSON routes, the `openai`
client against /v1 (whole and streamed), the key, bad inputs, uploads; the start-up check;
the Markdown export. One server and one index for the module: the tests run in order."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.app.api import Served, check_exposure, start
from assistant.app.daemons import free_port
from assistant.app.service import Service
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.store.embeddings import LocalEmbeddings

from .conftest import (
    ROOT,
    ScriptedChat,
    index_copy,
    scripted_backend,
    write_article,
)

KEY = "test-key-0123"
QUEUE = 3  # API requests in progress at most
CHAIR = "Who chaired the session on pharmaceutical drugs?"
e2e = pytest.mark.e2e  # a real server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings) -> Iterator[Any]:
    """Two articles of the sample corpus, indexed and served with a key."""
    root = tmp_path_factory.mktemp("api")
    corpus = root / "sample"
    corpus.mkdir()
    for name in ("day-2.md", "overview.md"):
        shutil.copy(ROOT / "corpus" / name, corpus / name)
    settings = index_copy(root, embedder, corpus, port=free_port(), api_key=KEY,
                          max_upload_bytes=200_000, queue_size=QUEUE, watch=False)  # fmt: skip
    service = Service(settings, embedder)
    server = start(service)
    try:
        yield server, service
    finally:
        server.stop()


def call(
    served: tuple[Served, Service], method: str, path: str, body: Any = None, *,
    key: str | None = KEY, raw: bytes | None = None, content_type: str = "application/json",
) -> tuple[int, Any]:  # fmt: skip
    """(status, decoded JSON) of one request to the served API."""
    data = raw if raw is not None else None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(served[0].url + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if key is not None:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def article_text(service: Service, article_id: str) -> str:
    return service.text(article_id)


@e2e
def test_ask_gives_claims_whose_quotes_stand_in_the_article(served) -> None:
    status, answer = call(served, "POST", "/api/ask", {"question": CHAIR})
    assert status == 200 and not answer["refused"]
    # the same serializer as `assistant ask --json`
    assert set(answer) == set(served[1].ask(CHAIR).as_dict())
    claim = answer["claims"][0]
    assert "Bangarurajan" in claim["text"] and claim["support"] > 0.5
    text = article_text(served[1], claim["article"])
    assert text[claim["start"] : claim["end"]] == claim["quote"]
    assert "[1]" in answer["answer"] and answer["confidence"] > 0.5

    follow_up = {
        "question": "Which countries co-chaired it?",
        "history": [
            {"role": "user", "content": CHAIR},
            {"role": "assistant", "content": answer["answer"]},
        ],
    }
    status, second = call(served, "POST", "/api/ask", follow_up)
    assert status == 200 and "Bangladesh" in second["answer"] and "Nepal" in second["answer"]
    # an earlier answer as /api/ask returned it is a turn too
    as_turn = {**follow_up, "history": [answer]}
    assert call(served, "POST", "/api/ask", as_turn)[1]["answer"] == second["answer"]

    status, refusal = call(served, "POST", "/api/ask",
                           {"question": "What was the budget of the conference?"})  # fmt: skip
    assert status == 200 and refusal["refused"] and refusal["reason"]
    assert refusal["claims"] == [] and refusal["passages"]

    only = {"question": CHAIR, "filters": {"article_ids": ["overview"]}}
    status, filtered = call(served, "POST", "/api/ask", only)
    assert status == 200 and {c["article"] for c in filtered["claims"]} <= {"overview"}


@e2e
def test_the_openai_client_asks_whole_and_streamed(served) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=served[0].url + "/v1", api_key=KEY)
    assert [m.id for m in client.models.list()] == ["assistant"]

    messages: list[Any] = [{"role": "system", "content": "Be brief."},
                           {"role": "user", "content": CHAIR}]  # fmt: skip
    whole = client.chat.completions.create(model="assistant", messages=messages)
    content = whole.choices[0].message.content or ""
    assert "Bangarurajan" in content and "[1]" in content
    sources = content.split("\n\nSources:\n", 1)[1]
    structured = (whole.model_extra or {})["assistant"]
    claim = structured["claims"][0]
    assert claim["quote"] in sources and f"({claim['article']})" in sources
    assert whole.choices[0].finish_reason == "stop"

    stream = client.chat.completions.create(model="assistant", messages=messages, stream=True)
    parts = list(stream)
    assert parts[0].choices[0].delta.role == "assistant"
    assert "".join(p.choices[0].delta.content or "" for p in parts) == content
    assert parts[-1].choices[0].finish_reason == "stop"
    assert (parts[-1].model_extra or {})["assistant"]["claims"] == structured["claims"]

    follow_up = [*messages, {"role": "assistant", "content": content},
                 {"role": "user", "content": "Which countries co-chaired it?"}]  # fmt: skip
    reply = client.chat.completions.create(model="assistant", messages=follow_up)
    assert "Nepal" in (reply.choices[0].message.content or "")


@e2e
def test_a_model_s_sentences_stream_as_they_pass_the_check(served) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=served[0].url + "/v1", api_key=KEY)
    question = [{"role": "user", "content": CHAIR}]
    reply = "The session on pharmaceutical drugs was led by K. Bangarurajan [1]."
    with scripted_backend("ollama", ScriptedChat(reply)):  # made at its first use, below
        parts = list(client.chat.completions.create(model="assistant", messages=question,
                     stream=True, extra_body={"backend": "ollama"}))  # fmt: skip
        whole = client.chat.completions.create(model="assistant", messages=question,
                                               extra_body={"backend": "ollama"})  # fmt: skip
    pieces = [p.choices[0].delta.content for p in parts if p.choices[0].delta.content]
    assert pieces[0] == reply  # the checked sentence first, on its own
    assert pieces[1].startswith("\n\nSources:\n[1] ")  # then the sources
    assert "".join(pieces) == whole.choices[0].message.content
    answer = (parts[-1].model_extra or {})["assistant"]
    assert (answer["backend"], answer["grounded"], answer["fallback"]) == ("ollama", True, None)


@e2e
def test_a_full_queue_is_told_to_retry_and_then_answered(served) -> None:
    import threading

    from openai import OpenAI

    client = OpenAI(base_url=served[0].url + "/v1", api_key=KEY, max_retries=0)
    gate = threading.Event()
    question = [{"role": "user", "content": CHAIR}]
    replies: list[str] = []

    def ask() -> None:  # a model that writes one word, then waits for the gate
        stream = client.chat.completions.create(
            model="assistant", messages=question, stream=True, extra_body={"backend": "openai"}
        )
        replies.append("".join(p.choices[0].delta.content or "" for p in stream))

    writing = threading.Semaphore(0)

    class Counted(ScriptedChat):
        def stream(self, messages: Any) -> Iterator[Any]:
            writing.release()  # this request is in progress, now held by the gate
            yield from super().stream(messages)

    reply = "The session on pharmaceutical drugs was led by K. Bangarurajan [1]."
    with scripted_backend("openai", Counted(reply, gate)):  # made at its first use
        waiting = [threading.Thread(target=ask) for _ in range(QUEUE)]
        for thread in waiting:
            thread.start()
        for _ in waiting:
            assert writing.acquire(timeout=60), "a request never reached the model"
        assert call(served, "GET", "/v1/models")[0] == 503
        status, error = call(served, "POST", "/api/ask", {"question": CHAIR})
        assert status == 503 and "queue is full" in error["error"]["message"]
        gate.set()
        for thread in waiting:
            thread.join(60)
    assert len(replies) == QUEUE and all("Bangarurajan" in r for r in replies)
    assert call(served, "GET", "/v1/models")[0] == 200


@e2e
def test_calls_need_the_key(served) -> None:
    import openai

    for key in (None, "wrong", "café"):  # not ASCII: a 401 too, not a crash
        status, body = call(served, "POST", "/api/ask", {"question": CHAIR}, key=key)
        assert status == 401 and body["error"]["type"] == "authentication_error"
        assert "Bearer" in body["error"]["message"]
        assert call(served, "GET", "/v1/models", key=key)[0] == 401
        assert call(served, "GET", "/api/articles", key=key)[0] == 401
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=served[0].url + "/v1", api_key="wrong").models.list()
    assert call(served, "GET", "/api/articles")[0] == 200
    # the page and the docs are not behind the key (the page has its own --auth)
    with urllib.request.urlopen(served[0].url + "/", timeout=30) as page:
        assert "assistant: ask the proceedings" in page.read().decode()
    with urllib.request.urlopen(served[0].url + "/docs", timeout=30) as docs:
        html = docs.read().decode()
    assert "swagger-ui" in html and "cdn." not in html  # served from here
    with urllib.request.urlopen(served[0].url + "/openapi.json", timeout=30) as schema:
        paths = json.loads(schema.read())["paths"]
    assert {"/api/ask", "/v1/chat/completions", "/api/articles/{article_id}"} <= set(paths)


@e2e
def test_bad_input_gets_a_clear_4xx_and_the_server_goes_on(served) -> None:
    ask, chat = "/api/ask", "/v1/chat/completions"
    user = {"role": "user", "content": CHAIR}
    bad = [
        (ask, {"question": "   "}, 422, "question: the question is empty"),
        (ask, {"question": 42}, 422, "question: Input should be a valid string"),
        (ask, {"question": CHAIR, "backend": "gpt-9"}, 422, "backend: Input should be"),
        (ask, {"question": CHAIR, "history": "none"}, 422, "history"),
        (ask, {"question": CHAIR, "history": [{"question": "q", "citations": 5}]}, 422,
         "a turn of the history cannot be read"),
        (ask, {"question": CHAIR, "filters": {"since": "last week"}}, 400, "not a date"),
        (ask, {"question": CHAIR, "color": "red"}, 422, "color: Extra inputs"),
        (ask, {"question": "x" * 5000}, 422, "at most 1000 characters"),
        (chat, {"model": "assistant", "messages": []}, 422, "messages"),
        (chat, {"model": "gpt-4o", "messages": [user]}, 404, "unknown model"),
        (chat, {"model": "assistant", "messages": [{"role": "assistant", "content": "Hi"}]},
         400, "last message must be the user's"),
        (chat, {"model": "assistant", "messages": [user], "backend": "gpt"}, 422, "backend"),
    ]  # fmt: skip
    for path, body, status, message in bad:
        got, error = call(served, "POST", path, body)
        assert (got, message in error["error"]["message"]) == (status, True), (body, error)
    for length, chunked in ((2_000_000, False), (1_000_100, True)):
        assert too_large(served, length, chunked) == 413
    got, error = call(served, "POST", ask, raw=b'{"question": ')
    assert got == 422 and "JSON" in error["error"]["message"]
    got, error = call(served, "DELETE", "/api/articles/no-such-article")
    assert got == 404 and "no-such-article" in error["error"]["message"]
    got, error = call(served, "GET", "/api/people?role=juggler")
    assert got == 422 and "role" in error["error"]["message"]
    status, answer = call(served, "POST", ask, {"question": CHAIR})
    assert status == 200 and "Bangarurajan" in answer["answer"]


def too_large(served: tuple[Served, Service], length: int, chunked: bool) -> int:
    """The status of a JSON body of `length` bytes: announced (and not sent: the answer comes
    first), or sent in chunks without a length."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", served[1].settings.port, timeout=60)
    headers = {"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}
    if chunked:
        body = b'{"question": "' + b"x" * (length - 16) + b'"}'
        pieces = (body[i : i + 65536] for i in range(0, len(body), 65536))
        connection.request("POST", "/api/ask", pieces, headers, encode_chunked=True)
    else:
        connection.putrequest("POST", "/api/ask")
        for name, value in {**headers, "Content-Length": str(length)}.items():
            connection.putheader(name, value)
        connection.endheaders()
    response = connection.getresponse()
    error = json.loads(response.read())
    connection.close()
    assert "over 1,000,000 bytes" in error["error"]["message"]
    return response.status


def multipart(files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = "assistant-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, data in files.items()
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@e2e
def test_upload_answer_delete_and_sync(served, tmp_path: Path) -> None:
    write_article(tmp_path, "late.md", "Closing dinner", "2020-02-16",
                  "The closing dinner was hosted by Ambassador Rita Okafor.")  # fmt: skip
    body, kind = multipart({"late.md": (tmp_path / "late.md").read_bytes(), "empty.md": b""})
    status, added = call(served, "POST", "/api/articles", raw=body, content_type=kind)
    assert status == 200, added
    assert [a["id"] for a in added["added"]] == ["late"] and added["sync"]["added"] == 1
    assert added["refused"][0]["file"] == "empty.md" and "empty" in added["refused"][0]["reason"]
    status, listed = call(served, "GET", "/api/articles")
    assert "late" in {a["id"] for a in listed}
    answer = call(served, "POST", "/api/ask", {"question": "Who hosted the closing dinner?"})[1]
    assert "Rita Okafor" in answer["answer"]

    body, kind = multipart({"huge.md": b"x" * 300_000})
    status, error = call(served, "POST", "/api/articles", raw=body, content_type=kind)
    assert status == 413 and error["error"]["type"] == "request_too_large"
    body, kind = multipart({"notes.exe": b"MZ"})
    status, error = call(served, "POST", "/api/articles", raw=body, content_type=kind)
    assert status == 400 and "notes.exe" in error["error"]["message"]

    status, deleted = call(served, "DELETE", "/api/articles/late")
    assert status == 200 and deleted["sync"]["deleted"] == 1 and deleted["file"] == "late.md"
    status, report = call(served, "POST", "/api/index/sync")
    assert status == 200 and (report["added"], report["deleted"], report["unchanged"]) == (0, 0, 2)
    assert "late" not in {a["id"] for a in call(served, "GET", "/api/articles")[1]}


@e2e
def test_people_rows_as_the_cli_prints_them(served) -> None:
    status, rows = call(served, "GET", "/api/people?role=chair")
    assert status == 200 and rows and all(r["role"] == "chair" for r in rows)
    chair = next(r for r in rows if "Bangarurajan" in r["person"])
    assert chair == next(r.as_dict() for r in served[1].people("", "chair")
                         if "Bangarurajan" in r.person)  # fmt: skip
    text = article_text(served[1], chair["article"])
    assert text[chair["start"] : chair["end"]] == chair["quote"]


@e2e
def test_markdown_export_has_each_question_answer_and_quote(served, capsys) -> None:
    from assistant.app.cli import main
    from assistant.app.web.chat_tab import export_file
    from assistant.app.web.render import conversation_markdown

    service = served[1]
    first = service.ask(CHAIR)
    second = service.ask("Which countries co-chaired it?", [first.as_dict()])
    refusal = service.ask("What was the budget of the conference?")
    text = conversation_markdown([first, second, refusal])
    assert text.startswith("# Conversation with the assistant\n")
    assert "## 1. Who chaired the session on pharmaceutical drugs?" in text
    assert "## 2. Which countries co-chaired it?" in text and "_Read as: " in text
    assert "**K. Bangarurajan**" in text and "\\[1\\]" in text
    cited = first.citations[0]
    assert f"(article `{cited.article_id}`)" in text
    assert "> This session was chaired by K. Bangarurajan" in text
    assert "## 3. What was the budget of the conference?" in text and "Not in the articles" in text
    path = export_file([first, second, refusal])
    assert path is not None and path.read_text(encoding="utf-8") == text
    assert export_file([]) is None

    settings = service.settings
    code = main(["ask", CHAIR, "--markdown", "--corpus", str(settings.corpus_dir),
                 "--index", str(settings.index_dir)])  # fmt: skip
    assert code == 0 and capsys.readouterr().out == conversation_markdown([first]) + "\n"


def test_serving_beyond_loopback_needs_a_login() -> None:
    for host in ("127.0.0.1", "localhost", "::1"):
        check_exposure(Settings(host=host))
    open_to_all = Settings(host="0.0.0.0")
    with pytest.raises(AssistantError, match="--auth USER:PASS"):
        check_exposure(open_to_all)
    check_exposure(open_to_all, insecure=True)
    with pytest.raises(AssistantError, match="--insecure"):  # a key alone leaves the page open
        check_exposure(Settings(host="0.0.0.0", api_key="k"))
    check_exposure(Settings(host="0.0.0.0", api_key="k", auth="ann:secret"))
    check_exposure(Settings(host="192.168.1.5", auth="ann:secret"))
    with pytest.raises(AssistantError, match="--auth must be USER:PASSWORD"):
        check_exposure(Settings(host="0.0.0.0", auth="ann"))
