"""Question -> the evidence: retrieve candidates, build units, compute their features, let the
ranker choose one and the confidence model say how likely it holds the answer.

The confidence is a calibrated probability: of units given confidence 0.8, about 8 in 10
held the answer in the out-of-fold predictions it was fitted on (see models/README.md).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answering.evidence.candidates import Unit, candidate_units
from assistant.answering.evidence.confidence import confidence_features
from assistant.answering.evidence.features import Scored, unit_features
from assistant.answering.evidence.model import EvidenceModel
from assistant.answering.evidence.spans import ShortAnswer, short_answer
from assistant.answering.question.analysis import Question
from assistant.answering.question.reading import Reading, read, split_event, term_forms
from assistant.answering.retrieval.retrieve import Focus, Retriever
from assistant.answering.vocabulary.lexicon import Lexicon
from assistant.answering.vocabulary.similarity import SAME_MEANING, WordVectors
from assistant.fitted import Linear, sigmoid
from assistant.store.reader import Snapshot
from assistant.types import ChatTurn, Filters


@dataclass(frozen=True)
class Candidates:
    """Everything one question gathered: the reading, the units and their features. The
    first `served` units are what serving sees; any after them were forced in by training
    (the labelled sentences retrieval missed), with features computed the same way."""

    reading: Reading
    scored: list[Scored]
    matrix: np.ndarray  # unit features, one row per unit
    served: int = -1  # -1: all

    @property
    def units(self) -> list[Unit]:
        return [s.unit for s in self.scored]

    def serving(self) -> Candidates:
        """Only the units serving would see."""
        if self.served < 0 or self.served == len(self.scored):
            return self
        return Candidates(self.reading, self.scored[: self.served], self.matrix[: self.served])


@dataclass(frozen=True)
class Choice:
    """The ranker's choice among the candidates and what the confidence model reads of it."""

    best: int  # index of the chosen unit
    scores: np.ndarray  # ranker logits of every unit
    short: ShortAnswer | None  # the best short answer in the chosen unit
    row: np.ndarray  # CONFIDENCE_FEATURES of the choice


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
    forced: Sequence[tuple[str, int, int]] = (),
) -> Candidates:
    """Retrieve, build the candidate units and compute their features (history: the
    conversation's earlier turns, a follow-up looks first near the last answer's evidence;
    vector: the embedding of what is searched with, the question less the event's name it
    gives; forced: (article, start, end) spans whose sentences training adds when retrieval
    missed them, as units after the served ones)."""
    q, event = split_event(q, lexicon)
    forms = term_forms(q, lexicon)
    focus = conversation_focus(index, history)
    retrieved = retriever.retrieve(index, q, vector, lexicon, forms, filters, focus)
    reading = read(q, forms, lexicon, retrieved, focus, bool(history), words, event)
    units = candidate_units(index, retrieved.sentences)
    served = len(units)
    if forced:
        have = {tuple(s.row for s in u.sentences) for u in units}
        extra = [s for a, b, e in forced for s in index.sentences(a) if s.start < e and b < s.end]
        units += [u for u in candidate_units(index, extra)
                  if tuple(s.row for s in u.sentences) not in have]  # fmt: skip
    scored, matrix = unit_features(reading, units, index, lexicon, served)
    return Candidates(reading, scored, matrix, served if served < len(units) else -1)


def rank(
    ranker: Linear, span: Linear, found: Candidates, index: Snapshot, lexicon: Lexicon
) -> Choice | None:
    """The unit the ranker puts first, the best span in it (by this span model) and the
    confidence model's inputs; None without candidate units. Serving and training both
    choose with this."""
    if not found.scored:
        return None
    scores = ranker.logits(found.matrix)
    best = int(np.argmax(scores))
    reading = found.reading
    short = short_answer(span, reading.question, reading.forms, reading.weights, index,
                         lexicon, found.scored[best].unit)  # fmt: skip
    row = confidence_features(reading, found.units, found.matrix, scores, best, short)
    return Choice(best, scores, short, row)


def choose(
    model: EvidenceModel, found: Candidates, index: Snapshot, lexicon: Lexicon
) -> Evidence | None:
    """The chosen unit, its best span, and the calibrated confidence that the unit holds the
    answer; None without candidate units."""
    found = found.serving()
    choice = rank(model.ranker, model.span, found, index, lexicon)
    if choice is None:
        return None
    scored = found.scored[choice.best]
    probability = float(sigmoid(model.confidence.logits(choice.row[None])[0]))
    return Evidence(
        unit=scored.unit,
        scored=scored,
        short=choice.short,
        confidence=model.calibration(probability),
        missing=missing_words(found.reading, scored.unit, lexicon),
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
