"""Question -> the evidence: retrieve candidates, build units, compute their features, let the
ranker choose one and the confidence model say how likely it holds the answer.

The confidence is a calibrated probability: of units given confidence 0.8, about 8 in 10
held the answer in the out-of-fold predictions it was fitted on (see models/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.answering.candidates import Unit, candidate_units
from assistant.answering.confidence import confidence_features
from assistant.answering.features import Reading, Scored, read, term_forms, unit_features
from assistant.answering.lexicon import Lexicon
from assistant.answering.model import EvidenceModel, sigmoid
from assistant.answering.question import Question
from assistant.answering.retrieve import Retriever
from assistant.answering.spans import ShortAnswer, short_answer
from assistant.store.reader import Snapshot
from assistant.types import Filters


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
) -> Candidates:
    """Retrieve, build the candidate units and compute their features."""
    forms = term_forms(q, lexicon)
    retrieved = retriever.retrieve(index, q, vector, lexicon, forms, filters)
    reading = read(q, forms, lexicon, retrieved)
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


def missing_words(reading: Reading, unit: Unit, lexicon: Lexicon) -> tuple[str, ...]:
    """Salient words of the question that neither the unit, its article's title nor any
    sentence of the index holds ("budget"): what a refusal says it found nothing about."""
    near = lexicon.article_stems(unit.article_id)
    q = reading.question
    return tuple(
        dict.fromkeys(
            t.word
            for t, f in zip(q.terms, reading.forms, strict=True)
            if t.salient and not f & near
        )
    )
