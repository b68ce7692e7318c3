"""Files in the corpus folder -> cleaned Articles (front matter, site furniture, content hash).

Supported: Markdown and plain text (optional YAML front matter), HTML (via trafilatura), PDF
(pdf.py) and Word (word.py). A file that cannot be used is reported as Skipped with a one-line
reason; loading goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from assistant.ingest.dates import article_date, find_date, normalise_date
from assistant.ingest.document import Document, page_offsets, tables_as_rows
from assistant.ingest.document import Unusable as _Unusable
from assistant.ingest.furniture import article_paragraphs
from assistant.ingest.ocr import PageProgress
from assistant.ingest.walk import article_id_for, corpus_files, suffix_of
from assistant.types import Article, Skipped, join_paragraphs

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}
WORD_SUFFIXES = {".docx"}
DOCUMENT_SUFFIXES = PDF_SUFFIXES | WORD_SUFFIXES  # read as files, not as text
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCUMENT_SUFFIXES
# Files that live in the corpus folder but are not articles (question sets, notes to self).
IGNORED_SUFFIXES = {".yaml", ".yml", ".json"}
MAX_DOCUMENT_BYTES = 50_000_000  # PDF and Word files: fonts and pictures make them large
FORMATS = ".md, .txt, .html, .pdf or .docx"


class TooBig(ValueError):
    """A file, or its text, over a size limit: a setting decides, not a bad copy."""


def unsupported(suffix: str) -> str:
    """The reason a file of this type is not read."""
    return f"unsupported file type {suffix or '(none)'!r}: use {FORMATS}"


# ---------------------------------------------------------------------------------------------
# Reading one file


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters but \t \n \f \r


def _read_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise TooBig(f"file is {size:,} bytes, over the limit of {max_bytes:,} (max_file_bytes)")
    data = path.read_bytes()
    if not data.strip():
        raise _Unusable("empty file")
    if b"\x00" in data[:8192]:
        raise _Unusable("binary file (contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:  # Windows-1252 is the usual encoding of text pasted on Windows
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _Unusable(
                f"not UTF-8 text (undecodable byte at offset {utf8_error.start}); save it as UTF-8"
            ) from None
    controls = len(_CONTROL.findall(text))
    if controls > max(2, len(text) // 100):
        raise _Unusable("binary or corrupt file (many control characters), not text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


# libyaml's safe loader when PyYAML was built with it: the same documents, 7 times as fast, and
# a sync reads every file's front matter.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _split_front_matter(text: str) -> tuple[dict, str]:
    if not text.startswith("---\n"):
        return {}, text
    end = re.search(r"^(---|\.\.\.)\s*$", text[4:], re.MULTILINE)
    if end is None:
        raise _Unusable("front matter starts with '---' but has no closing '---' line")
    raw, body = text[4 : 4 + end.start()], text[4 + end.end() :]
    try:
        meta = yaml.load(raw, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise _Unusable(f"front matter is not valid YAML{where}") from None
    if meta is None:
        return {}, body
    if not isinstance(meta, dict):
        raise _Unusable("front matter must be YAML 'key: value' lines (title, date, source)")
    return meta, body


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


# A Markdown list item starts a line: "- ", "* ", "+ " (the bullet is dropped), "1. ", "1) ".
_LIST_ITEM = re.compile(r"^\s*(?:([-*+])|\d{1,3}[.)])\s+(?=\S)")
_RULE = re.compile(r"[-*_=\s]{3,}")
_RUNS_ON = re.compile(r"(?:[;,]|\b(?:and|or))$")  # an item that the next one continues


def _items(block: str) -> list[str]:
    """A block's lines as its paragraphs: one for prose (wrapped lines joined), one per list
    item (its wrapped lines joined, its bullet dropped, its number kept): the rows of a list
    ("- Country: Chile; Head of delegation: ...") are never read as one sentence; a list whose
    items run on ("...;", "..., and") is one sentence, one paragraph, as written."""
    items: list[list[str]] = [[]]
    for line in block.splitlines():
        bullet = _LIST_ITEM.match(line)
        if bullet and not _RULE.fullmatch(line.strip()):
            items.append([line[bullet.end() :] if bullet.group(1) else line])
        else:
            items[-1].append(line)
    out = [" ".join(line.strip() for line in lines).strip() for lines in items if lines]
    if len(items) > 2 and all(_RUNS_ON.search(item) for item in out[bool(items[0]) : -1]):
        # "Its commitments are: - to raise ...; - to treat ...; - to train ...": one sentence
        return [" ".join(line.strip() for line in block.splitlines()).strip()]
    return out


def _paragraphs(body: str) -> list[str]:
    """Blank-line separated paragraphs (a list item is one), with wrapped lines joined and
    Markdown marks removed."""
    out = []
    for text in (item for block in re.split(r"\n\s*\n", body) for item in _items(block)):
        text = re.sub(r"^#{1,6}\s+", "", text)
        text = _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", text))
        text = re.sub(r"\s+", " ", text).strip()
        if text and not _RULE.fullmatch(text):
            out.append(text)
    return out


def _is_prose(line: str) -> bool:
    return len(line.split()) >= 8 and bool(re.search(r"[.!?]$", line.strip()))


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.stem


def _from_text(text: str, path: Path) -> Document:
    meta, body = _split_front_matter(text)
    try:
        date = normalise_date(meta.get("date"))
    except ValueError as exc:
        raise _Unusable(f"front matter {exc}") from None
    paragraphs = _paragraphs(body)
    title = str(meta.get("title") or "").strip()
    if not title and paragraphs:
        # Without a title in front matter the first line is the headline.
        title = _paragraphs(body.strip().split("\n", 1)[0])[0]
        if paragraphs[0] == title and len(paragraphs) == 1 and _is_prose(title):
            # one paragraph of prose and nothing else: it is the text; the title comes from
            # the file name (a lone headline or menu line is still "no article text")
            title = _title_from_name(path)
        elif paragraphs[0] == title:
            paragraphs = paragraphs[1:]
        elif paragraphs[0].startswith(title):
            paragraphs[0] = paragraphs[0][len(title) :].strip()
    elif paragraphs and paragraphs[0] == title:  # a Markdown heading repeating the title
        paragraphs = paragraphs[1:]
    source = str(meta.get("source") or "").strip()
    return Document(paragraphs, title or path.stem, date, source)


def _from_html(text: str, path: Path) -> Document:
    import trafilatura  # slow import: only when there is HTML to read

    doc = trafilatura.bare_extraction(
        tables_as_rows(text), with_metadata=True, include_comments=False, include_tables=False
    )
    if doc is None or not (doc.text or "").strip():
        raise _Unusable("no article text found in the HTML")
    title = (doc.title or "").strip()
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in doc.text.split("\n")]
    paragraphs = [p for p in paragraphs if p]
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    try:
        date = normalise_date(doc.date)
    except ValueError:
        date = ""
    source = (doc.sitename or doc.hostname or "").strip()
    return Document(paragraphs, title or path.stem, date, source)


def _from_file(
    path: Path, max_bytes: int, progress: PageProgress | None = None
) -> tuple[Document, int]:
    """A PDF or Word file, and where its text begins: without a title in its properties, the
    first paragraph is the title (as in a text file), unless it is the only one or prose.
    progress: how OCR of a PDF's scanned pages goes."""
    from assistant.ingest.pdf import read_pdf
    from assistant.ingest.word import read_docx

    size = path.stat().st_size
    if size > max_bytes:
        limit = "max_document_bytes"
        raise TooBig(f"file is {size:,} bytes, over the limit of {max_bytes:,} ({limit})")
    doc = read_pdf(path, progress) if path.suffix.lower() in PDF_SUFFIXES else read_docx(path)
    first = doc.paragraphs[0] if doc.paragraphs else ""
    if doc.title:
        return doc, int(" ".join(first.lower().split()) == " ".join(doc.title.lower().split()))
    if len(doc.paragraphs) > 1 and len(first.split()) <= 25 and not _is_prose(first):
        doc.title = first
        return doc, 1
    doc.title = _title_from_name(path)
    return doc, 0


