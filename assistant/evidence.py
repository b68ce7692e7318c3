"""Scoring evidence: which sentence, alone or with the one before it, answers a question,
and how sure that is.

1. Candidate sentences come from the best passages (hybrid retrieval) and from the closest
   sentence vectors (computed at index time, each sentence read with the one before it).
2. Each sentence is scored alone and with the sentence before it ("This session was chaired
   by ..." needs the sentence that names the session): vector similarity, the weighted share
   of the question's words it holds, whether it holds the kind of thing asked for (a person
   for "who", ...), and how close that thing stands to the question's words.
3. Confidence asks whether the evidence is about what the question is about: every name,
   number and weighty word of the question should be found around the quote.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from assistant import nlp
from assistant.index import Index
from assistant.keywords import stem
from assistant.question import ORDINALS, Question, Term, join_prefixes, synonyms
from assistant.retrieve import Filters
from assistant.types import Passage, Sentence

SENTENCE_HITS = 12  # closest sentence vectors added to the candidates
RERANK = 5  # the best units read closely (parsed) before one is chosen
UNBOUND = 0.25  # score lost when the question's verb is said of something else
RARE_SENTENCES = 6  # a question word used in at most this many sentences adds them all
ORDINAL_REACH = 4  # words between an ordinal and the noun it qualifies, at most (a, the...)
# "The day opened with X": X came first (only with "with": "who opened it" is not "first").
_FIRST_WORDS = frozenset("open opens opened begin begins began start starts started".split())
_WITH = re.compile(r"\s+with\b")
_FIRST = stem("first")
# Verbs that place an event: "where was it held?" is answered by a venue, whatever the verb.
_PLACING = synonyms()[stem("held")]
_WORD_OR_CO = re.compile(r"(?:\b[Cc]o-\s*)?\w+")
# Between two items of a list: "A, B", "A and B", "A and Police Major B".
_LIST_GAP = re.compile(r"^\s*(,|and|, and|&)\s*(?:[A-Z][a-z]+\s+){0,2}$")
_NAME_OF_PLACE = re.compile(
    r"\b((?:[A-Z]\.\s?)*[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s?)*[A-Z][a-z]+){1,3})\s+of\s+$"
)
_ANAPHOR = re.compile(
    r"^(It|He|She|They|Its|His|Her|Their|This|That|These|Those|The same)\b(?!\s+(is|was)\s+"
    r"(the|a|an)\s+first)",
)
_AT = re.compile(r"\bat\s+$")
_DATELINE = re.compile(r"^[A-Z][A-Za-z .'-]{1,40},\s+[^.\n]{4,30}?\s+[—–-]\s+")
_DURATION = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|few)[- ]"
    r"(days?|weeks?|months?|years?|hours?)\b",
    re.I,
)
_NUMBER_LABELS = {"CARDINAL", "QUANTITY", "MONEY", "PERCENT"}


@dataclass
class Unit:
    """One sentence, or two consecutive ones, considered as the answer."""

    sentences: tuple[Sentence, ...]
    dense: float = 0.0
    coverage: float = 0.0
    context_coverage: float = 0.0
    type_ok: bool = True
    missing: list[Term] = field(default_factory=list)
    candidates: list[tuple[int, int]] = field(default_factory=list)
    best_candidate: tuple[int, int] | None = None
    proximity: float = 0.0
    relation_missing: int = 0
    far_from_names: bool = False
    venue: bool = False
    listed: int = 0  # how many candidates the short answer lists
    score: float = 0.0
    confidence: float = 0.0

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end


def _stems(text: str) -> list[tuple[str, int]]:
    """(stem, offset) of every word; ordinals written as digits read as words, and "opening"
    or "opened with" / "began with" also as "first"."""
    out = []
    for m in _WORD_OR_CO.finditer(text):
        word = join_prefixes(m.group()).lower()
        if word == "opening" or (word in _FIRST_WORDS and _WITH.match(text, m.end())):
            out.append((_FIRST, m.start()))  # "the opening session", "opened with X"
        out.append((stem(ORDINALS.get(word, word)), m.start()))
    return out


class Vocabulary:
    """How many sentences of the index use each stem: rare words weigh more."""

    def __init__(self, index: Index) -> None:
        self.df: Counter[str] = Counter()
        self.rows: dict[str, list[int]] = {}  # stem -> sentence rows that use it
        self.sentences = 0
        for record in index.articles():
            text = index.text(record.id)
            for s in index.sentences(record.id):
                stems = {st for st, _ in _stems(text[s.start : s.end])}
                self.df.update(stems)
                for st in stems:
                    self.rows.setdefault(st, []).append(s.row)
                self.sentences += 1
        self.sorted = sorted(self.df)

    def forms(self, term: Term) -> set[str]:
        """Stems in the index that the term may stand for: itself, synonyms, and a
        shortened form ("pharma" for "pharmaceutical", "Lankan" for "Lanka")."""
        if term.pos == "NUM":
            return {term.stem} & self.df.keys()
        forms = {s for s in synonyms().get(term.stem, {term.stem}) if s in self.df}
        forms |= {term.stem} & self.df.keys()
        if len(term.stem) >= 4 and not term.exact:
            at = bisect.bisect_left(self.sorted, term.stem)
            while at < len(self.sorted) and self.sorted[at].startswith(term.stem):
                forms.add(self.sorted[at])
                at += 1
        for cut in (1, 2):
            shorter = term.stem[:-cut]
            if len(shorter) >= 4 and shorter in self.df:
                forms.add(shorter)
        return forms

    def weight(self, forms: set[str]) -> float:
        df = sum(self.df[f] for f in forms)
        return math.log((self.sentences + 1) / (df + 0.5)) if df else math.log(self.sentences + 2)


class Evidence:
    """Finds and scores the evidence for questions over one Index (per-index caches)."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self._vocabulary: Vocabulary | None = None
        self._stamp: object = None
        self._stem_cache: dict[int, list[tuple[str, int]]] = {}
        self._parse_cache: dict[int, dict[int, tuple[tuple[int, str], ...]]] = {}
        self._title_cache: dict[str, set[str]] = {}
        self._rank: dict[str, int] = {}
        self._weight_of: dict[Term, float] = {}

    def best_unit(
        self, q: Question, vector: np.ndarray, passages: list[Passage], filters: Filters
    ) -> Unit | None:
        """The best-scoring unit with its confidence, or None when nothing is indexed."""
        if self.index.stamp != self._stamp:
            self._vocabulary, self._stem_cache = Vocabulary(self.index), {}
            self._parse_cache, self._title_cache = {}, {}
            self._stamp = self.index.stamp
        return self._best_unit(q, vector, passages, filters)

    def _best_unit(
        self, q: Question, vector: np.ndarray, passages: list[Passage], filters: Filters
    ) -> Unit | None:
        index = self.index
        rank = {p.chunk.id: i for i, p in enumerate(passages)}
        candidates: dict[int, Sentence] = {}
        for p in passages:
            for s in index.sentences(p.chunk.article_id):
                if s.chunk_id == p.chunk.id:
                    candidates[s.row] = s
        similarities = index.sentence_vectors() @ vector
        for row in np.argsort(-similarities)[: SENTENCE_HITS * 3]:
            s = index.sentence_at(int(row))
            record = index.article(s.article_id)
            if record and filters.admits(record.id, record.date):
                candidates[s.row] = s
            if len(candidates) >= len(rank) * 8 + SENTENCE_HITS:
                break
        vocabulary = self._vocabulary
        assert vocabulary is not None
        forms = [vocabulary.forms(t) for t in q.terms]
        # A rare word of the question pinpoints its sentences, even in a passage that common
        # words ("conference") kept out of the retrieved ones.
        for term, term_forms in zip(q.terms, forms, strict=True):
            rows = [r for f in term_forms for r in vocabulary.rows.get(f, ())]
            if term.pos != "FOCUS" and term.salient and 0 < len(rows) <= RARE_SENTENCES:
                for row in rows:
                    s = index.sentence_at(row)
                    record = index.article(s.article_id)
                    if record and filters.admits(record.id, record.date):
                        candidates[s.row] = s
        weights = [
            vocabulary.weight(f) * (0.2 if t.pos == "FOCUS" else 0.5 if t.pos == "ADV" else 1.0)
            for t, f in zip(q.terms, forms, strict=True)
        ]
        units = []
        for s in candidates.values():
            sentences = index.sentences(s.article_id)
            units.append(Unit((s,)))
            if s.position > 0:
                units.append(Unit((sentences[s.position - 1], s)))
        self._rank = rank
        self._weight_of = dict(zip(q.terms, weights, strict=True))
        for unit in units:
            self._score(unit, q, forms, weights, similarities)
        best = self._rerank(units, q, forms)
        if best is not None:
            best.confidence = self._confidence(best, q, forms)
            first = best.sentences[0]
            text = index.text(first.article_id)
            if first.position > 0 and _ANAPHOR.match(text[first.start : first.end]):
                # "This session was chaired by ..." means nothing without the sentence before.
                previous = index.sentences(first.article_id)[first.position - 1]
                best.sentences = (previous, *best.sentences)
        return best

    def _rerank(self, units: list[Unit], q: Question, forms: list[set[str]]) -> Unit | None:
        """The best few units read closely: a verb the question says of something ("where was
        the conference held") must be said of it in the evidence too, not of something else
        ("the fourth summit, held in Kathmandu")."""
        top = sorted(units, key=lambda u: u.score, reverse=True)[:RERANK]
        for verb, things in self._bound_terms(q, forms):
            for unit in top:
                if self._said_of_other(unit, verb, things):
                    unit.score -= UNBOUND
        return max(top, key=lambda u: u.score, default=None)

    @staticmethod
    def _bound_terms(q: Question, forms: list[set[str]]) -> list[tuple[set[str], set[str]]]:
        """(forms of a verb, forms of the nouns the question says it of), from the parse of
        the question."""
        if not q.bound:
            return []
        at = {o: st for st, o in _stems(q.text)}
        form_of = {t.stem: f for t, f in zip(q.terms, forms, strict=True) if f}
        out = []
        for verb, nouns in q.bound:
            verb_forms = form_of.get(at.get(verb, ""), set())
            things = set().union(*(form_of.get(at.get(n, ""), set()) for n in nouns))
            if verb_forms and things:
                out.append((verb_forms, things))
        return out

    def _said_of_other(self, unit: Unit, verb: set[str], things: set[str]) -> bool:
        """Whether every use of the verb in the unit has a subject, object or qualified noun,
        and none of them is one of the things (or a pronoun that may stand for them)."""
        used = False
        for s in unit.sentences:
            words = self._sentence_stems(s)
            stem_at = {o: st for st, o in words}
            verbs = self._arguments(s)
            for st, offset in words:
                args = verbs.get(offset - s.start)
                if st not in verb or not args:
                    continue  # a noun ("the co-chairs"), or a verb the parse left bare
                used = True
                for arg, pos in args:
                    if pos in {"PRON", "DET"} or stem_at.get(s.start + arg) in things:
                        return False
        return used

    def _arguments(self, s: Sentence) -> dict[int, tuple[tuple[int, str], ...]]:
        if s.row not in self._parse_cache:
            text = self.index.text(s.article_id)
            self._parse_cache[s.row] = nlp.arguments(text[s.start : s.end])
        return self._parse_cache[s.row]

    def _title_stems(self, article_id: str, title: str) -> set[str]:
        if article_id not in self._title_cache:
            self._title_cache[article_id] = {st for st, _ in _stems(title)}
        return self._title_cache[article_id]

    def _sentence_stems(self, s: Sentence) -> list[tuple[str, int]]:
        if s.row not in self._stem_cache:
            text = self.index.text(s.article_id)
            self._stem_cache[s.row] = [(st, s.start + o) for st, o in _stems(text[s.start : s.end])]
        return self._stem_cache[s.row]

    def _score(
        self,
        unit: Unit,
        q: Question,
        forms: list[set[str]],
        weights: list[float],
        similarities: np.ndarray,
    ) -> None:
        words = [pair for s in unit.sentences for pair in self._sentence_stems(s)]
        before_words = [pair for s in self._before(unit) for pair in self._sentence_stems(s)]
        stems = {st for st, _ in words}
        record = self.index.article(unit.sentences[0].article_id)
        before = {st for st, _ in before_words} | self._title_stems(record.id, record.title)
        unit.candidates = self._candidates(unit, q, forms)
        # "Where was it held?": a venue named for the event says where it was held, whatever
        # the verb ("opened at the Centro Cultural").
        placed = q.venue and unit.venue
        inside = [
            bool(f & stems) or (placed and t.stem in _PLACING)
            for t, f in zip(q.terms, forms, strict=True)
        ]
        nearby = [bool(f & before) for f in forms]
        total = sum(weights) or 1.0
        unit.coverage = (
            sum(
                w * (1.0 if a else 0.6 if b else 0.0)
                for w, a, b in zip(weights, inside, nearby, strict=True)
            )
            / total
        )
        # Confidence ignores words the articles never use unless they name a thing: a question
        # may say "happened" or "cost" where no article does.
        counted = [t.salient or bool(f) for t, f in zip(q.terms, forms, strict=True)]
        unit.context_coverage = sum(
            w for w, a, b, c in zip(weights, inside, nearby, counted, strict=True) if c and (a or b)
        ) / (sum(w for w, c in zip(weights, counted, strict=True) if c) or 1.0)
        # Names and numbers must stand in the unit or right before it, not just somewhere near.
        close = {st for s in self._before(unit)[-1:] for st, _ in self._sentence_stems(s)}
        close |= self._title_stems(record.id, record.title)
        unit.missing = [
            t
            for t, f, a, b in zip(q.terms, forms, inside, nearby, strict=True)
            if t.salient and not (a or (b and not t.exact) or (t.exact and f & close))
        ]
        unit.missing += _unbound_numbers(q, forms, before_words + words)
        unit.dense = float(similarities[unit.sentences[-1].row])
        unit.type_ok = not q.kinds or bool(unit.candidates)
        if unit.candidates:
            positions = [[o for st, o in words if st in f] for f in forms]
            # The relation asked about ("co-chaired") binds the answer more than the topic does.
            found = [w if a or b else 0.0 for w, a, b in zip(weights, inside, nearby, strict=True)]
            near = [w * (2.0 if t.relation else 1.0) for t, w in zip(q.terms, found, strict=True)]
            text = self.index.text(unit.sentences[0].article_id)
            unit.proximity = max(_proximity(c, positions, near) for c in unit.candidates)
            near = [w * (4.0 if t.relation else 1.0) for t, w in zip(q.terms, found, strict=True)]
            # Which candidate is the answer: the one in the same clause as the relation asked
            # about ("chaired by A, and co-chaired by B" answers "who co-chaired" with B).
            # "the Sri Lankan co-chair", "who spoke for UNODC": a name the question qualifies
            # the answer with must stand close to the answer, or the answer is someone else.
            names = _names(q, positions)
            scored = [
                (not _far(c, names), _proximity(c, positions, near, text), c)
                for c in unit.candidates
            ]
            unit.best_candidate = max(scored)[2]
            unit.listed = len(_listed(unit.candidates, unit.best_candidate, text))
            unit.far_from_names = _far(unit.best_candidate, names)
        elif not q.kinds:
            unit.proximity = _novelty(stems, forms)
        # The relation asked about must be stated where the answer is, not only around it.
        unit.relation_missing = sum(
            1 for t, f, a in zip(q.terms, forms, inside, strict=True) if t.relation and f and not a
        )
        chunk_rank = self._rank.get(unit.sentences[-1].chunk_id)
        heaviest = max(self._weight_of.values(), default=1.0) or 1.0
        unit.score = (
            0.5 * unit.dense
            + 0.6 * unit.coverage
            - 0.25 * unit.relation_missing
            - 0.3 * sum(self._weight_of[t] for t in unit.missing if not t.exact) / heaviest
            - (0.2 if unit.far_from_names else 0.0)
            + (0.25 if unit.type_ok else 0.0)
            + (0.1 if q.venue and unit.venue else 0.0)
            + (0.1 if q.several and unit.listed > 1 else 0.0)
            + 0.3 * unit.proximity
            - 0.003 * max(0, sum(len(self._sentence_stems(s)) for s in unit.sentences) - 30)
            - 0.1 * (len(unit.sentences) - 1)
            + (0.05 / (1 + chunk_rank) if chunk_rank is not None else 0.0)
        )

    def _before(self, unit: Unit) -> list[Sentence]:
        """Up to three sentences before the unit in its paragraph: where its subject is
        usually named. A new paragraph may be about something else."""
        first = unit.sentences[0]
        sentences = self.index.sentences(first.article_id)
        text = self.index.text(first.article_id)
        out: list[Sentence] = []
        for s in reversed(sentences[max(0, first.position - 3) : first.position]):
            following = out[0] if out else first
            if "\n" in text[s.end : following.start]:
                break
            out.insert(0, s)
        return out

    def _confidence(self, unit: Unit, q: Question, forms: list[set[str]]) -> float:
        unknown = [t for t, f in zip(q.terms, forms, strict=True) if t.salient and not f]
        exact_missing = [t for t in unit.missing if t.exact]
        heaviest = max(self._weight_of.values(), default=1.0) or 1.0
        z = (
            8.0 * (unit.context_coverage - 0.8)
            + 6.0 * (unit.dense - 0.45)
            + (1.0 if unit.type_ok else -2.0)
            + (2.0 * (unit.proximity - 0.5) if q.kinds else 0.0)
            - 2.5 * len(exact_missing)
            - 3.5 * len(unknown)
            - (4.0 if unit.far_from_names else 0.0)
            # a missing topic word costs as much as it weighs: "pharmaceutical" more than "major"
            - 3.0 * sum(self._weight_of[t] for t in unit.missing if not t.exact) / heaviest
            + 1.0
        )
        return 1.0 / (1.0 + math.exp(-z))

    def _candidates(self, unit: Unit, q: Question, forms: list[set[str]]) -> list[tuple[int, int]]:
        """Spans (article offsets) in the unit of the kind of thing the question asks for."""
        if not q.kinds:
            return []
        text = self.index.text(unit.sentences[0].article_id)
        question_stems = {t.stem for t in q.terms} | {f for fs in forms for f in fs}
        chunk = self.index.chunk(unit.sentences[-1].chunk_id)
        entities = list(chunk.entities) if chunk else []
        if unit.sentences[0].chunk_id != unit.sentences[-1].chunk_id:
            first_chunk = self.index.chunk(unit.sentences[0].chunk_id)
            entities += list(first_chunk.entities) if first_chunk else []
        # The answer stands in a sentence that states the relation asked about ("co-chaired"),
        # and never in a dateline ("NEW DELHI, 12 February 2020 —" is when it was written).
        relation = [f for t, f in zip(q.terms, forms, strict=True) if t.relation and f]
        bounds = [
            (s.start, s.end)
            for s in unit.sentences
            if not relation or all(f & {st for st, _ in self._sentence_stems(s)} for f in relation)
        ] or [(unit.start, unit.end)]
        # "at Vigyan Bhawan": a name after "at" is a place, whatever the tagger called it.
        entities = [
            (a, b, "FAC")
            if label == "ORG" and _AT.search(text[max(0, a - 4) : a])
            else (a, b, label)
            for a, b, label in entities
        ]
        venues = any(
            label in {"FAC", "LOC"} and any(a <= start and end <= b for a, b in bounds)
            for start, end, label in entities
        )
        unit.venue = venues
        dateline = _DATELINE.match(text)
        after = dateline.end() if dateline else 0
        spans = []
        for start, end, label in entities:
            if start < after or not any(a <= start and end <= b for a, b in bounds):
                continue
            kinds = nlp.KIND_OF_LABEL.get(label, frozenset())
            if not kinds & q.kinds:
                continue
            if q.venue and label == "GPE" and venues:
                continue  # "where was it held": the hall, not the country it is in
            if q.city and label != "GPE":
                continue
            words = {st for st, _ in _stems(text[start:end])}
            if words and words <= question_stems:
                continue  # the question's own words are not its answer
            is_duration = bool(_DURATION.search(text[start:end]))
            if (q.kinds == {nlp.DURATION}) != is_duration and label == "DATE":
                continue  # "how long" wants "two days"; "when" does not
            if label in _NUMBER_LABELS and nlp.NUMBER in q.kinds:
                following = {st for st, _ in _stems(text[end : end + 40])}
                if not any(
                    f & following
                    for t, f in zip(q.terms, forms, strict=True)
                    if t.salient or t.pos == "FOCUS"
                ):
                    continue  # "how many members": the number must count a thing asked about
            spans.append((start, end))
        if nlp.PERSON in q.kinds:
            spans += self._names_of_places(unit, entities, text)
        spans = set(spans)
        # A span inside a longer one ("Ye Win Aung" in "Ye Win Aung of Myanmar") is dropped.
        return sorted(
            a for a in spans if not any(b != a and b[0] <= a[0] and a[1] <= b[1] for b in spans)
        )

    @staticmethod
    def _names_of_places(
        unit: Unit, entities: list[tuple[int, int, str]], text: str
    ) -> list[tuple[int, int]]:
        """ "Ugyen Tshering of Bhutan": a name followed by "of <place>" is a person."""
        spans = []
        for start, end, label in entities:
            if label != "GPE" or not (unit.start <= start and end <= unit.end):
                continue
            match = _NAME_OF_PLACE.search(text[max(unit.start, start - 60) : start])
            if match:
                name_start = start - len(match.group(0))
                spans.append((name_start, end))
        return spans


