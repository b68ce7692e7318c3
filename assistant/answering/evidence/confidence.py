"""The confidence model's inputs: the chosen unit's own features and how it won against the
other candidates, what the question asks and whether its words occur in the index at all, and
what the span model found in the unit."""

from __future__ import annotations

import math

import numpy as np

from assistant.answering.evidence.candidates import Unit
from assistant.answering.evidence.schema import CONFIDENCE_FEATURES, UNIT_FEATURES
from assistant.answering.evidence.spans import ShortAnswer
from assistant.answering.question.analysis import QUESTION_CLASSES, question_class
from assistant.answering.question.reading import Reading


def confidence_features(
    reading: Reading,
    units: list[Unit],
    matrix: np.ndarray,
    scores: np.ndarray,
    best: int,
    span: ShortAnswer | None,
) -> np.ndarray:
    """The CONFIDENCE_FEATURES of the unit at index `best` (one row), given the best span
    the span model found in it."""
    top = units[best]
    rows = {s.row for s in top.sentences}
    others = [i for i, u in enumerate(units) if not rows & {s.row for s in u.sentences}]
    runner_up = max((scores[i] for i in others), default=scores[best] - 5.0)
    shifted = np.exp(scores - scores.max())
    asked = question_class(reading.question)
    unknown_weight = sum(
        w
        for t, f, w in zip(reading.question.terms, reading.forms, reading.weights, strict=True)
        if t.salient and not f
    )
    values = {
        "score": float(scores[best]),
        "margin": float(scores[best] - runner_up),
        "share": float(shifted[best] / shifted.sum()),
        "terms": math.log1p(len(reading.question.terms)),
        "unknown": float(reading.unknown),
        "unknown_other": float(reading.unknown_other),
        "unknown_share": unknown_weight / (sum(reading.weights) or 1.0),
        "unknown_kind": float(bool(reading.unknown and reading.question.kinds)),
        "asks_kind": float(bool(reading.question.kinds)),
        "span_share": span.probability if span else 0.0,
        "span_score": span.score if span else 0.0,
        "span_kind": float(bool(span and span.kind_match)),
        "span_role": float(bool(span and span.role_match)),
        "span_none": float(span is None),
        **{f"asks_{c}": float(c == asked) for c in QUESTION_CLASSES},
        **{f"unit_{name}": float(v) for name, v in zip(UNIT_FEATURES, matrix[best], strict=True)},
    }
    return np.array([values[name] for name in CONFIDENCE_FEATURES], dtype=np.float64)
