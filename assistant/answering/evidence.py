"""Question -> the evidence: retrieve candidates, build units, compute their features, let the
ranker choose one and the confidence model say how likely it holds the answer.

The confidence is a calibrated probability: of units given confidence 0.8, about 8 in 10
held the answer in the out-of-fold predictions it was fitted on (see models/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.candidates import Unit, candidate_units
from assistant.answering.confidence import confidence_features
from assistant.answering.features import Scored, unit_features
from assistant.answering.lexicon import Lexicon
from assistant.answering.model import EvidenceModel, sigmoid
from assistant.answering.question import Question
from assistant.answering.reading import Reading, read, split_event, term_forms
from assistant.answering.retrieve import Focus, Retriever
from assistant.answering.similarity import SAME_MEANING, WordVectors
from assistant.answering.spans import ShortAnswer, short_answer
from assistant.store.reader import Snapshot
from assistant.types import ChatTurn, Filters


@dataclass(frozen=True)
class Candidates:
    """Everything one question gathered: the reading, the units and their features."""

    reading: Reading
    scored: list[Scored]
    matrix: np.ndarray  # unit features, one row per unit

    @property
    def units(self) -> list[Unit]:
        return [s.unit for s in self.scored]


@dataclass(frozen=True)
class Evidence:
    """The chosen unit, the best short answer in it, and how likely the unit holds the
    answer."""

    unit: Unit
    scored: Scored
    short: ShortAnswer | None
    confidence: float
    missing: tuple[str, ...]  # salient words of the question found nowhere near the unit


def gather(
    q: Question,
    vector: np.ndarray,
    index: Snapshot,
    lexicon: Lexicon,
    retriever: Retriever,
    filters: Filters | None = None,
    history: Sequence[ChatTurn] = (),
    words: WordVectors | None = None,
) -> Candidates:
    """Retrieve, build the candidate units and compute their features (history: the
    conversation's earlier turns, a follow-up looks first near the last answer's evidence;
    vector: the embedding of what is searched with, the question less the event's name it
    gives)."""
    q, event = split_event(q, lexicon)
    forms = term_forms(q, lexicon)
    focus = conversation_focus(index, history)
    retrieved = retriever.retrieve(index, q, vector, lexicon, forms, filters, focus)
    reading = read(q, forms, lexicon, retrieved, focus, bool(history), words, event)
    units = candidate_units(index, retrieved.sentences)
    scored, matrix = unit_features(reading, units, index, lexicon)
    return Candidates(reading, scored, matrix)


def choose(
    model: EvidenceModel, found: Candidates, index: Snapshot, lexicon: Lexicon
) -> Evidence | None:
    """The unit the ranker puts first, the best span in it, and the calibrated confidence
    that the unit holds the answer; None without candidate units."""
    if not found.scored:
        return None
    scores = model.ranker.logits(found.matrix)
    best = int(np.argmax(scores))
    scored = found.scored[best]
    reading = found.reading
    short = short_answer(model.span, reading.question, reading.forms, reading.weights, index,
                         lexicon, scored.unit)  # fmt: skip
    row = confidence_features(reading, found.units, found.matrix, scores, best, short)
    probability = sigmoid(float(model.confidence.logits(row[None])[0]))
    return Evidence(
        unit=scored.unit,
        scored=scored,
        short=short,
        confidence=model.calibration(probability),
        missing=missing_words(reading, scored.unit, lexicon),
    )


def conversation_focus(index: Snapshot, history: Sequence[ChatTurn]) -> tuple[Focus, ...]:
    """Where the conversation's last evidence is: (article, first and last sentence
    position) of each quote of the latest turn that cited any (the turn before, when the
    last was refused)."""
    for turn in reversed(history):
        spans = []
        for article_id, start, end in turn.cited:
            positions = [
                s.position for s in index.sentences(article_id) if s.start < end and start < s.end
            ]
            if positions:
                spans.append(Focus(article_id, min(positions), max(positions)))
        if spans:
            return tuple(spans)
    return ()


def missing_words(reading: Reading, unit: Unit, lexicon: Lexicon) -> tuple[str, ...]:
    """Salient words of the question that the unit's article holds neither as they are nor in
    other words ("budget"): what a refusal says it found nothing about."""
    near = lexicon.article_stems(unit.article_id)
    similar = reading.best_soft(lexicon.vocab_rows(near))
    q = reading.question
    return tuple(
        dict.fromkeys(
            t.word
            for i, (t, f) in enumerate(zip(q.terms, reading.forms, strict=True))
            if t.salient and not f & near and similar.get(i, -1.0) < SAME_MEANING
        )
    )