def _distance(span: tuple[int, int], offset: int, text: str = "") -> int:
    """Characters between a span and a word starting at offset (0 inside the span); each
    clause break (comma, semicolon, dash) between them counts as 50 more."""
    gap = text[min(span[1], offset) : max(span[0], offset)] if text else ""
    breaks = len(re.findall(r"[,;:—–]", gap))
    return max(span[0] - offset, offset - span[1], 0) + 50 * breaks


def _names(q: Question, positions: list[list[int]]) -> list[list[int]]:
    """Offsets of each name in the question; a name of several words ("Atlantic Coastal
    Alliance") is one name, found wherever any of its words is."""
    names: list[list[int]] = []
    previous = False
    for term, offsets in zip(q.terms, positions, strict=True):
        name = term.pos == "PROPN"  # numbers and ordinals qualify the subject, not the answer
        if name and previous:
            names[-1] = names[-1] + offsets
        elif name:
            names.append(list(offsets))
        previous = name
    return names


def _far(span: tuple[int, int], names: list[list[int]]) -> bool:
    """Whether some name of the question stands nowhere near the span (60 characters)."""
    return any(not offsets or min(_distance(span, o) for o in offsets) > 60 for offsets in names)


def _proximity(
    span: tuple[int, int], positions: list[list[int]], weights: list[float], text: str = ""
) -> float:
    """How close the question's words stand to a candidate answer (1: right beside it)."""
    total = got = 0.0
    for offsets, weight in zip(positions, weights, strict=True):
        outside = [o for o in offsets if not span[0] <= o < span[1]]
        if not outside:
            # A word found only before the unit stands far from the answer; one the answer
            # itself contains says nothing about where the answer stands.
            total += weight if not offsets else 0.0
            continue
        distance = min(_distance(span, o, text) for o in outside)
        got += weight * math.exp(-distance / 60)
        total += weight
    return got / total if total else 0.0