_Reader = Callable[[str, Path], Document]


def _read(path: Path, max_bytes: int, max_document_bytes: int,
          progress: PageProgress | None = None) -> tuple[Document, int]:  # fmt: skip
    """The file as a Document, and the index of its first paragraph of article text."""
    suffix = path.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return _from_file(path, max_document_bytes, progress)
    reader: _Reader = _from_html if suffix in HTML_SUFFIXES else _from_text
    return reader(_read_text(path, max_bytes), path), 0


def content_hash(title: str, date: str, source: str, text: str, pages: tuple[int, ...] = (),
                 scanned: tuple[int, ...] = ()) -> str:  # fmt: skip
    """Hash of everything the index stores about an article: equal hash, nothing to redo."""
    fields: list[Any] = [title, date, source, text] + ([list(pages)] if pages else [])
    fields += [{"scanned": list(scanned)}] if scanned else []
    payload = json.dumps(fields, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _article_date(doc: Document, body: str) -> str:
    if doc.dateline_first:  # a document's own date is often when it was printed or saved
        return find_date(body[:300]) or doc.date or article_date(body)
    return doc.date or article_date(body)


def load_article(
    path: Path, article_id: str, max_bytes: int, max_document_bytes: int = MAX_DOCUMENT_BYTES,
    progress: PageProgress | None = None,
) -> Article:  # fmt: skip
    """Read and clean one file; raises ValueError with the reason when it cannot be used.
    max_bytes: the largest text file (and article text); max_document_bytes: the largest PDF
    or Word file; progress: how OCR of a PDF's scanned pages goes."""
    try:
        info = path.stat()  # before reading: a change while reading shows as a newer time
        doc, first = _read(path, max_bytes, max_document_bytes, progress)
        candidates = list(range(first, len(doc.paragraphs)))
        chosen = article_paragraphs([doc.paragraphs[i] for i in candidates])
        kept = [candidates[i] for i in chosen]
        if not kept:
            raise _Unusable("no article text (only a title, or only site furniture)")
        body = join_paragraphs([doc.paragraphs[i] for i in kept])
        if len(body) > max_bytes:
            raise TooBig(
                f"its text is {len(body):,} characters, over the limit of {max_bytes:,} "
                "(max_file_bytes)"
            )
    except _Unusable as exc:
        raise ValueError(str(exc)) from None
    except OSError as exc:
        raise ValueError(f"cannot read file: {exc.strerror or exc}") from None
    pages = page_offsets(doc.paragraphs, kept, doc.pages) if doc.pages else ()
    date = _article_date(doc, body)
    scanned = tuple(n + 1 for n in doc.scanned)
    return Article(
        id=article_id,
        path=str(path),
        title=doc.title,
        date=date,
        source=doc.source,
        text=body,
        content_hash=content_hash(doc.title, date, doc.source, body, pages, scanned),
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
        pages=pages,
        scanned=scanned,
    )


def load_corpus(
    corpus_dir: Path, max_bytes: int, known: dict[str, Any] | None = None,
    max_document_bytes: int = MAX_DOCUMENT_BYTES, progress: PageProgress | None = None,
) -> tuple[list[Article], list[Skipped]]:  # fmt: skip
    """Load every article under corpus_dir; unusable files come back as Skipped with a reason.

    known: an index manifest; a file whose size and modification time are those it records
    is taken from it instead of being read and cleaned again. max_bytes limits text files
    (and any article's text), max_document_bytes PDF and Word files; progress: how OCR of a
    PDF's scanned pages goes."""
    articles: dict[str, Article] = {}
    texts: dict[str, Article] = {}  # by normalised text: a copy of an article is reported
    skipped: list[Skipped] = []
    for shown in corpus_files(corpus_dir):
        suffix = suffix_of(shown).lower()
        if suffix in IGNORED_SUFFIXES:
            continue
        if suffix not in ARTICLE_SUFFIXES:
            skipped.append(Skipped(shown, unsupported(suffix)))
            continue
        article_id = article_id_for(shown, corpus_dir)
        if article_id in articles:
            reason = f"same article id {article_id!r} as {articles[article_id].path}: rename one"
            skipped.append(Skipped(shown, reason))
            continue
        limit = max_document_bytes if suffix in DOCUMENT_SUFFIXES else max_bytes
        key = ""  # the text as duplicates are told: the manifest's, for a file unchanged
        try:
            article = _known(known, article_id, shown, limit)
            if article is not None:
                key = known["articles"][article_id].get("text_key", "") if known else ""
            else:
                article = load_article(
                    Path(shown), article_id, max_bytes, max_document_bytes, progress
                )
        except ValueError as exc:
            # A file that read before and no longer does (a copy still being written, a bad
            # save) keeps its indexed version: bad input never takes an article away. A size
            # limit is a setting: an article over it goes.
            kept = None if isinstance(exc, TooBig) else _indexed(known, article_id, shown)
            if kept is None or text_key(kept.text) in texts:
                skipped.append(Skipped(shown, str(exc)))
                continue
            skipped.append(Skipped(shown, f"{exc}; the version indexed before stays in the "
                                          "index until the file reads again"))  # fmt: skip
            article = kept
        key = key or text_key(article.text)
        same = texts.get(key)
        if same is not None:
            skipped.append(Skipped(shown, f"duplicate: the same text as {same.path}"))
            continue
        texts[key] = article
        articles[article_id] = article
    return list(articles.values()), skipped


def _known(
    manifest: dict[str, Any] | None, article_id: str, path: str, max_bytes: int
) -> Article | None:
    """The article as the manifest holds it, if the file is unchanged since it was read."""
    record = manifest["articles"].get(article_id) if manifest else None
    if not record or not record.get("mtime_ns") or record["path"] != str(path):
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    if (info.st_size, info.st_mtime_ns) != (record["size"], record["mtime_ns"]):
        return None
    if info.st_size > max_bytes:
        return None
    return _indexed(manifest, article_id, path, info.st_size, info.st_mtime_ns)


def _indexed(
    manifest: dict[str, Any] | None, article_id: str, path: str, size: int = 0, mtime_ns: int = 0
) -> Article | None:
    """The article as the manifest holds it for this path (without a file time by default, so
    the next sync reads the file again)."""
    record = manifest["articles"].get(article_id) if manifest else None
    if not record or record["path"] != str(path) or article_id not in manifest["texts"]:
        return None
    return Article(
        id=article_id, path=str(path), title=record["title"], date=record["date"],
        source=record["source"], text=manifest["texts"][article_id],
        content_hash=record["content_hash"], size=size, mtime_ns=mtime_ns,
        pages=tuple(record.get("pages", ())), scanned=tuple(record.get("scanned", ())),
    )  # fmt: skip


def text_key(text: str) -> str:
    """What tells a copy of an article: its text with spacing and case made alike, hashed
    (kept in the manifest's record, so an unchanged file's is not made again)."""
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()
