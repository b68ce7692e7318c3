"""Named features of a candidate unit for a question: the signals the evidence model weighs.

Every feature is general English: how similar the unit is to the question (vectors, shared
words weighted by rarity, shared word pairs), whether the names and numbers of the question
are there, whether the unit holds the kind of thing asked for and how close it stands to the
question's words, and where the unit sits in retrieval and in its article. The weights are
not here: they are fitted on data (train.py) and shipped in models/evidence.json.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from assistant import nlp
from assistant.candidates import Unit
from assistant.index import Index
from assistant.lexicon import Lexicon, Stems, text_stems
from assistant.question import QUESTION_CLASSES, STOPWORDS, Question, Term, question_class
from assistant.retrieve import Retrieved
from assistant.types import Sentence

# name -> what it measures; the order is the column order of the feature matrix.
UNIT_FEATURES: dict[str, str] = {
    "dense": "cosine of the question and the unit's last sentence read with the one before",
    "dense_first": "cosine of the question and the unit's first sentence in context",
    "dense_gap": "dense minus the best dense among the candidates",
    "coverage": "share of the question's terms (weighted by rarity) in the unit, any form",
    "coverage_exact": "share of the question's terms in the unit, exact stem only",
    "coverage_near": "share of the question's terms in the unit, the paragraph before or the title",
    "coverage_gap": "coverage minus the best coverage among the candidates",
    "pairs": "share of the question's adjacent term pairs found adjacent in the unit",
    "missing_names": "names of the question absent from the unit and the sentence before",
    "missing_numbers": "numbers and ordinals of the question absent or qualifying another noun",
    "missing_weight": "weight of the question's other salient terms absent nearby, per heaviest",
    "missing_max": "weight of the heaviest question term absent nearby, per heaviest term",
    "missing_share": "share of the question's terms (any part of speech) absent nearby",
    "missing_article": "weight share of the question's terms absent from the whole article",
    "run": "longest run of consecutive question terms all found in the unit, per term",
    "negation_missing": "the question is negated (not, never, no...) and the unit is not",
    "negation_extra": "the unit is negated and the question is not",
    "keyword": "BM25 score of the unit's passage, divided by the best passage's",
    "rank": "1 / (1 + fused retrieval rank of the unit's passage); 0 when not ranked",
    "kind_found": "the unit holds a thing of the kind asked for (person, date, ...)",
    "kind_count": "how many such things (up to 3)",
    "proximity": "closeness of the question's words to the nearest such thing",
    "far_from_names": "the best such thing stands far from a name of the question",
    "relation": "share of the question's verbs and roles stated in the unit itself",
    "listed": "the question asks for several things and the unit lists several",
    "novelty": "share of the unit's words the question does not already say",
    "position": "log(1 + index of the unit's first sentence in its article)",
    "paragraph_start": "the unit starts a paragraph",
    "words": "log of the unit's length in words",
    "pair": "the unit is two sentences",
    "anaphor": "the unit starts with a pronoun that points back (It, This, They...)",
}

_ANAPHOR = re.compile(
    r"^(It|He|She|They|Its|His|Her|Their|This|That|These|Those|The same)\b(?!\s+(is|was)\s+"
    r"(the|a|an)\s+first)"
)
_DATELINE = re.compile(r"^[A-Z][A-Za-z .'-]{1,40},\s+[^.\n]{4,30}?\s+[—–-]\s+")
_DURATION = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|few)[- ]"
    r"(days?|weeks?|months?|years?|hours?)\b",
    re.I,
)
_NUMBER_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}
_AT = re.compile(r"\bat\s+$")
_NAME_OF_PLACE = re.compile(
    r"\b((?:[A-Z]\.\s?)*[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+){1,3})\s+of\s+$"
)
_NEGATION = re.compile(r"\b(not|never|no|none|nor|neither|nothing|without|cannot)\b|n't\b", re.I)
_STOP_STEMS = frozenset(st for w in STOPWORDS for st, _ in text_stems(w))
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
    return Reading(q, forms, weights, retrieved, unknown)


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
    reading: Reading, units: list[Unit], index: Index, lexicon: Lexicon
) -> tuple[list[Scored], np.ndarray]:
    """Each unit with its named features, and the matrix of them (rows: units)."""
    scored = [_features(reading, u, index, lexicon) for u in units]
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


def _paragraph_before(index: Index, first: Sentence, limit: int = 3) -> list[Sentence]:
    """Up to `limit` sentences before `first` in its paragraph: where its subject is usually
    named. A new paragraph may be about something else."""
    sentences = index.sentences(first.article_id)
    text = index.text(first.article_id)
    out: list[Sentence] = []
    for s in reversed(sentences[max(0, first.position - limit) : first.position]):
        following = out[0] if out else first
        if "\n" in text[s.end : following.start]:
            break
        out.insert(0, s)
    return out


def _features(reading: Reading, unit: Unit, index: Index, lexicon: Lexicon) -> Scored:
    q, forms, weights = reading.question, reading.forms, reading.weights
    retrieved = reading.retrieved
    text = index.text(unit.article_id)
    words: Stems = [p for s in unit.sentences for p in lexicon.sentence_stems(s.row)]
    stems = {st for st, _ in words}
    before_sentences = _paragraph_before(index, unit.sentences[0])
    title = lexicon.title_stems(unit.article_id)
    before = {st for s in before_sentences for st, _ in lexicon.sentence_stems(s.row)} | title
    close = {st for s in before_sentences[-1:] for st, _ in lexicon.sentence_stems(s.row)}
    close |= title
    inside = [bool(f & stems) for f in forms]
    exact = [t.stem in stems for t in q.terms]
    nearby = [bool(f & before) for f in forms]
    total = sum(weights) or 1.0
    coverage = sum(w for w, a in zip(weights, inside, strict=True) if a) / total
    coverage_exact = sum(w for w, a in zip(weights, exact, strict=True) if a) / total
    coverage_near = (
        sum(w for w, a, b in zip(weights, inside, nearby, strict=True) if a or b) / total
    )
    missing_names = sum(
        1
        for t, f, a in zip(q.terms, forms, inside, strict=True)
        if t.pos == "PROPN" and not (a or f & close)
    )
    missing_numbers = sum(
        1
        for t, f, a in zip(q.terms, forms, inside, strict=True)
        if t.exact and t.pos != "PROPN" and not (a or f & close)
    ) + len(_unbound_numbers(q, forms, [st for st, _ in words]))
    missing_weight = sum(
        w
        for t, w, a, b in zip(q.terms, weights, inside, nearby, strict=True)
        if t.salient and not t.exact and not (a or b)
    )
    near = [a or b for a, b in zip(inside, nearby, strict=True)]
    absent = [w for w, n in zip(weights, near, strict=True) if not n]
    article = lexicon.article_stems(unit.article_id)
    in_article = [bool(f & article) for f in forms]
    run = longest = 0
    for a in inside:
        run = run + 1 if a else 0
        longest = max(longest, run)
    q_negated = bool(_NEGATION.search(q.text))
    unit_negated = bool(_NEGATION.search(text[unit.start : unit.end]))
    relation_terms = [(a, bool(f)) for t, f, a in zip(q.terms, forms, inside, strict=True)
                      if t.relation]  # fmt: skip
    spans = _spans(reading, unit, index, lexicon, text)
    positions = [[o for st, o in words if st in f] for f in forms]
    proximity, far = 0.0, 0.0
    if spans:
        found = [w if a or b else 0.0 for w, a, b in zip(weights, inside, nearby, strict=True)]
        near = [w * (4.0 if t.relation else 1.0) for t, w in zip(q.terms, found, strict=True)]
        names = _names(q, positions)
        ranked = sorted(
            ((not _far(s, names), _proximity(s, positions, near, text), -s.start, s) for s in spans),
            key=lambda x: x[:3],
            reverse=True,
        )
        spans = [x[3] for x in ranked]
        proximity = max(x[1] for x in ranked)
        far = float(not ranked[0][0])
    listed = len(_listed(spans, spans[0], text)) if spans else 0
    first = unit.sentences[0]
    rank = retrieved.chunk_rank.get(unit.last.chunk_id)
    unit_text = text[unit.start : unit.end]
    content = {st for st in stems if st not in _STOP_STEMS and len(st) > 2}
    known = set().union(*forms) if forms else set()
    features = {
        "dense": float(retrieved.similarities[unit.last.row]),
        "dense_first": float(retrieved.similarities[first.row]),
        "dense_gap": 0.0,
        "coverage": coverage,
        "coverage_exact": coverage_exact,
        "coverage_near": coverage_near,
        "coverage_gap": 0.0,
        "pairs": _pairs(forms, [st for st, _ in words if st not in _STOP_STEMS]),
        "missing_names": float(missing_names),
        "missing_numbers": float(missing_numbers),
        "missing_weight": missing_weight / reading.heaviest,
        "missing_max": max(absent, default=0.0) / reading.heaviest,
        "missing_share": len(absent) / len(weights) if weights else 0.0,
        "missing_article": (
            sum(w for w, a in zip(weights, in_article, strict=True) if not a) / total
        ),
        "run": longest / len(weights) if weights else 0.0,
        "negation_missing": float(q_negated and not unit_negated),
        "negation_extra": float(unit_negated and not q_negated),
        "keyword": retrieved.keyword_score.get(unit.last.chunk_id, 0.0),
        "rank": 1.0 / (1 + rank) if rank is not None else 0.0,
        "kind_found": float(bool(spans)),
        "kind_count": float(min(3, len(spans))),
        "proximity": proximity,
        "far_from_names": far,
        "relation": (
            sum(a for a, known_ in relation_terms if known_)
            / max(1, sum(known_ for _, known_ in relation_terms))
            if relation_terms
            else 1.0
        ),
        "listed": float(q.several and listed > 1),
        "novelty": len(content - known) / len(content) if content else 0.0,
        "position": math.log1p(first.position),
        "paragraph_start": float(not _paragraph_before(index, first, 1)),
        "words": math.log1p(len(words)),
        "pair": float(len(unit.sentences) > 1),
        "anaphor": float(bool(_ANAPHOR.match(unit_text))),
    }
    return Scored(unit, features, tuple(spans))


def _pairs(forms: tuple[frozenset[str], ...], sequence: list[str]) -> float:
    """Share of the question's adjacent term pairs that stand side by side in the unit."""
    wanted = [(a, b) for a, b in zip(forms, forms[1:], strict=False) if a and b]
    if not wanted:
        return 0.0
    adjacent = set(zip(sequence, sequence[1:], strict=False))
    hits = sum(1 for a, b in wanted if any((x, y) in adjacent for x in a for y in b))
    return hits / len(wanted)


