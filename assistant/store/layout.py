"""What the index stores and how it is laid out, shared by the writer (sync.py) and the reader
(reader.py): the manifest (articles, their texts, chunks and sentence offsets), the Chroma
collection of chunk vectors, and the settings an index must have been built with.

A build is one folder (files.py) or, on a Chroma server, one set of collections (remote.py).
Sentence vectors are read as one matrix whose rows follow the manifest's order: article by
article, chunk by chunk, sentence by sentence (in a build folder, over segments: segments.py).
"""

from __future__ import annotations

import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.errors import AssistantError, IndexMismatchError
from assistant.ingest.chunking import SPLITTER_VERSION, chunk_id
from assistant.store.embeddings import LocalEmbeddings
from assistant.types import Chunk, Sentence

# 4: record ids carry the article's content version; manifests list retired ids
# 5: sentence vectors and keyword postings in segments (segments.py)
FORMAT = 5
COLLECTION = "chunks"
# Dense search looks this wide in Chroma's HNSW graph: at these sizes it finds the same
# neighbours whatever order the graph was built in (at Chroma's default of 100, two builds
# of one index ranked differently for a fifth of test queries), so a rebuilt index answers
# as the one before it, and a refit model is the model the data makes.
HNSW = {"space": "cosine", "ef_search": 500}


def index_settings(settings: Settings, embedder: LocalEmbeddings) -> dict[str, Any]:
    """What an index must have been built with to be read with these settings."""
    return {
        "format": FORMAT,
        "embedding_model": embedder.name,
        "chunk_size": settings.chunk_size,
        "splitter": SPLITTER_VERSION,
    }


# What changes with the code, not with a setting: an index built by an older splitter or in an
# older format is read as it is (its sentences are in its manifest), and the next sync
# rebuilds it on its own.
UPGRADED = frozenset({"format", "splitter"})


def check_settings(
    index_dir: object, built: dict[str, Any], wanted: dict[str, Any], ignore: frozenset = UPGRADED
) -> None:
    """An error naming the fix when an index was built with other settings than these (what
    `ignore` names may differ)."""
    for key, value in wanted.items():
        if key not in ignore and built.get(key) != value:
            raise IndexMismatchError(index_dir, key, built.get(key), value)


def outdated(built: dict[str, Any], wanted: dict[str, Any]) -> list[str]:
    """What of UPGRADED an index was built with older versions of (a sync rebuilds it)."""
    return [key for key in sorted(UPGRADED) if built.get(key) != wanted.get(key)]


def chroma_client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def collection(client: Any, meta: dict[str, Any]) -> Any:
    # embedding_function=None: Chroma must never embed (its default model comes from a hub).
    return widened(
        client.get_or_create_collection(
            COLLECTION,
            configuration={"hnsw": dict(HNSW)},
            metadata={k: v for k, v in meta.items() if isinstance(v, str | int | float)},
            embedding_function=None,
        )
    )


def widened(handle: Any) -> Any:
    """A collection made before dense search looked wider (Chroma keeps the configuration it
    was created with) searches as wide as a new one: only the search width changes, in place."""
    hnsw = (handle.configuration_json or {}).get("hnsw") or {}
    if hnsw.get("ef_search", HNSW["ef_search"]) < HNSW["ef_search"]:
        for attempt in range(5):
            try:
                handle.modify(configuration={"hnsw": {"ef_search": HNSW["ef_search"]}})
                break
            except Exception as error:  # Chroma's InternalError: its own SQLite said busy
                # right after opening the collection (a fresh clone's test run saw it once);
                # it clears within moments, and the collection is unchanged until it does
                if "database is locked" not in str(error) or attempt == 4:
                    raise
                time.sleep(0.1 * 2**attempt)
    return handle


def date_number(date: str) -> int:
    return int(date.replace("-", "")) if date else 0


def sentence_ids(manifest: dict[str, Any]) -> list[str]:
    """Ids of the sentence records, in sentence-matrix row order (with the article's content
    version, as chunk ids: an edited article's sentences are new records)."""
    return [
        f"{article_id}@{manifest['articles'][article_id]['content_hash'][:12]}#{n}"
        for article_id, chunks in manifest["chunks"].items()
        for n in range(sum(len(c["sentences"]) for c in chunks))
    ]


