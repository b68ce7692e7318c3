"""Corpus changes from the web page: checked by the loader, atomic, named in every error."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import CorpusError
from assistant.ingest import library
from assistant.ingest.corpus import load_corpus

from .conftest import write_article

LIMIT = 100_000


def corpus_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_safe_name_keeps_only_a_plain_file_name() -> None:
    assert library.safe_name("../../etc/passwd.md") == "passwd.md"
    assert library.safe_name(r"C:\Users\me\Day 2 (final).HTML") == "Day-2-final.html"
    assert library.safe_name(".hidden.md") == "hidden.md"
    assert library.safe_name("***.txt") == "article.txt"


def test_an_accepted_upload_lands_in_the_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    upload = write_article(tmp_path / "up", "gala.md", "Gala", "2021-05-01", "Jane Roe spoke.")
    article = library.add_file(corpus, upload, LIMIT)
    assert article.id == "gala" and article.title == "Gala" and article.date == "2021-05-01"
    assert (corpus / "gala.md").read_bytes() == upload.read_bytes()
    articles, skipped = load_corpus(corpus, LIMIT)
    assert [a.id for a in articles] == ["gala"] and not skipped


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.md", b"", "empty"),
        ("binary.txt", b"\x00\x01\x02PNG\x00" * 20, "binary"),
        ("odd.md", b"Title\n\nCaf\x81\x8d au lait \x90", "not UTF-8"),
        ("bad-front.md", b"---\ntitle: [unclosed\n---\n\nText.", "front matter"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported file type"),
    ],
)
def test_a_bad_upload_is_refused_with_its_name_and_the_corpus_is_untouched(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    corpus = tmp_path / "corpus"
    write_article(corpus, "kept.md", "Kept", "2020-01-01", "Kept text.")
    before = corpus_files(corpus)
    upload = tmp_path / "up" / name
    upload.parent.mkdir()
    upload.write_bytes(content)
    with pytest.raises(CorpusError) as caught:
        library.add_file(corpus, upload, LIMIT)
    assert name in str(caught.value) and reason.lower() in str(caught.value).lower()
    assert corpus_files(corpus) == before  # no half-written or hidden leftovers


def test_an_upload_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    upload = write_article(tmp_path, "big.md", "Big", "2020-01-01", "word " * 1000)
    with pytest.raises(CorpusError, match=r"big\.md: .* over the limit"):
        library.add_file(tmp_path / "corpus", upload, 1000)


def test_an_upload_may_not_shadow_another_article_id(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_article(corpus, "day-1.md", "Day one", "2020-02-13", "Text.")
    upload = tmp_path / "day-1.txt"
    upload.write_text("Day one again\n\nOther text.", encoding="utf-8")
    with pytest.raises(CorpusError, match="same article id"):
        library.add_file(corpus, upload, LIMIT)


def test_an_upload_of_the_same_name_replaces_the_article(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_article(corpus, "gala.md", "Gala", "2021-05-01", "Old text.")
    upload = write_article(tmp_path / "up", "gala.md", "Gala", "2021-05-01", "New text.")
    library.add_file(corpus, upload, LIMIT)
    assert "New text." in (corpus / "gala.md").read_text(encoding="utf-8")


def test_pasted_text_becomes_a_markdown_article_with_front_matter(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    title = 'Gala: "night" <b>one</b>'
    first = library.add_text(corpus, title, "3 March 2021", "Jane Roe spoke.", LIMIT)
    second = library.add_text(corpus, title, "", "Another text.", LIMIT)
    assert first.id == "gala-night-b-one-b" and second.id == "gala-night-b-one-b-2"
    assert first.title == title and first.date == "2021-03-03" and second.date == ""
    articles, skipped = load_corpus(corpus, LIMIT)
    assert {a.title for a in articles} == {title} and not skipped


@pytest.mark.parametrize(
    ("title", "date", "text", "message"),
    [
        ("", "", "Text.", "give it a title"),
        ("Title", "", "   ", "text is empty"),
        ("Title", "someday", "Text.", "not a date"),
    ],
)
def test_bad_pasted_text_is_refused(
    tmp_path: Path, title: str, date: str, text: str, message: str
) -> None:
    with pytest.raises(CorpusError, match=message):
        library.add_text(tmp_path / "corpus", title, date, text, LIMIT)
    assert not (tmp_path / "corpus").exists() or not any((tmp_path / "corpus").iterdir())


def test_delete_removes_only_that_article(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_article(corpus, "a.md", "A", "2020-01-01", "Text A.")
    write_article(corpus, "sub/b.md", "B", "2020-01-01", "Text B.")
    assert library.delete_article(corpus, "sub/b") == corpus / "sub" / "b.md"
    assert [p.name for p in corpus.rglob("*.md")] == ["a.md"]
    with pytest.raises(CorpusError, match="no article 'sub/b'"):
        library.delete_article(corpus, "sub/b")
    with pytest.raises(CorpusError, match="no article"):
        library.delete_article(corpus, "../a")


def test_a_word_upload_is_checked_under_its_own_name_and_leaves_no_temporary_files(
    tmp_path: Path,
) -> None:
    import docx

    from .documents import write_docx

    corpus = tmp_path / "corpus"
    (tmp_path / "up").mkdir()
    upload = write_docx(tmp_path / "up" / "minutes.docx")
    article = library.add_file(corpus, upload, LIMIT)
    assert (article.id, article.title) == ("minutes", "Minutes of the Baltic Port Security Forum")
    untitled = docx.Document()
    untitled.add_paragraph("Delegates met in Riga to discuss port security in the region.")
    untitled.save(str(tmp_path / "up" / "riga_notes.docx"))
    # one paragraph of prose: the title comes from the file's name, not a temporary one
    assert library.add_file(corpus, tmp_path / "up" / "riga_notes.docx", LIMIT).title == (
        "Riga notes"
    )
    (tmp_path / "up" / "bad.pdf").write_bytes(b"%PDF-1.7\n" + bytes(100))
    with pytest.raises(CorpusError, match=r"bad.pdf: truncated PDF .*nothing was added"):
        library.add_file(corpus, tmp_path / "up" / "bad.pdf", LIMIT)
    assert sorted(p.name for p in corpus.iterdir()) == ["minutes.docx", "riga_notes.docx"]


def test_names_in_any_script_stay_and_a_cleaned_name_never_replaces_another_file(
    tmp_path: Path,
) -> None:
    import os

    assert library.safe_name("Доклад о сессии.pdf") == "Доклад-о-сессии.pdf"
    assert library.safe_name("议程.docx") == "议程.docx"
    corpus = tmp_path / "corpus"
    write_article(corpus, "day-one.md", "Day one", "2020-02-13", "The first text.")
    upload = write_article(tmp_path / "up", "day one.md", "Day one, again", "", "Other text.")
    article = library.add_file(corpus, upload, LIMIT)
    assert article.id == "day-one-2"
    assert "The first text." in (corpus / "day-one.md").read_text(encoding="utf-8")
    stale, fresh = corpus / ".upload-stale", corpus / ".upload-live"
    stale.mkdir()
    fresh.mkdir()
    os.utime(stale, (1, 1))  # left by a process that died long ago
    library.add_file(corpus, write_article(tmp_path / "up", "gala.md", "Gala", "", "Hi."), LIMIT)
    assert not stale.exists() and fresh.exists()  # an upload in progress elsewhere is kept
