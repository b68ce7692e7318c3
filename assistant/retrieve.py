"""Question -> ranked Passages: dense (Chroma) and keyword (BM25) candidates, fused by rank."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.index import Index
from assistant.types import Passage

RRF_K = 60  # the usual reciprocal-rank-fusion constant: damps the weight of top ranks


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some articles and/or a date range (inclusive, YYYY-MM-DD)."""

    article_ids: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    def where(self) -> dict | None:
        """The same filters as a Chroma metadata filter."""
        clauses: list[dict] = []
        if self.article_ids:
            clauses.append({"article_id": {"$in": list(self.article_ids)}})
        if self.since:
            clauses.append({"date_number": {"$gte": int(self.since.replace("-", ""))}})
        if self.until:
            clauses.append({"date_number": {"$lte": int(self.until.replace("-", ""))}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def admits(self, article_id: str, date: str) -> bool:
        if self.article_ids and article_id not in self.article_ids:
            return False
        if (self.since or self.until) and not date:
            return False
        return not (self.since and date < self.since) and not (self.until and date > self.until)


def fuse(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: each list adds 1 / (k + rank) to the ids it ranks."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
    return scores


class Retriever:
    """Hybrid search over one Index."""

    def __init__(self, index: Index, candidates: int = 30, keywords: bool = True) -> None:
        self.index = index
        self.candidates = candidates
        self.keywords = keywords  # False: dense retrieval only (a baseline)

    def search(
        self,
        question: str,
        k: int = 5,
        filters: Filters | None = None,
        vector: list[float] | None = None,
    ) -> list[Passage]:
        """The k best passages for the question, best first (vector: the question's, if known)."""
        filters = filters or Filters()
        index = self.index.open()
        if vector is None:
            vector = index.embedder.embed_query(question)
        dense = [i for i, _ in index.dense_search(vector, self.candidates, filters.where())]
        keyword = []
        found = index.keyword_search(question, self.candidates * 3) if self.keywords else []
        for chunk_id, _ in found:
            chunk = index.chunk(chunk_id)
            record = index.article(chunk.article_id) if chunk else None
            if record and filters.admits(record.id, record.date):
                keyword.append(chunk_id)
        fused = fuse([dense, keyword[: self.candidates]])
        passages = []
        for chunk_id, score in sorted(fused.items(), key=lambda kv: -kv[1])[:k]:
            chunk = index.chunk(chunk_id)
            record = index.article(chunk.article_id)
            passages.append(Passage(chunk=chunk, title=record.title, date=record.date, score=score))
        return passages
