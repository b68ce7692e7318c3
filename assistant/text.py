"""An article's text as the index keeps it: paragraphs joined by one blank line, and, for a
paged document (PDF), where each page begins (standard library only)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

PARAGRAPH_BREAK = "\n\n"  # an article's paragraphs are joined by one blank line; nothing else


def join_paragraphs(paragraphs: list[str]) -> str:
    """An article's text from its paragraphs (each one line)."""
    return PARAGRAPH_BREAK.join(paragraphs)


def paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the paragraph of an article's text that holds text[start:end]."""
    before = text.rfind(PARAGRAPH_BREAK, 0, start)
    after = text.find(PARAGRAPH_BREAK, end)
    return (0 if before < 0 else before + len(PARAGRAPH_BREAK)), (len(text) if after < 0 else after)


_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]+)*")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each blank-line separated paragraph."""
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text) if m.group().strip()]


def same_paragraph(text: str, end: int, start: int) -> bool:
    """Whether nothing between text[:end] and text[start:] breaks a paragraph."""
    return "\n" not in text[end:start]


def page_at(pages: Sequence[int], offset: int) -> int | None:
    """The page (from 1) holding the character at offset, from the offsets where each page
    begins; None for a text without pages."""
    return bisect_right(pages, offset) if pages else None


class PagedText(str):
    """An article's text that knows where its pages begin (`pages`, offsets into it) and which
    of them were read by OCR (`scanned`, from 1): what a snapshot hands out for a PDF article,
    so a citation cut from it can say its page."""

    pages: tuple[int, ...]
    scanned: tuple[int, ...]

    def __new__(cls, text: str, pages: Sequence[int], scanned: Sequence[int] = ()) -> PagedText:
        made = super().__new__(cls, text)
        made.pages = tuple(pages)
        made.scanned = tuple(scanned)
        return made