def _unbound_numbers(
    q: Question, forms: tuple[frozenset[str], ...], sequence: list[str]
) -> list[Term]:
    """Numbers and ordinals of the question present in the unit but not qualifying the word
    they qualify in the question ("the second session of the day" is not a second day)."""
    missing = []
    question_forms = set().union(*forms) if forms else set()
    for i, term in enumerate(q.terms[:-1]):
        if not term.exact or term.pos == "PROPN" or not forms[i] & set(sequence):
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


def _spans(reading: Reading, unit: Unit, index: Index, lexicon: Lexicon, text: str) -> list[Span]:
    """Things in the unit of the kind the question asks for (none when it asks for no kind)."""
    q = reading.question
    if not q.kinds:
        return []
    question_stems = {t.stem for t in q.terms} | {f for fs in reading.forms for f in fs}
    entities: list[tuple[int, int, str]] = []
    for chunk_id in dict.fromkeys(s.chunk_id for s in unit.sentences):
        chunk = index.chunk(chunk_id)
        entities += list(chunk.entities) if chunk else []
    entities = [
        (a, b, "FAC") if label == "ORG" and _AT.search(text[max(0, a - 4) : a]) else (a, b, label)
        for a, b, label in entities
        if unit.start <= a and b <= unit.end
    ]
    dateline = _DATELINE.match(text)
    after = dateline.end() if dateline else 0
    spans = []
    for start, end, label in entities:
        if start < after or not nlp.KIND_OF_LABEL.get(label, frozenset()) & q.kinds:
            continue
        words = {st for st, _ in text_stems(text[start:end])}
        if words and words <= question_stems:
            continue  # the question's own words are not its answer
        is_duration = bool(_DURATION.search(text[start:end]))
        if (q.kinds == {nlp.DURATION}) != is_duration and label == "DATE":
            continue  # "how long" wants "two days"; "when" does not
        if label in _NUMBER_LABELS and nlp.NUMBER in q.kinds:
            following = {st for st, _ in text_stems(text[end : end + 40])}
            counted = [f for t, f in zip(q.terms, reading.forms, strict=True)
                       if t.salient or t.pos == "FOCUS"]  # fmt: skip
            if counted and not any(f & following for f in counted):
                continue  # "how many members": the number must count a thing asked about
        spans.append(Span(start, end, label))
    if nlp.PERSON in q.kinds:
        spans += _names_of_places(unit, entities, text)
    # A span inside a longer one ("Ye Win Aung" in "Ye Win Aung of Myanmar") is dropped.
    unique = {(s.start, s.end): s for s in spans}
    return [
        s
        for key, s in sorted(unique.items())
        if not any(o != key and o[0] <= key[0] and key[1] <= o[1] for o in unique)
    ]


