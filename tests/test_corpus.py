from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest.corpus import load_article, load_corpus
from assistant.ingest.dates import find_date
from assistant.ingest.furniture import furniture_kind, strip_furniture

from .conftest import DATA, ROOT

LIMIT = 1_000_000


def load_one(path: Path) -> object:
    return load_article(path, path.stem, LIMIT)


def test_markdown_with_front_matter(tmp_path: Path) -> None:
    article = load_one(ROOT / "corpus" / "day-2.md")
    assert article.title.startswith("BIMSTEC drug trafficking conference, day 2")
    assert article.date == "2020-02-14"
    assert article.source.startswith("Sample corpus")
    assert "K. Bangarurajan" in article.text
    assert not article.text.startswith("---")


def test_text_without_front_matter_takes_title_and_date_from_text() -> None:
    article = load_one(DATA / "sites" / "harbour_wire.txt")
    assert article.title == "Port officials meet in Colombo to curb container smuggling"
    assert article.date == "2021-03-03"  # "3 March 2021" in the first paragraph
    assert article.text.startswith("Colombo: Customs chiefs")


def test_html_main_text_title_and_date_without_scripts() -> None:
    article = load_one(DATA / "sites" / "metro_portal.html")
    assert article.title == "City council debates transit budget"
    assert article.date == "2024-04-02"
    assert "chaired by Councillor J. R. Mensah" in article.text
    assert "Residents can send comments" in article.text
    for junk in ("alert", "tracker", "Home |", "Share on", "Also read", "Instagram", "Copyright"):
        assert junk not in article.text


@pytest.mark.parametrize(
    ("name", "kept_last", "gone"),
    [
        (
            "harbour_wire.txt",
            "within 24 hours.",
            [
                "Also read",
                "Follow Harbour",
                "Subscribe",
                "Success!",
                "HW Desk",
                "Daily stories",
                "feedback",
            ],
        ),
        (
            "valley_times.txt",
            "across the valley.",
            ["Share this article", "READ MORE", "newsletter", "Thanks for signing", "©"],
        ),
        (
            "tidewater_blog.md",
            "before March.",
            ["Related:", "About the author", "Priya Raman", "Tags:", "# Notes"],
        ),
    ],
)
def test_site_furniture_is_stripped_and_article_text_kept(
    name: str, kept_last: str, gone: list[str]
) -> None:
    article = load_one(DATA / "sites" / name)
    assert article.text.endswith(kept_last)
    for fragment in gone:
        assert fragment not in article.text, fragment


def test_article_sentences_that_look_like_furniture_are_kept() -> None:
    text = load_one(DATA / "sites" / "valley_times.txt").text
    assert "Follow-up meetings on Telegram channels were proposed" in text


@pytest.mark.parametrize(
    "line",
    [
        "Also read: Ten things to know about the summit",
        "Read more >> Ports brace for storm season",
        "Follow us on Twitter and LinkedIn",
        "Like The Daily Post on Facebook",
        "Subscribe to our newsletter to get stories in your inbox.",
        "Success! You're on the list.",
        "Thank you for subscribing!",
        "About the author",
        "Click here to comment",
        "© 2020 Some Site",
        "Tags: drugs, policy",
    ],
)
def test_furniture_patterns(line: str) -> None:
    assert furniture_kind(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "The session was chaired by K. Bangarurajan, Joint Drug Controller General of India.",
        "Officials said traffickers now follow buyers on Telegram and other apps to sell drugs.",
        "Delegates agreed to share data on seizures with the secretariat every month.",
        "Related concerns about ketamine were raised by the co-chairs.",
    ],
)
def test_article_sentences_are_not_furniture(line: str) -> None:
    assert furniture_kind(line) is None


def test_short_closing_paragraph_survives_without_a_footer() -> None:
    paragraphs = ["A long opening paragraph about the meeting and who chaired it.", "It ended."]
    assert strip_furniture(paragraphs) == paragraphs


def test_find_date_formats() -> None:
    assert find_date("held on 14 February 2020 in Delhi") == "2020-02-14"
    assert find_date("On February 14, 2020, delegates met") == "2020-02-14"
    assert find_date("dated 2020-02-13.") == "2020-02-13"
    assert find_date("on 31 February 2020") == ""
    assert find_date("no date here") == ""


