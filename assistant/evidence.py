"""Question -> the evidence: retrieve candidates, build units, compute their features, let the
ranker choose one and the confidence model say how likely it holds the answer.

The confidence is a calibrated probability: of units given confidence 0.8, about 8 in 10
held the answer in the out-of-fold predictions it was fitted on (see models/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.candidates import Unit, candidate_units
from assistant.features import (
    Reading,
    Scored,
    confidence_features,
    read,
    term_forms,
    unit_features,
)
from assistant.index import Index
from assistant.lexicon import Lexicon
from assistant.model import EvidenceModel, sigmoid
from assistant.question import Question
from assistant.retrieve import Filters, Retriever


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
    """The chosen unit and how likely it holds the answer."""

    unit: Unit
    scored: Scored
    confidence: float
    missing: tuple[str, ...]  # salient words of the question found nowhere near the unit


def gather(
    q: Question,
    vector: np.ndarray,
    index: Index,
    lexicon: Lexicon,
    retriever: Retriever,
    filters: Filters | None = None,
) -> Candidates:
    """Retrieve, build the candidate units and compute their features."""
    forms = term_forms(q, lexicon)
    retrieved = retriever.retrieve(q, vector, lexicon, forms, filters)
    reading = read(q, forms, lexicon, retrieved)
    units = candidate_units(index, retrieved.sentences)
    scored, matrix = unit_features(reading, units, index, lexicon)
    return Candidates(reading, scored, matrix)


def choose(model: EvidenceModel, found: Candidates, lexicon: Lexicon) -> Evidence | None:
    """The unit the ranker puts first, with its calibrated confidence; None without units."""
    if not found.scored:
        return None
    scores = model.ranker.logits(found.matrix)
    best = int(np.argmax(scores))
    row = confidence_features(found.reading, found.units, found.matrix, scores, best)
    probability = sigmoid(float(model.confidence.logits(row[None])[0]))
    scored = found.scored[best]
    return Evidence(
        unit=scored.unit,
        scored=scored,
        confidence=model.calibration(probability),
        missing=missing_words(found.reading, scored.unit, lexicon),
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
