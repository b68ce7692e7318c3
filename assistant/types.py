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
