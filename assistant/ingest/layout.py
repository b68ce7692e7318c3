"""A printed document's lines -> an article's paragraphs. Running headers and footers go (lines
repeated at the top or bottom of most pages, page numbers, the printing date and address a
browser adds); two-column pages are read column by column; paragraphs are rebuilt from the
layout (a line break inside a paragraph is not a paragraph break, across pages too); words
hyphenated at a line end are joined. Pure functions of positions and text: pdf.py reads the
lines, and tests can make them by hand.

Positions are PDF points with y growing up the page, as PDF has them.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    """One line of text as printed: its page (from 0), left and right ends, baseline, font size
    (in points on the page) and text (whitespace collapsed); `alone`: a paragraph by itself
    (a table's row, already read as one)."""

    page: int
    x0: float
    x1: float
    baseline: float
    size: float
    text: str
    alone: bool = False


@dataclass(frozen=True)
class Page:
    """A page's size (points) and its lines."""

    width: float
    height: float
    lines: tuple[Line, ...]


EDGE = 0.1  # share of the page height, at the top and at the bottom, where running lines live
_PAGE_NUMBER = re.compile(
    r"^(page|p\.|pg\.?)?\s*[-–—]?\s*\d{1,4}\s*[-–—]?(\s*(/|of)\s*\d{1,4})?$", re.IGNORECASE
)
# "12/1/26, 9:27 PM": the date and time a browser prints in the page header
_STAMP = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4},?\s+\d{1,2}:\d{2}", re.IGNORECASE)
_NUMERIC_DATE = re.compile(r"^\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}$")
# The page's address a browser prints in the footer, with "2/5" beside it
_URL = re.compile(r"^(https?://|file://|www\.)\S+(\s+\d{1,4}\s*/\s*\d{1,4})?$", re.IGNORECASE)
_ELLIPSIS = re.compile(r"(\s*(…|\.\.\.))+$")


def body_size(pages: Iterable[Page]) -> float:
    """The font size most of the text is set in (weighed by characters), away from the top
    and bottom edges where headers and footers are."""
    sizes: Counter[float] = Counter()
    edges: Counter[float] = Counter()
    for page in pages:
        edge = set(_edge_lines(page))
        for line in page.lines:
            (edges if line in edge else sizes)[round(line.size, 1)] += len(line.text)
    found = (sizes or edges).most_common(1)
    return found[0][0] if found else 0.0


def _edge_lines(page: Page) -> list[Line]:
    low, high = page.height * EDGE, page.height * (1 - EDGE)
    return [line for line in page.lines if line.baseline < low or line.baseline > high]


