"""Named features of a candidate unit for a question: the signals the evidence model weighs.

Every feature is general English: how similar the unit is to the question (vectors, shared
words weighted by rarity, shared word pairs), whether the names and numbers of the question
are there, whether the unit holds the kind of thing asked for and how close it stands to the
question's words, and where the unit sits in retrieval and in its article. The weights are
not here: they are fitted on data (train.py) and shipped in models/evidence.json.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from assistant.answering.candidates import Unit
from assistant.answering.lexicon import Entity, Lexicon, SentenceInfo
from assistant.answering.question import Question, Term
from assistant.answering.retrieve import Retrieved
from assistant.answering.rules import NEGATION, listed_run
from assistant.answering.schema import UNIT_FEATURES
from assistant.ingest import nlp
from assistant.store.reader import Snapshot

_NUMBER_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_NAME_OF_PLACE = re.compile(
    r"\b((?:[A-Z]\.\s?)*[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+){1,3})\s+of\s+$"
)
ORDINAL_REACH = 4  # words between an ordinal and the noun it qualifies, at most


@dataclass(frozen=True)
class Reading:
    """One question as the features see it: its analysis, the index forms and weight of each
    term, and what retrieval found. Built per question and passed along, never stored."""

    question: Question
    forms: tuple[frozenset[str], ...]
    weights: tuple[float, ...]
    retrieved: Retrieved
    unknown: int  # salient terms that no sentence of the index uses
    unknown_other: int  # other content words (verbs, adverbs) that none uses

    @property
    def heaviest(self) -> float:
        return max(self.weights, default=1.0) or 1.0


def term_forms(q: Question, lexicon: Lexicon) -> tuple[frozenset[str], ...]:
    """The stems in the index that each term of the question may stand for."""
    return tuple(lexicon.forms(t) for t in q.terms)


def read(
    q: Question, forms: tuple[frozenset[str], ...], lexicon: Lexicon, retrieved: Retrieved
) -> Reading:
    """The question as the features see it; rarer words weigh more, words that only name the
    kind of answer ("which countries") and adverbs less."""
    weights = tuple(
        lexicon.weight(f) * (0.2 if t.pos == "FOCUS" else 0.5 if t.pos == "ADV" else 1.0)
        for t, f in zip(q.terms, forms, strict=True)
    )
    unknown = sum(1 for t, f in zip(q.terms, forms, strict=True) if t.salient and not f)
    other = sum(
        1
        for t, f in zip(q.terms, forms, strict=True)
        if not t.salient and t.pos != "FOCUS" and not f
    )
    return Reading(q, forms, weights, retrieved, unknown, other)


@dataclass(frozen=True)
class Span:
    """A thing of the kind asked for inside a unit (article offsets), with its label."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Scored:
    """A unit with its features and, when the question asks for a kind of thing, the things
    of that kind it holds (best first by closeness to the question's words)."""

    unit: Unit
    features: dict[str, float]
    spans: tuple[Span, ...]


def unit_features(
    reading: Reading, units: list[Unit], index: Snapshot, lexicon: Lexicon
) -> tuple[list[Scored], np.ndarray]:
    """Each unit with its named features, and the matrix of them (rows: units)."""
    view = _View.of(reading)
    scored = [_features(view, u, index, lexicon) for u in units]
    if scored:
        best_dense = max(s.features["dense"] for s in scored)
        best_coverage = max(s.features["coverage"] for s in scored)
        for s in scored:
            s.features["dense_gap"] = s.features["dense"] - best_dense
            s.features["coverage_gap"] = s.features["coverage"] - best_coverage
    matrix = np.array(
        [[s.features[name] for name in UNIT_FEATURES] for s in scored], dtype=np.float64
    ).reshape(len(scored), len(UNIT_FEATURES))
    return scored, matrix