def chunk_ids(manifest: dict[str, Any]) -> set[str]:
    """Ids of the manifest's chunk records, made from each article's record (its chunk count
    and content version) without reading its chunks, once one article's chunks show the ids
    are made that way; else read from the chunks."""
    records, chunks = manifest["articles"], manifest["chunks"]
    first = next(iter(chunks), None)
    if first is None:
        return set()
    if [c["id"] for c in chunks[first]] != _ids_of(first, records.get(first)):
        return {c["id"] for article_chunks in chunks.values() for c in article_chunks}
    return {i for a in chunks
            for i in _ids_of(a, records.get(a)) or [c["id"] for c in chunks[a]]}  # fmt: skip


def chunk_count(manifest: dict[str, Any]) -> int:
    """The chunks the manifest holds, as its records count them (an article's chunks are read
    only when its record does not say)."""
    return sum(
        record["chunks"] if "chunks" in record else len(manifest["chunks"].get(article_id, ()))
        for article_id, record in manifest["articles"].items()
    )


def _ids_of(article_id: str, record: dict[str, Any] | None) -> list[str] | None:
    """The ids of an article's chunks by its record (None: the record does not say)."""
    if not record or "chunks" not in record or "content_hash" not in record:
        return None
    return [chunk_id(article_id, record["content_hash"], i) for i in range(record["chunks"])]


def retired(manifest: dict[str, Any], kind: str) -> list[str]:
    """Ids of the records (kind: chunks or sentences) the build before this one used and this
    one does not: kept for the questions still reading it, removed by the next sync."""
    return list(manifest.get("retired", {}).get(kind, []))


def retired_between(
    before: dict[str, Any], after: dict[str, Any], gone: set[str]
) -> dict[str, list[str]]:
    """The chunk and sentence records the build before used and this one does not: those of
    the articles that went or changed (record ids carry the article's content version, so an
    unchanged article's are the same in both), read from those articles only."""

    def of(manifest: dict[str, Any]) -> dict[str, Any]:
        return {part: {a: manifest[part][a] for a in gone if a in manifest[part]}
                for part in ("articles", "chunks")}  # fmt: skip

    old, new = of(before), of(after)
    return {
        "chunks": sorted(chunk_ids(old) - chunk_ids(new)),
        "sentences": sorted(set(sentence_ids(old)) - set(sentence_ids(new))),
    }


def chunk_to_dict(chunk: Chunk) -> dict[str, Any]:
    data = asdict(chunk)
    del data["text"]  # sliced from the article text on load
    return data


def chunk_from_dict(data: dict[str, Any], text: str) -> Chunk:
    return Chunk(
        **{
            **data,
            "text": text[data["start"] : data["end"]],
            "sentences": tuple(tuple(s) for s in data["sentences"]),
            "entities": tuple(tuple(e) for e in data["entities"]),
        }
    )


def read_chunks(
    manifest: dict[str, Any],
) -> tuple[dict[str, Chunk], dict[str, list[Sentence]], list[str]]:
    """The manifest's chunks by id, each article's sentences in order (with their row in the
    sentence matrix), and the chunk texts in manifest order."""
    chunks, sentences, texts, row = {}, {}, [], 0
    for article_id, article_chunks in manifest["chunks"].items():
        text = manifest["texts"][article_id]
        sentences[article_id] = []
        for data in article_chunks:
            chunk = chunk_from_dict(data, text)
            chunks[chunk.id] = chunk
            texts.append(chunk.text)
            for start, end in chunk.sentences:
                position = len(sentences[article_id])
                sentences[article_id].append(
                    Sentence(row, article_id, chunk.id, position, start, end)
                )
                row += 1
    return chunks, sentences, texts


def damaged(index_dir: object, exc: BaseException) -> AssistantError:
    reason = " ".join(str(exc).split())[:200] or type(exc).__name__
    return AssistantError(
        f"the index in {index_dir} is damaged ({reason}): run `assistant index --rebuild`"
    )
