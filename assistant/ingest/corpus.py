"""Files in the corpus folder -> cleaned Articles (front matter, site furniture, content hash).

Supported: Markdown and plain text (optional YAML front matter) and HTML (via trafilatura).
A file that cannot be used is reported as Skipped with a one-line reason; loading goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import CorpusError
from assistant.types import Article, Skipped, join_paragraphs

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
HTML_SUFFIXES = {".html", ".htm"}
# Files that live in the corpus folder but are not articles (question sets, notes to self).
IGNORED_SUFFIXES = {".yaml", ".yml", ".json"}

# ---------------------------------------------------------------------------------------------
# Site furniture: lines a news site wraps around an article. General patterns, not one site's
# sentences: each rule is a kind of furniture seen across sites.
_SOCIAL = (
    r"facebook|twitter|linkedin|instagram|youtube|whatsapp|telegram|threads|pinterest|reddit|"
    r"tiktok|mastodon|bluesky|social media|\bx\b"
)
_FURNITURE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        # "Also read: ...", "Related: ...", "Read more >>"
        (
            "related link",
            r"^\W*(also read|read also|read more|more from|related( stories| articles| news)?|"
            r"see also|recommended( for you| reading)?|you (may|might) also like|don'?t miss|"
            r"must read|trending( now)?|further reading)\b\s*([:>»|\-–—]|$)",
        ),
        # "Follow X on Facebook, Twitter ..." / "Share this article on WhatsApp"
        (
            "share/follow line",
            rf"^\W*(follow|like|share|join|connect with|find)\b(?!-).{{0,150}}({_SOCIAL})",
        ),
        ("share/follow line", r"^\W*(share|tweet|email|print) (this|the) (article|story|post)\b"),
        # "Subscribe to X to receive ...", "Sign up for our newsletter"
        (
            "subscribe line",
            r"^\W*(subscribe|sign up|signup|register|get (our|the)\b.{0,60}\b(newsletter|briefing))"
            r"\b.{0,200}(newsletter|inbox|e-?mail|briefing|updates|mailing list|alerts|news)",
        ),
        # "Success! You're on the list.", "Thanks for subscribing", "No spam, we promise."
        (
            "sign-up confirmation",
            r"(you'?re on the list|you are on the list|thanks? (you )?for (subscribing|signing up)|"
            r"you('re| are| have been) (now )?subscribed|check your (inbox|e-?mail) to confirm|"
            r"\bno spam\b)",
        ),
        # Author boxes and comment prompts
        (
            "author box",
            r"^\W*(about the author|(daily |latest )?(stories|articles|posts) by\b|"
            r"more by this author|"
            r"have (some|any)? ?feedback for|click here to comment|leave a (comment|reply)|"
            r"\d+ comments?\b|comments? \(\d+\)|view all posts by|written by .{0,40}\bstaff\b)",
        ),
        (
            "page footer",
            r"^\W*(©|\(c\)|copyright\b|all rights reserved|advertisement\b|sponsored\b|"
            r"tags?:|filed under\b|posted in\b|image (credit|source):|photo:)",
        ),
    )
)
_SHORT_WORDS = 12  # a paragraph this short in the tail zone is taken as a byline or footer


def furniture_kind(paragraph: str) -> str | None:
    """The kind of site furniture this paragraph is, or None when it is article text."""
    text = paragraph.strip()
    if len(text.split()) > 60:  # real furniture is short; a long paragraph is article text
        return None
    for name, pattern in _FURNITURE_RULES:
        if pattern.search(text):
            return name
    return None


def strip_furniture(paragraphs: list[str]) -> list[str]:
    """Drop furniture paragraphs, and the whole footer once the rest is furniture or short."""
    kinds = [furniture_kind(p) for p in paragraphs]
    for i, kind in enumerate(kinds):
        if kind is None:
            continue
        tail = range(i + 1, len(paragraphs))
        if all(kinds[j] or len(paragraphs[j].split()) <= _SHORT_WORDS for j in tail):
            paragraphs, kinds = paragraphs[:i], kinds[:i]
            break
    return [p for p, k in zip(paragraphs, kinds, strict=True) if k is None]


# ---------------------------------------------------------------------------------------------
# Dates

_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>(19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)\b"),
    re.compile(
        rf"\b(?P<d>\d{{1,2}})(st|nd|rd|th)?\s+(?P<mon>{_MONTHS})\.?,?\s+(?P<y>(19|20)\d\d)\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<mon>{_MONTHS})\.?\s+(?P<d>\d{{1,2}})(st|nd|rd|th)?,?\s+(?P<y>(19|20)\d\d)\b",
        re.IGNORECASE,
    ),
)


def _month_number(name: str) -> int:
    return [m[:3] for m in _MONTHS.split("|")[:12]].index(name.lower()[:3]) + 1


def find_date(text: str) -> str:
    """The first calendar date written in the text, as YYYY-MM-DD, or ""."""
    found: list[tuple[int, str]] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            parts = match.groupdict()
            month = int(parts["m"]) if parts.get("m") else _month_number(parts["mon"])
            try:
                day = dt.date(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
            found.append((match.start(), day.isoformat()))
            break
    return min(found)[1] if found else ""


def normalise_date(value: object) -> str:
    """A front-matter date (date, datetime or string) as YYYY-MM-DD; ValueError if it is not one."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return dt.date.fromisoformat(text[:10]).isoformat()
    except ValueError:
        found = find_date(text)
        if not found:
            raise ValueError(f"date {text!r} is not a date (write it as YYYY-MM-DD)") from None
        return found


# ---------------------------------------------------------------------------------------------
# Reading one file


class _Unusable(Exception):
    """A file that cannot be loaded; the message is the one-line reason."""


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")  # control characters but \t \n \f \r


