"""Ruled tables on a PDF's pages (cells drawn with lines, as a browser prints an HTML table
with borders) -> one line per row, read with pdfplumber (pdfminer.six; MIT): each row says
"header: value" for each cell, as a Word table's rows do (document.table_rows), so a
delegation list keeps which name belongs to which country. The page's lines inside a table
give way to its rows, so nothing is read twice. Only pages that draw shapes are looked at:
pdfminer is slow, and a page of prose draws none."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path

from assistant.ingest.document import table_rows
from assistant.ingest.layout import Line, Page

SHAPES = 4  # a page that draws fewer paths than a ruled table's borders has no table


@dataclass(frozen=True)
class Table:
    """A table on a page (from 0): its box in points from the page's top-left, and each row's
    bottom edge with its cells' texts."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float
    rows: tuple[tuple[float, tuple[str, ...]], ...]


def find_tables(path: Path, pages: list[int]) -> list[Table]:
    """The ruled tables on these pages of the PDF (none when pdfplumber cannot read it)."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    found: list[Table] = []
    try:
        with pdfplumber.open(str(path), pages=[n + 1 for n in pages]) as pdf:
            for n, page in zip(pages, pdf.pages, strict=True):
                for table in page.find_tables():
                    rows = tuple(
                        (row.bbox[3], tuple(" ".join((cell or "").split()) for cell in cells))
                        for row, cells in zip(table.rows, table.extract(), strict=True)
                    )
                    x0, top, x1, bottom = table.bbox
                    found.append(Table(n, x0, top, x1, bottom, rows))
    except (PDFSyntaxError, PdfminerException, MalformedPDFException, ValueError, KeyError,
            TypeError):  # fmt: skip
        return []  # pdfminer reads less than PDFium: the page's lines stay as they are
    return found


def with_tables(page: Page, tables: list[Table]) -> Page:
    """The page with each table's lines replaced by one line per row (a paragraph alone)."""
    lines = list(page.lines)
    for table in tables:
        inside = [line for line in lines if _inside(line, table, page.height)]
        if not inside:
            continue
        size = statistics.median(line.size for line in inside)
        texts = table_rows([list(cells) for _, cells in table.rows])
        rows = [
            Line(table.page, table.x0, table.x1, page.height - table.rows[i][0] + 0.3 * size,
                 size, text, alone=True)
            for i, text in texts
        ]  # fmt: skip
        lines = [line for line in lines if line not in inside] + rows
    return Page(page.width, page.height, tuple(lines))


def _inside(line: Line, table: Table, height: float) -> bool:
    y = height - line.baseline  # from the top, as pdfplumber measures
    slack = 0.5 * line.size
    return (table.top - slack <= y <= table.bottom + slack
            and line.x0 >= table.x0 - slack and line.x1 <= table.x1 + slack)  # fmt: skip
