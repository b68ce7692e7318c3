"""Scanned PDF pages (a picture of text, no text layer) -> lines, read by Tesseract (Debian's
`tesseract-ocr` and `tesseract-ocr-eng`, run as a subprocess; `scripts/ensure-tesseract`
installs them). Each page is rendered by PDFium at DPI, words Tesseract is unsure of are
dropped, and the words it keeps become Lines with positions in PDF points, so layout.py builds
paragraphs from them as from a text layer. Why Tesseract over RapidOCR: benchmarks/results.md,
"OCR of scanned pages"."""

from __future__ import annotations

import csv
import io
import os
import shutil
import statistics
import subprocess
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from assistant.ingest.document import Unusable
from assistant.ingest.layout import Line

TESSERACT = "tesseract"
# Rendering resolution: 150 read more words than 200 and nearly as many as 300, in less time
# (benchmarks/results.md, "OCR of scanned pages")
DPI = 150
MIN_CONFIDENCE = 40  # Tesseract's word confidence (0-100): below it a word is mostly noise
# A page with an image and fewer characters than this in its text layer (a stamped page
# number) is a scan.
SCANNED_BELOW = 20
MISSING = (
    "scanned pages (no text layer) and no OCR: tesseract is not installed; run "
    "scripts/ensure-tesseract (Debian: apt-get install tesseract-ocr tesseract-ocr-eng)"
)

# (path, pages read, pages to read) while a document's scanned pages are read
PageProgress = Callable[[str, int, int], None]


def tesseract() -> str:
    """The tesseract command with its English model; Unusable (naming the fix) without it."""
    found = shutil.which(TESSERACT)
    if found is None:
        raise Unusable(MISSING)
    return found


@dataclass(frozen=True)
class Word:
    """A word Tesseract read: pixel box, confidence, its line's key and the line's box."""

    text: str
    left: int
    top: int
    right: int
    bottom: int
    confidence: float
    line: tuple[int, int, int]  # (block, paragraph, line)


def render(page: Any, dpi: int = DPI) -> bytes:
    """A PDFium page as a greyscale PGM image at dpi (PGM: nothing to compress)."""
    bitmap = page.render(scale=dpi / 72, grayscale=True)
    buffer = io.BytesIO()
    bitmap.to_pil().convert("L").save(buffer, format="PPM")
    return buffer.getvalue()


def read_words(image: bytes, command: str | None = None, timeout: float = 120) -> list[Word]:
    """Every word Tesseract reads on the image, with its confidence (one thread: pages are
    read two at a time instead, which is faster on two cores)."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [command or tesseract(), "stdin", "stdout", "-l", "eng", "--psm", "3", "tsv"],
            input=image, capture_output=True, timeout=timeout, env=env, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        raise Unusable(f"OCR took over {timeout:.0f} s on a page: tesseract gave up") from None
    if done.returncode != 0:
        error = " ".join(done.stderr.decode("utf-8", "replace").split())[-200:]
        raise Unusable(f"OCR failed (tesseract: {error or f'exit {done.returncode}'})")
    rows = csv.DictReader(io.StringIO(done.stdout.decode("utf-8", "replace")), delimiter="\t",
                          quoting=csv.QUOTE_NONE)  # fmt: skip
    words = []
    for row in rows:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        left, top = int(row["left"]), int(row["top"])
        line = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        words.append(Word(text, left, top, left + int(row["width"]), top + int(row["height"]),
                          float(row["conf"]), line))  # fmt: skip
    return words


def lines_of(words: list[Word], page: int, height: float, dpi: int = DPI,
             min_confidence: float = MIN_CONFIDENCE) -> list[Line]:  # fmt: skip
    """The page's lines from the words Tesseract is sure enough of, in PDF points (y up).
    Sizes within a fifth of the page's usual one are made equal to it, as the type they
    were set in is (layout.py reads a change of size as a heading)."""
    by_line: dict[tuple[int, int, int], list[Word]] = defaultdict(list)
    for word in words:
        if word.confidence >= min_confidence:
            by_line[word.line].append(word)
    scale = 72 / dpi
    raw = []
    for key in sorted(by_line, key=lambda k: min(w.top for w in by_line[k])):
        kept = sorted(by_line[key], key=lambda w: w.left)
        # the bottom of letters without descenders is the baseline
        bottom = statistics.median(w.bottom for w in kept)
        tall = statistics.median(w.bottom - w.top for w in kept)
        raw.append((kept, bottom, tall * 0.8 * scale))
    usual = statistics.median(size for *_, size in raw) if raw else 0.0
    out = []
    for kept, bottom, size in raw:
        size = usual if abs(size - usual) < 0.2 * usual else size
        out.append(Line(page, kept[0].left * scale, kept[-1].right * scale,
                        height - bottom * scale, size, " ".join(w.text for w in kept)))  # fmt: skip
    return out


class PageReader:
    """Reads scanned pages two at a time (subprocesses) while the caller renders the next;
    at most a few rendered pages wait in memory."""

    def __init__(self, path: str, total: int, progress: PageProgress | None = None) -> None:
        self.command = tesseract()
        self.path, self.total, self.progress = path, total, progress
        self.workers = max(1, min(2, os.cpu_count() or 1))
        self.pool = ThreadPoolExecutor(self.workers)
        self.pending: list[tuple[int, float, Future[list[Word]]]] = []
        self.lines: dict[int, list[Line]] = {}

    def add(self, page: int, height: float, image: bytes) -> None:
        """Queue one rendered page (waits while too many are queued)."""
        while sum(not f.done() for *_, f in self.pending) >= 2 * self.workers:
            self._collect(self.pending[0])
        self.pending.append((page, height, self.pool.submit(read_words, image, self.command)))

    def _collect(self, item: tuple[int, float, Future[list[Word]]]) -> None:
        page, height, future = item
        self.pending.remove(item)
        self.lines[page] = lines_of(future.result(), page, height)
        if self.progress is not None:
            self.progress(self.path, len(self.lines), self.total)

    def finish(self) -> dict[int, list[Line]]:
        """Every queued page's lines, by page."""
        try:
            while self.pending:
                self._collect(self.pending[0])
        finally:
            self.close()
        return self.lines

    def close(self) -> None:
        """Stop: pages not begun are dropped, those being read are waited for."""
        self.pool.shutdown(cancel_futures=True)
