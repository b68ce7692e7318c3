"""PDF files -> Documents: the text layer read with PDFium (pypdfium2), line by line with
positions, then cleaned by layout.py. Title and date from the document's metadata when it has
them. A page without a text layer (a scan) is read by OCR (ocr.py) and marked scanned; a
ruled table is read cell by cell, a paragraph per row (tables.py). A file that cannot be read
says why: not a PDF, cut short, damaged, encrypted, scanned with no OCR installed, or without
text."""

from __future__ import annotations

import ctypes
import datetime as dt
import math
import re
import shutil
import threading
from pathlib import Path
from typing import Any

from assistant.ingest import ocr, tables
from assistant.ingest.document import Document, Unusable
from assistant.ingest.layout import Line, Page, paragraphs, reading_order, running_lines

# PDFium's reasons a document does not open (FPDF_GetLastError)
_ERRORS = {
    2: "cannot read the file",
    3: "damaged PDF (PDFium cannot parse it)",
    4: "encrypted PDF: it needs a password to open; save a copy without the password",
    5: "encrypted PDF with a security handler PDFium does not support; save a copy without it",
    6: "damaged PDF (a page could not be read)",
}
NO_TEXT = "no text: blank pages, or pictures without words"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_SOFT = re.compile("[\u00ad\x02]")
# PDFium is not thread-safe, and a server reads PDFs from two threads (an upload being checked,
# the corpus watcher's sync): one document at a time in the process.
_PDFIUM = threading.Lock()
# Producers that print web pages: they break lines after real hyphens only
_BROWSERS = re.compile(r"chrom|skia|mozilla|webkit|firefox|safari|edge", re.IGNORECASE)


def check_file(path: Path) -> None:
    """Reject what is not a whole PDF before PDFium sees it (clearer reasons than its own)."""
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, path.stat().st_size - 2048))
        tail = handle.read()
    if not head.strip():
        raise Unusable("empty file")
    if b"%PDF-" not in head:
        raise Unusable("not a PDF (no %PDF header): is it another kind of file renamed .pdf?")
    if b"%%EOF" not in tail:
        raise Unusable(
            "truncated PDF (no end-of-file marker): the file was cut short; copy it again"
        )


def read_pdf(path: Path, progress: ocr.PageProgress | None = None) -> Document:
    """The document's paragraphs, title, date, page starts and scanned pages (read by OCR,
    with progress(path, pages read, pages to read)); Unusable says why not."""

    check_file(path)
    with _PDFIUM:
        meta, pages, reader, ruled = _read_pages(path, progress)
    read = reader.finish() if reader else {}  # OCR goes on outside the lock
    for n, lines in read.items():
        pages[n] = Page(pages[n].width, pages[n].height, tuple(lines))
    scanned = sorted(read)
    found = tables.find_tables(path, ruled) if ruled else []
    for n in {table.page for table in found}:
        pages[n] = tables.with_tables(pages[n], [t for t in found if t.page == n])
    title = _title(meta.get("Title", ""))
    dropped = running_lines(pages, title)
    producer = f"{meta.get('Creator', '')} {meta.get('Producer', '')}"
    texts, starts = paragraphs(
        reading_order(pages, dropped), len(pages), hard_hyphens=bool(_BROWSERS.search(producer))
    )
    if not texts:
        if scanned:
            raise Unusable("no text: OCR found no words it was sure of on the scanned pages")
        if not any(page.lines for page in pages):
            raise Unusable(NO_TEXT)
        raise Unusable("no article text (only page headers and footers)")
    date = _date(meta.get("CreationDate", ""))
    return Document(texts, title, date, pages=starts, dateline_first=True, scanned=scanned)


def _read_pages(
    path: Path, progress: ocr.PageProgress | None
) -> tuple[dict[str, str], list[Page], ocr.PageReader | None, list[int]]:
    """The document's metadata and its pages' lines; its scanned pages (an image and next to
    no text layer) rendered and handed to OCR, whose reader is returned unfinished; and the
    pages that draw enough shapes to hold a ruled table."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        raise Unusable(_ERRORS.get(exc.err_code or 0, f"damaged PDF ({exc})")) from None
    reader = None
    try:
        meta = pdf.get_metadata_dict(skip_empty=True)
        pages, scans, ruled = [], [], []
        for n in range(len(pdf)):
            page, pictures, shapes = _read_page(pdf, n)
            pages.append(page)
            if pictures and sum(len(line.text) for line in page.lines) < ocr.SCANNED_BELOW:
                scans.append(n)
            elif shapes >= tables.SHAPES:
                ruled.append(n)
        if scans and len(scans) < len(pages) and shutil.which(ocr.TESSERACT) is None:
            scans = []  # no OCR here: the text the document has is read, its scans left out
        if scans:
            reader = ocr.PageReader(str(path), len(scans), progress)
            for n in scans:
                page = pdf[n]
                try:
                    reader.add(n, pages[n].height, ocr.render(page))
                finally:
                    page.close()
    except BaseException as exc:
        if reader:
            reader.close()
        if isinstance(exc, pypdfium2.PdfiumError):
            raise Unusable(f"damaged PDF ({exc})") from None
        raise
    finally:
        pdf.close()
    return meta, pages, reader, ruled


def _read_page(pdf: Any, n: int) -> tuple[Page, int, int]:
    """One page's lines, how many images it shows and how many paths it draws."""
    import pypdfium2.raw as pdfium_c

    page = pdf[n]
    try:
        width, height = page.get_size()
        wanted = [pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH]
        kinds = [obj.type for obj in page.get_objects(filter=wanted, max_depth=2)]
        images = kinds.count(pdfium_c.FPDF_PAGEOBJ_IMAGE)
        shapes = kinds.count(pdfium_c.FPDF_PAGEOBJ_PATH)
        textpage = page.get_textpage()
        try:
            lines = _lines(textpage, n, width)
        finally:
            textpage.close()
    finally:
        page.close()
    return Page(width, height, tuple(lines)), images, shapes