def _read_text(path: Path, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise _Unusable(f"file is {size:,} bytes, over the limit of {max_bytes:,} (max_file_bytes)")
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


def _paragraphs(body: str) -> list[str]:
    """Blank-line separated paragraphs, with wrapped lines joined and Markdown marks removed."""
    out = []
    for block in re.split(r"\n\s*\n", body):
        text = " ".join(line.strip() for line in block.splitlines()).strip()
        text = re.sub(r"^#{1,6}\s+", "", text)
        text = _MD_EMPHASIS.sub(r"\2", _MD_LINK.sub(r"\1", text))
        text = re.sub(r"\s+", " ", text).strip()
        if text and not re.fullmatch(r"[-*_=\s]{3,}", text):
            out.append(text)
    return out


def _is_prose(line: str) -> bool:
    return len(line.split()) >= 8 and bool(re.search(r"[.!?]$", line.strip()))


def _title_from_name(path: Path) -> str:
    return re.sub(r"[-_]+", " ", path.stem).strip().capitalize() or path.stem


def _from_text(text: str, path: Path) -> tuple[str, str, str, list[str]]:
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
    return title or path.stem, date, source, paragraphs


def _from_html(text: str, path: Path) -> tuple[str, str, str, list[str]]:
    import trafilatura  # slow import: only when there is HTML to read

    doc = trafilatura.bare_extraction(
        text, with_metadata=True, include_comments=False, include_tables=False
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
    return title or path.stem, date, source, paragraphs


def content_hash(title: str, date: str, source: str, text: str) -> str:
    """Hash of everything the index stores about an article: equal hash, nothing to redo."""
    payload = json.dumps([title, date, source, text], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def load_article(path: Path, article_id: str, max_bytes: int) -> Article:
    """Read and clean one file; raises ValueError with the reason when it cannot be used."""
    try:
        info = path.stat()  # before reading: a change while reading shows as a newer time
        text = _read_text(path, max_bytes)
        reader = _from_html if path.suffix.lower() in HTML_SUFFIXES else _from_text
        title, date, source, paragraphs = reader(text, path)
        paragraphs = strip_furniture(paragraphs)
        if not paragraphs:
            raise _Unusable("no article text (only a title, or only site furniture)")
    except _Unusable as exc:
        raise ValueError(str(exc)) from None
    except OSError as exc:
        raise ValueError(f"cannot read file: {exc.strerror or exc}") from None
    body = join_paragraphs(paragraphs)
    if not date:
        date = find_date(body)
    return Article(
        id=article_id,
        path=str(path),
        title=title,
        date=date,
        source=source,
        text=body,
        content_hash=content_hash(title, date, source, body),
        size=info.st_size,
        mtime_ns=info.st_mtime_ns,
    )


def iter_corpus_files(corpus_dir: Path) -> Iterator[Path]:
    """Every non-hidden file under the corpus folder, in a stable order."""
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist: create it or pass --corpus")
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir} is not a folder: pass --corpus with a folder of articles")
    for path in sorted(corpus_dir.rglob("*"), key=lambda p: p.parts):
        rel = path.relative_to(corpus_dir)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        yield path


def article_id_for(path: Path, corpus_dir: Path) -> str:
    """The article id: the file's path under the corpus folder without its extension."""
    return path.relative_to(corpus_dir).with_suffix("").as_posix()


def load_corpus(
    corpus_dir: Path, max_bytes: int, known: dict[str, Any] | None = None
) -> tuple[list[Article], list[Skipped]]:
    """Load every article under corpus_dir; unusable files come back as Skipped with a reason.

    known: an index manifest; a file whose size and modification time are those it records
    is taken from it instead of being read and cleaned again."""
    articles: dict[str, Article] = {}
    texts: dict[str, Article] = {}  # by normalised text: a copy of an article is reported
    skipped: list[Skipped] = []
    for path in iter_corpus_files(corpus_dir):
        shown = str(path)
        suffix = path.suffix.lower()
        if suffix in IGNORED_SUFFIXES:
            continue
        if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
            reason = f"unsupported file type {suffix or '(none)'!r}: use .md, .txt or .html"
            skipped.append(Skipped(shown, reason))
            continue
        article_id = article_id_for(path, corpus_dir)
        if article_id in articles:
            reason = f"same article id {article_id!r} as {articles[article_id].path}: rename one"
            skipped.append(Skipped(shown, reason))
            continue
        try:
            article = _known(known, article_id, path, max_bytes) or load_article(
                path, article_id, max_bytes
            )
        except ValueError as exc:
            skipped.append(Skipped(shown, str(exc)))
            continue
        same = texts.get(_text_key(article.text))
        if same is not None:
            skipped.append(Skipped(shown, f"duplicate: the same text as {same.path}"))
            continue
        texts[_text_key(article.text)] = article
        articles[article_id] = article
    return list(articles.values()), skipped


def _known(
    manifest: dict[str, Any] | None, article_id: str, path: Path, max_bytes: int
) -> Article | None:
    """The article as the manifest holds it, if the file is unchanged since it was read."""
    record = manifest["articles"].get(article_id) if manifest else None
    if not record or not record.get("mtime_ns") or record["path"] != str(path):
        return None
    try:
        info = path.stat()
    except OSError:
        return None
    if (info.st_size, info.st_mtime_ns) != (record["size"], record["mtime_ns"]):
        return None
    if info.st_size > max_bytes:
        return None
    return Article(
        id=article_id, path=str(path), title=record["title"], date=record["date"],
        source=record["source"], text=manifest["texts"][article_id],
        content_hash=record["content_hash"], size=info.st_size, mtime_ns=info.st_mtime_ns,
    )  # fmt: skip


def _text_key(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()
