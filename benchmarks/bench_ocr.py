"""OCR of scanned pages: Tesseract against RapidOCR; figures go to benchmarks/results.md.

The sample corpus's articles are printed to PDF by Debian's Chromium (no header or footer),
each page rendered by PDFium (pypdfium2) to a greyscale image, as a scanner would give it,
and read back by each engine. The text layer of the printed page is the truth:

- word accuracy: the share of the page's words the engine gives back, in order (difflib's
  longest matching blocks over words, lower-cased, punctuation at their ends ignored), and
  the share of the engine's words that are the page's (precision: noise read as words);
- pages per second on the machine's cores (2 here): Tesseract one thread per page, two pages
  at a time; RapidOCR one page at a time on two onnxruntime threads;
- the whole reader (`read_pdf`) on image-only PDFs made of those pages: pages per second,
  and the word accuracy of the article text it makes.

RapidOCR is not a dependency: install it into a folder of its own and name it
(`pip install --target /tmp/rapid rapidocr-onnxruntime`, then `--rapidocr /tmp/rapid`).

Usage: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_ocr.py [--rapidocr DIR] [--dpi 200]
"""

from __future__ import annotations

import argparse
import difflib
import html
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.ingest import ocr  # noqa: E402
from assistant.ingest.corpus import load_corpus  # noqa: E402
from benchmarks.results_file import write_section  # noqa: E402
from tests.documents import print_pdf  # noqa: E402

WORK = ROOT / "benchmarks" / ".work" / "ocr"
CHOICE = [
    "Chosen: **Tesseract** (`assistant/ingest/ocr.py`), at 150 dpi. It reads more of each "
    "page's words than RapidOCR, for about an eighth of the CPU time, and installs in a "
    "fourteenth of the space from Debian's packages (RapidOCR brings OpenCV, most of its "
    "size). RapidOCR's recognition model (PP-OCRv4, trained mostly on Chinese) runs English "
    "words together where the spaces between them are narrow (at 200 dpi: "
    "`newdelhi,13february`, `suchconferenceofthebimstecnations`), and its text-direction "
    "classifier, on as it comes, costs it a further tenth of the words here. 150 dpi reads "
    "more than 200 and nearly as much as 300, in less time. Words under confidence 40 are "
    "dropped: that loses about one right word in a thousand and half the wrong ones (60 "
    "drops two thirds of them, but two right words in a thousand). Pages/s is wall time on a "
    "shared machine; CPU s per page is what the pages cost whatever else runs.",
]
_EDGE = re.compile(r"^\W+|\W+$")


def words(text: str) -> list[str]:
    out = [_EDGE.sub("", w.lower()) for w in text.split()]
    return [w for w in out if w]


def accuracy(truth: list[str], read: list[str]) -> tuple[int, int, int]:
    """(words of the truth read back in order, words in the truth, words read)."""
    matcher = difflib.SequenceMatcher(None, truth, read, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()), len(truth), len(read)


def print_articles() -> list[Path]:
    """The corpus articles printed to PDF, in the type of the test documents (15 px) and in
    small print (11 px)."""
    shutil.rmtree(WORK, ignore_errors=True)
    (WORK / "html").mkdir(parents=True)
    out = []
    for size in (15, 11):
        for article in load_corpus(ROOT / "corpus", 10**7)[0]:
            name = f"{article.id}-{size}px"
            page = WORK / "html" / f"{name}.html"
            body = "".join(f"<p>{html.escape(p)}</p>" for p in article.text.split("\n\n"))
            page.write_text(
                "<!doctype html><html><head><meta charset='utf-8'><title>"
                f"{html.escape(article.title)}</title><style>body {{ font-family: 'DejaVu "
                f"Serif', serif; font-size: {size}px; line-height: {round(size * 1.35)}px }}"
                f"</style></head><body><h1>{html.escape(article.title)}</h1>{body}</body></html>",
                encoding="utf-8",
            )
            out.append(print_pdf(page, WORK / f"{name}.pdf", header_footer=False))
    return out


def pages_of(pdfs: list[Path], dpi: int) -> list[tuple[str, bytes, tuple[float, float]]]:
    """Each page's text layer, its image at dpi (PGM) and its size in points."""
    import pypdfium2

    out = []
    for path in pdfs:
        pdf = pypdfium2.PdfDocument(str(path))
        for page in pdf:
            out.append((page.get_textpage().get_text_range(), ocr.render(page, dpi),
                        page.get_size()))  # fmt: skip
        pdf.close()
    return out


