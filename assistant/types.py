"""The records passed between the parts (standard library only): articles and their
paragraphs, chunks and sentences, answers and citations, retrieval filters, question sets and
evaluation results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from assistant.errors import AssistantError
from assistant.language import join_list

# The text helpers (text.py) are imported from here too.
from assistant.text import PARAGRAPH_BREAK as PARAGRAPH_BREAK
from assistant.text import join_paragraphs as join_paragraphs
from assistant.text import page_at, paragraph_bounds, paragraph_spans
from assistant.text import same_paragraph as same_paragraph


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
    size: int = 0  # the file's size and modification time when it was read: a sync does not
    mtime_ns: int = 0  # read a file again while both are unchanged
    pages: tuple[int, ...] = ()  # where each page begins in `text` (PDF); () when unpaged
    scanned: tuple[int, ...] = ()  # the pages (from 1) read by OCR: a scan has no text layer

    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of each paragraph of the text."""
        return paragraph_spans(self.text)


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
    size: int = 0  # of the file when read (0: read it again next time)
    mtime_ns: int = 0
    pages: tuple[int, ...] = ()  # where each page begins in the text (PDF); () when unpaged
    scanned: tuple[int, ...] = ()  # the pages (from 1) read by OCR
    text_key: str = ""  # what tells a copy of it (corpus.text_key; "": made again when needed)

    def as_dict(self) -> dict[str, Any]:
        """What `assistant articles --json` and the API list of an article."""
        return {"id": self.id, "title": self.title, "date": self.date, "chunks": self.chunks,
                "source": self.source, "indexed_at": self.indexed_at}  # fmt: skip


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
    """A numbered source of an answer: `quote` is exactly article_text[start:end], and
    `paragraph` the article's paragraph that holds it (starting at `paragraph_start`), so the
    page can show the quote in its context without reading the index again; `page`: the page
    of a PDF the quote starts on (None for other articles), `scanned` whether that page was
    read by OCR (its words may differ from the paper's)."""

    n: int
    article_id: str
    title: str
    date: str
    quote: str
    start: int
    end: int
    paragraph: str = ""
    paragraph_start: int = 0
    page: int | None = None
    scanned: bool = False

    @property
    def where(self) -> str:
        """The page as a source names it: "p. 3", "p. 3 (scanned)", or "" without pages."""
        if not self.page:
            return ""
        return f"p. {self.page} (scanned)" if self.scanned else f"p. {self.page}"

    @classmethod
    def cut(cls, n: int, article_id: str, title: str, date: str, text: str, start: int,
            end: int, pages: Sequence[int] | None = None) -> Citation:  # fmt: skip
        """The citation of text[start:end] of an article's text, with its paragraph and page
        (pages: where each page begins; by default those a PagedText carries, with the pages
        it says were scanned)."""
        a, b = paragraph_bounds(text, start, end)
        page = page_at(getattr(text, "pages", ()) if pages is None else pages, start)
        scanned = page in getattr(text, "scanned", ())
        return cls(n, article_id, title, date, text[start:end], start, end, text[a:b], a, page,
                   scanned)  # fmt: skip


def _quote_record(c: Citation) -> dict[str, Any]:
    return {"quote": c.quote, "article": c.article_id, "page": c.page, "scanned": c.scanned,
            "start": c.start, "end": c.end}  # fmt: skip


@dataclass(frozen=True)
class Claim:
    """One thing an answer states, with the evidence it rests on: `text` is its words (a short
    answer, one item of a list, a generated sentence; "" when the quote alone answers),
    `evidence` the quoted sentences (exact article text with offsets), `support` how likely
    the evidence holds it (a calibrated confidence)."""

    text: str
    evidence: tuple[Citation, ...]
    support: float

    def as_dict(self) -> dict[str, Any]:
        """{text, quote, article, page, start, end, support} of its first quote; more quotes
        of the same claim under `also`."""
        first = _quote_record(self.evidence[0]) if self.evidence else {
            "quote": "", "article": "", "page": None, "scanned": False, "start": 0,
            "end": 0}  # fmt: skip
        out = {"text": self.text, **first, "support": round(self.support, 3)}
        if len(self.evidence) > 1:
            out["also"] = [_quote_record(c) for c in self.evidence[1:]]
        return out


