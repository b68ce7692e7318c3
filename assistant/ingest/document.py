"""What a reader makes of one file before the cleaning every article gets: its paragraphs, the
title and date the file itself states (front matter, HTML head, document properties) and, for
paged documents, where each page begins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.types import PARAGRAPH_BREAK


class Unusable(Exception):
    """A file that cannot be loaded; the message is the one-line reason."""


@dataclass
class Document:
    """One file read: paragraphs are single lines of text, whitespace already collapsed."""

    paragraphs: list[str]
    title: str = ""  # "" when the file states none
    date: str = ""  # YYYY-MM-DD, or ""
    source: str = ""
    # (paragraph index, offset in it) where each page begins, one per page; [] when unpaged
    pages: list[tuple[int, int]] = field(default_factory=list)
    # A document's own date is often when it was printed or saved: a date in the article's
    # opening lines (its dateline) is the article's date and comes first.
    dateline_first: bool = False
    scanned: list[int] = field(default_factory=list)  # pages (from 0) read by OCR


def table_rows(rows: Sequence[Sequence[str]]) -> list[tuple[int, str]]:
    """Each row of a table (its cells' texts) as one paragraph, with the row's index; empty
    rows left out. Under a header row (two or more columns, all named) a row reads "Session:
    Pharmaceutical drugs; Chair: K. Bangarurajan", so each value says what it is (the people
    table reads these: roles.TABLE_CELL); otherwise the cells are joined by "; "."""
    kept = [(i, row) for i, row in enumerate(rows) if any(row)]
    header = kept[0][1] if kept else []
    if len(kept) > 1 and len(header) > 1 and all(header):
        return [
            (i, "; ".join(f"{name}: {value}" for name, value in zip(header, row, strict=True)
                          if value) if len(row) == len(header) else "; ".join(c for c in row if c))
            for i, row in kept[1:]
        ]  # fmt: skip
    return [(i, "; ".join(c for c in row if c)) for i, row in kept]


def page_offsets(
    paragraphs: Sequence[str], kept: Sequence[int], pages: Sequence[tuple[int, int]]
) -> tuple[int, ...]:
    """Where each page begins in the article text made of the kept paragraphs (indexes into
    paragraphs, in order) joined by PARAGRAPH_BREAK. A page whose text was all dropped begins
    where the next kept text begins (types.page_at reads these offsets)."""
    starts, at = {}, 0
    for i in kept:
        starts[i] = at
        at += len(paragraphs[i]) + len(PARAGRAPH_BREAK)
    end = max(0, at - len(PARAGRAPH_BREAK))
    out = []
    for paragraph, offset in pages:
        if paragraph in starts:
            out.append(starts[paragraph] + offset)
        else:  # dropped (a title, furniture): the page's text starts with the next kept one
            later = [starts[i] for i in kept if i > paragraph]
            out.append(later[0] if later else end)
    if out:
        out[0] = 0
    for n in range(1, len(out)):  # never decreasing, whatever was dropped
        out[n] = max(out[n], out[n - 1])
    return tuple(out)


_CELL_CHARS = 300  # a longer cell is a page laid out in a table, not a table of facts


def tables_as_rows(html: str) -> str:
    """The page with each data table (rows of short cells, no table inside) replaced by one
    paragraph per row, "Country: Kenya; Head of delegation: Daniel Mutua" under a header
    row, as Word and PDF tables read (document.table_rows); a page lxml cannot parse, or
    without tables, as it is."""
    if "<table" not in html.lower():
        return html
    import lxml.html

    try:
        root = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):  # empty or not a page
        return html
    changed = False
    for table in list(root.iter("table")):  # replaced as it goes: not a live iterator
        if table.find(".//table") is not None:
            continue
        rows = [
            [" ".join(cell.text_content().split()) for cell in tr if cell.tag in ("td", "th")]
            for tr in table.iter("tr")
        ]
        if len(rows) < 2 or any(len(c) > _CELL_CHARS for row in rows for c in row):
            continue
        block = lxml.html.Element("div")
        caption = table.find("caption")
        lines = [" ".join(caption.text_content().split())] if caption is not None else []
        for line in [*lines, *(line for _, line in table_rows(rows))]:
            if line:
                paragraph = lxml.html.Element("p")
                paragraph.text = line
                block.append(paragraph)
        block.tail = table.tail
        table.getparent().replace(table, block)
        changed = True
    return lxml.html.tostring(root, encoding="unicode") if changed else html
