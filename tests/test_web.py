"""The web app over real HTTP: gradio_client against the app on a free loopback port."""

from __future__ import annotations

import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.app.daemons import free_port
from assistant.app.service import Service
from assistant.app.web import build_app, launch
from assistant.config import Settings
from assistant.store.embeddings import LocalEmbeddings

from .conftest import (
    ROOT,
    ScriptedChat,
    message_text,
    scripted_backend,
    serve_sample,
    url_of,
    write_article,
)

pytestmark = pytest.mark.e2e  # real servers (and a browser)


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings
) -> Iterator[Settings]:
    """The sample corpus plus a hostile article, indexed and served (the tests in this module
    change its corpus in order: they share one server, as users do)."""
    with serve_sample(
        tmp_path_factory.mktemp("web"),
        embedder,
        "Hostile <b>page</b>",
        "The gala was opened by <script>alert('x')</script> Mayor Jane Roe.",
        max_upload_bytes=300_000,
    ) as settings:
        yield settings


@pytest.fixture(scope="module")
def client(served: Settings):
    from gradio_client import Client

    return Client(url_of(served), verbose=False)


def test_the_page_serves_all_four_tabs(served: Settings) -> None:
    with urllib.request.urlopen(url_of(served), timeout=30) as response:
        assert response.status == 200
        page = response.read().decode()
    assert "assistant: ask the proceedings" in page
    with urllib.request.urlopen(url_of(served) + "config", timeout=30) as response:
        config = response.read().decode()
    for tab in ("Chat", "Articles", "People", "Evaluate", "Update index", "Run evaluation"):
        assert f'"{tab}"' in config


def test_ask_returns_an_answer_with_an_exact_quoted_citation(client, served: Settings) -> None:
    answer = client.predict("Who chaired the session on pharmaceutical drugs?", api_name="/ask")
    assert not answer["refused"] and "Bangarurajan" in answer["short_answer"]
    citation = answer["citations"][0]
    text = (served.corpus_dir / f"{citation['article_id']}.md").read_text(encoding="utf-8")
    assert citation["quote"] in text and citation["date"].startswith("2020-02-1")

    follow_up = client.predict(
        "Which countries co-chaired it?",
        history=[
            {"role": "user", "content": "Who chaired the session on pharmaceutical drugs?"},
            {"role": "assistant", "content": answer["answer"]},
        ],
        api_name="/ask",
    )
    assert "pharmaceutical" in follow_up["rewritten_question"]
    assert "Bangladesh" in follow_up["answer"] and "Nepal" in follow_up["answer"]

    refusal = client.predict("What was the budget of the conference?", api_name="/ask")
    assert refusal["refused"] and not refusal["citations"] and refusal["passages"]


def test_the_people_api_gives_rows_with_verbatim_quotes(client, served: Settings) -> None:
    rows = client.predict("", "chair", api_name="/people")
    assert rows and all(r["role"] == "chair" for r in rows)
    chair = next(r for r in rows if "Bangarurajan" in r["person"])
    assert "pharmaceutical" in chair["session"].lower()
    text = (served.corpus_dir / f"{chair['article']}.md").read_text(encoding="utf-8")
    assert chair["quote"] in text
    with pytest.raises(Exception, match="unknown role"):
        client.predict("", "juggler", api_name="/people")


def test_ask_applies_the_filters_and_rejects_a_bad_date(client) -> None:
    question = "Who chaired the session on pharmaceutical drugs?"
    only_preview = client.predict(question, article_ids=["preview"], api_name="/ask")
    assert all(c["article_id"] == "preview" for c in only_preview["citations"])
    with pytest.raises(Exception, match="not a date"):
        client.predict(question, since="last week", api_name="/ask")


def test_an_extractive_answer_arrives_at_once_with_its_sources(client) -> None:
    job = client.submit(
        "Who chaired the session on pharmaceutical drugs?", [], [], "", "", api_name="/chat"
    )
    outputs = list(job)
    # the question shows at once, then the whole answer: a quote is not written word by word
    assert [[m["role"] for m in o[0]] for o in outputs] == [["user"], ["user", "assistant"]]
    shown, sources, box = job.result()
    assert box == ""
    assert "Bangarurajan" in str(shown[-1]["content"]) and "(#source-1)" in str(shown[-1])
    assert (
        'id="source-1"' in sources and "<mark>" in sources and "<b>K. Bangarurajan</b>" in sources
    )
    assert "Confidence" in sources

    # the conversation itself is kept server-side for this client's session
    job = client.submit("Which countries co-chaired it?", shown, [], "", "", api_name="/chat")
    shown, sources, _ = job.result()
    assert any("Follow-up read as" in str(m.get("metadata") or "") for m in shown)
    assert "<b>Bangladesh</b>" in sources and "<b>Nepal</b>" in sources  # each a claim
    assert "Question as understood" in sources


