"""Sentence vectors in segments: each sync writes only its new articles' vectors, as one
immutable `.npy` file in the build folder (`sentences-<generation>.npy`), and a reader maps
them (numpy `mmap_mode="r"`) instead of loading them.

The manifest says where each article's rows are (`vectors`: article id -> [segment, start,
end]); a row no article points at is dead (its article was deleted or edited) and no search
sees it. Rows are read in the manifest's article order, so a snapshot numbers its sentences as
one matrix would. A sync that writes a segment folds smaller ones into it (see `plan`), which
keeps their number about log2 of the sentence count and drops dead rows; segments no longer
named by the committed manifest or the one before it are removed after the commit, as the
other files of a generation are.

An index written before segments (format 4) has one matrix, `sentences-<generation>.npy`, in
manifest order: it is read as one segment (`locations`), and the next sync goes on from it.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.store.keywords import Piece, Postings, tokenize

# A segment this much larger (or more) than what a sync writes is kept as it is; smaller ones
# are folded into the new segment (a binary counter: each row is rewritten about log2(n) times).
FOLD = 1.0
MOST = 24  # never more segments than this (the smallest are folded in first)
DEAD = 0.5  # a segment whose rows are more than half dead is folded in too

Locations = dict[str, tuple[int, int, int]]  # article id -> (segment, first row, end row)


def segment_path(build: Path, segment: int) -> Path:
    return build / f"sentences-{segment}.npy"


def keywords_path(build: Path, segment: int) -> Path:
    return build / f"keywords-{segment}.npz"


def locations(manifest: dict[str, Any], counts: dict[str, int]) -> Locations:
    """Where each article's sentence rows are; an index written before segments keeps them
    in one matrix of its generation, in manifest order."""
    if "vectors" in manifest:
        return {a: tuple(where) for a, where in manifest["vectors"].items()}  # type: ignore[misc]
    found, at, generation = {}, 0, int(manifest.get("generation", 0))
    for article_id in manifest["chunks"]:
        found[article_id] = (generation, at, at + counts[article_id])
        at += counts[article_id]
    return found


def sentence_counts(manifest: dict[str, Any]) -> dict[str, int]:
    """Each article's number of sentences, in manifest order."""
    return {a: sum(len(c["sentences"]) for c in chunks) for a, chunks in manifest["chunks"].items()}


def open_segment(build: Path, segment: int, dimensions: int) -> np.ndarray:
    """A segment's matrix, mapped read-only (ValueError or OSError when it is damaged)."""
    matrix = np.load(segment_path(build, segment), mmap_mode="r")
    if matrix.ndim != 2 or matrix.shape[1] != dimensions or matrix.dtype != np.float32:
        raise ValueError(f"segment {segment} holds {matrix.shape} {matrix.dtype}")
    return matrix


def write_segment(build: Path, segment: int, matrix: np.ndarray) -> None:
    """Write a segment so that a reader sees the whole file or none (a file left by a sync
    killed before its commit is no segment of any manifest, and is written over)."""
    path = segment_path(build, segment)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        np.save(f, np.ascontiguousarray(matrix, dtype=np.float32))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def plan(live: dict[int, int], total: dict[int, int], new_rows: int) -> set[int]:
    """The segments to fold into the one a sync writes (new_rows rows of its own): those no
    larger than what is being written, taken smallest first, then any more than MOST, and any
    mostly dead (live: live rows per segment; total: rows per segment)."""
    fold = {s for s in live if live[s] == 0 or live[s] < total[s] * (1 - DEAD)}
    size = new_rows + sum(live[s] for s in fold)
    rest = sorted((s for s in live if s not in fold), key=lambda s: (live[s], s))
    while rest and (live[rest[0]] <= size * FOLD or len(rest) + 1 > MOST):
        segment = rest.pop(0)
        fold.add(segment)
        size += live[segment]
    return fold


@dataclass
class Written:
    """The committed build's segments, as a sync finds them before it changes anything."""

    sentences: Locations
    keywords: Locations
    matrices: dict[int, np.ndarray]  # each segment's sentence vectors, mapped


