"""OCR of scanned PDF pages (assistant/ingest/ocr.py): Tesseract's words become lines in PDF
points with the unsure ones dropped; without Tesseract a scan is skipped with a reason that
names it while the rest is read; with it, each scanned page is reported as it is read, and an
article printed as a picture answers the questions its text answers, cited "(scanned)"."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from assistant.answering.pipeline import Answerer
from assistant.config import Settings
from assistant.ingest import ocr
from assistant.ingest.corpus import load_corpus
from assistant.ingest.ocr import Word
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index
from assistant.store.sync import sync_index

from .conftest import ROOT
from .documents import image_pdf, print_pdf, scanned_copy, text_image

needs_tesseract = pytest.mark.skipif(
    shutil.which(ocr.TESSERACT) is None, reason="tesseract is missing: scripts/ensure-tesseract"
)


def test_unsure_words_are_dropped_and_lines_are_in_pdf_points() -> None:
    words = [
        Word("Delegates", 200, 100, 400, 130, 96.0, (1, 1, 1)),
        Word("met", 420, 100, 480, 130, 91.0, (1, 1, 1)),
        Word("~%", 500, 100, 520, 130, 12.0, (1, 1, 1)),  # a speck read as a word
        Word("Riga.", 200, 160, 300, 190, 88.0, (1, 1, 2)),
    ]
    first, second = ocr.lines_of(words, page=2, height=792.0, dpi=200)
    assert first.text == "Delegates met" and second.text == "Riga."
    assert first.page == 2 and first.x0 == pytest.approx(72.0) and first.x1 == pytest.approx(172.8)
    # y grows up the page, as in a text layer: the first line is the higher one
    assert (
        first.baseline == pytest.approx(792 - 130 * 72 / 200) and first.baseline > second.baseline
    )
    assert first.size == second.size  # one type size, so layout.py sees no heading


def test_without_tesseract_a_scan_is_skipped_naming_it_and_the_rest_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr, "TESSERACT", "tesseract-not-installed")
    image_pdf([text_image(["The forum was opened by the Mayor of Gdansk."])], tmp_path / "scan.pdf")
    (tmp_path / "note.md").write_text("# Note\n\nThe forum met in Gdansk in May.\n")
    articles, skipped = load_corpus(tmp_path, 10**6)
    assert [a.id for a in articles] == ["note"]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("scan.pdf", ocr.MISSING)]
    assert "tesseract" in ocr.MISSING and "scripts/ensure-tesseract" in ocr.MISSING


@pytest.mark.e2e  # runs Tesseract
@needs_tesseract
def test_each_scanned_page_is_reported_as_it_is_read(tmp_path: Path) -> None:
    pages = [text_image([f"Page {n}: the working group on port security met."]) for n in (1, 2)]
    image_pdf(pages, tmp_path / "scan.pdf")
    seen: list[tuple[str, int, int]] = []
    [article], skipped = load_corpus(tmp_path, 10**6, progress=lambda *a: seen.append(a))
    assert not skipped
    assert seen == [(str(tmp_path / "scan.pdf"), 1, 2), (str(tmp_path / "scan.pdf"), 2, 2)]
    assert article.scanned == (1, 2) and len(article.pages) == 2
    assert "working group on port security met" in article.text


def _cases(article_id: str) -> list[dict]:
    cases = yaml.safe_load((ROOT / "corpus" / "questions.yaml").read_text())["cases"]
    return [c for c in cases if article_id in c.get("sources", ()) and "question" in c]


def _right(answer_text: str, case: dict) -> bool:
    text = answer_text.lower()
    if "answers_all" in case:
        return all(a.lower() in text for a in case["answers_all"])
    return any(a.lower() in text for a in case["answers"])


@pytest.mark.e2e  # printed by Chromium, read by Tesseract
@needs_tesseract
def test_an_article_printed_as_a_picture_answers_what_its_text_answers(
    tmp_path: Path, embedder: LocalEmbeddings, answerer: Answerer
) -> None:
    """The sample corpus with day 1 as a scan (printed, then each page a picture of it): of
    the questions about day 1 that the text answers, the scan answers at least 90%."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "day-1.md").unlink()
    page = tmp_path / "day-1.html"
    text = (ROOT / "corpus" / "day-1.md").read_text(encoding="utf-8").split("---", 2)[2]
    paragraphs = "".join(f"<p>{p.strip()}</p>" for p in text.split("\n\n") if p.strip())
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><style>body { font-family: "
        "'DejaVu Serif', serif; font-size: 15px; line-height: 20px }</style></head><body><h1>"
        "BIMSTEC drug trafficking conference, day 1: sea routes and methamphetamine</h1>"
        f"{paragraphs}</body></html>",
        encoding="utf-8",
    )
    scanned_copy(print_pdf(page, tmp_path / "printed.pdf", header_footer=False),
                 corpus / "day-1.pdf")  # fmt: skip
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index")
    report = sync_index(settings, embedder)
    assert not report.skipped and report.added == 4
    scans = Answerer(Index(settings, embedder))
    record = scans.index.snapshot().article("day-1")
    assert record is not None and record.scanned == (1,) and record.date == "2020-02-13"

    cases = [c for c in _cases("day-1") if c.get("answerable", True)]
    by_text = [c for c in cases if _right(answerer.ask(c["question"]).text, c)]
    assert len(by_text) >= 10
    by_scan = []
    for case in by_text:
        answer = scans.ask(case["question"])
        if _right(answer.text, case):
            by_scan.append(case["id"])
        cited = [c for c in answer.citations if c.article_id == "day-1"]
        assert all(c.scanned and c.where == "p. 1 (scanned)" for c in cited)
    missed = [c["id"] for c in by_text if c["id"] not in by_scan]
    assert len(by_scan) >= 0.9 * len(by_text), missed
