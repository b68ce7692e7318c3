"""Chroma records of a build: chunk records (what dense search reads) and, on a server, the
sentence records; each write first prunes what the committed build does not read."""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.store.layout import date_number
from assistant.types import Article, Chunk


def prune(collection: Any, keep: set[str], named: set[str] | None = None) -> None:
    """Delete every record the committed build does not read: the ones it retired (kept for
    the build before it) and what an interrupted sync wrote (among those named, if named)."""
    found = collection.get(include=[])["ids"] if named is None else sorted(named)
    stale = [i for i in found if i not in keep]
    for i in range(0, len(stale), 2000):
        collection.delete(ids=stale[i : i + 2000])


def write_chunks(
    collection: Any,
    keep: set[str],
    new_chunks: dict[str, list[Chunk]],
    articles: dict[str, Article],
    vectors: np.ndarray,
    stale: set[str] | None = None,
) -> None:
    """Prune to the committed build's chunks (of the records among stale, if given), then add
    the new ones beside them."""
    flat = [c for chunks in new_chunks.values() for c in chunks]
    prune(collection, keep, stale)
    batch = 2000
    for i in range(0, len(flat), batch):
        part = flat[i : i + batch]
        collection.upsert(
            ids=[c.id for c in part],
            embeddings=vectors[i : i + batch],
            documents=[c.text for c in part],
            metadatas=[
                {
                    "article_id": c.article_id,
                    "title": articles[c.article_id].title,
                    "date": articles[c.article_id].date,
                    "date_number": date_number(articles[c.article_id].date),
                    "index": c.index,
                    "start": c.start,
                    "end": c.end,
                }
                for c in part
            ],
        )


def write_sentences(
    collection: Any, keep: set[str], manifest: dict[str, Any], vectors: dict[str, np.ndarray]
) -> None:
    """Prune to the committed build's sentences, then add the new ones beside them."""
    prune(collection, keep)
    version = {a: manifest["articles"][a]["content_hash"][:12] for a in vectors}
    rows = [(a, n, v) for a, matrix in vectors.items() for n, v in enumerate(matrix)]
    for i in range(0, len(rows), 2000):
        part = rows[i : i + 2000]
        collection.upsert(
            ids=[f"{a}@{version[a]}#{n}" for a, n, _ in part],
            embeddings=np.array([v for _, _, v in part]),
            metadatas=[{"article_id": a, "position": n} for a, n, _ in part],
        )
