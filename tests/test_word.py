"""Word files written by python-docx: headings, paragraphs and tables as text, title and date
from the document's properties, and files that are not Word files refused with the reason."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from assistant.ingest.corpus import load_article, load_corpus

from .documents import write_docx

LIMIT = 1_000_000


def test_headings_paragraphs_and_table_rows_in_order(tmp_path: Path) -> None:
    article = load_article(write_docx(tmp_path / "minutes.docx"), "minutes", LIMIT)
    assert article.title == "Minutes of the Baltic Port Security Forum"
    assert article.date == "2023-05-15"  # the properties' date: the text has no dateline
    assert article.pages == ()
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0] == "Attendance"  # the title heading is the title, not text
    assert "Session: Radar data sharing; Chair: Commander Juris Ozols; Room: Hall B" in paragraphs
    assert paragraphs[-1] == "The next forum will be held in Riga in May 2024."
    assert paragraphs.index("Sessions") < paragraphs.index(
        "Session: Closing session; Chair: Deputy Mayor Piotr Grzelak; Room: Hall A"
    )


def test_without_properties_the_first_line_is_the_title_and_the_dateline_the_date(
    tmp_path: Path,
) -> None:
    import docx

    document = docx.Document()  # python-docx's template: no title, its own 2013 date
    document.add_paragraph("Riga forum closes")
    document.add_paragraph("RIGA, 3 June 2024 - The forum closed with a joint statement.")
    document.add_paragraph("It was chaired by Commander Juris Ozols.")
    path = tmp_path / "riga.docx"
    document.save(str(path))
    article = load_article(path, "riga", LIMIT)
    assert article.title == "Riga forum closes"
    assert article.date == "2024-06-03"
    assert article.text.startswith("RIGA, 3 June 2024")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"Minutes typed in a text editor and saved as .docx.", "not a Word file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "not a Word file"),  # an old .doc
        (None, "not a Word file"),  # a zip package, but a spreadsheet's
    ],
)
def test_a_file_that_is_not_a_word_file_is_skipped_and_the_rest_loads(
    tmp_path: Path, content: bytes | None, reason: str
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_docx(corpus / "minutes.docx")
    bad = corpus / "bad.docx"
    if content is None:
        with zipfile.ZipFile(bad, "w") as package:
            package.writestr("xl/workbook.xml", "<workbook/>")
    else:
        bad.write_bytes(content)
    articles, skipped = load_corpus(corpus, LIMIT)
    assert [a.id for a in articles] == ["minutes"]
    assert [Path(s.path).name for s in skipped] == ["bad.docx"]
    assert reason in skipped[0].reason