def test_an_article_is_dated_at_its_top_not_by_a_date_further_down() -> None:
    from assistant.ingest.dates import article_date

    wire = ("Election bodies sign declaration\n\nWINDHOEK, Sept 17 (Meridian) - Commissions "
            "met from 14 to 17 September 2026.\n\n" + "More text. " * 60
            + "She will succeed Solheim on Jan. 1, 2027.")  # fmt: skip
    assert article_date(wire) == "2026-09-17"  # the dateline's day, the year its month's date
    assert article_date(wire.replace("from 14 to 17 September 2026", "this week")) == ""
    assert article_date("Dhaka, 14 February 2020 - Ministers met.") == "2020-02-14"
    # a Word or PDF file without a date at its top or in its properties: none, not the day a
    # president-elect takes office further down
    from assistant.ingest.corpus import _article_date
    from assistant.ingest.document import Document

    release = ("PRESS RELEASE\n\nSANKT ARLEN, Austria - The congress closed on Friday.\n\n"
               + "More text. " * 60 + "She will take office on 1 January 2026.")  # fmt: skip
    assert _article_date(Document([release], "", "", dateline_first=True), release) == ""


def test_the_corpus_walk_keeps_its_order_skips_hidden_and_linked_folders(tmp_path: Path) -> None:
    from assistant.ingest.walk import article_id_for, iter_corpus_files

    for name in ["a.md", "a/b.md", "a/.drafts/x.md", ".hidden.md", "B.txt", "a/c/d.tar.md",
                 "z.md", "a b/e.md"]:  # fmt: skip
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "linked").symlink_to(tmp_path / "a", target_is_directory=True)
    found = list(iter_corpus_files(tmp_path))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "B.txt", "a/b.md", "a/c/d.tar.md", "a b/e.md", "a.md", "z.md"]  # fmt: skip
    assert [article_id_for(p, tmp_path) for p in found] == [
        "B", "a/b", "a/c/d.tar", "a b/e", "a", "z"]  # fmt: skip
    # the walk's path strings give the suffix and id pathlib gives
    from assistant.ingest.walk import suffix_of

    for name in ["a.md", "a/c/d.tar.md", "notes.", "x/.profile", "README", "a.b/c"]:
        assert suffix_of(str(tmp_path / name)) == Path(name).suffix, name
        assert article_id_for(str(tmp_path / name), tmp_path) == article_id_for(
            tmp_path / name, tmp_path
        )


BAD_FILES = [
    ("empty.md", b"", "empty file"),
    ("blank.txt", b"   \n\n  ", "empty file"),
    ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary"),
    ("latin.txt", b"Title\n\nCaf\x81 \x8d \x90 text with undefined bytes", "not UTF-8"),
    ("badyaml.md", b"---\ntitle: [unclosed\ndate: 2020\n---\n\nBody text.", "not valid YAML"),
    ("unclosed.md", b"---\ntitle: x\n\nBody text without a closing line.", "no closing"),
    ("listyaml.md", b"---\n- a\n- b\n---\n\nBody text.", "key: value"),
    ("baddate.md", b"---\ntitle: x\ndate: someday\n---\n\nBody text.", "not a date"),
    ("onlytitle.md", b"---\ntitle: x\n---\n\n", "no article text"),
    ("footer.txt", b"Headline\n\nFollow us on Twitter for updates.", "no article text"),
    ("slides.pdf", b"%PDF-1.4\n1 0 obj", "truncated PDF"),
    ("renamed.pdf", b"Minutes of the meeting, not a PDF.", "not a PDF"),
    ("empty.pdf", b"", "empty file"),
    ("notes.docx", b"Minutes of the meeting, not a Word file.", "not a Word file"),
    ("sheet.xlsx", b"PK\x03\x04", "unsupported file type"),
]


def test_bad_files_are_skipped_with_a_reason_and_the_rest_loads(tmp_path: Path) -> None:
    for name, data, _ in BAD_FILES:
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.md").write_text("---\ntitle: Good\n---\n\nA real sentence.\n")
    (tmp_path / "questions.yaml").write_text("cases: []\n")  # not an article, not reported
    (tmp_path / ".hidden.md").write_text("secret")
    articles, skipped = load_corpus(tmp_path, LIMIT)
    assert [a.id for a in articles] == ["good"]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert set(reasons) == {name for name, _, _ in BAD_FILES}
    for name, _, expected in BAD_FILES:
        assert expected in reasons[name], (name, reasons[name])


def test_windows_1252_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "cp.txt"
    path.write_bytes(
        "Caf\u00e9 summit\n\nDelegates met at the caf\u00e9 \u2014 briefly.".encode("cp1252")
    )
    assert "caf\u00e9 \u2014 briefly" in load_one(path).text


def test_size_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("Title\n\n" + "word " * 400)
    articles, skipped = load_corpus(tmp_path, max_bytes=1000)
    assert not articles
    assert "over the limit of 1,000" in skipped[0].reason


