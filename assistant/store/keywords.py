"""The keyword (BM25) index over chunk texts, kept beside the Chroma collection."""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from assistant.language import KEYWORD_STOPWORDS, stem_words

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop words removed, Snowball-stemmed word tokens."""
    words = [w for w in _TOKEN.findall(text.lower()) if w not in KEYWORD_STOPWORDS]
    return stem_words(words)


class KeywordIndex:
    """BM25 over a list of chunk ids and texts; saved to and loaded from a folder."""

    def __init__(self, ids: list[str], retriever: Any) -> None:
        self.ids = ids
        self._retriever = retriever

    @classmethod
    def build(cls, ids: list[str], texts: list[str]) -> KeywordIndex:
        import bm25s

        if not ids:  # as load() gives for an empty index: nothing to search
            return cls([], None)
        retriever = bm25s.BM25()
        retriever.index([tokenize(t) for t in texts], show_progress=False)
        return cls(list(ids), retriever)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self.ids:
            self._retriever.save(str(folder), show_progress=False)
        (folder / "ids.json").write_text(json.dumps(self.ids), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        ids = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        retriever = bm25s.BM25.load(str(folder), show_progress=False) if ids else None
        return cls(ids, retriever)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) pairs with a positive score, best first."""
        tokens = [t for t in tokenize(query) if t in self._vocab()]
        if not self.ids or not tokens:
            return []
        k = min(k, len(self.ids))
        docs, scores = self._retriever.retrieve([tokens], k=k, show_progress=False, n_threads=1)
        return [
            (self.ids[int(d)], float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0
        ]

    def _vocab(self) -> dict[str, int]:
        return self._retriever.vocab_dict if self._retriever is not None else {}


Piece = tuple["Postings", int, int] | list[tuple[str, Counter[str]]]
# bm25s's defaults (method "lucene"), with which KeywordIndex scores: the segmented index
# scores exactly as it would
K1, B = 1.5, 0.75


class Postings:
    """The keyword index of one segment: each chunk's terms and their counts, chunk by chunk
    (saved as one `.npz`, no pickle)."""

    def __init__(
        self, ids: list[str], vocab: list[str], starts: np.ndarray, terms: np.ndarray,
        counts: np.ndarray,
    ) -> None:  # fmt: skip
        self.ids = ids
        self.vocab = vocab
        self.starts = starts  # chunk n's terms are terms[starts[n]:starts[n + 1]]
        self.terms = terms  # into vocab
        self.counts = counts

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def of_texts(cls, ids: list[str], texts: list[str]) -> Postings:
        return cls.joined([[(i, Counter(tokenize(t))) for i, t in zip(ids, texts, strict=True)]])

    @classmethod
    def joined(cls, pieces: list[Piece]) -> Postings:
        """One segment of the pieces, in order: rows start..end of a segment, or new chunks'
        term counts."""
        vocab: dict[str, int] = {}
        ids: list[str] = []
        lengths, terms, counts = [np.zeros(0, np.int64)], [], []
        for piece in pieces:
            if isinstance(piece, tuple):
                part, start, end = piece
                remap = np.array([vocab.setdefault(t, len(vocab)) for t in part.vocab], np.int32)
                low, high = part.starts[start], part.starts[end]
                ids += part.ids[start:end]
                lengths.append(np.diff(part.starts[start : end + 1]))
                terms.append(remap[part.terms[low:high]])
                counts.append(part.counts[low:high])
                continue
            for chunk_id, found in piece:
                ids.append(chunk_id)
                lengths.append(np.array([len(found)]))
                terms.append(np.array([vocab.setdefault(t, len(vocab)) for t in found], np.int32))
                counts.append(np.array(list(found.values()), np.int32))
        starts = np.concatenate([[0], np.cumsum(np.concatenate(lengths))]).astype(np.int64)
        return cls(
            ids, list(vocab), starts,
            np.concatenate(terms).astype(np.int32) if terms else np.zeros(0, np.int32),
            np.concatenate(counts).astype(np.int32) if counts else np.zeros(0, np.int32),
        )  # fmt: skip

    def save(self, path: Path) -> None:
        """Write the segment so that a reader sees the whole file or none."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            np.savez(f, ids=np.array(self.ids, dtype=str), vocab=np.array(self.vocab, dtype=str),
                     starts=self.starts, terms=self.terms, counts=self.counts)  # fmt: skip
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Postings:
        with np.load(path, allow_pickle=False) as data:
            return cls(data["ids"].tolist(), data["vocab"].tolist(), data["starts"],
                       data["terms"], data["counts"])  # fmt: skip


class KeywordSegment:
    """One segment's postings as a search reads them: by term (a read-only value, so
    snapshots that share the segment share it)."""

    def __init__(self, postings: Postings) -> None:
        self.ids = postings.ids
        self.vocab = {t: n for n, t in enumerate(postings.vocab)}
        runs = np.diff(postings.starts)
        self.lengths = np.zeros(len(postings), dtype=np.int64)  # tokens per chunk, as bm25s
        np.add.at(self.lengths, np.repeat(np.arange(len(postings)), runs), postings.counts)
        order = np.argsort(postings.terms, kind="stable")
        self.docs = np.repeat(np.arange(len(postings)), runs)[order]
        self.counts = postings.counts[order].astype(np.float32)
        self.bounds = np.searchsorted(postings.terms[order], np.arange(len(postings.vocab) + 1))

    def __len__(self) -> int:
        return len(self.ids)

    def postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The chunks (rows) holding token, and its count in each."""
        at = self.vocab.get(token)
        if at is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        run = slice(self.bounds[at], self.bounds[at + 1])
        return self.docs[run], self.counts[run]


