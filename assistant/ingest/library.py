"""Changing the corpus folder from outside the file system (the web page): add an uploaded
file, add pasted text, delete an article. Every file is checked by the same loader as
`assistant index` before it lands in the corpus; a bad one is refused with the reason and the
corpus is left as it was. Re-indexing is a separate step (`index.sync_index`).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import yaml

from assistant.errors import CorpusError
from assistant.ingest.corpus import (
    HTML_SUFFIXES,
    TEXT_SUFFIXES,
    article_id_for,
    iter_corpus_files,
    load_article,
    normalise_date,
)
from assistant.types import Article

ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A plain file name for the corpus: no folders, no hidden files, no odd characters."""
    base = Path(name.replace("\\", "/")).name
    stem, suffix = os.path.splitext(base)
    stem = _UNSAFE.sub("-", stem).strip("-.")[:80] or "article"
    return f"{stem}{suffix.lower()}"


def slug(title: str) -> str:
    """A file-name stem from a title: "Day 2: the dark net" -> "day-2-the-dark-net"."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "article"


def _existing_ids(corpus_dir: Path) -> dict[str, Path]:
    if not corpus_dir.exists():
        return {}
    return {article_id_for(p, corpus_dir): p for p in iter_corpus_files(corpus_dir)}


def _install(content: bytes, target: Path, corpus_dir: Path, max_bytes: int, shown: str) -> Article:
    """Write content to a hidden file next to target, check it with the loader, then move it
    into place in one step (a crash leaves the corpus as it was)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=corpus_dir, prefix=".upload-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        article_id = article_id_for(target, corpus_dir)
        try:
            article = load_article(Path(temporary), article_id, max_bytes)
        except ValueError as exc:
            raise CorpusError(f"{shown}: {exc}; nothing was added") from None
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return article


def add_file(corpus_dir: Path, source: Path, max_bytes: int, name: str | None = None) -> Article:
    """Copy one uploaded file into the corpus after the loader accepts it; a file of the same
    name is replaced (the next sync counts it as updated). Raises CorpusError naming the file."""
    shown = name or source.name
    target_name = safe_name(shown)
    suffix = Path(target_name).suffix
    if suffix not in ARTICLE_SUFFIXES:
        raise CorpusError(
            f"{shown}: unsupported file type {suffix or '(none)'!r}: use .md, .txt or .html"
        )
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise CorpusError(f"{shown}: cannot read the upload: {exc.strerror or exc}") from None
    if size > max_bytes:
        raise CorpusError(f"{shown}: {size:,} bytes, over the limit of {max_bytes:,} bytes")
    target = corpus_dir / target_name
    other = _existing_ids(corpus_dir).get(article_id_for(target, corpus_dir))
    if other is not None and other != target:
        raise CorpusError(
            f"{shown}: the corpus already has {other.name} with the same article id; "
            "rename the upload or delete that article first"
        )
    return _install(source.read_bytes(), target, corpus_dir, max_bytes, shown)


def add_text(corpus_dir: Path, title: str, date: str, text: str, max_bytes: int) -> Article:
    """Save pasted text as a Markdown article with front matter under a new file name."""
    title, text = " ".join(title.split()), text.strip()
    if not title:
        raise CorpusError("pasted article: give it a title")
    if not text:
        raise CorpusError(f"pasted article {title!r}: the text is empty")
    try:
        iso = normalise_date(date.strip()) if date.strip() else ""
    except ValueError as exc:
        raise CorpusError(f"pasted article {title!r}: {exc}") from None
    existing = _existing_ids(corpus_dir)
    stem, n = slug(title), 1
    while (f"{stem}-{n}" if n > 1 else stem) in existing:
        n += 1
    target = corpus_dir / f"{stem}-{n}.md" if n > 1 else corpus_dir / f"{stem}.md"
    front = {"title": title, **({"date": iso} if iso else {})}
    content = "---\n" + yaml.safe_dump(front, allow_unicode=True) + "---\n\n" + text + "\n"
    return _install(content.encode("utf-8"), target, corpus_dir, max_bytes, "pasted article")


def delete_article(corpus_dir: Path, article_id: str) -> Path:
    """Remove the article's file from the corpus (the next sync drops it from the index)."""
    path = _existing_ids(corpus_dir).get(article_id)
    if path is None or path.suffix.lower() not in ARTICLE_SUFFIXES:
        raise CorpusError(f"no article {article_id!r} in {corpus_dir}")
    path.unlink()
    return path
