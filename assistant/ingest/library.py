"""Changing the corpus folder from outside the file system (the web page): add an uploaded
file, add pasted text, delete an article. Every file is checked by the same loader as
`assistant index` before it lands in the corpus; a bad one is refused with the reason and the
corpus is left as it was. Re-indexing is a separate step (`store.sync.sync_index`).
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from assistant.errors import CorpusError
from assistant.ingest.corpus import (
    ARTICLE_SUFFIXES,
    DOCUMENT_SUFFIXES,
    MAX_DOCUMENT_BYTES,
    load_article,
    unsupported,
)
from assistant.ingest.dates import normalise_date
from assistant.ingest.walk import article_id_for, iter_corpus_files
from assistant.types import Article

_UNSAFE = re.compile(r"[^\w.-]+")  # letters and digits of any script stay
_STALE_UPLOAD = 3600  # seconds: an upload folder this old was left by a process that died


def _base(name: str) -> str:
    return Path(name.replace("\\", "/")).name


def safe_name(name: str) -> str:
    """A plain file name for the corpus: no folders, no hidden files, no odd characters."""
    stem, suffix = os.path.splitext(_base(name))
    stem = _UNSAFE.sub("-", stem).strip("-._")[:80] or "article"
    return f"{stem}{suffix.lower()}"


def _target(corpus_dir: Path, shown: str) -> Path:
    """Where an upload goes: under its own name it replaces the article of that name (a new
    version); a name that had to be cleaned never replaces another file ("a b.pdf" beside
    "a-b.pdf"): it gets the first free number."""
    name = safe_name(shown)
    target = corpus_dir / name
    stem, suffix = os.path.splitext(name)
    if not target.exists() or os.path.splitext(_base(shown))[0] == stem:
        return target
    n = 2
    while (corpus_dir / f"{stem}-{n}{suffix}").exists():
        n += 1
    return corpus_dir / f"{stem}-{n}{suffix}"


def _sweep(corpus_dir: Path) -> None:
    """Upload folders left by a process that died while checking a file."""
    cutoff = time.time() - _STALE_UPLOAD
    for folder in corpus_dir.glob(".upload-*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


def slug(title: str) -> str:
    """A file-name stem from a title: "Day 2: the dark net" -> "day-2-the-dark-net"."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "article"


def _existing_ids(corpus_dir: Path) -> dict[str, Path]:
    if not corpus_dir.exists():
        return {}
    return {article_id_for(p, corpus_dir): p for p in iter_corpus_files(corpus_dir)}


def _install(
    content: bytes, target: Path, corpus_dir: Path, max_bytes: int, shown: str,
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
) -> Article:  # fmt: skip
    """Write content under target's name in a hidden folder of the corpus, check it with the
    loader, then move it into place in one step (a crash leaves the corpus as it was)."""
    corpus_dir.mkdir(parents=True, exist_ok=True)
    _sweep(corpus_dir)
    folder = Path(tempfile.mkdtemp(dir=corpus_dir, prefix=".upload-"))
    try:
        temporary = folder / target.name  # the loader may take the title from the name
        temporary.write_bytes(content)
        article_id = article_id_for(target, corpus_dir)
        try:
            article = load_article(temporary, article_id, max_bytes, max_document_bytes)
        except ValueError as exc:
            raise CorpusError(f"{shown}: {exc}; nothing was added") from None
        os.replace(temporary, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return article


def add_file(
    corpus_dir: Path, source: Path, max_bytes: int, name: str | None = None,
    max_document_bytes: int = MAX_DOCUMENT_BYTES,
) -> Article:  # fmt: skip
    """Copy one uploaded file into the corpus after the loader accepts it; a file of the same
    name is replaced (the next sync counts it as updated), one whose name had to be cleaned
    into a taken one gets a number. Raises CorpusError naming the file.
    max_bytes limits text files, max_document_bytes PDF and Word files."""
    shown = name or source.name
    target_name = safe_name(shown)
    suffix = Path(target_name).suffix
    if suffix not in ARTICLE_SUFFIXES:
        raise CorpusError(f"{shown}: {unsupported(suffix)}")
    try:
        size = source.stat().st_size
    except OSError as exc:
        raise CorpusError(f"{shown}: cannot read the upload: {exc.strerror or exc}") from None
    limit = max_document_bytes if suffix in DOCUMENT_SUFFIXES else max_bytes
    if size > limit:
        raise CorpusError(f"{shown}: {size:,} bytes, over the limit of {limit:,} bytes")
    target = _target(corpus_dir, shown)
    other = _existing_ids(corpus_dir).get(article_id_for(target, corpus_dir))
    if other is not None and other != target:
        raise CorpusError(
            f"{shown}: the corpus already has {other.name} with the same article id; "
            "rename the upload or delete that article first"
        )
    content = source.read_bytes()
    return _install(content, target, corpus_dir, max_bytes, shown, max_document_bytes)


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
