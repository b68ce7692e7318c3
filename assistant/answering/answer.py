"""Question -> Answer: make the question stand alone, gather and choose the evidence
(evidence.py), pick the short answer inside it (spans.py), then quote and cite it, or refuse
with the nearest passages when the confidence is below the model's threshold.

One question costs one embedding plus look-ups and one parse of the chosen unit: sentence
boundaries, entities and sentence vectors were computed when the index was built. A question
reads one snapshot of the index from start to end, and nothing about it is kept on the
Answerer: two questions may be answered at once, while the index changes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from assistant.answering.conversation import conversation, standalone_question
from assistant.answering.evidence import Evidence, choose, gather
from assistant.answering.lexicon import Lexicon
from assistant.answering.model import EvidenceModel, load_model
from assistant.answering.question import analyse
from assistant.answering.reading import search_text
from assistant.answering.retrieve import Retriever
from assistant.answering.rules import ANAPHOR
from assistant.answering.similarity import word_vectors
from assistant.store.reader import Index, Snapshot
from assistant.types import Answer, Citation, Filters, Passage


class Answerer:
    """The extractive backend: answers by quoting the article, from one Index with one
    evidence model. `ask` and `stream` take a snapshot of the index; `answer` works on a
    snapshot it is given (the generative backends answer from the same one)."""

    name = "extractive"

    def __init__(
        self,
        index: Index,
        threshold: float | None = None,
        retriever: Retriever | None = None,
        model: EvidenceModel | None = None,
    ) -> None:
        self.index = index
        self.retriever = retriever or Retriever(index.embedder)
        self.model = model or load_model(index.settings.evidence_model)
        self.threshold = self.model.threshold if threshold is None else threshold
        self.words = word_vectors(index.embedder, index.settings.cache_dir)

    def ask(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Answer:
        """Answer one question in a conversation (history: its earlier turns)."""
        return self.answer(self.index.snapshot(), question, history, filters)

    def stream(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Iterator[str | Answer]:
        """The answer, whole (a quote is not written word by word)."""
        yield self.ask(question, history, filters)

    def answer(
        self,
        snapshot: Snapshot,
        question: str,
        history: Sequence[Any] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer from this snapshot of the index only."""
        clock = _Clock()
        lexicon = Lexicon.of(snapshot)
        turns = conversation(history)
        standalone = standalone_question(question, turns)
        q = analyse(standalone)
        query = search_text(q, lexicon)
        clock.lap("rewrite")
        vector = np.asarray(self.index.embedder.embed_query(query), dtype=np.float32)
        clock.lap("embed")
        found = gather(q, vector, snapshot, lexicon, self.retriever, filters, turns, self.words)
        clock.lap("retrieve")
        evidence = choose(self.model, found, snapshot, lexicon)
        clock.lap("select")
        passages = found.reading.retrieved.passages
        if evidence is None or evidence.confidence < self.threshold:
            return self._refusal(question, standalone, evidence, passages, clock)
        return self._answer(snapshot, question, standalone, evidence, passages, clock)

    def _answer(
        self,
        snapshot: Snapshot,
        question: str,
        standalone: str,
        evidence: Evidence,
        passages: list[Passage],
        clock: _Clock,
    ) -> Answer:
        unit, short = evidence.unit, evidence.short
        text = snapshot.text(unit.article_id)
        record = snapshot.article(unit.article_id)
        shown = short.text if short and short.probability >= self.model.span_threshold else ""
        # The quote is the unit's sentence that holds the short answer shown (with the
        # sentence before when it starts by pointing back), or the whole unit without one.
        quoted = [s for s in unit.sentences if shown and s.start <= short.start < s.end]
        quoted = quoted or list(unit.sentences)
        start, end = quoted[0].start, quoted[-1].end
        first = quoted[0]
        if first.position > 0 and ANAPHOR.match(text[first.start : first.end]):
            start = snapshot.sentences(unit.article_id)[first.position - 1].start
        citation = Citation.cut(
            1,
            unit.article_id,
            record.title if record else unit.article_id,
            record.date if record else "",
            text,
            start,
            end,
        )
        body = " ".join(citation.quote.split())
        answer_text = f"{shown}: “{body}” [1]" if shown else f"“{body}” [1]"
        clock.lap("compose")
        return Answer(
            question=question,
            rewritten_question=standalone,
            text=answer_text,
            short_answer=shown,
            refused=False,
            confidence=evidence.confidence,
            citations=(citation,),
            passages=tuple(passages),
            timings_ms=clock.laps,
        )

    def _refusal(
        self,
        question: str,
        standalone: str,
        evidence: Evidence | None,
        passages: list[Passage],
        clock: _Clock,
    ) -> Answer:
        missing = evidence.missing if evidence else ()
        if missing:
            words = ", ".join(f"“{w}”" for w in missing)
            reason = f"nothing found about {words}"
        else:
            reason = "the closest passages are below, but none answers the question"
        clock.lap("compose")
        return Answer(
            question=question,
            rewritten_question=standalone,
            text=f"The articles don't say: {reason}.",
            short_answer="",
            refused=True,
            confidence=evidence.confidence if evidence else 0.0,
            citations=(),
            passages=tuple(passages),
            timings_ms=clock.laps,
        )


class _Clock:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = (now - self.last) * 1000
        self.laps["total"] = (now - self.started) * 1000
        self.last = now