@dataclass(frozen=True)
class _View:
    """What every unit's features read of one question, worked out once per question."""

    reading: Reading
    total: float
    known: frozenset[str]  # every form of every term
    own: frozenset[str]  # the question's stems and forms: a span made of them is no answer
    counted: tuple[frozenset[str], ...]  # forms a number must count ("how many *members*")
    negated: bool
    # per term: (stem, salient, exact, name, relation), read once rather than per unit
    flags: tuple[tuple[str, bool, bool, bool, bool], ...]
    numbers: bool  # the question holds a number or ordinal that qualifies a noun

    @classmethod
    def of(cls, reading: Reading) -> _View:
        q = reading.question
        known = frozenset().union(*reading.forms) if reading.forms else frozenset()
        counted = tuple(
            f for t, f in zip(q.terms, reading.forms, strict=True) if t.salient or t.pos == "FOCUS"
        )
        return cls(
            reading=reading,
            total=sum(reading.weights) or 1.0,
            known=known,
            own=known | {t.stem for t in q.terms},
            counted=counted,
            negated=bool(NEGATION.search(q.text)),
            flags=tuple((t.stem, t.salient, t.exact, t.name, t.relation) for t in q.terms),
            numbers=any(t.exact and not t.name for t in q.terms),
        )


def _features(view: _View, unit: Unit, index: Snapshot, lexicon: Lexicon) -> Scored:
    reading = view.reading
    q, forms, weights = reading.question, reading.forms, reading.weights
    retrieved = reading.retrieved
    infos = [lexicon.info(s.row) for s in unit.sentences]
    first = infos[0]
    stems = first.stem_set if len(infos) == 1 else first.stem_set | infos[1].stem_set
    title = lexicon.title_stems(unit.article_id)
    before_sets = [lexicon.info(r).stem_set for r in first.before]
    close = before_sets[-1] if before_sets else frozenset()
    inside = [not f.isdisjoint(stems) for f in forms]
    near = [
        a or not f.isdisjoint(title) or any(not f.isdisjoint(b) for b in before_sets)
        for f, a in zip(forms, inside, strict=True)
    ]
    total = view.total
    missing_names = missing_numbers = 0
    covered = exact = covered_near = missing_weight = elsewhere = 0.0
    absent = []
    article = lexicon.article_stems(unit.article_id)
    for (st, salient, is_exact, name, _), f, w, a, n in zip(
        view.flags, forms, weights, inside, near, strict=True
    ):
        if a:
            covered += w
        if st in stems:
            exact += w
        if n:
            covered_near += w
        else:
            absent.append(w)
            if not f.isdisjoint(article):
                elsewhere += w
            if salient and not is_exact:
                missing_weight += w
        if (name or is_exact) and not (a or not f.isdisjoint(close) or not f.isdisjoint(title)):
            if name:
                missing_names += 1
            else:
                missing_numbers += 1
    if view.numbers:
        sequence = [st for i in infos for st in i.sequence]
        missing_numbers += len(_unbound_numbers(q, forms, sequence))
    run = longest = 0
    for a in inside:
        run = run + 1 if a else 0
        longest = max(longest, run)
    relation = [(a, bool(f)) for fl, f, a in zip(view.flags, forms, inside, strict=True) if fl[4]]
    negated = any(i.negated for i in infos)
    text = index.text(unit.article_id)
    spans = _spans(view, unit, infos, text)
    proximity = far = 0.0
    if spans:
        words = [p for i in infos for p in i.stems]
        positions = [[o for st, o in words if st in f] for f in forms]
        found = [w if n else 0.0 for w, n in zip(weights, near, strict=True)]
        pull = [w * (4.0 if fl[4] else 1.0) for fl, w in zip(view.flags, found, strict=True)]
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
    listed = 0
    if spans:  # how many things of the kind asked for are listed with the best one
        ordered = sorted(spans, key=lambda s: s.start)
        low, high = listed_run(ordered, ordered.index(spans[0]), text)
        listed = high - low + 1
    rank = retrieved.chunk_rank.get(unit.last.chunk_id)
    content = first.content_set if len(infos) == 1 else first.content_set | infos[1].content_set
    count = len(weights) or 1
    features = {
        "dense": float(retrieved.similarities[unit.last.row]),
        "dense_first": float(retrieved.similarities[unit.sentences[0].row]),
        "dense_gap": 0.0,
        "coverage": covered / total,
        "coverage_exact": exact / total,
        "coverage_near": covered_near / total,
        "coverage_gap": 0.0,
        "pairs": _pairs(forms, _adjacent(infos)),
        "missing_names": float(missing_names),
        "missing_numbers": float(missing_numbers),
        "missing_weight": missing_weight / reading.heaviest,
        "missing_max": max(absent, default=0.0) / reading.heaviest,
        "missing_share": len(absent) / count if weights else 0.0,
        "elsewhere": elsewhere / total,
        "run": longest / count if weights else 0.0,
        "negation_missing": float(view.negated and not negated),
        "negation_extra": float(negated and not view.negated),
        "keyword": retrieved.keyword_score.get(unit.last.chunk_id, 0.0),
        "rank": 1.0 / (1 + rank) if rank is not None else 0.0,
        "kind_found": float(bool(spans)),
        "kind_count": float(min(3, len(spans))),
        "proximity": proximity,
        "far_from_names": far,
        "relation": (
            sum(a for a, k in relation if k) / max(1, sum(k for _, k in relation))
            if relation
            else 1.0
        ),
        "listed": float(q.several and listed > 1),
        "novelty": len(content - view.known) / len(content) if content else 0.0,
        "position": math.log1p(first.in_paragraph),
        "paragraph_start": float(first.in_paragraph == 0),
        "words": math.log1p(sum(len(i.sequence) for i in infos)),
        "pair": float(len(unit.sentences) > 1),
        "anaphor": float(first.anaphor),
    }
    return Scored(unit, features, tuple(spans))


