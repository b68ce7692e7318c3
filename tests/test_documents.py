"""Real files dropped into the corpus, made at test time by real producers (tests/documents.py):
PDFs printed by Chromium with its header and footer on every page, one of them long with a
sentence across a page break, one in two columns, a Word file with a table; a scan without a
text layer, read by OCR; an encrypted PDF and one cut in half, each skipped with its reason
while the rest is indexed. Questions are answered from each with exact quotes free of page
furniture, and a PDF's citation gives its page (and says when the page was scanned)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assistant.answering.pipeline import Answerer
from assistant.config import Settings
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index
from assistant.store.sync import sync_index
from assistant.types import Filters

from .conftest import ROOT, run_cli, where
from .documents import ACROSS, ARTICLE_TITLE, LONG_TITLE

pytestmark = pytest.mark.e2e  # the documents are printed by Chromium, encrypted by qpdf

# What Chromium prints around each page: "12/1/26, 9:27 PM  <title>" and "file:///... 2/4"
FURNITURE = re.compile(r"\d{1,2}/\d{1,2}/\d{2}, \d{1,2}:\d{2}\s?[AP]M|file://|\b\d/\d\b")


@pytest.fixture(scope="module")
def indexed_documents(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings,
    documents: dict[str, Path],
) -> tuple[Settings, object]:  # fmt: skip
    """The sample corpus plus every document, synced once."""
    root = tmp_path_factory.mktemp("documents-index")
    shutil.copytree(ROOT / "corpus", root / "corpus")
    for path in documents.values():
        shutil.copy(path, root / "corpus" / path.name)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    return settings, sync_index(settings, embedder)


@pytest.fixture(scope="module")
def answerer_of_documents(indexed_documents, embedder: LocalEmbeddings) -> Answerer:
    return Answerer(Index(indexed_documents[0], embedder))


def test_bad_documents_are_skipped_with_their_reason_and_nothing_else_is_lost(
    indexed_documents, documents: dict[str, Path]
) -> None:
    import pypdfium2

    _, report = indexed_documents
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert reasons == {
        "encrypted.pdf": "encrypted PDF: it needs a password to open; save a copy without "
        "the password",
        "truncated.pdf": "truncated PDF (no end-of-file marker): the file was cut short; copy "
        "it again",
    }
    assert report.added == 4 + 5  # the sample corpus and the five good documents
    # the encrypted file is a real one: it opens with its password, and holds the article
    pdf = pypdfium2.PdfDocument(str(documents["encrypted"]), password="forum")
    assert "Karin Holmqvist" in pdf[0].get_textpage().get_text_range()


def test_pdf_text_has_no_headers_footers_or_page_numbers(
    answerer_of_documents: Answerer,
) -> None:
    snapshot = answerer_of_documents.index.snapshot()
    records = {r.id: r for r in snapshot.articles()}
    assert records["article"].title == ARTICLE_TITLE and records["article"].date == "2023-05-12"
    assert records["long"].title == LONG_TITLE and len(records["long"].pages) == 4
    for article_id in ("article", "long", "columns"):
        text = snapshot.text(article_id)
        assert not FURNITURE.search(text), (article_id, FURNITURE.search(text))
        assert not text.startswith(records[article_id].title)  # the headline is the title
    long = snapshot.text("long")
    assert ACROSS in long  # one paragraph across the page break, its line breaks gone
    assert "intergovernmental arrangements" in long and "\u2010" not in long  # soft hyphen
    assert "Delegates from port number 27 reported" in long


def test_a_scan_is_read_by_ocr_and_cited_as_scanned(answerer_of_documents: Answerer) -> None:
    snapshot = answerer_of_documents.index.snapshot()
    text = snapshot.text("scanned")
    assert text == (
        "The forum was opened by the Mayor of Gdansk.\n\n"
        "Delegates from eleven ports attended the first day."
    )
    assert snapshot.article("scanned").scanned == (1,)
    answer = answerer_of_documents.ask("Who opened the forum?", filters=Filters(("scanned",)))
    cited = [c for c in answer.citations if c.article_id == "scanned"]
    assert cited and cited[0].where == "p. 1 (scanned)", answer.text
    assert "Mayor of Gdansk" in cited[0].quote


def test_two_columns_are_read_column_by_column(answerer_of_documents: Answerer) -> None:
    text = answerer_of_documents.index.snapshot().text("columns")
    order = [text.index(f"Working group {n} met") for n in range(1, 8)]
    assert order == sorted(order)
    assert text.index("Working group 7 met") < text.index("port state control was chaired")
    assert "counterterrorism training of boarding officers" in text


@pytest.mark.parametrize(
    ("question", "article_id", "expected", "page"),
    [
        ("Who chaired the opening session of the Baltic Port Security Forum?", "article",
         "Karin Holmqvist", 1),
        ("Who co-chaired the working group on container inspections?", "long",
         "Tomasz Wielgosz", 1),
        ("Who chaired the working group on port state control?", "columns", "Mart Saar", 1),
        ("Who chaired the radar data sharing session?", "minutes", "Juris Ozols", None),
    ],
)  # fmt: skip
def test_questions_are_answered_from_each_document_with_exact_quotes_and_pages(
    answerer_of_documents: Answerer, question: str, article_id: str, expected: str,
    page: int | None,
) -> None:  # fmt: skip
    answer = answerer_of_documents.ask(question)
    assert not answer.refused, answer.text
    cited = answer.citations[0]
    text = answerer_of_documents.index.snapshot().text(article_id)
    assert cited.article_id == article_id and expected in cited.quote
    assert text[cited.start : cited.end] == cited.quote  # exactly the article's text
    assert not FURNITURE.search(cited.quote)
    assert cited.page == page


def test_a_quote_across_a_page_break_gives_the_page_it_starts_on(
    answerer_of_documents: Answerer,
) -> None:
    answer = answerer_of_documents.ask("Who co-chaired the working group on container inspections?")
    cited = answer.citations[0]
    pages = answerer_of_documents.index.snapshot().article("long").pages
    assert cited.start < pages[1] < cited.end  # the sentence runs from page 1 onto page 2
    assert "Liis Tamm" in cited.quote and cited.page == 1


def test_the_command_line_cites_the_page(indexed_documents) -> None:
    settings, _ = indexed_documents
    result = run_cli(
        "ask", "Who chaired the opening session of the Baltic Port Security Forum?",
        *where(settings),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"{ARTICLE_TITLE}, 2023-05-12 (article, p. 1): " in result.stdout
