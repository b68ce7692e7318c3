"""Printed pages -> paragraphs, on lines made by hand (no PDF): running headers and footers,
page numbers, columns, paragraphs across pages, words broken at a line end. The same code on
real PDFs printed by Chromium is in test_documents.py."""

from __future__ import annotations

from assistant.ingest.document import page_offsets
from assistant.ingest.layout import Line, Page, paragraphs, reading_order, running_lines
from assistant.types import join_paragraphs, page_at

CHAR = 6.0  # a character's width at 12 pt, near enough
RIGHT = 36 + 90 * CHAR  # a full line of 90 characters ends here


def line(page: int, baseline: float, text: str, x0: float = 36, size: float = 12) -> Line:
    return Line(page, x0, x0 + len(text) * CHAR * size / 12, baseline, size, text)


def full(page: int, baseline: float, words: str) -> Line:
    """A line that fills the column (justified)."""
    return Line(page, 36, RIGHT, baseline, 12, words)


def read(pages: list[Page], title: str = "", hard: bool = False) -> tuple[list[str], list]:
    dropped = running_lines(pages, title)
    return paragraphs(reading_order(pages, dropped), len(pages), hard_hyphens=hard)


def browser_furniture(page: int, pages: int, title: str) -> list[Line]:
    """What Chromium prints on every page: date and title on top, address and n/N below."""
    return [
        line(page, 770, "12/1/26, 9:27 PM", x0=24, size=8),
        line(page, 770, title, x0=250, size=8),
        line(page, 17, "file:///tmp/article.html", x0=24, size=8),
        line(page, 17, f"{page + 1}/{pages}", x0=576, size=8),
    ]


def test_a_paragraph_across_a_page_break_is_one_paragraph_without_the_furniture() -> None:
    title = "Harbour summit closes"
    first = Page(612, 792, tuple([
        *browser_furniture(0, 2, title),
        line(0, 726, title, size=24),
        full(0, 690, "The harbour summit was chaired by Admiral Nimal Perera, who told the"),
        full(0, 676, "delegates that container scanning had doubled since the last meeting and"),
    ]))  # fmt: skip
    second = Page(612, 792, tuple([
        *browser_furniture(1, 2, title),
        line(1, 740, "that ports would share their records within forty-eight hours."),
        line(1, 712, "A second paragraph follows after the space between paragraphs."),
    ]))  # fmt: skip
    texts, pages = read([first, second], title)
    assert texts == [
        title,
        "The harbour summit was chaired by Admiral Nimal Perera, who told the delegates that "
        "container scanning had doubled since the last meeting and that ports would share "
        "their records within forty-eight hours.",
        "A second paragraph follows after the space between paragraphs.",
    ]
    assert pages == [(0, 0), (1, texts[1].index("that ports"))]
    body = join_paragraphs(texts)
    for furniture in ("9:27", "file://", "1/2", "2/2"):
        assert furniture not in body
    offsets = page_offsets(texts, [1, 2], pages)  # the title paragraph dropped
    text = join_paragraphs(texts[1:])
    assert page_at(offsets, text.index("Admiral")) == 1
    assert page_at(offsets, text.index("that ports")) == 2
    assert page_at(offsets, text.index("A second")) == 2


def test_running_headers_and_page_numbers_go_but_repeated_body_lines_stay() -> None:
    pages = []
    for n in range(4):
        pages.append(Page(612, 792, (
            line(n, 760, "Proceedings of the Ports Forum 2023", size=9),
            line(n, 740, "Session report continues here with text."),  # body: not set off
            full(n, 726, "Session report text that fills the whole of its line on every page"),
            line(n, 712, "and ends here."),
            line(n, 30, f"Page {n + 1} of 4", x0=280, size=9),
        )))  # fmt: skip
    texts, _ = read(pages)
    body = " ".join(texts)
    assert "Proceedings of the Ports Forum" not in body and "Page " not in body
    assert body.count("Session report continues here") == 4