def _novelty(stems: set[str], forms: list[set[str]]) -> float:
    """Share of the unit's words that the question does not already say: a sentence that
    only restates the question ("The session was devoted to harm reduction") answers little."""
    known = set().union(*forms) if forms else set()
    content = {s for s in stems if len(s) > 3}
    return len(content - known) / len(content) if content else 0.0


def _unbound_numbers(
    q: Question, forms: list[set[str]], words: list[tuple[str, int]]
) -> list[Term]:
    """Numbers and ordinals of the question that are not found with the word they qualify
    ("the third day" is not "the third session"): the word must follow within a few words
    ("the second and final day"), with no other word of the question in between ("the second
    session of the day" says nothing of a second day)."""
    missing = []
    sequence = [st for st, _ in words]
    question_forms = set().union(*forms) if forms else set()
    for i, term in enumerate(q.terms[:-1]):
        if not term.exact or term.pos == "PROPN":
            continue
        following = forms[i + 1]
        if q.terms[i + 1].pos not in {"NOUN", "PROPN", "FOCUS"} or not following:
            continue
        if not any(_qualifies(sequence, at, following, question_forms)
                   for at, st in enumerate(sequence) if st in forms[i]):  # fmt: skip
            missing.append(term)
    return missing


def _qualifies(sequence: list[str], at: int, noun: set[str], others: set[str]) -> bool:
    for st in sequence[at + 1 : at + 1 + ORDINAL_REACH]:
        if st in noun:
            return True
        if st in others:
            return False
    return False


def _listed(
    spans: list[tuple[int, int]], best: tuple[int, int], text: str
) -> list[tuple[int, int]]:
    """The candidates listed with the best one ("Bangladesh and Nepal"), in order."""
    at = spans.index(best)
    first = last = at
    while first > 0 and _LIST_GAP.match(text[spans[first - 1][1] : spans[first][0]]):
        first -= 1
    while last + 1 < len(spans) and _LIST_GAP.match(text[spans[last][1] : spans[last + 1][0]]):
        last += 1
    return spans[first : last + 1]


def short_answer(unit: Unit, text: str) -> str:
    """The asked-for thing inside the quote: the candidate nearest the question's words, with
    the candidates listed beside it ("Bangladesh and Nepal")."""
    if unit.best_candidate is None:
        return ""
    listed = _listed(unit.candidates, unit.best_candidate, text)
    return text[listed[0][0] : listed[-1][1]]
