"""Question -> Answer: make the question stand alone, gather and choose the evidence
(evidence.py), pick the short answer inside it (spans.py), then quote and cite it, or refuse
with the nearest passages when the confidence is below the model's threshold.

One question costs one embedding plus look-ups and one parse of the chosen unit: sentence
boundaries, entities and sentence vectors were computed when the index was built. Nothing
about a question is kept on the Answerer: two questions may be answered at once.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence

import numpy as np

from assistant.answering.evidence import Evidence, choose, gather
from assistant.answering.lexicon import Lexicon
from assistant.answering.model import EvidenceModel, load_model
from assistant.answering.question import analyse, rewrite
from assistant.answering.retrieve import Retriever
from assistant.store.reader import Index
from assistant.types import Answer, Citation, Filters, Passage

# A quote that starts by pointing back ("This session was chaired by ...") is quoted with the
# sentence before it, or it means nothing.
_ANAPHOR = re.compile(
    r"^(It|He|She|They|Its|His|Her|Their|This|That|These|Those|The same)\b(?!\s+(is|was)\s+"
    r"(the|a|an)\s+first)"
)


class Answerer:
    """Answers questions from one Index with one evidence model; keeps per-index caches."""

    def __init__(
        self,
        index: Index,
        threshold: float | None = None,
        retriever: Retriever | None = None,
        model: EvidenceModel | None = None,
    ) -> None:
        self.index = index
        self.retriever = retriever or Retriever(index)
        self.model = model or load_model(index.settings.evidence_model)
        self.threshold = self.model.threshold if threshold is None else threshold
        self._lexicon: Lexicon | None = None
        self._lexicon_lock = threading.Lock()

    def lexicon(self) -> Lexicon:
        """Word statistics of the current index build (rebuilt when the build changes)."""
        index = self.index.open()
        with self._lexicon_lock:
            if self._lexicon is None or self._lexicon.stamp != index.stamp:
                self._lexicon = Lexicon(index)
            return self._lexicon

    def ask(
        self,
        question: str,
        history: Sequence[dict[str, str]] = (),
        filters: Filters | None = None,
    ) -> Answer:
        """Answer one question in a conversation (history: earlier user/assistant messages)."""
        clock = _Clock()
        index = self.index.open()
        lexicon = self.lexicon()
        standalone = standalone_question(question, history)
        q = analyse(standalone)
        clock.lap("rewrite")
        vector = np.asarray(index.embedder.embed_query(standalone), dtype=np.float32)
        clock.lap("embed")
        found = gather(q, vector, index, lexicon, self.retriever, filters)
        clock.lap("retrieve")
        evidence = choose(self.model, found, index, lexicon)
        clock.lap("select")
        passages = found.reading.retrieved.passages
        if evidence is None or evidence.confidence < self.threshold:
            return self._refusal(question, standalone, evidence, passages, clock)
        return self._answer(question, standalone, evidence, passages, clock)

    def _answer(
        self,
        question: str,
        standalone: str,
        evidence: Evidence,
        passages: list[Passage],
        clock: _Clock,
    ) -> Answer:
        unit, short = evidence.unit, evidence.short
        text = self.index.text(unit.article_id)
        record = self.index.article(unit.article_id)
        start = unit.start
        first = unit.sentences[0]
        if first.position > 0 and _ANAPHOR.match(text[first.start : first.end]):
            start = self.index.sentences(unit.article_id)[first.position - 1].start
        quote = text[start : unit.end]
        shown = short.text if short and short.probability >= self.model.span_threshold else ""
        citation = Citation(
            n=1,
            article_id=unit.article_id,
            title=record.title if record else unit.article_id,
            date=record.date if record else "",
            quote=quote,
            start=start,
            end=unit.end,
        )
        body = " ".join(quote.split())
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