def image_only(pdfs: list[Path], dpi: int) -> tuple[list[Path], Path]:
    """Each printed PDF again, its pages only pictures (as a scanner makes them), and all
    their pages in one scanned bundle."""
    import pypdfium2

    out, every = [], []
    (WORK / "scanned").mkdir(exist_ok=True)
    for path in pdfs:
        source = pypdfium2.PdfDocument(str(path))
        images = [page.render(scale=dpi / 72, grayscale=True).to_pil() for page in source]
        source.close()
        target = WORK / "scanned" / path.name
        images[0].save(target, save_all=True, append_images=images[1:], resolution=dpi)
        out.append(target)
        every += images
    bundle = WORK / "bundle.pdf"
    every[0].save(bundle, save_all=True, append_images=every[1:], resolution=dpi)
    return out, bundle


def cpu_seconds() -> float:
    """CPU time of this process and the subprocesses it waited for, so far."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    theirs = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + theirs.ru_utime + theirs.ru_stime


def tesseract_run(pages: list[tuple[str, bytes, tuple[float, float]]],
                  confidence: float) -> tuple[float, float, list[list[str]]]:  # fmt: skip
    """Seconds and CPU seconds for all pages (two at a time), and each page's words kept."""
    started, cpu = time.perf_counter(), cpu_seconds()
    with ThreadPoolExecutor(2) as pool:
        found = list(pool.map(lambda p: ocr.read_words(p[1]), pages))
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    kept = [[w.text for w in page if w.confidence >= confidence] for page in found]
    return seconds, cpu, [words(" ".join(k)) for k in kept]


def rapidocr_run(pages: list[tuple[str, bytes, tuple[float, float]]], folder: str,
                 classify: bool = True) -> tuple[float, float, list[list[str]], float]:  # fmt: skip
    """Seconds and CPU seconds for all pages (one at a time, two threads), each page's words,
    load time
    (classify: with its text-direction classifier, as it comes)."""
    if folder not in sys.path:
        sys.path.append(folder)
    import numpy
    from PIL import Image
    from rapidocr_onnxruntime import RapidOCR

    started = time.perf_counter()
    engine = RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1, use_cls=classify)
    loaded = time.perf_counter() - started
    arrays = [numpy.array(Image.open(__import__("io").BytesIO(p[1])).convert("RGB"))
              for p in pages]  # fmt: skip
    started, cpu = time.perf_counter(), cpu_seconds()
    read = []
    for array in arrays:
        result, _ = engine(array)
        read.append(words(" ".join(r[1] for r in result or [])))
    return time.perf_counter() - started, cpu_seconds() - cpu, read, loaded


def score(pages: list[tuple[str, bytes, tuple[float, float]]],
          read: list[list[str]]) -> tuple[float, float]:  # fmt: skip
    got = [accuracy(words(p[0]), r) for p, r in zip(pages, read, strict=True)]
    matched = sum(g[0] for g in got)
    return matched / sum(g[1] for g in got), matched / max(1, sum(g[2] for g in got))


def reader_run(
    scans: list[Path], bundle: Path, pdfs: list[Path]
) -> tuple[float, float, float, int]:
    """The whole reader: pages per second and CPU seconds per page on the bundle of every
    scanned page, and the word
    accuracy of each scanned article against the text read from its printed PDF."""
    from assistant.ingest.corpus import load_article

    started, cpu = time.perf_counter(), cpu_seconds()
    whole = load_article(bundle, "bundle", 10**7)
    seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    read = [load_article(p, p.stem, 10**7) for p in scans]
    truth = [load_article(p, p.stem, 10**7) for p in pdfs]
    got = [accuracy(words(t.text), words(r.text)) for t, r in zip(truth, read, strict=True)]
    assert all(r.scanned for r in read) and len(whole.scanned) == len(whole.pages)
    n = len(whole.pages)
    return n / seconds, cpu / n, sum(g[0] for g in got) / sum(g[1] for g in got), n


def tesseract_size() -> str:
    packages = ["tesseract-ocr", "tesseract-ocr-eng", "tesseract-ocr-osd", "libtesseract5",
                "liblept5"]  # fmt: skip
    done = subprocess.run(["dpkg-query", "-W", "-f=${Installed-Size}\\n", *packages],
                          capture_output=True, text=True, check=False)  # fmt: skip
    kb = sum(int(n) for n in done.stdout.split())
    return f"{kb / 1024:.0f} MB (Debian: {', '.join(packages)})"


