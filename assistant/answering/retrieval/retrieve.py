"""Question -> what the evidence is chosen from: ranked passages (dense Chroma search and
BM25 keyword search, fused by rank) and the candidate sentences, which are the passages'
sentences, the closest sentence vectors and the sentences holding a rare word of the question.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answering.question.analysis import Question
from assistant.answering.vocabulary.lexicon import Lexicon
from assistant.store.reader import Snapshot
from assistant.types import Filters, Passage, Sentence

RRF_K = 60  # the usual reciprocal-rank-fusion constant: damps the weight of top ranks
PASSAGES = 6  # fused passages whose sentences are all candidates
CANDIDATES = 30  # depth of each ranking before fusion
SENTENCE_HITS = 12  # closest sentence vectors added to the candidates
RARE_SENTENCES = 6  # a question word used in at most this many sentences adds them all
FOCUS_REACH = 3  # a follow-up's candidates include sentences this close to the last evidence


@dataclass(frozen=True)
class Focus:
    """Where a conversation's last evidence is: an article and the positions of its first
    and last quoted sentences."""

    article_id: str
    first: int
    last: int


@dataclass(frozen=True)
class Retrieved:
    """What one question retrieved; everything the evidence features read about ranking."""

    passages: list[Passage]  # the best fused passages, best first
    sentences: list[Sentence]  # candidate sentences, in no particular order
    similarities: np.ndarray  # cosine of the question and every sentence vector, by row
    chunk_rank: dict[str, int]  # fused rank (0 = best) of every chunk either ranking found
    keyword_score: dict[str, float]  # BM25 score of each chunk, divided by the best one


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest scores, highest first, without sorting all of them."""
    if len(scores) > k:
        part = np.argpartition(-scores, k - 1)[:k]
        return part[np.argsort(-scores[part], kind="stable")]
    return np.argsort(-scores, kind="stable")


def fuse(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to the ids it ranks."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class Retriever:
    """Hybrid search over one snapshot of the index (passed to each call); holds only how to
    search."""

    def __init__(
        self, embedder: Any = None, candidates: int = CANDIDATES, keywords: bool = True
    ) -> None:
        self.embedder = embedder  # embeds a question search() is given without its vector
        self.candidates = candidates
        self.keywords = keywords  # False: dense retrieval only (a baseline)

    def search(
        self,
        index: Snapshot,
        question: str,
        k: int = 5,
        filters: Filters | None = None,
        vector: list[float] | None = None,
    ) -> list[Passage]:
        """The k best passages for the question, best first (vector: the question's, if known)."""
        if vector is None:
            vector = self.embedder.embed_query(question)
        passages, _, _ = self._fused(index, question, k, filters or Filters(), vector)
        return passages

    def retrieve(
        self,
        index: Snapshot,
        q: Question,
        vector: np.ndarray,
        lexicon: Lexicon,
        forms: tuple[frozenset[str], ...],
        filters: Filters | None = None,
        focus: tuple[Focus, ...] = (),
    ) -> Retrieved:
        """Passages and candidate sentences for an analysed question (forms: of its terms;
        focus: the conversation's last evidence, whose neighbourhood is searched too)."""
        filters = filters or Filters()
        passages, ranking, keyword = self._fused(index, q.text, PASSAGES, filters, vector.tolist())
        candidates: dict[int, Sentence] = {}
        chosen = {p.chunk.id for p in passages}
        for p in passages:
            for s in index.sentences(p.chunk.article_id):
                if s.chunk_id in chosen:
                    candidates[s.row] = s
        similarities = index.sentence_vectors() @ vector
        limit = len(candidates) + SENTENCE_HITS
        for row in _top(similarities, SENTENCE_HITS * 4):
            s = index.sentence_at(int(row))
            if _admits(index, s, filters):
                candidates[s.row] = s
            if len(candidates) >= limit:
                break
        # A rare word of the question pinpoints its sentences, even in a passage that common
        # words kept out of the retrieved ones.
        for term, term_forms in zip(q.terms, forms, strict=True):
            if not term.salient or term.pos == "FOCUS":
                continue
            used = sum(len(lexicon.rows.get(f, ())) for f in term_forms)
            if 0 < used <= RARE_SENTENCES:
                for row in (r for f in term_forms for r in lexicon.rows.get(f, ())):
                    s = index.sentence_at(row)
                    if _admits(index, s, filters):
                        candidates[s.row] = s
        for f in focus:
            sentences = index.sentences(f.article_id)
            for s in sentences[max(0, f.first - FOCUS_REACH) : f.last + FOCUS_REACH + 1]:
                if _admits(index, s, filters):
                    candidates[s.row] = s
        return Retrieved(
            passages=passages,
            sentences=list(candidates.values()),
            similarities=similarities,
            chunk_rank={chunk_id: rank for rank, chunk_id in enumerate(ranking)},
            keyword_score=keyword,
        )

    def _fused(
        self, index: Snapshot, question: str, k: int, filters: Filters, vector: list[float]
    ) -> tuple[list[Passage], list[str], dict[str, float]]:
        dense = [i for i, _ in index.dense_search(vector, self.candidates, filters.where())]
        keyword: list[tuple[str, float]] = []
        found = index.keyword_search(question, self.candidates * 3) if self.keywords else []
        for chunk_id, score in found:
            chunk = index.chunk(chunk_id)
            record = index.article(chunk.article_id) if chunk else None
            if record and filters.admits(record.id, record.date):
                keyword.append((chunk_id, score))
        keyword = keyword[: self.candidates]
        fused = fuse([dense, [i for i, _ in keyword]])
        ranking = [i for i, _ in sorted(fused.items(), key=lambda kv: -kv[1])]
        passages = []
        for chunk_id in ranking[:k]:
            chunk = index.chunk(chunk_id)
            record = index.article(chunk.article_id)
            passages.append(
                Passage(chunk=chunk, title=record.title, date=record.date, score=fused[chunk_id])
            )
        best = keyword[0][1] if keyword else 1.0
        return passages, ranking, {i: s / best for i, s in keyword}


def _admits(index: Snapshot, s: Sentence, filters: Filters) -> bool:
    record = index.article(s.article_id)
    return record is not None and filters.admits(record.id, record.date)