def test_a_generated_answer_streams_as_the_model_writes(served: Settings) -> None:
    from gradio_client import Client

    reply = "The session on pharmaceutical drugs was led by K. Bangarurajan [1]."
    with scripted_backend("openai", ScriptedChat(reply)):
        client = Client(url_of(served), verbose=False)  # the backend is made at first use
        answer = client.predict(
            "Who chaired the session on pharmaceutical drugs?", backend="openai", api_name="/ask"
        )
        assert (answer["backend"], answer["grounded"], answer["fallback"]) == ("openai", True, None)
        assert answer["claims"][0]["text"] == reply.replace(" [1]", "")
        job = client.submit(
            "Who chaired the session on pharmaceutical drugs?", [], [], "", "", "openai",
            api_name="/chat",
        )  # fmt: skip
        shown = [message_text(o[0][-1]["content"]) for o in job if o[0][-1]["role"] == "assistant"]
    # tokens counted as they come, the checked sentence as soon as it passed, then the answer
    assert any("writing…" in s for s in shown[:-1]), shown
    assert "Bangarurajan [\\[1\\]](#source-1)." in shown[-1] and "writing" not in shown[-1]
    with pytest.raises(Exception, match="unknown backend"):
        client.predict("Who opened it?", backend="gpt-9", api_name="/ask")


def test_article_text_is_escaped_everywhere(client) -> None:
    job = client.submit("Who opened the gala?", [], [], "", "", api_name="/chat")
    shown, sources, _ = job.result()
    assert "Mayor <b>Jane Roe</b>" in sources
    assert "<script>" not in sources and "&lt;script&gt;" in sources
    assert "<b>page</b>" not in sources and "Hostile &lt;b&gt;page&lt;/b&gt;" in sources
    assert "<script>" not in str(shown[-1]["content"])


def test_upload_update_and_ask_about_the_new_article(client, served: Settings, tmp_path) -> None:
    from gradio_client import handle_file

    upload = write_article(
        tmp_path,
        "harbour-summit.md",
        "Harbour summit opens",
        "2021-06-02",
        "The harbour security summit in Colombo was chaired by Admiral Nimal Perera.\n\n"
        "Delegates from twelve ports discussed container scanning.",
    )
    bad = tmp_path / "broken.md"
    bad.write_bytes(b"\x00\x01binary\x00")
    # one step: the files are checked, added and indexed
    message, rows, *_ = client.predict(
        [handle_file(upload), handle_file(bad)], api_name="/add_files"
    )
    assert "added harbour-summit.md as article `harbour-summit`" in message
    assert "refused broken.md: binary file (contains NUL bytes)" in message
    assert "1 added, 0 updated, 0 deleted" in message
    assert not (served.corpus_dir / "broken.md").exists()
    assert "harbour-summit" in [row[0] for row in rows["data"]]

    answer = client.predict("Who chaired the harbour security summit?", api_name="/ask")
    assert "Nimal Perera" in answer["answer"]
    assert answer["citations"][0]["article_id"] == "harbour-summit"


def test_pdf_and_word_uploads_are_indexed_in_one_step_and_cited_with_the_page(
    client, served: Settings, documents: dict[str, Path]
) -> None:
    from gradio_client import handle_file

    files = [documents[name] for name in ("long", "minutes", "scanned")]
    message, rows, *_ = client.predict([handle_file(f) for f in files], api_name="/add_files")
    assert "added long.pdf as article `long`" in message
    assert "added minutes.docx as article `minutes`" in message
    assert "added scanned.pdf as article `scanned`" in message  # read by OCR
    assert "3 added" in message and {"long", "minutes", "scanned"} <= {r[0] for r in rows["data"]}

    answer = client.predict("Who chaired the radar data sharing session?", api_name="/ask")
    assert "Juris Ozols" in answer["answer"]
    assert answer["citations"][0]["article_id"] == "minutes"
    assert answer["citations"][0]["page"] is None
    answer = client.predict(
        "Who co-chaired the working group on container inspections?", api_name="/ask"
    )
    [cited] = answer["citations"]
    assert cited["article_id"] == "long" and "Tomasz Wielgosz" in cited["quote"]
    assert cited["page"] == 1  # the sentence starts at the foot of page 1


def test_an_upload_over_the_size_limit_is_refused(client, served: Settings, tmp_path) -> None:
    from gradio_client import handle_file

    big = write_article(tmp_path, "big.md", "Big", "2021-01-01", "word " * 80_000)
    with pytest.raises(Exception, match=r"(?i)too large|exceeds|size"):
        client.predict([handle_file(big)], api_name="/add_files")
    assert not (served.corpus_dir / "big.md").exists()