def _adjacent(infos: list[SentenceInfo]) -> frozenset[tuple[str, str]]:
    """Content stems side by side anywhere in the unit, across its sentence break too."""
    if len(infos) == 1:
        return infos[0].adjacent
    out = set(infos[0].adjacent).union(*(i.adjacent for i in infos[1:]))
    for a, b in itertools.pairwise(infos):
        if a.content and b.content:
            out.add((a.content[-1], b.content[0]))
    return frozenset(out)


def _pairs(forms: tuple[frozenset[str], ...], adjacent: frozenset[tuple[str, str]]) -> float:
    """Share of the question's adjacent term pairs that stand side by side in the unit."""
    wanted = [(a, b) for a, b in itertools.pairwise(forms) if a and b]
    if not wanted:
        return 0.0
    hits = sum(1 for a, b in wanted if any((x, y) in adjacent for x in a for y in b))
    return hits / len(wanted)


def _unbound_numbers(
    q: Question, forms: tuple[frozenset[str], ...], sequence: list[str]
) -> list[Term]:
    """Numbers and ordinals of the question present in the unit but not qualifying the word
    they qualify in the question ("the second session of the day" is not a second day)."""
    missing = []
    present = set(sequence)
    question_forms = set().union(*forms) if forms else set()
    for i, term in enumerate(q.terms[:-1]):
        if not term.exact or term.name or not forms[i] & present:
            continue
        following = forms[i + 1]
        if q.terms[i + 1].pos not in {"NOUN", "PROPN", "FOCUS"} or not following:
            continue
        if not any(_qualifies(sequence, at, following, question_forms)
                   for at, st in enumerate(sequence) if st in forms[i]):  # fmt: skip
            missing.append(term)
    return missing


def _qualifies(sequence: list[str], at: int, noun: frozenset[str], others: set[str]) -> bool:
    for st in sequence[at + 1 : at + 1 + ORDINAL_REACH]:
        if st in noun:
            return True
        if st in others:
            return False
    return False


def _spans(view: _View, unit: Unit, infos: list[SentenceInfo], text: str) -> list[Span]:
    """Things in the unit of the kind the question asks for (none when it asks for no kind)."""
    q = view.reading.question
    if not q.kinds:
        return []
    spans = []
    entities = [e for i in infos for e in i.entities]
    for e in entities:
        if not nlp.KIND_OF_LABEL.get(e.label, frozenset()) & q.kinds:
            continue
        if e.stems and e.stems <= view.own:
            continue  # the question's own words are not its answer
        if (q.kinds == {nlp.DURATION}) != e.duration and e.label == "DATE":
            continue  # "how long" wants "two days"; "when" does not
        counts = not view.counted or any(f & e.following for f in view.counted)
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