class _Builder:
    """Characters in the order the page draws them -> lines."""

    def __init__(self, page: int, width: float) -> None:
        self.page = page
        self.middle = width / 2
        self.lines: list[Line] = []
        self.chars: list[tuple[str, float, float, float, float]] = []  # (c, x0, x1, y, size)

    def add(self, char: str, x0: float, x1: float, baseline: float, size: float) -> None:
        last = next((c for c in reversed(self.chars) if not c[0].isspace()), None)
        if last is not None and not char.isspace() and self._apart(last, x0, baseline, size):
            self.end()
        self.chars.append((char, x0, x1, baseline, size))

    def _apart(self, last: tuple[str, float, float, float, float], x0: float, y: float,
               size: float) -> bool:  # fmt: skip
        """A new line starts: another baseline, a step back, or a wide gap across the middle
        of the page (the gutter of two columns drawn line by line)."""
        _, _, last_x1, last_y, last_size = last
        scale = max(size, last_size)
        gutter = x0 - last_x1 > 3 * scale and last_x1 < self.middle < x0
        return abs(y - last_y) > 0.35 * scale or x0 < last_x1 - scale or gutter

    def end(self) -> None:
        ink = [c for c in self.chars if not c[0].isspace()]
        if ink:
            text = " ".join("".join(c[0] for c in self.chars).split())
            # a soft hyphen shows only where a line breaks (layout.py joins the word there)
            text = _SOFT.sub("", text[:-1]) + text[-1:]
            sizes = sorted(c[4] for c in ink)
            baselines = sorted(c[3] for c in ink)
            line = Line(self.page, ink[0][1], max(c[2] for c in ink),
                        baselines[len(baselines) // 2], sizes[len(sizes) // 2], text)  # fmt: skip
            self.lines.append(self._merged(line))
        self.chars = []

    def _merged(self, line: Line) -> Line:
        """A line that continues the previous one on its baseline (a hyphen drawn apart)."""
        if not self.lines:
            return line
        last = self.lines.pop()
        gap = line.x0 - last.x1
        if abs(line.baseline - last.baseline) < 0.2 * line.size and -1 < gap < 0.6 * line.size:
            space = " " if gap > 0.2 * line.size else ""
            return Line(self.page, last.x0, line.x1, last.baseline, last.size,
                        last.text + space + line.text)  # fmt: skip
        self.lines.append(last)
        return line


def _lines(textpage: Any, n: int, width: float) -> list[Line]:
    import pypdfium2.raw as pdfium_c

    raw = textpage.raw
    builder = _Builder(n, width)
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    for i in range(textpage.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(raw, i))
        if pdfium_c.FPDFText_IsGenerated(raw, i):
            if char in "\r\n":
                builder.end()
            elif char == " ":
                builder.chars.append((" ", 0.0, 0.0, 0.0, 0.0))
            continue
        if _CONTROL.match(char) and char != "\x02":
            continue
        left, _, right, _ = textpage.get_charbox(i)
        pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
        size = pdfium_c.FPDFText_GetFontSize(raw, i)
        if pdfium_c.FPDFText_GetMatrix(raw, i, matrix):
            size *= math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c)) or 1.0
        builder.add(char, left, right, y.value, size)
    builder.end()
    return builder.lines


def _title(value: str) -> str:
    """The metadata title, unless it is a file name or a placeholder."""
    title = " ".join(value.split())
    if re.search(r"\.(pdf|docx?|html?|txt|md|odt|rtf)$|^(untitled|about:blank)$|^microsoft word",
                 title, re.IGNORECASE):  # fmt: skip
        return ""
    return title


def _date(value: str) -> str:
    """A PDF date ("D:20230512093000+02'00'") as YYYY-MM-DD, or ""."""
    found = re.match(r"(D:)?(\d{4})(\d{2})(\d{2})", value.strip())
    if not found:
        return ""
    try:
        return dt.date(*(int(found.group(i)) for i in (2, 3, 4))).isoformat()
    except ValueError:
        return ""