@dataclass(frozen=True)
class Answer:
    """An answer as data: the claims it makes, each with its evidence; or a refusal (no
    claims), with its reason and the nearest passages. `text` is its plain-text rendering,
    made once by the composer; nothing reads the claims back out of it."""

    question: str
    rewritten_question: str
    text: str
    claims: tuple[Claim, ...]
    refused: bool
    confidence: float
    passages: tuple[Passage, ...]
    reason: str = ""  # why it was refused ("nothing found about “budget”")
    timings_ms: dict[str, float] = field(default_factory=dict)
    backend: str = "extractive"  # the backend asked for
    grounded: bool = True  # the shown answer passed the grounding check (quotes always do)
    fallback: str | None = None  # the backend whose answer was shown instead, if any
    note: str = ""  # why there was a fallback, for the user
    tokens: int = 0  # tokens generated by a language model
    # What the extractive step would have quoted, when a trusted model found no answer in
    # the passages: shown as such in the sources, never as the answer.
    set_aside: tuple[Citation, ...] = ()
    rejected: str = ""  # a model's answer that failed the grounding check (not shown)
    generated: bool = False  # the claims are a language model's sentences (checked)
    coverage: str = ""  # how many articles the claims come from ("from 3 articles about ...")
    count: int | None = None  # a how-many question's answer: the holders the claims name

    @property
    def citations(self) -> tuple[Citation, ...]:
        """Every quote of the claims, once each, in the order of their numbers."""
        seen: dict[int, Citation] = {}
        for claim in self.claims:
            for c in claim.evidence:
                seen.setdefault(c.n, c)
        return tuple(seen[n] for n in sorted(seen))

    @property
    def short_answer(self) -> str:
        """The claims' words as one phrase ("K. Bangarurajan", "Bangladesh and Nepal"), or a
        count's number; "" for a refusal or a quote alone."""
        if self.count is not None:
            return str(self.count)
        words = [c.text for c in self.claims if c.text]
        return " ".join(words) if self.generated else join_list(words)

    def as_dict(self) -> dict:
        return {
            "question": self.question,
            "backend": self.backend,
            "grounded": self.grounded,
            "fallback": self.fallback,
            "note": self.note,
            "rewritten_question": self.rewritten_question,
            "answer": self.text,
            "short_answer": self.short_answer,
            "refused": self.refused,
            "reason": self.reason,
            "confidence": round(self.confidence, 3),
            "claims": [c.as_dict() for c in self.claims],
            "coverage": self.coverage,
            "count": self.count,
            "citations": [
                {
                    "n": c.n,
                    "article_id": c.article_id,
                    "title": c.title,
                    "date": c.date,
                    "quote": c.quote,
                    "start": c.start,
                    "end": c.end,
                    "page": c.page,
                    "scanned": c.scanned,
                }
                for c in self.citations
            ],
            "passages": [
                {"article_id": p.chunk.article_id, "text": p.chunk.text, "score": round(p.score, 4)}
                for p in self.passages
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "tokens": self.tokens,
            "rejected": self.rejected,
            "set_aside": [
                {
                    "article_id": c.article_id,
                    "quote": c.quote,
                    "start": c.start,
                    "end": c.end,
                    "page": c.page,
                }
                for c in self.set_aside
            ],
        }


@dataclass(frozen=True)
class Drafting:
    """While a language model writes: how many tokens it has written so far. Its words are
    shown only as claims, once they pass the grounding check."""

    tokens: int


# What a backend's stream yields: progress, each checked claim as it passes, then the Answer.
StreamItem = Drafting | Claim | Answer


@dataclass(frozen=True)
class ChatTurn:
    """One earlier turn of a conversation, as the answer step reads it: the question, the
    question as understood, what was answered (or that it was refused) and from which
    articles."""

    question: str
    answer: str = ""  # the answer's text as shown
    rewritten_question: str = ""  # "": the question stood alone
    short_answer: str = ""
    refused: bool = False
    cited: tuple[tuple[str, int, int], ...] = ()  # (article id, start, end) of each quote

    @property
    def article_ids(self) -> tuple[str, ...]:
        """The articles the answer cited."""
        return tuple(dict.fromkeys(a for a, _, _ in self.cited))

    @classmethod
    def of(cls, answer: Answer) -> ChatTurn:
        """The turn an answer makes."""
        return cls(
            question=answer.question,
            answer=answer.text,
            rewritten_question=answer.rewritten_question,
            short_answer=answer.short_answer,
            refused=answer.refused,
            cited=tuple((c.article_id, c.start, c.end) for c in answer.citations),
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ChatTurn:
        """A turn from a JSON record: the fields of as_dict(), or an answer as `assistant ask
        --json` prints it (`answer`, `citations`)."""
        cited = [
            (str(c.get("article_id", "")), int(c.get("start", 0)), int(c.get("end", 0)))
            for c in data.get("citations", [])
            if isinstance(c, dict) and c.get("article_id")
        ] or [(str(a), 0, 0) for a in data.get("article_ids", []) if a]
        return cls(
            question=str(data.get("question", "")),
            answer=str(data.get("answer", "")),
            rewritten_question=str(data.get("rewritten_question", "")),
            short_answer=str(data.get("short_answer", "")),
            refused=bool(data.get("refused", False)),
            cited=tuple(cited),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.answer,
            "rewritten_question": self.rewritten_question,
            "short_answer": self.short_answer,
            "refused": self.refused,
            "citations": [{"article_id": a, "start": s, "end": e} for a, s, e in self.cited],
        }

    def messages(self) -> list[dict[str, str]]:
        """The turn as chat messages (what a language model's prompt shows)."""
        return [
            {"role": "user", "content": self.question},
            {"role": "assistant", "content": self.answer},
        ]


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to some articles and/or a date range (inclusive, YYYY-MM-DD)."""

    article_ids: tuple[str, ...] = ()
    since: str = ""
    until: str = ""

    @classmethod
    def parse(
        cls, article_ids: list[str] | tuple[str, ...] | None, since: str, until: str,
        labels: tuple[str, str] = ("--since", "--until"),
    ) -> Filters:  # fmt: skip
        """Filters from what a user typed; a date that is not YYYY-MM-DD is an error naming
        the field (labels: how the two date fields are called where they were typed)."""
        for label, value in zip(labels, (since, until), strict=True):
            if value and value.strip():
                try:
                    dt.date.fromisoformat(value.strip())
                except ValueError:
                    raise AssistantError(
                        f"{label} {value!r} is not a date: use YYYY-MM-DD"
                    ) from None
        return cls(tuple(article_ids or ()), (since or "").strip(), (until or "").strip())

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