class SegmentedKeywords:
    """BM25 over the live chunks of a snapshot's segments, scored with the statistics of those
    chunks together (number, average length, document frequencies over live chunks only):
    exactly, float for float, what one bm25s index over them gives (KeywordIndex)."""

    def __init__(self, segments: list[KeywordSegment], live: list[tuple[int, int, int]]) -> None:
        """live: (segment, first row, end row) of each article's chunks (segment: a position
        in segments), in snapshot order."""
        self._segments = segments
        self._base = np.cumsum([0, *(len(s) for s in segments)])
        rows = [np.arange(self._base[s] + a, self._base[s] + b) for s, a, b in live]
        self._gather = np.concatenate(rows).astype(np.int64) if rows else np.zeros(0, np.int64)
        self._live = np.zeros(self._base[-1], dtype=bool)
        self._live[self._gather] = True
        lengths = [s.lengths for s in segments]
        self._lengths = np.concatenate(lengths) if lengths else np.zeros(0, np.int64)
        everything = [i for segment in segments for i in segment.ids]
        self.ids = [everything[n] for n in self._gather]
        # as bm25s: the mean of an integer array, in float64
        self._average = self._lengths[self._gather].mean() if len(self._gather) else 1.0

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Up to k (chunk id, BM25 score) pairs with a positive score, best first."""
        from bm25s.selection import topk

        n = len(self._gather)
        tokens = [t for t in tokenize(query) if any(t in s.vocab for s in self._segments)]
        if not n or not tokens:
            return []
        scores = np.zeros(len(self._live), dtype=np.float32)
        for token in tokens:  # a repeated token counts again, as in bm25s
            docs, tf = self._postings(token)
            if not len(docs):
                continue
            df = len(docs)
            idf = np.float32(math.log(1 + (n - df + 0.5) / (df + 0.5)))
            # the operations and types of bm25s's lucene scoring, so the floats are the same
            tfc = tf / (K1 * ((1 - B) + B * self._lengths[docs] / self._average) + tf)
            scores[docs] += (idf * tfc).astype(np.float32)
        top, rows = topk(scores[self._gather], min(k, n), backend="auto", sorted=True)
        return [(self.ids[int(r)], float(s)) for r, s in zip(rows, top, strict=True) if s > 0]

    def _postings(self, token: str) -> tuple[np.ndarray, np.ndarray]:
        """The live chunks holding token (rows of the segments laid end to end), and its count
        in each."""
        docs, counts = [], []
        for segment, base in zip(self._segments, self._base, strict=False):
            found, tf = segment.postings(token)
            docs.append(found + base)
            counts.append(tf)
        if not docs:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        all_docs, all_counts = np.concatenate(docs), np.concatenate(counts)
        keep = self._live[all_docs]
        return all_docs[keep], all_counts[keep]