def _names_of_places(unit: Unit, entities: list[tuple[int, int, str]], text: str) -> list[Span]:
    """ "Ugyen Tshering of Bhutan": a name followed by "of <place>" is a person."""
    spans = []
    for start, end, label in entities:
        if label != "GPE":
            continue
        match = _NAME_OF_PLACE.search(text[max(unit.start, start - 60) : start])
        if match:
            spans.append(Span(start - len(match.group(0)), end, "PERSON"))
    return spans


def _distance(span: Span, offset: int, text: str = "") -> int:
    """Characters between a span and a word starting at offset (0 inside the span); each
    clause break (comma, semicolon, dash) between them counts as 50 more."""
    gap = text[min(span.end, offset) : max(span.start, offset)] if text else ""
    breaks = len(re.findall(r"[,;:—–]", gap))
    return max(span.start - offset, offset - span.end, 0) + 50 * breaks


def _names(q: Question, positions: list[list[int]]) -> list[list[int]]:
    """Offsets of each name in the question; a name of several words ("Atlantic Coastal
    Alliance") is one name, found wherever any of its words is."""
    names: list[list[int]] = []
    previous = False
    for term, offsets in zip(q.terms, positions, strict=True):
        name = term.pos == "PROPN"
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
    span: Span, positions: list[list[int]], weights: list[float], text: str = ""
) -> float:
    """How close the question's words stand to a span (1: right beside it)."""
    total = got = 0.0
    for offsets, weight in zip(positions, weights, strict=True):
        outside = [o for o in offsets if not span.start <= o < span.end]
        if not outside:
            total += weight if not offsets else 0.0
            continue
        distance = min(_distance(span, o, text) for o in outside)
        got += weight * math.exp(-distance / 60)
        total += weight
    return got / total if total else 0.0


