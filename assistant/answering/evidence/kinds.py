"""Things of the kind a question asks for inside a candidate unit (the people of a "who"
question, the dates of a "when"), ranked by how close the question's words stand to each:
what the proximity and far-from-names features read, and the order the span model's list
comes in."""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

from assistant.answering.evidence.candidates import Unit
from assistant.answering.question.analysis import Question
from assistant.answering.vocabulary.lexicon import Entity, SentenceInfo
from assistant.ingest import nlp

_NUMBER_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_NAME_OF_PLACE = re.compile(
    r"\b((?:[A-Z]\.\s?)*[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+){1,3})\s+of\s+$"
)


@dataclass(frozen=True)
class Span:
    """A thing of the kind asked for inside a unit (article offsets), with its label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Asked:
    """What the ranking of a question's things reads of it, worked out once per question."""

    question: Question
    forms: tuple[frozenset[str], ...]
    weights: tuple[float, ...]
    relation: tuple[bool, ...]  # per term: the relation asked about (weighs four times)
    own: frozenset[str]  # the question's stems and forms: a span made of them is no answer
    counted: tuple[frozenset[str], ...]  # forms a number must count ("how many *members*")


def kind_spans(
    asked: Asked, unit: Unit, infos: list[SentenceInfo], text: str, near: list[bool]
) -> tuple[list[Span], float, float]:
    """The unit's things of the kind asked for, best first; how close the question's words
    stand to the best (proximity), and whether it stands far from a name of the question."""
    q, forms, weights = asked.question, asked.forms, asked.weights
    spans = _spans(asked, unit, infos, text)
    proximity = far = 0.0
    if spans:
        words = [p for i in infos for p in i.stems]
        positions = [[o for st, o in words if st in f] for f in forms]
        found = [w if n else 0.0 for w, n in zip(weights, near, strict=True)]
        pull = [w * (4.0 if r else 1.0) for r, w in zip(asked.relation, found, strict=True)]
        names = _names(q, positions)
        breaks = _Breaks([b for i in infos for b in i.breaks])
        ranked = sorted(
            (
                (not _far(s, names), _proximity(s, positions, pull, breaks), -s.start, s)
                for s in spans
            ),
            key=lambda x: x[:3],
            reverse=True,
        )
        spans = [x[3] for x in ranked]
        proximity = max(x[1] for x in ranked)
        far = float(not ranked[0][0])
    return spans, proximity, far


def _spans(asked: Asked, unit: Unit, infos: list[SentenceInfo], text: str) -> list[Span]:
    """Things in the unit of the kind the question asks for (none when it asks for no kind)."""
    q = asked.question
    if not q.kinds:
        return []
    spans = []
    entities = [e for i in infos for e in i.entities]
    for e in entities:
        if not nlp.KIND_OF_LABEL.get(e.label, frozenset()) & q.kinds:
            continue
        if e.stems and e.stems <= asked.own:
            continue  # the question's own words are not its answer
        if (q.kinds == {nlp.DURATION}) != e.duration and e.label == "DATE":
            continue  # "how long" wants "two days"; "when" does not
        counts = not asked.counted or any(f & e.following for f in asked.counted)
        if e.label in _NUMBER_LABELS and nlp.NUMBER in q.kinds and not counts:
            continue  # "how many members": the number must count a thing asked about
        spans.append(Span(e.start, e.end, e.label))
    if nlp.PERSON in q.kinds:
        spans += _names_of_places(unit, entities, text)
    # A span inside a longer one ("Ye Win Aung" in "Ye Win Aung of Myanmar") is dropped.
    unique = {(s.start, s.end): s for s in spans}
    return [
        s
        for key, s in sorted(unique.items())
        if not any(o != key and o[0] <= key[0] and key[1] <= o[1] for o in unique)
    ]


def _names_of_places(unit: Unit, entities: list[Entity], text: str) -> list[Span]:
    """ "Ugyen Tshering of Bhutan": a name followed by "of <place>" is a person."""
    spans = []
    for e in entities:
        if e.label != "GPE":
            continue
        match = _NAME_OF_PLACE.search(text[max(unit.start, e.start - 60) : e.start])
        if match:
            spans.append(Span(e.start - len(match.group(0)), e.end, "PERSON"))
    return spans


class _Breaks:
    """The offsets of a unit's clause breaks (comma, semicolon, colon, dash), in order."""

    def __init__(self, offsets: list[int]) -> None:
        self.offsets = offsets

    def between(self, a: int, b: int) -> int:
        return bisect.bisect_left(self.offsets, b) - bisect.bisect_left(self.offsets, a)


def _distance(span: Span, offset: int, breaks: _Breaks | None = None) -> int:
    """Characters between a span and a word starting at offset (0 inside the span); each
    clause break (comma, semicolon, dash) between them counts as 50 more."""
    apart = max(span.start - offset, offset - span.end, 0)
    if breaks is None or not apart:
        return apart
    return apart + 50 * breaks.between(min(span.end, offset), max(span.start, offset))


def _names(q: Question, positions: list[list[int]]) -> list[list[int]]:
    """Offsets of each name in the question; a name of several words ("Atlantic Coastal
    Alliance") is one name, found wherever any of its words is."""
    names: list[list[int]] = []
    previous = False
    for term, offsets in zip(q.terms, positions, strict=True):
        name = term.name
        if name and previous:
            names[-1] = names[-1] + offsets
        elif name:
            names.append(list(offsets))
        previous = name
    return names


def _far(span: Span, names: list[list[int]]) -> bool:
    """Whether some name of the question stands nowhere near the span (60 characters)."""
    return any(not offsets or min(_distance(span, o) for o in offsets) > 60 for offsets in names)


def _proximity(
    span: Span, positions: list[list[int]], weights: list[float], breaks: _Breaks | None = None
) -> float:
    """How close the question's words stand to a span (1: right beside it)."""
    total = got = 0.0
    for offsets, weight in zip(positions, weights, strict=True):
        outside = [o for o in offsets if not span.start <= o < span.end]
        if not outside:
            total += weight if not offsets else 0.0
            continue
        distance = min(_distance(span, o, breaks) for o in outside)
        got += weight * math.exp(-distance / 60)
        total += weight
    return got / total if total else 0.0
