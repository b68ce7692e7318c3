"""Word files (.docx) -> Documents with python-docx: headings and paragraphs in order, and each
table row as a paragraph of "header: value" pairs; title and date from the document's
properties when it has them. Page headers and footers are not part of the body and are left
out."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

from assistant.ingest.document import Document, Unusable, table_rows

_TEMPLATE_CREATED = dt.datetime(2013, 12, 23, 23, 15, tzinfo=dt.UTC)


def read_docx(path: Path) -> Document:
    """The document's paragraphs (tables as text), title and date; Unusable says why not."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(path):
        raise Unusable(
            "not a Word file (.docx is a zip package; this is not one: an old .doc, or a "
            "password-protected document? save it as .docx without a password)"
        )
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise Unusable(f"not a Word file ({_short(exc)})") from None
    except Exception as exc:  # lxml's and zipfile's own errors: a damaged package
        raise Unusable(f"damaged Word file ({type(exc).__name__}: {_short(exc)})") from None
    paragraphs: list[str] = []
    styled_title = ""
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            paragraphs += _table_rows(block)
            continue
        text = _clean(block.text)
        if not text:
            continue
        if not styled_title and (block.style is not None and block.style.name == "Title"):
            styled_title = text
        paragraphs.append(text)
    properties = document.core_properties
    title = _clean(properties.title or "") or styled_title
    created = properties.created
    # python-docx's blank template carries its own creation date: not the document's
    blank = created == _TEMPLATE_CREATED and properties.author == "python-docx"
    date = created.date().isoformat() if created and not blank else ""
    return Document(paragraphs, title, date, dateline_first=True)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _short(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160] or type(exc).__name__


def _cells(row: Any) -> list[str]:
    """A row's cell texts; a merged cell (repeated by python-docx) counts once."""
    out: list[str] = []
    previous = None
    for cell in row.cells:
        if cell._tc is previous:
            continue
        previous = cell._tc
        out.append(_clean(cell.text))
    return out


def _table_rows(table: Any) -> list[str]:
    """Each row of a table as one paragraph (document.table_rows)."""
    return [text for _, text in table_rows([_cells(row) for row in table.rows])]