_LIST_GAP = re.compile(r"^\s*(,|and|, and|&)\s*(?:[A-Z][a-z]+\s+){0,2}$")


def _listed(spans: list[Span], best: Span, text: str) -> list[Span]:
    """The spans listed with the best one ("Bangladesh and Nepal"), in text order."""
    ordered = sorted(spans, key=lambda s: s.start)
    at = ordered.index(best)
    first = last = at
    while first > 0 and _LIST_GAP.match(text[ordered[first - 1].end : ordered[first].start]):
        first -= 1
    while last + 1 < len(ordered) and _LIST_GAP.match(
        text[ordered[last].end : ordered[last + 1].start]
    ):
        last += 1
    return ordered[first : last + 1]


def listed_with(spans: tuple[Span, ...], best: Span, text: str) -> list[Span]:
    """The spans of a unit listed with the chosen one, in text order."""
    return _listed(list(spans), best, text)


# The confidence model sees the chosen unit's features and how it won.
CONFIDENCE_FEATURES: dict[str, str] = {
    "score": "the ranker's score of the chosen unit",
    "margin": "its lead over the best unit that shares no sentence with it",
    "share": "its share of the candidates' softmax over ranker scores",
    "units": "log(1 + number of candidate units)",
    "terms": "log(1 + number of the question's terms)",
    "unknown": "salient terms of the question that no sentence of the index uses",
    "asks_kind": "the question asks for a kind of thing (person, date, place, number...)",
    **{f"asks_{c}": f"the question asks for {c}" for c in QUESTION_CLASSES},
    **{f"unit_{name}": f"chosen unit: {text}" for name, text in UNIT_FEATURES.items()},
}


def confidence_features(
    reading: Reading, units: list[Unit], matrix: np.ndarray, scores: np.ndarray, best: int
) -> np.ndarray:
    """The CONFIDENCE_FEATURES of the unit at index `best` (one row)."""
    top = units[best]
    rows = {s.row for s in top.sentences}
    others = [i for i, u in enumerate(units) if not rows & {s.row for s in u.sentences}]
    runner_up = max((scores[i] for i in others), default=scores[best] - 5.0)
    shifted = np.exp(scores - scores.max())
    asked = question_class(reading.question)
    values = {
        "score": float(scores[best]),
        "margin": float(scores[best] - runner_up),
        "share": float(shifted[best] / shifted.sum()),
        "units": math.log1p(len(units)),
        "terms": math.log1p(len(reading.question.terms)),
        "unknown": float(reading.unknown),
        "asks_kind": float(bool(reading.question.kinds)),
        **{f"asks_{c}": float(c == asked) for c in QUESTION_CLASSES},
        **{f"unit_{name}": float(v) for name, v in zip(UNIT_FEATURES, matrix[best], strict=True)},
    }
    return np.array([values[name] for name in CONFIDENCE_FEATURES], dtype=np.float64)
