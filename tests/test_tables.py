"""Tables in PDFs (assistant/ingest/tables.py): a table's lines give way to one line per row,
read as "header: value" pairs like a Word table's, and nothing is read twice; a delegation
table printed by Chromium answers "Who headed Kenya's delegation?" from its row, and the
people table lists that row."""

from __future__ import annotations

import json

import pytest

from assistant.answering.pipeline import Answerer
from assistant.config import Settings
from assistant.ingest.layout import Line, Page
from assistant.ingest.tables import Table, with_tables
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index
from assistant.store.sync import sync_index

from .conftest import run_cli, where
from .documents import DELEGATIONS, DELEGATIONS_TITLE, delegations_html, print_pdf


def test_a_tables_lines_give_way_to_its_rows_read_under_their_headers() -> None:
    def line(y: float, x0: float, x1: float, text: str) -> Line:
        return Line(0, x0, x1, 792 - y, 11.0, text)  # y: from the top, as pdfplumber measures

    above = line(100, 72, 500, "The delegations were led as follows.")
    cells = [line(130, 80, 140, "Country"), line(130, 200, 330, "Head of delegation"),
             line(150, 80, 130, "Kenya"), line(150, 200, 300, "Dr Ann Mwangi")]  # fmt: skip
    below = line(190, 72, 500, "The meeting closed at noon.")
    table = Table(0, 72, 118, 400, 156, ((136.0, ("Country", "Head of delegation")),
                                          (156.0, ("Kenya", "Dr Ann Mwangi"))))  # fmt: skip
    page = with_tables(Page(612, 792, (above, *cells, below)), [table])
    texts = [line.text for line in sorted(page.lines, key=lambda line: -line.baseline)]
    assert texts == [above.text, "Country: Kenya; Head of delegation: Dr Ann Mwangi", below.text]
    [row] = [line for line in page.lines if line.alone]
    assert above.baseline > row.baseline > below.baseline


@pytest.fixture(scope="module")
def delegations(
    tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings
) -> tuple[Settings, Answerer]:
    """A corpus of the delegation article printed by Chromium, indexed."""
    root = tmp_path_factory.mktemp("tables")
    (root / "corpus").mkdir()
    page = root / "delegations.html"
    page.write_text(delegations_html(), encoding="utf-8")
    print_pdf(page, root / "corpus" / "delegations.pdf")
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    report = sync_index(settings, embedder)
    assert report.added == 1 and not report.skipped, report.as_dict()
    return settings, Answerer(Index(settings, embedder))


@pytest.mark.e2e  # printed by Chromium
def test_each_row_is_a_paragraph_and_the_table_is_not_read_twice(delegations) -> None:
    _, answerer = delegations
    snapshot = answerer.index.snapshot()
    text = snapshot.text("delegations")
    assert snapshot.article("delegations").title == DELEGATIONS_TITLE
    for country, head in DELEGATIONS:
        assert f"\n\nCountry: {country}; Head of delegation: {head}\n\n" in text
        assert text.count(head) == 1
    assert text.count("Country") == len(DELEGATIONS)  # the header row only under each value
    assert "pool vaccine stocks" in text.split("Country: Rwanda")[1]  # the text goes on after


@pytest.mark.e2e  # printed by Chromium; the people table read through the command line
def test_who_headed_kenyas_delegation_is_answered_from_its_row(delegations) -> None:
    settings, answerer = delegations
    answer = answerer.ask("Who headed Kenya's delegation?")
    assert not answer.refused, answer.text
    assert "Ann Mwangi" in answer.short_answer or "Ann Mwangi" in answer.text
    cited = answer.citations[0]
    assert cited.quote.startswith("Country: Kenya") and cited.page == 1 and not cited.scanned

    listed = run_cli("people", "--role", "head-of-delegation", "--json", *where(settings))
    assert listed.returncode == 0, listed.stderr
    rows = {row["organisation"]: row for row in json.loads(listed.stdout)}
    assert "Ann Mwangi" in rows["Kenya"]["person"]
    assert rows["Kenya"]["quote"].startswith("Country: Kenya; Head of delegation: Dr Ann Mwangi")
    assert rows["Kenya"]["page"] == 1
