"""Question -> Answer: make the question stand alone, retrieve, pick the evidence (see
evidence.py), then quote and cite it, or refuse with the nearest passages.

One question costs one embedding plus look-ups: sentence boundaries, entities and sentence
vectors were computed when the index was built.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from assistant.evidence import Evidence, Unit, short_answer
from assistant.index import Index
from assistant.question import analyse, rewrite
from assistant.retrieve import Filters, Retriever
from assistant.types import Answer, Citation, Passage

THRESHOLD = 0.5  # calibrated on corpus/questions.yaml: see README, "Refusals and confidence"
PASSAGES = 6


class Answerer:
    """Answers questions from one Index; cheap to call, keeps per-index caches."""

    def __init__(
        self, index: Index, threshold: float = THRESHOLD, retriever: Retriever | None = None
    ) -> None:
        self.index = index
        self.retriever = retriever or Retriever(index)
        self.threshold = threshold
        self.evidence = Evidence(index)

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer one question in a conversation (history: earlier user/assistant messages)."""
        clock = _Clock()
        index = self.index.open()
        standalone = standalone_question(question, history)
        q = analyse(standalone)
        clock.lap("rewrite")
        vector = np.asarray(index.embedder.embed_query(standalone), dtype=np.float32)
        clock.lap("embed")
        passages = self.retriever.search(standalone, PASSAGES, filters, vector=vector.tolist())
        clock.lap("retrieve")
        best = self.evidence.best_unit(q, vector, passages, filters or Filters())
        clock.lap("select")
        if best is None or best.confidence < self.threshold:
            return self._refusal(question, standalone, best, passages, clock)
        return self._answer(question, standalone, best, passages, clock)

    def _answer(
        self, question: str, standalone: str, unit: Unit, passages: list[Passage], clock: _Clock
    ) -> Answer:
        text = self.index.text(unit.sentences[0].article_id)
        record = self.index.article(unit.sentences[0].article_id)
        quote = text[unit.start : unit.end]
        short = short_answer(unit, text)
        citation = Citation(
            n=1,
            article_id=record.id,
            title=record.title,
            date=record.date,
            quote=quote,
            start=unit.start,
            end=unit.end,
        )
        body = " ".join(quote.split())
        answer_text = f"{short}: “{body}” [1]" if short else f"“{body}” [1]"
        clock.lap("compose")
        return Answer(
            question=question,
            rewritten_question=standalone,
            text=answer_text,
            short_answer=short,
            refused=False,
            confidence=unit.confidence,
            citations=(citation,),
            passages=tuple(passages),
            timings_ms=clock.laps,
        )

    def _refusal(
        self,
        question: str,
        standalone: str,
        unit: Unit | None,
        passages: list[Passage],
        clock: _Clock,
    ) -> Answer:
        missing = [t.word for t in (unit.missing if unit else []) if t.salient]
        if missing:
            words = ", ".join(f"“{w}”" for w in dict.fromkeys(missing))
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
            confidence=unit.confidence if unit else 0.0,
            citations=(),
            passages=tuple(passages),
            timings_ms=clock.laps,
        )


def standalone_question(question: str, history: Sequence[dict[str, str]]) -> str:
    """The question rewritten to stand alone, given the conversation before it."""
    previous, previous_answer = "", ""
    for message in history:
        if message.get("role") == "user":
            previous = rewrite(message.get("content", ""), previous, previous_answer)
            previous_answer = ""
        elif message.get("role") == "assistant":
            previous_answer = message.get("content", "")
    return rewrite(question, previous, previous_answer)


class _Clock:
    def __init__(self) -> None:
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = (now - self.last) * 1000
        self.laps["total"] = (now - self.started) * 1000
        self.last = now