def _key(text: str) -> str:
    """Lines that differ only in their numbers are the same running line ("Page 3", "Page 4")."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _set_off(line: Line, page: Page, size: float) -> bool:
    """Whether a line stands apart from the text next to it (a running header or footer does):
    smaller type than the text's, or a gap of more than two lines to the nearest line towards
    the middle of the page."""
    if line.size < 0.92 * size:
        return True
    inward = [
        other.baseline
        for other in page.lines
        if other is not line
        and (other.baseline < line.baseline if line.baseline > page.height / 2
             else other.baseline > line.baseline)
    ]  # fmt: skip
    if not inward:
        return True
    gap = min(abs(line.baseline - b) for b in inward)
    return gap > 2.2 * line.size


def _is_stamp_or_number(line: Line, small: bool) -> bool:
    text = line.text.strip()
    if _PAGE_NUMBER.match(text) or _STAMP.match(text) or _URL.match(text):
        return True
    return small and bool(_NUMERIC_DATE.match(text))


def _is_title(line: Line, title: str, small: bool) -> bool:
    """The document's title printed small at the top or bottom (a browser's header), perhaps
    cut short with an ellipsis."""
    text = _ELLIPSIS.sub("", " ".join(line.text.split())).lower()
    return small and len(text) >= 8 and " ".join(title.split()).lower().startswith(text)


def running_lines(pages: list[Page], title: str = "") -> set[Line]:
    """The running headers and footers of a document: at the top or bottom of a page, set off
    from the text, and repeated on most pages (numbers aside), or a page number, a printing
    date or a web address, or the title printed small."""
    size = body_size(pages)
    candidates = [(page, line) for page in pages for line in _edge_lines(page)]
    candidates = [(page, line) for page, line in candidates if _set_off(line, page, size)]
    pages_with: Counter[str] = Counter()
    for key in {(line.page, _key(line.text)) for _, line in candidates}:
        pages_with[key[1]] += 1
    enough = max(2, math.ceil(0.5 * len(pages)))
    found = set()
    for _, line in candidates:
        small = line.size < 0.92 * size
        if (
            pages_with[_key(line.text)] >= enough
            or _is_stamp_or_number(line, small)
            or (title and _is_title(line, title, small))
        ):
            found.add(line)
    return found


# ---------------------------------------------------------------------------------------------
# Reading order


@dataclass
class Run:
    """Lines read one after the other: a column of a page ("left", "right") or a stretch of
    full-width text ("full"), on a page this wide."""

    side: str
    lines: list[Line]
    width: float = 0.0


def _columns(page: Page, lines: list[Line]) -> list[Run]:
    """The page's lines in reading order: on a two-column page, each band between lines that
    span both columns is read left column first, then right."""
    middle, slack = page.width / 2, page.width * 0.01
    by_height = sorted(lines, key=lambda line: (-round(line.baseline, 1), line.x0))
    left = [line for line in lines if line.x1 <= middle + slack]
    right = [line for line in lines if line.x0 >= middle - slack]
    if len(left) < 3 or len(right) < 3:
        return [Run("full", by_height, page.width)] if by_height else []
    runs: list[Run] = []
    band: dict[str, list[Line]] = {"left": [], "right": []}
    for line in by_height:
        if line.x1 <= middle + slack:
            band["left"].append(line)
        elif line.x0 >= middle - slack:
            band["right"].append(line)
        else:  # spans both columns: a headline or a full-width paragraph closes the band
            runs += [Run(side, band[side], page.width) for side in band if band[side]]
            band = {"left": [], "right": []}
            if runs and runs[-1].side == "full":
                runs[-1].lines.append(line)
            else:
                runs.append(Run("full", [line], page.width))
    runs += [Run(side, band[side], page.width) for side in band if band[side]]
    return runs


def reading_order(pages: list[Page], dropped: set[Line]) -> list[Run]:
    """Every page's lines but the dropped ones, in reading order."""
    runs = []
    for page in pages:
        kept = [line for line in page.lines if line not in dropped and line.text.strip()]
        runs.extend(_columns(page, kept))
    return runs


# ---------------------------------------------------------------------------------------------
# Paragraphs

_HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen (a browser's soft hyphen), non-breaking
_SOFT = "\u00ad\u0002"  # soft hyphen, and how some producers mark one
# Prefixes whose compounds keep their hyphen when a line breaks after it ("co-chaired").
_KEEP_HYPHEN = {"co", "self", "well", "non", "vice", "cross", "half"}
_WORD = re.compile(r"[\w\u2010\u2011-]+")


@dataclass(frozen=True)
class _Column:
    left: float
    right: float
    pitch: float  # the usual distance between baselines


def _right_edge(lines: list[Line]) -> float | None:
    """Where a column's full lines end: the furthest line end that another line also reaches
    (one long line alone may be a stray); None when no two lines agree."""
    ends = sorted((line.x1 for line in lines), reverse=True)
    size = statistics.median(line.size for line in lines) if lines else 0.0
    return next((a for a, b in itertools.pairwise(ends) if a - b < 0.5 * size), None)


def _measure(lines: list[Line], width: float = 0.0) -> _Column:
    """A column's edges and line spacing, over all its lines in the document. Without a
    right edge that lines agree on (a page of short lines), full-width text is taken to end
    as far from the page's edge as it starts. The spacing is the tighter spacing seen: the
    one inside paragraphs."""
    pitches = sorted(
        a.baseline - b.baseline
        for a, b in itertools.pairwise(lines)
        if abs(a.size - b.size) < 0.1 * a.size and a.baseline > b.baseline
    )
    left = sorted(line.x0 for line in lines)[len(lines) // 10]
    right = _right_edge(lines) or max(line.x1 for line in lines)
    if width and _right_edge(lines) is None:
        right = max(right, width * 0.95 - left)
    return _Column(left, right, pitches[len(pitches) // 4] if pitches else 0.0)


def _room_for_next_word(a: Line, b: Line, right: float) -> bool:
    """Whether the next line's first word would have fitted at the end of this one: then the
    line ended for a reason (a paragraph's end), not because it was full."""
    word = b.text.split()[0] if b.text.split() else ""
    width = (b.x1 - b.x0) / max(1, len(b.text)) * (len(word) + 1)
    return right - a.x1 > width + 0.5 * b.size


_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*$")


def _sentence_turn(a: Line, b: Line) -> bool:
    """Whether a sentence ends with line a and the next begins with line b."""
    return bool(_SENTENCE_END.search(a.text)) and b.text[:1].isupper()


def _breaks(
    a: Line, before: _Column, b: Line, column: _Column, same_run: bool, turns_break: bool = False
) -> bool:
    """Whether a paragraph ends between line a (in column before) and the next line b.
    turns_break: in this document, a sentence that ends at a line's end mostly ends its
    paragraph too (what decides at a page break when the layout cannot)."""
    if a.alone or b.alone:
        return True
    if abs(a.size - b.size) > 0.12 * max(a.size, b.size):
        return True  # a heading and its text
    if _room_for_next_word(a, b, before.right):
        return True
    if not same_run:  # a column or page break: the space between paragraphs is not seen
        return turns_break and _sentence_turn(a, b)
    if column.pitch and a.baseline - b.baseline > 1.35 * column.pitch:
        return True  # the space between paragraphs
    indent = b.x0 - column.left
    return 0.8 * b.size < indent < 5 * b.size and a.x0 - column.left < 0.5 * b.size


def _turns_break(runs: list[Run], columns: list[_Column]) -> bool:
    """Whether, inside this document's columns, most sentences that end at a line's end end a
    paragraph (needs a few to judge; without them, a page break does not split a paragraph)."""
    turns = [
        _breaks(a, column, b, column, True)
        for run, column in zip(runs, columns, strict=True)
        for a, b in itertools.pairwise(run.lines)
        if _sentence_turn(a, b)
    ]
    return len(turns) >= 4 and sum(turns) > len(turns) / 2


def _joined(before: str, after: str, words: set[str], hard_hyphens: bool) -> str:
    """before + after, where before ends a line and after starts the next one of a paragraph.
    hard_hyphens: a "-" at a line end is part of the word (browsers break lines after real
    hyphens only; their own hyphenation prints U+2010)."""
    if before[-1:] in _SOFT:
        return before[:-1] + after
    head = re.search(rf"(\w+)[{_HYPHENS}]$", before)
    if head is None:
        return f"{before} {after}"
    tail = re.match(r"[a-z]+", after)
    if tail is None:  # "Holmqvist-" + "Andersson", "COVID-" + "19"
        return before + after
    left, right = head.group(1), tail.group(0)
    if f"{left}-{right}".lower() in words:
        return before + after
    if (left + right).lower() in words:
        return before[:-1] + after
    if left.lower() in _KEEP_HYPHEN or (hard_hyphens and before[-1] == "-"):
        return before + after
    if left.isalpha() and (left.islower() or left.istitle()):
        return before[:-1] + after
    return before + after


def paragraphs(
    runs: list[Run], pages: int, hard_hyphens: bool = False
) -> tuple[list[str], list[tuple[int, int]]]:
    """Paragraphs from runs of lines in reading order, and where each of the pages begins:
    (paragraph index, offset in it); a page without text begins where the next text does."""
    words = {
        w.lower().replace("\u2010", "-").replace("\u2011", "-")
        for run in runs
        for line in run.lines
        for w in _WORD.findall(line.text)
    }
    sides = {
        side: _measure(
            [line for run in runs if run.side == side for line in run.lines],
            max(run.width for run in runs) if side == "full" else 0.0,
        )
        for side in {run.side for run in runs}
    }
    # each run's own right edge where its lines show it (margins may differ between pages),
    # and the spacing of the whole document's column (it does not change with the page)
    columns = [
        _Column(sides[run.side].left, _right_edge(run.lines) or sides[run.side].right,
                sides[run.side].pitch)
        for run in runs
    ]  # fmt: skip
    turns_break = _turns_break(runs, columns)
    out: list[str] = []
    starts: dict[int, tuple[int, int]] = {}
    current, at = "", 0
    previous: tuple[Line, _Column] | None = None
    for run, column in zip(runs, columns, strict=True):
        for i, line in enumerate(run.lines):
            text = " ".join(line.text.split())
            if previous and current and not _breaks(*previous, line, column, i > 0, turns_break):
                current = _joined(current, text, words, hard_hyphens)
                at = len(current) - len(text)
            else:
                if current:
                    out.append(current)
                current, at = text, 0
            starts.setdefault(line.page, (len(out), at))
            previous = (line, column)
    if current:
        out.append(current)
    begins, following = [], (len(out), 0)
    for page in reversed(range(pages)):
        following = starts.get(page, following)
        begins.append(following)
    return out, begins[::-1]