def rapidocr_size(folder: str) -> str:
    new = ["rapidocr_onnxruntime", "cv2", "opencv_python.libs", "shapely", "pyclipper"]
    total = sum(f.stat().st_size for name in new for f in (Path(folder) / name).rglob("*")
                if f.is_file())  # fmt: skip
    return f"{total / 2**20:.0f} MB ({', '.join(new)}; onnxruntime, numpy, Pillow already here)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rapidocr", help="a folder RapidOCR was installed into (--target)")
    parser.add_argument("--dpi", type=int, default=ocr.DPI)
    args = parser.parse_args()
    pdfs = print_articles()
    pages = pages_of(pdfs, args.dpi)
    n = len(pages)
    rows = []
    for confidence in (0, ocr.MIN_CONFIDENCE, 60):
        seconds, cpu, read = tesseract_run(pages, confidence)
        recall, precision = score(pages, read)
        rows.append(f"| Tesseract {version()}, words of confidence >= {confidence} | "
                    f"{recall:.1%} | {precision:.1%} | {n / seconds:.2f} | "
                    f"{cpu / n:.2f} |")  # fmt: skip
    for dpi in sorted({150, 200, 300} - {args.dpi}):
        other = pages_of(pdfs, dpi)
        seconds, cpu, read = tesseract_run(other, ocr.MIN_CONFIDENCE)
        recall, precision = score(other, read)
        rows.append(f"| Tesseract, confidence >= {ocr.MIN_CONFIDENCE}, pages at {dpi} dpi | "
                    f"{recall:.1%} | {precision:.1%} | {n / seconds:.2f} | "
                    f"{cpu / n:.2f} |")  # fmt: skip
    size_rows = [f"| Tesseract | {tesseract_size()} | none: the English model is a package |"]
    if args.rapidocr:
        for classify in (True, False):
            seconds, cpu, read, loaded = rapidocr_run(pages, args.rapidocr, classify)
            recall, precision = score(pages, read)
            how = "as it comes" if classify else "without its text-direction classifier"
            rows.append(f"| RapidOCR {rapidocr_version(args.rapidocr)} (PP-OCRv4), {how} | "
                        f"{recall:.1%} | {precision:.1%} | {n / seconds:.2f} | "
                        f"{cpu / n:.2f} |")  # fmt: skip
        size_rows.append(f"| RapidOCR | {rapidocr_size(args.rapidocr)} | none: its models are "
                         f"in the wheel (loaded in {loaded:.1f} s) |")  # fmt: skip
    scans, bundle = image_only(pdfs, args.dpi)
    speed, reader_cpu, reader_accuracy, reader_pages = reader_run(scans, bundle, pdfs)
    load = os.getloadavg()[0]
    lines = [
        "## OCR of scanned pages (`benchmarks/bench_ocr.py`)",
        "",
        f"The {len(pdfs) // 2} sample articles printed by Chromium in 15 px and 11 px type "
        f"({n} pages), each page rendered at {args.dpi} dpi (unless the row says otherwise) "
        "in greyscale and read back; the "
        "printed text layer is the truth (its words lower-cased, punctuation at their ends "
        "dropped, matched in order). Tesseract reads two pages at a time, one thread each; "
        "RapidOCR one page at a time on two onnxruntime threads. "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| engine | words of the page read back | words read that are the page's | pages/s "
        "| CPU s per page |",
        "|---|---|---|---|---|",
        *rows,
        "",
        "| engine | install size | downloads at run time |",
        "|---|---|---|",
        *size_rows,
        "",
        f"The whole reader (`read_pdf`: render, Tesseract, words of confidence >= "
        f"{ocr.MIN_CONFIDENCE}, lines, paragraphs) on an image-only PDF of the same "
        f"{reader_pages} pages: {speed:.2f} pages/s ({reader_cpu:.2f} CPU s per page: "
        f"{2 / reader_cpu:.2f} pages/s on two idle cores; load average {load:.1f} at the "
        "end of the run, the machine is shared); on each article's image-only PDF, "
        f"{reader_accuracy:.1%} of the words of the article text read from its printed PDF "
        "are read back, in order.",
        "",
        *CHOICE,
    ]
    write_section("bench_ocr", lines)
    print("\n".join(lines))


def rapidocr_version(folder: str) -> str:
    found = sorted(Path(folder).glob("rapidocr_onnxruntime-*.dist-info"))
    return found[0].name.removesuffix(".dist-info").split("-")[1] if found else ""


def version() -> str:
    done = subprocess.run([ocr.TESSERACT, "--version"], capture_output=True, text=True,
                          check=False)  # fmt: skip
    found = re.search(r"tesseract\s+(\S+)", done.stdout + done.stderr)
    return found.group(1) if found else "?"


if __name__ == "__main__":
    main()
