"""Named features of a candidate unit for a question: the signals the evidence model weighs.

Every feature is general English: how similar the unit is to the question (vectors, shared
words weighted by rarity, shared word pairs), whether the names and numbers of the question
are there, whether the unit holds the kind of thing asked for and how close it stands to the
question's words, and where the unit sits in retrieval and in its article. The weights are
not here: they are fitted on data (train.py) and shipped in models/evidence.json.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

import numpy as np

from assistant.answering.evidence.candidates import Unit
from assistant.answering.evidence.kinds import Asked, Span, kind_spans
from assistant.answering.evidence.schema import UNIT_FEATURES
from assistant.answering.question.analysis import Question, Term
from assistant.answering.question.reading import Reading
from assistant.answering.retrieval.retrieve import Focus
from assistant.answering.vocabulary.lexicon import Lexicon, SentenceInfo
from assistant.language import NEGATION, listed_run
from assistant.store.reader import Snapshot

_NUMBER_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_NAME_OF_PLACE = re.compile(
    r"\b((?:[A-Z]\.\s?)*[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+){1,3})\s+of\s+$"
)
ORDINAL_REACH = 4  # words between an ordinal and the noun it qualifies, at most


@dataclass(frozen=True)
class Scored:
    """A unit with its features and, when the question asks for a kind of thing, the things
    of that kind it holds (best first by closeness to the question's words)."""

    unit: Unit
    features: dict[str, float]
    spans: tuple[Span, ...]


def unit_features(
    reading: Reading, units: list[Unit], index: Snapshot, lexicon: Lexicon, served: int = -1
) -> tuple[list[Scored], np.ndarray]:
    """Each unit with its named features, and the matrix of them (rows: units). Only the first
    `served` units (all by default) are what serving would see: the gaps to the best are
    measured among those, so units added after them (training's forced units) change nothing
    of theirs."""
    view = _View.of(reading)
    scored = [_features(view, u, index, lexicon) for u in units]
    served = len(scored) if served < 0 else served
    if scored:
        best_dense = max((s.features["dense"] for s in scored[:served]), default=0.0)
        best_coverage = max((s.features["coverage"] for s in scored[:served]), default=0.0)
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
    asked: Asked  # what ranking the things of the kind asked for reads
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
        relation = tuple(t.relation for t in q.terms)
        own = known | {t.stem for t in q.terms}
        return cls(
            reading=reading,
            total=sum(reading.weights) or 1.0,
            known=known,
            asked=Asked(q, reading.forms, reading.weights, relation, own, counted),
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
    # What the article says about itself (title, lead) holds for every sentence of it.
    # A single name or number there ("Kenya" among the countries of the lead) is not one
    # near the unit; the event's name is: in the title, or several of the question's words
    # in a row ("the 7th West Africa Ports & Logistics Summit").
    context = lexicon.context_stems(unit.article_id)
    title = lexicon.title_stems(unit.article_id)
    in_context = [not f.isdisjoint(context) for f in forms]
    shared = [
        c and (not f.isdisjoint(title) or (i > 0 and in_context[i - 1])
               or (i + 1 < len(forms) and in_context[i + 1]))
        for i, (f, c) in enumerate(zip(forms, in_context, strict=True))
    ]  # fmt: skip
    context_near = [
        (sh if fl[2] else c) for fl, c, sh in zip(view.flags, in_context, shared, strict=True)
    ]
    before_sets = [lexicon.info(r).stem_set for r in first.before]
    close = before_sets[-1] if before_sets else frozenset()
    inside = [not f.isdisjoint(stems) for f in forms]
    near = [
        a or c or any(not f.isdisjoint(b) for b in before_sets)
        for f, a, c in zip(forms, inside, context_near, strict=True)
    ]
    total = view.total
    missing_names = missing_numbers = 0
    covered = exact = covered_near = missing_weight = elsewhere = 0.0
    absent = []
    article = lexicon.article_stems(unit.article_id)
    for (st, salient, is_exact, name, _), f, w, a, n, c in zip(
        view.flags, forms, weights, inside, near, context_near, strict=True
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
        if (name or is_exact) and not (a or c or not f.isdisjoint(close)):
            if name:
                missing_names += 1
            else:
                missing_numbers += 1
    if view.numbers:
        sequence = [st for i in infos for st in i.sequence]
        missing_numbers += len(_unbound_numbers(q, forms, sequence))
    # Terms not found near the unit may be there in other words ("shoreline": "coastal").
    soft_covered, missing_soft = covered_near, 0.0
    if reading.soft:
        around = stems.union(context, *before_sets)
        best = reading.best_soft(lexicon.vocab_rows(around))
        for i, ((_, salient, is_exact, _, _), w, n) in enumerate(
            zip(view.flags, weights, near, strict=True)
        ):
            if n or i not in best:
                continue
            similar = max(0.0, best[i])
            soft_covered += w * similar
            if salient and not is_exact:
                missing_soft += w * (1.0 - similar)
    run = longest = 0
    for a in inside:
        run = run + 1 if a else 0
        longest = max(longest, run)
    relation = [(a, bool(f)) for fl, f, a in zip(view.flags, forms, inside, strict=True) if fl[4]]
    negated = any(i.negated for i in infos)
    text = index.text(unit.article_id)
    spans, proximity, far = kind_spans(view.asked, unit, infos, text, near)
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
        "coverage_soft": soft_covered / total,
        "missing_soft": missing_soft / reading.heaviest,
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
        **_previous(reading.focus, unit),
        "event_missing": (
            sum(f.isdisjoint(context) for f in reading.event) / len(reading.event)
            if reading.event
            else 0.0
        ),
    }
    return Scored(unit, features, tuple(spans))


def _previous(focus: tuple[Focus, ...], unit: Unit) -> dict[str, float]:
    """Where the unit stands to the conversation's last evidence: in one of its articles,
    and how close (1: the same sentences; halving with every two sentences between)."""
    article = near = 0.0
    first, last = unit.sentences[0].position, unit.sentences[-1].position
    for f in focus:
        if f.article_id == unit.article_id:
            article = 1.0
            apart = max(0, first - f.last, f.first - last)
            near = max(near, 0.5 ** (apart / 2))
    return {"previous_article": article, "previous_near": near}


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
