"""The corpus folder walked: every non-hidden file under it in a stable order, and the article
id of each (its path under the folder without the extension)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from assistant.errors import CorpusError


def iter_corpus_files(corpus_dir: Path) -> Iterator[Path]:
    """Every non-hidden file under the corpus folder, in a stable order."""
    for found in corpus_files(corpus_dir):
        yield Path(found)


def corpus_files(corpus_dir: Path) -> Iterator[str]:
    """iter_corpus_files as path strings (a path object per file cost a sync at 10,000
    articles 0.1 s)."""
    if not corpus_dir.exists():
        raise CorpusError(f"corpus folder {corpus_dir} does not exist: create it or pass --corpus")
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir} is not a folder: pass --corpus with a folder of articles")
    yield from _files_under(str(corpus_dir))


def suffix_of(path: str) -> str:
    """A path's suffix as pathlib gives it ("a.tar.gz": ".gz"; "a." and ".a": none)."""
    name = path.rsplit(os.sep, 1)[-1]
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _files_under(folder: str) -> Iterator[str]:
    """The non-hidden files under a folder, depth first in name order (the order of sorting
    their paths' parts), not descending into hidden folders; one directory read per folder,
    no path objects (a sync at 10,000 articles spent 0.35 s on pathlib here)."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):  # a linked folder is not entered, as rglob
            yield from _files_under(entry.path)
        elif entry.is_file():
            yield entry.path


def article_id_for(path: Path | str, corpus_dir: Path) -> str:
    """The article id: the file's path under the corpus folder without its extension."""
    whole, root = str(path), str(corpus_dir)
    if not whole.startswith(root + os.sep) or root in {"", "."}:  # not a plain prefix
        return Path(path).relative_to(corpus_dir).with_suffix("").as_posix()
    rel = whole[len(root) + 1 :]
    name = rel.rsplit(os.sep, 1)[-1]
    dot = name.rfind(".")
    if 0 < dot < len(name) - 1:  # as with_suffix(""): "a.tar.gz" -> "a.tar"; "a." and ".a" stay
        rel = rel[: len(rel) - len(name) + dot]
    return rel.replace(os.sep, "/")