def test_article_ids_are_paths_without_extension_and_duplicates_are_refused(tmp_path: Path) -> None:
    (tmp_path / "2020").mkdir()
    (tmp_path / "2020" / "day-1.md").write_text("Title one\n\nText one.")
    (tmp_path / "2020" / "day-1.txt").write_text("Title two\n\nText two.")
    articles, skipped = load_corpus(tmp_path, LIMIT)
    assert [a.id for a in articles] == ["2020/day-1"]
    assert "same article id '2020/day-1'" in skipped[0].reason


def test_content_hash_changes_with_content_only(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: A\n---\n\nSome text.\n")
    first = load_one(path).content_hash
    path.write_text("---\ntitle: A\n---\n\n\nSome   text.\n")  # same after cleaning
    assert load_one(path).content_hash == first
    path.write_text("---\ntitle: A\n---\n\nOther text.\n")
    assert load_one(path).content_hash != first


def test_missing_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "nope", LIMIT)


def test_a_one_paragraph_note_keeps_its_text_and_takes_the_title_from_its_name(
    tmp_path: Path,
) -> None:
    note = tmp_path / "short_note.txt"
    note.write_bytes("Le délégué a présenté le rapport de la session à Genève.".encode("latin-1"))
    article = load_article(note, "short_note", 10_000)
    assert article.text == "Le délégué a présenté le rapport de la session à Genève."
    assert article.title == "Short note"


def test_an_article_with_the_same_text_as_another_is_reported_as_a_duplicate(
    tmp_path: Path,
) -> None:
    body = "The forum opened in Accra.\n\nIt was chaired by Ama Mensah."
    (tmp_path / "a.md").write_text(f"---\ntitle: Forum\n---\n\n{body}\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text(f"Forum opens\n\n{body}\n", encoding="utf-8")
    (tmp_path / "c.md").write_text(
        "---\ntitle: Other\n---\n\nA different text.\n", encoding="utf-8"
    )
    articles, skipped = load_corpus(tmp_path, 10_000)
    assert sorted(a.id for a in articles) == ["a", "c"]
    assert [(Path(s.path).name, s.reason) for s in skipped] == [
        ("b.txt", f"duplicate: the same text as {tmp_path / 'a.md'}")
    ]
    # an unchanged file is taken from the manifest with the key its record keeps (not made
    # again from its text): a copy of it is still told
    import os

    from assistant.ingest.corpus import text_key

    a = next(x for x in articles if x.id == "a")
    info = os.stat(tmp_path / "a.md")
    record = {"path": str(tmp_path / "a.md"), "title": a.title, "date": a.date,
              "source": a.source, "content_hash": a.content_hash, "size": info.st_size,
              "mtime_ns": info.st_mtime_ns, "text_key": text_key(a.text)}  # fmt: skip
    manifest = {"articles": {"a": record}, "texts": {"a": a.text}}
    articles, skipped = load_corpus(tmp_path, 10_000, manifest)
    assert sorted(x.id for x in articles) == ["a", "c"] and len(skipped) == 1
    record["text_key"] = "made up"  # proves the record's key is the one used
    articles, skipped = load_corpus(tmp_path, 10_000, manifest)
    assert sorted(x.id for x in articles) == ["a", "b", "c"] and not skipped


def test_list_items_are_paragraphs_and_web_page_tables_read_as_rows(tmp_path: Path) -> None:
    note = tmp_path / "note.md"
    note.write_text(
        "---\ntitle: Delegations\ndate: 2026-05-03\n---\n\nThe heads of delegation were:\n"
        "- Country: Bolivia; Head of delegation: Julián Mamani\n"
        "- Country: Ecuador; Head of delegation: Verónica\n  Andrade\n"
        "1. The first item keeps its number\n",
        encoding="utf-8",
    )
    paragraphs = load_one(note).text.split("\n\n")
    assert paragraphs == [
        "The heads of delegation were:",
        "Country: Bolivia; Head of delegation: Julián Mamani",
        "Country: Ecuador; Head of delegation: Verónica Andrade",
        "1. The first item keeps its number",
    ]
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Talks close</title></head><body><article><h1>Talks close</h1>"
        "<p>Ministers from three countries closed their talks on water on Friday in Apia "
        "after two days of debate about groundwater.</p>"
        "<table><caption>Heads of delegation</caption><tr><th>Country</th><th>Head</th></tr>"
        "<tr><td>Samoa</td><td>Fiame Naomi Mata'afa</td></tr>"
        "<tr><td>Tonga</td><td>Hu'akavameiliku</td></tr></table>"
        "<p>They will meet again next year in Nuku'alofa to review the plan.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    text = load_one(page).text
    assert "Country: Samoa; Head: Fiame Naomi Mata'afa" in text.split("\n\n")
    assert "Country: Tonga; Head: Hu'akavameiliku" in text.split("\n\n")