def test_pasted_text_and_delete(client, served: Settings) -> None:
    message, *_ = client.predict(
        "Port workshop", "2021-07-01", "The port workshop was led by Captain Asha Rao.",
        api_name="/add_text",
    )  # fmt: skip
    assert "added pasted article `port-workshop`" in message and "1 added" in message
    refused, *_ = client.predict("", "", "Text without a title.", api_name="/add_text")
    assert "Refused" in refused and "title" in refused
    report, *_ = client.predict(api_name="/update_index")
    assert "0 added" in report  # nothing left to do
    answer = client.predict("Who led the port workshop?", api_name="/ask")
    assert "Asha Rao" in answer["answer"]

    report, rows, *_ = client.predict("port-workshop", api_name="/delete_article")
    assert "deleted `port-workshop`" in report and "1 deleted" in report
    assert "port-workshop" not in [row[0] for row in rows["data"]]
    assert not (served.corpus_dir / "port-workshop.md").exists()
    after = client.predict("Who led the port workshop?", api_name="/ask")
    assert "Asha Rao" not in after["answer"]
    with pytest.raises(Exception, match="not in the list of choices"):
        client.predict("no-such-article", api_name="/delete_article")


def test_answers_go_on_while_the_index_is_updated(client, served: Settings) -> None:
    paragraphs = [
        f"Workshop {n} on port logistics heard from delegate number {n} about cargo records."
        for n in range(600)
    ]
    write_article(served.corpus_dir, "long-report.md", "Long report", "2021-08-01",
                  "\n\n".join(paragraphs))  # fmt: skip
    update = client.submit(api_name="/update_index")
    answered_during_update = 0
    while not update.done():
        answer = client.predict("Who inaugurated the conference?", api_name="/ask")
        assert "Amit Shah" in answer["answer"]
        answered_during_update += 0 if update.done() else 1
    report, *_ = update.result()
    assert "1 added" in report
    assert answered_during_update >= 1


def test_evaluation_runs_an_uploaded_question_set(client, tmp_path: Path) -> None:
    from gradio_client import handle_file

    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "cases:\n"
        "  - id: chair\n"
        "    question: Who chaired the session on pharmaceutical drugs?\n"
        "    answers: [Bangarurajan]\n"
        "  - id: budget\n"
        "    question: What was the budget of the conference?\n"
        "    answerable: false\n",
        encoding="utf-8",
    )
    summary, metrics, plots, failing, archive = client.predict(
        handle_file(questions), api_name="/evaluate"
    )
    assert "2 turns from questions.yaml" in summary and "accuracy 100.0%" in summary
    assert "evidence right 100.0%" in summary and "short answer right 100.0%" in summary
    assert ["accuracy", "100.0%"] in metrics["data"] and not failing["data"]
    assert ["short answer accuracy", "100.0%"] in metrics["data"]
    assert len(plots) == 5  # with the trade-off: the set has turns to answer and to refuse
    with zipfile.ZipFile(archive) as z:
        assert {"report.html", "report.md", "results.json"} <= set(z.namelist())

    broken = tmp_path / "broken.yaml"
    broken.write_text("cases: [oops", encoding="utf-8")
    summary, *_ = client.predict(handle_file(broken), api_name="/evaluate")
    assert "Evaluation failed" in summary and "broken.yaml" in summary

    # gold people rows score the people table instead: one row it has, one it cannot have
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "rows:\n"
        "  - {article: day-2, person: K. Bangarurajan, role: chair}\n"
        "  - {article: day-1, person: Nobody Here, role: keynote}\n",
        encoding="utf-8",
    )
    summary, metrics, _, failing, archive = client.predict(handle_file(gold), api_name="/evaluate")
    assert "people table:" in summary and "recall 50.0% of 2 gold facts" in summary
    assert ["recall", "50.0%"] in metrics["data"]
    assert ["day-1", "keynote", "Nobody Here", "missed"] in [r[:4] for r in failing["data"]]
    with zipfile.ZipFile(archive) as z:
        assert {"people.json", "people.md"} <= set(z.namelist())


def test_files_outside_the_upload_folder_are_not_served(served: Settings) -> None:
    for path in (served.corpus_dir / "day-1.md", ROOT / "pyproject.toml", Path("/etc/passwd")):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"{url_of(served)}gradio_api/file={path.resolve()}", timeout=30)
        assert caught.value.code in {403, 404}


def test_basic_auth_is_required_when_set(
    sample_settings: Settings, embedder: LocalEmbeddings
) -> None:
    from gradio_client import Client

    settings = sample_settings.model_copy(update={"port": free_port(), "auth": "ann:secret"})
    app = build_app(Service(settings, embedder))
    launch(app, settings, block=False)
    try:
        with pytest.raises(Exception):  # noqa: B017 (the client's error type is not public)
            Client(url_of(settings), verbose=False)
        client = Client(url_of(settings), auth=("ann", "secret"), verbose=False)
        answer = client.predict("Who inaugurated the conference?", api_name="/ask")
        assert "Amit Shah" in answer["answer"]
    finally:
        app.close()
