"""What the page shows, without a server: the chat's Markdown, the sources panel, escaping,
streaming pieces and the login setting (render.py, page.parse_auth)."""

from __future__ import annotations

import html
import itertools

import pytest

from assistant.app.web import chat_markdown, md_escape, parse_auth, render_sources, stream_pieces
from assistant.errors import AssistantError


def test_parse_auth() -> None:
    assert parse_auth("") is None
    assert parse_auth("ann:se:cret") == ("ann", "se:cret")
    for bad in ("ann", ":x", "ann:"):
        with pytest.raises(AssistantError, match="USER:PASSWORD"):
            parse_auth(bad)


def test_markdown_escaping_and_streaming_pieces() -> None:
    assert md_escape("<img src=x onerror=alert(1)> [a](b) *x*") == (
        "&lt;img src=x onerror=alert(1)&gt; \\[a\\](b) \\*x\\*"
    )
    pieces = list(stream_pieces("one two three four five six seven"))
    assert pieces[-1] == "one two three four five six seven"
    assert pieces[0] == "one two three" and len(pieces) == 3
    assert all(b.startswith(a) for a, b in itertools.pairwise(pieces))


def test_chat_markdown_links_the_citation(answerer) -> None:
    answer = answerer.ask("Who chaired the session on pharmaceutical drugs?")
    text = chat_markdown(answer)
    assert text.startswith("**K. Bangarurajan**") and text.endswith("[\\[1\\]](#source-1)")
    refusal = chat_markdown(answerer.ask("What was the budget of the conference?"))
    assert refusal.startswith("**Not in the articles.**") and "budget" in refusal


def test_sources_panel_shows_the_quote_in_its_paragraph(answerer) -> None:
    answer = answerer.ask("Who chaired the session on pharmaceutical drugs?")
    [cited] = answer.citations
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
    from assistant.types import Answer, Citation

    text = PagedText("Page one text.\n\nThe forum was chaired by Admiral Karin Holmqvist.", [0, 16])
    start = text.index("The forum")
    cited = Citation.cut(1, "forum", "Forum opens", "2023-05-12", text, start, len(text))
    plain = Citation.cut(2, "notes", "Notes", "", "Plain text.", 0, 5)
    assert (cited.page, plain.page) == (2, None)
    assert cited.quote == text[start:] and type(cited.quote) is str
    answer = Answer("Who chaired the forum?", "Who chaired the forum?", "...", "Karin Holmqvist",
                    False, 0.9, (cited, plain), ())  # fmt: skip
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
