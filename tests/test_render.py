"""What the page shows, without a server: the chat's Markdown made from an answer's claims,
the sources panel, escaping and the login setting (render.py, page.parse_auth)."""

from __future__ import annotations

import html

import pytest

from assistant.app.web import chat_markdown, claims_markdown, md_escape, parse_auth, render_sources
from assistant.errors import AssistantError


def test_parse_auth() -> None:
    assert parse_auth("") is None
    assert parse_auth("ann:se:cret") == ("ann", "se:cret")
    for bad in ("ann", ":x", "ann:"):
        with pytest.raises(AssistantError, match="USER:PASSWORD"):
            parse_auth(bad)


def test_markdown_escaping() -> None:
    assert md_escape("<img src=x onerror=alert(1)> [a](b) *x*") == (
        "&lt;img src=x onerror=alert(1)&gt; \\[a\\](b) \\*x\\*"
    )


def test_claims_become_markdown_with_their_citation_links() -> None:
    from assistant.types import Citation, Claim

    one = Citation(1, "day-1", "Day one", "2024-01-01", "Ana chaired *it*.", 0, 17)
    two = Citation(2, "day-2", "Day two", "2024-01-02", "Ben co-chaired.", 0, 15)
    listed = claims_markdown([Claim("Ana", (one,), 0.9), Claim("Ben", (two,), 0.8)], False)
    assert listed.splitlines() == [
        "- **Ana**: “Ana chaired \\*it\\*.” [\\[1\\]](#source-1)",
        "- **Ben**: “Ben co-chaired.” [\\[2\\]](#source-2)",
    ]
    said = claims_markdown([Claim("Ana chaired it.", (one, two), 0.9)], True, drafting=12)
    assert said == (
        "Ana chaired it [\\[1\\]](#source-1) [\\[2\\]](#source-2). _(writing… 12 tokens)_"
    )
    assert claims_markdown([], True, drafting=3) == "_(writing… 3 tokens)_"


def test_chat_markdown_links_the_citation(answerer) -> None:
    answer = answerer.ask("Who chaired the session on pharmaceutical drugs?")
    text = chat_markdown(answer)
    assert text.startswith("**K. Bangarurajan**") and "[\\[1\\]](#source-1)" in text
    assert text.rstrip().endswith("._")  # how many articles say so, in a line of its own
    refusal = chat_markdown(answerer.ask("What was the budget of the conference?"))
    assert refusal.startswith("**Not in the articles.**") and "budget" in refusal


def test_sources_panel_shows_the_quote_in_its_paragraph(answerer) -> None:
    answer = answerer.ask("Who chaired the session on pharmaceutical drugs?")
    cited = answer.citations[0]
    panel = render_sources(answer, answerer.threshold)
    assert f'id="source-{cited.n}"' in panel and "<mark>" in panel
    before = cited.paragraph[: cited.start - cited.paragraph_start]
    after = cited.paragraph[cited.end - cited.paragraph_start :]
    assert f"<p>{html.escape(before)}<mark>" in panel  # the paragraph around the quote
    assert f"</mark>{html.escape(after)}</p>" in panel
    assert "<b>K. Bangarurajan</b>" in panel  # the short answer, in bold inside the quote
    refusal = render_sources(answerer.ask("What was the budget of the conference?"))
    assert "Nearest passages" in refusal and "<mark>" not in refusal


def test_a_pdf_quote_says_its_page_in_the_json_the_terminal_and_the_sources_panel() -> None:
    from assistant.app.terminal import format_answer
    from assistant.text import PagedText
    from assistant.types import Answer, Citation, Claim

    text = PagedText("Page one text.\n\nThe forum was chaired by Admiral Karin Holmqvist.", [0, 16])
    start = text.index("The forum")
    cited = Citation.cut(1, "forum", "Forum opens", "2023-05-12", text, start, len(text))
    plain = Citation.cut(2, "notes", "Notes", "", "Plain text.", 0, 5)
    assert (cited.page, plain.page) == (2, None)
    assert cited.quote == text[start:] and type(cited.quote) is str
    claim = Claim("Karin Holmqvist", (cited, plain), 0.9)
    answer = Answer("Who chaired the forum?", "Who chaired the forum?", "...", (claim,), False,
                    0.9, ())  # fmt: skip
    assert [c["page"] for c in answer.as_dict()["citations"]] == [2, None]
    shown = format_answer(answer)
    assert '[1] Forum opens, 2023-05-12 (forum, p. 2): "The forum' in shown
    assert "[2] Notes, no date (notes): " in shown
    panel = render_sources(answer)
    assert "<code>forum</code> · p. 2</div>" in panel and "<code>notes</code></div>" in panel


def test_the_page_says_who_updated_the_index() -> None:
    import datetime as dt

    from assistant.app.web.render import synced_message
    from assistant.types import IndexReport

    ours = (dt.datetime(2024, 6, 3, 9, 0, tzinfo=dt.UTC), IndexReport(added=1, chunks=9), "b:7")
    shown = synced_message(ours, "b:7")
    assert shown.startswith("**Index updated** at ") and "synced: 1 added" in shown
    assert "another process" in synced_message(ours, "b:8")  # a later commit is not ours
    assert "another process" in synced_message(None, "b:8")
