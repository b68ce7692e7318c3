"""Plain frozen records passed between modules (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One cleaned article; `text` is what offsets and quotes refer to."""

    id: str
    path: str
    title: str
    date: str  # ISO yyyy-mm-dd, or "" when the article states none
    source: str
    text: str
    content_hash: str


@dataclass(frozen=True)
class Skipped:
    """A corpus file that was not loaded, and why."""

    path: str
    reason: str


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one article, with offsets into `Article.text`."""

    id: str
    article_id: str
    index: int
    text: str
    start: int
    end: int
    sentences: tuple[tuple[int, int], ...]  # (start, end) in the article text
    entities: tuple[tuple[int, int, str], ...] = ()  # (start, end, spaCy label), article offsets


@dataclass(frozen=True)
class Sentence:
    """One sentence of an indexed article; `row` is its row in the sentence-vector matrix."""

    row: int
    article_id: str
    chunk_id: str
    position: int  # index of the sentence within its article
    start: int
    end: int


@dataclass(frozen=True)
class ArticleRecord:
    """What the index holds about one article."""

    id: str
    path: str
    title: str
    date: str
    source: str
    content_hash: str
    chunks: int
    indexed_at: str


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with the article it came from and its fused score."""

    chunk: Chunk
    title: str
    date: str
    score: float


@dataclass
class IndexReport:
    """Counts from one indexing run."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0
    dry_run: bool = False
    rebuilt: bool = False

    def as_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        verb = "would change" if self.dry_run else ("rebuilt" if self.rebuilt else "synced")
        return (
            f"{verb}: {self.added} added, {self.updated} updated, {self.deleted} deleted, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped; "
            f"{self.chunks} chunks in the index ({self.seconds:.1f} s)"
        )


@dataclass(frozen=True)
class Citation:
    """A numbered source of an answer: `quote` is exactly article_text[start:end]."""

    n: int
    article_id: str
    title: str
    date: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Answer:
    """An answer with its evidence, or a refusal with the nearest passages."""

    question: str
    rewritten_question: str
    text: str
    short_answer: str
    refused: bool
    confidence: float
    citations: tuple[Citation, ...]
    passages: tuple[Passage, ...]
    timings_ms: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {
            "question": self.question,
            "rewritten_question": self.rewritten_question,
            "answer": self.text,
            "short_answer": self.short_answer,
            "refused": self.refused,
            "confidence": round(self.confidence, 3),
            "citations": [
                {
                    "n": c.n,
                    "article_id": c.article_id,
                    "title": c.title,
                    "date": c.date,
                    "quote": c.quote,
                    "start": c.start,
                    "end": c.end,
                }
                for c in self.citations
            ],
            "passages": [
                {"article_id": p.chunk.article_id, "text": p.chunk.text, "score": round(p.score, 4)}
                for p in self.passages
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