def written(build: Path, manifest: dict[str, Any], dimensions: int) -> Written:
    """Where the manifest's articles' rows are, with their segments mapped (ValueError or
    OSError when one is damaged or missing)."""
    # the counts only for an index written before segments (they read every article's chunks)
    counts = {} if "vectors" in manifest else sentence_counts(manifest)
    sentences = locations(manifest, counts)
    used = {segment for segment, _, _ in sentences.values()}
    for segment in used:
        if not keywords_path(build, segment).is_file():
            raise OSError(f"{keywords_path(build, segment).name} is missing")
    matrices = {s: open_segment(build, s, dimensions) for s in used}
    keywords = {a: tuple(w) for a, w in manifest.get("keywords", {}).items()}
    return Written(sentences, keywords, matrices)  # type: ignore[arg-type]


def write(
    build: Path, generation: int, manifest: dict[str, Any], before: Written,
    new_vectors: dict[str, np.ndarray],
) -> tuple[dict[str, list[int]], dict[str, list[int]]]:  # fmt: skip
    """Write the new articles' sentence vectors and keyword postings as this generation's
    segment, with the live rows of the segments `plan` folds into it; where each article's
    sentence rows and chunk rows now are, in manifest order."""
    kept = [a for a in manifest["chunks"] if a not in new_vectors]
    live = dict.fromkeys(before.matrices, 0)
    for a in kept:
        segment, start, end = before.sentences[a]
        live[segment] += end - start
    total = {s: len(matrix) for s, matrix in before.matrices.items()}
    fold = plan(live, total, sum(len(v) for v in new_vectors.values()))
    sentences = {a: list(before.sentences[a]) for a in kept if before.sentences[a][0] not in fold}
    keywords = {a: list(before.keywords[a]) for a in sentences}
    postings = {s: Postings.load(keywords_path(build, s)) for s in fold if live[s]}
    vectors: list[np.ndarray] = []
    pieces: list[Piece] = []
    at, row = 0, 0
    for article_id in manifest["chunks"]:
        if article_id in new_vectors:
            part = new_vectors[article_id]
            text = manifest["texts"][article_id]
            pieces.append([(c["id"], Counter(tokenize(text[c["start"] : c["end"]])))
                           for c in manifest["chunks"][article_id]])  # fmt: skip
            chunks = len(manifest["chunks"][article_id])
        elif before.sentences[article_id][0] in fold:
            segment, start, end = before.sentences[article_id]
            part = before.matrices[segment][start:end]
            segment, first, last = before.keywords[article_id]
            pieces.append((postings[segment], first, last))
            chunks = last - first
        else:
            continue
        sentences[article_id] = [generation, at, at + len(part)]
        keywords[article_id] = [generation, row, row + chunks]
        vectors.append(part)
        at, row = at + len(part), row + chunks
    if vectors:
        write_segment(build, generation, np.concatenate(vectors))
        Postings.joined(pieces).save(keywords_path(build, generation))
    order = list(manifest["chunks"])
    return {a: sentences[a] for a in order}, {a: keywords[a] for a in order}


class SentenceMatrix:
    """The sentence vectors of one snapshot, over its mapped segments: `matrix @ vector` gives
    one similarity per sentence row, in the snapshot's row order, as one matrix would."""

    def __init__(self, segments: list[np.ndarray], gather: np.ndarray | None, rows: int) -> None:
        self._segments = segments
        self._gather = gather  # rows of the segments laid end to end, in snapshot order
        self._rows = rows
        self.dimensions = segments[0].shape[1] if segments else 0

    @classmethod
    def open(
        cls, build: Path, where: Locations, counts: dict[str, int], dimensions: int
    ) -> SentenceMatrix:
        """The segments where names, mapped; ValueError when they do not hold the rows."""
        used = sorted({segment for segment, _, _ in where.values()})
        segments = [open_segment(build, s, dimensions) for s in used]
        base, at = {}, 0
        for segment, matrix in zip(used, segments, strict=True):
            base[segment] = (at, len(matrix))
            at += len(matrix)
        parts = []
        for article_id, count in counts.items():
            segment, start, end = where[article_id]
            first, length = base[segment]
            if end - start != count or start < 0 or end > length:
                raise ValueError(f"sentence rows of {article_id} do not match its sentences")
            parts.append(np.arange(first + start, first + end))
        gather = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        rows = len(gather)
        if rows == at and np.array_equal(gather, np.arange(at)):
            gather = None  # every row live and in order: nothing to gather
        return cls(segments, gather, rows)

    def __len__(self) -> int:
        return self._rows

    @property
    def shape(self) -> tuple[int, int]:
        return self._rows, self.dimensions

    def __matmul__(self, vector: np.ndarray) -> np.ndarray:
        parts = [np.asarray(matrix) @ vector for matrix in self._segments]
        scores = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return scores if self._gather is None else scores[self._gather]
