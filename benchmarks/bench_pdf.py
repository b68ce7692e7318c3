"""PDF indexing throughput beside text files; figures go to benchmarks/results.md.

The same articles (the sample corpus's paragraphs shuffled into longer reports) as Markdown
files and as PDFs printed by Debian's Chromium with its header and footer (as a person prints
a web page), then:

1. reading only (`load_corpus`: text extraction, running headers and footers, columns,
   paragraphs, hyphens; for Markdown, front matter and furniture): pages and articles per
   second;
2. the whole first index (`sync_index`: reading, chunking, entities, embedding, Chroma, BM25):
   pages per second, on the machine's cores (2 here);
3. the PDF libraries on the same pages: PDFium through pypdfium2 (what `pdf.py` uses, per
   character with positions, and its plain text) against pdfplumber (pdfminer.six) words with
   positions, when pdfplumber is installed (it is not a dependency).

Usage: .venv/bin/python benchmarks/bench_pdf.py [--articles 24]
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import os
import platform
import random
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.ingest.corpus import load_corpus  # noqa: E402
from assistant.store.embeddings import embedder_for  # noqa: E402
from assistant.store.sync import sync_index  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402
from tests.documents import print_pdf  # noqa: E402

WORK = ROOT / "benchmarks" / ".work" / "pdf"


def make_articles(n: int, seed: int = 11) -> list[tuple[str, str, str, list[str]]]:
    """n reports of 10 to 24 paragraphs each: (name, title, date, paragraphs)."""
    rng = random.Random(seed)
    articles, _ = load_corpus(ROOT / "corpus", 10**7)
    paragraphs = [p for a in articles for p in a.text.split("\n\n")]
    out = []
    for i in range(n):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=7 * i)
        body = [f"NEW DELHI, {day:%d %B %Y} - Report {i} of the regional meetings."]
        body += rng.sample(paragraphs, k=min(len(paragraphs), rng.randint(10, 24)))
        out.append((f"report-{i:03d}", f"Regional meeting report {i}", day.isoformat(), body))
    return out


def write_corpora(articles: list[tuple[str, str, str, list[str]]]) -> tuple[Path, Path]:
    """The articles as Markdown files and as printed PDFs."""
    shutil.rmtree(WORK, ignore_errors=True)
    text_dir, pdf_dir, pages_dir = WORK / "text", WORK / "pdf", WORK / "html"
    for folder in (text_dir, pdf_dir, pages_dir):
        folder.mkdir(parents=True)
    for name, title, date, body in articles:
        (text_dir / f"{name}.md").write_text(
            f"---\ntitle: {title}\ndate: {date}\n---\n\n" + "\n\n".join(body) + "\n",
            encoding="utf-8",
        )
        page = pages_dir / f"{name}.html"
        page.write_text(
            f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title></head><body><h1>{html.escape(title)}</h1>"
            + "".join(f"<p>{html.escape(p)}</p>" for p in body)
            + "</body></html>",
            encoding="utf-8",
        )
        print_pdf(page, pdf_dir / f"{name}.pdf")
    return text_dir, pdf_dir


def page_count(folder: Path) -> int:
    import pypdfium2

    total = 0
    for path in sorted(folder.glob("*.pdf")):
        pdf = pypdfium2.PdfDocument(str(path))
        total += len(pdf)
        pdf.close()
    return total


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def read_seconds(folder: Path) -> float:
    def read() -> None:
        articles, skipped = load_corpus(folder, 10**7)
        assert articles and not skipped, skipped

    return best_of(3, read)


def same_text(text_dir: Path, pdf_dir: Path) -> int:
    """How many articles read from their PDF have exactly the text, title and date of their
    Markdown file (headers, footers and page numbers gone, paragraphs whole across pages)."""
    markdown = {a.id: a for a in load_corpus(text_dir, 10**7)[0]}
    printed = {a.id: a for a in load_corpus(pdf_dir, 10**7)[0]}
    return sum(
        (a.text, a.title, a.date) == (printed[i].text, printed[i].title, printed[i].date)
        for i, a in markdown.items()
        if i in printed
    )


def index_seconds(folder: Path, name: str, embedder) -> float:
    index = WORK / f"index-{name}"
    shutil.rmtree(index, ignore_errors=True)
    settings = Settings(corpus_dir=folder, index_dir=index, threads=2)
    started = time.perf_counter()
    report = sync_index(settings, embedder)
    assert report.added and not report.skipped, report.summary()
    return time.perf_counter() - started


def library_rows(folder: Path, pages: int) -> list[str]:
    """Milliseconds per page of each way to read a page's text."""
    from importlib.metadata import version

    import pypdfium2

    from assistant.ingest.pdf import _read_page  # one page, positions included

    paths = sorted(folder.glob("*.pdf"))

    def pdfium_positions() -> None:
        for path in paths:
            pdf = pypdfium2.PdfDocument(str(path))
            for n in range(len(pdf)):
                _read_page(pdf, n)
            pdf.close()

    def pdfium_text() -> None:
        for path in paths:
            pdf = pypdfium2.PdfDocument(str(path))
            for n in range(len(pdf)):
                pdf[n].get_textpage().get_text_range()
            pdf.close()

    rows = [
        f"| PDFium (pypdfium2 {version('pypdfium2')}), characters with positions, as `pdf.py` "
        f"reads them | {1000 * best_of(3, pdfium_positions) / pages:.2f} ms | Apache-2.0 / BSD |",
        f"| PDFium (pypdfium2), plain text of the page | "
        f"{1000 * best_of(3, pdfium_text) / pages:.2f} ms | Apache-2.0 / BSD |",
    ]
    try:
        import pdfplumber
    except ImportError:
        rows.append("| pdfplumber (pdfminer.six) | not installed: skipped | MIT |")
        return rows

    def plumber_words() -> None:
        for path in paths:
            with pdfplumber.open(str(path)) as pdf:
                for page in pdf.pages:
                    page.extract_words()

    rows.append(
        f"| pdfplumber {version('pdfplumber')} (pdfminer.six), words with positions | "
        f"{1000 * best_of(1, plumber_words) / pages:.2f} ms | MIT |"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=24)
    args = parser.parse_args()
    articles = make_articles(args.articles)
    started = time.perf_counter()
    text_dir, pdf_dir = write_corpora(articles)
    printing = time.perf_counter() - started
    pages = page_count(pdf_dir)
    n = len(articles)
    embedder = embedder_for("onnx", threads=2)
    embedder.model()  # loaded before the clock starts, as in a running server
    read_text, read_pdf = read_seconds(text_dir), read_seconds(pdf_dir)
    same = same_text(text_dir, pdf_dir)
    index_text = index_seconds(text_dir, "text", embedder)
    index_pdf = index_seconds(pdf_dir, "pdf", embedder)
    cores = os.cpu_count()
    lines = [
        "## PDF indexing beside text files (`benchmarks/bench_pdf.py`)",
        "",
        f"{dt.date.today()}, {platform.processor() or platform.machine()}, {cores} cores; "
        f"{n} reports (10 to 24 paragraphs of the sample corpus each) as Markdown and as PDFs "
        f"printed by Chromium with its header and footer: {pages} pages "
        f"({pages / n:.1f} a report; printing them took {printing:.0f} s). Pages per second "
        "for the Markdown files count the pages the same text fills as a PDF.",
        "",
        f"Read from the PDFs, {same} of {n} reports have exactly the text, title and date of "
        "their Markdown file (no header, footer or page number left, no paragraph split or "
        "joined at a page break).",
        "",
        "| stage | Markdown | PDF |",
        "|---|---|---|",
        f"| reading only (`load_corpus`, best of 3) | {read_text:.2f} s: {pages / read_text:,.0f}"
        f" pages/s, {n / read_text:,.0f} articles/s | {read_pdf:.2f} s: {pages / read_pdf:,.0f}"
        f" pages/s, {n / read_pdf:,.0f} articles/s |",
        f"| first index (`sync_index`: reading, chunks, entities, embedding, Chroma, BM25) | "
        f"{index_text:.1f} s: {pages / index_text:.1f} pages/s | {index_pdf:.1f} s: "
        f"{pages / index_pdf:.1f} pages/s |",
        "",
        "Reading a page of a PDF, by library (the same pages; ms per page):",
        "",
        "| library and what is read | ms per page | licence |",
        "|---|---|---|",
        *library_rows(pdf_dir, pages),
    ]
    print("\n".join(lines))
    write_section("pdf", lines)


if __name__ == "__main__":
    main()