def test_a_single_page_keeps_its_headline_and_loses_the_browser_lines() -> None:
    title = "Gala night in Colombo"
    page = Page(612, 792, tuple([
        *browser_furniture(0, 1, title),
        line(0, 726, title, size=24),
        line(0, 690, "The gala was opened by Mayor Jane Roe."),
    ]))  # fmt: skip
    texts, _ = read([page], title)
    assert texts == [title, "The gala was opened by Mayor Jane Roe."]


def test_two_columns_are_read_one_after_the_other() -> None:
    left = [line(0, 700 - 14 * i, f"Left column line {i} ends near the gutter.") for i in range(4)]
    right = [
        line(0, 700 - 14 * i, f"Right column line {i} ends near the edge.", x0=320)
        for i in range(4)
    ]
    # drawn row by row, as some producers do: reading order must still be column by column
    rows = [item for pair in zip(left, right, strict=True) for item in pair]
    heading = Line(0, 36, 560, 740, 20, "A headline across both columns")
    texts, _ = read([Page(612, 792, (heading, *rows))])
    joined = " ".join(texts)
    assert texts[0] == "A headline across both columns"
    assert joined.index("Left column line 3") < joined.index("Right column line 0")


def test_line_end_hyphens() -> None:
    def two_lines(first: str, second: str, hard: bool = False) -> str:
        page = Page(612, 792, (full(0, 700, first), line(0, 686, second)))
        return read([page], hard=hard)[0][0]

    assert two_lines("the intergovern\u2010", "mental arrangements") == (
        "the intergovernmental arrangements"
    )
    assert two_lines("the dis\u00ad", "cussion") == "the discussion"
    assert (
        two_lines("the session was co-", "chaired by Nepal")
        == "the session was co-chaired by Nepal"
    )
    assert two_lines("delegates from Inter-", "pol attended") == "delegates from Interpol attended"
    assert two_lines("measures against COVID-", "19 were") == "measures against COVID-19 were"
    assert two_lines("Admiral Karin Holmqvist-", "Andersson spoke") == (
        "Admiral Karin Holmqvist-Andersson spoke"
    )
    # a browser breaks lines after real hyphens only
    assert two_lines("within forty-", "eight hours", hard=True) == "within forty-eight hours"
    assert two_lines("within forty-", "eight hours") == "within fortyeight hours"
    # the document's own spelling decides
    evidence = Page(612, 792, (
        full(0, 700, "within forty-"), line(0, 686, "eight hours, and forty-eight more."),
    ))  # fmt: skip
    assert read([evidence])[0][0] == "within forty-eight hours, and forty-eight more."


def test_a_page_without_text_begins_where_the_next_text_does() -> None:
    pages = [
        Page(612, 792, (line(0, 700, "First page text."),)),
        Page(612, 792, ()),
        Page(612, 792, (line(2, 700, "The third page has its own text."),)),
    ]
    texts, starts = read(pages)
    assert texts == ["First page text.", "The third page has its own text."]
    assert starts == [(0, 0), (1, 0), (1, 0)]
    offsets = page_offsets(texts, [0, 1], starts)
    assert page_at(offsets, join_paragraphs(texts).index("The third")) == 3


def test_a_page_break_after_a_full_line_ending_a_sentence_ends_the_paragraph() -> None:
    """When the layout cannot tell (no room to measure, no space seen across the break), the
    document's own habit decides: here sentences that end a line end their paragraph."""

    def paragraph(page: int, top: float, ends: str) -> list[Line]:
        return [full(page, top, "A line of a paragraph that fills the column to its edge"),
                line(page, top - 14, f"and ends {ends}.")]  # fmt: skip

    body = [item for n in range(5) for item in paragraph(0, 700 - 40 * n, f"here {n}")]
    first = Page(612, 792, (*body, full(0, 480, "The last paragraph of the page ends full.")))
    second = Page(612, 792, (line(1, 700, "The next page begins a new paragraph."),))
    texts, _ = read([first, second])
    assert texts[-2:] == ["The last paragraph of the page ends full.",
                          "The next page begins a new paragraph."]  # fmt: skip
    cut = Page(612, 792, (*body, full(0, 480, "A sentence that runs on to the")))
    texts, _ = read([cut, Page(612, 792, (line(1, 700, "next page and ends there."),))])
    assert texts[-1] == "A sentence that runs on to the next page and ends there."
