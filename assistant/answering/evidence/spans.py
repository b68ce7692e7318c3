"""The short answer: candidate spans inside the chosen unit (named entities, numbers, noun
phrases, short verb phrases), each with named features, scored by the span model of
models/evidence.json.

The unit is parsed (spaCy tagger and parser) when it is chosen; entities come from the index.
Features pair the kind of answer the question wants with the kind of span, and measure how
the span stands to the question's words: not one of them, close to them, attached to a word
the question uses, headed by the noun the question asks about ("which *branch*").
"""

from __future__ import annotations

import itertools
import math
import re
from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

import numpy as np

from assistant.answering.evidence.candidates import Unit
from assistant.answering.evidence.schema import SPAN_FEATURES, SPAN_TYPES
from assistant.answering.question.analysis import Question, question_class
from assistant.answering.vocabulary.lexicon import Lexicon, text_stems
from assistant.fitted import Linear
from assistant.ingest import nlp
from assistant.language import listed_run, place_label, stop_stems, whole_words
from assistant.store.reader import Snapshot

_PARSE_CACHE = 4096  # parsed units kept per index build
_CLAUSE_DEPS = {"xcomp", "advcl", "ccomp", "acl", "relcl", "pcomp"}


@dataclass(frozen=True)
class Token:
    start: int  # article offset
    end: int
    pos: str
    dep: str
    head: int  # index of the head token in the parse
    left: int  # first and last token of its subtree
    right: int


@dataclass(frozen=True)
class Parse:
    """Tokens of a unit (article offsets) and its noun phrases (token index ranges)."""

    tokens: tuple[Token, ...]
    chunks: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SpanCandidate:
    """A candidate short answer: article offsets, its kind, its first, last and root token."""

    start: int
    end: int
    kind: str
    first: int
    last: int
    root: int


class _Parses:
    """Parsed units of one index build, the most recently used kept (offsets are the build's:
    an edited article gets a new build and so new parses)."""

    def __init__(self, _: Snapshot) -> None:
        self.parses: OrderedDict[tuple[str, int, int], Parse] = OrderedDict()
        self.lock = Lock()

    def get(self, key: tuple[str, int, int]) -> Parse | None:
        with self.lock:
            found = self.parses.get(key)
            if found is not None:
                self.parses.move_to_end(key)
            return found

    def put(self, key: tuple[str, int, int], parse: Parse) -> None:
        with self.lock:
            self.parses[key] = parse
            while len(self.parses) > _PARSE_CACHE:
                self.parses.popitem(last=False)


def parse_unit(index: Snapshot, unit: Unit) -> Parse:
    """The unit's tokens and noun phrases (cached on the build: a unit is parsed once)."""
    key = (unit.article_id, unit.start, unit.end)
    cache = index.memo("parses", _Parses)
    cached = cache.get(key)
    if cached is not None:
        return cached
    text = index.text(unit.article_id)
    doc = nlp.parse(text[unit.start : unit.end])
    base = unit.start
    tokens = tuple(
        Token(
            base + t.idx,
            base + t.idx + len(t.text),
            t.pos_,
            t.dep_,
            t.head.i,
            t.left_edge.i,
            t.right_edge.i,
        )
        for t in doc
    )
    parse = Parse(tokens, tuple((c.start, c.end) for c in doc.noun_chunks))
    cache.put(key, parse)
    return parse


def _root(tokens: tuple[Token, ...], first: int, last: int) -> int:
    for i in range(first, last + 1):
        if not first <= tokens[i].head <= last or tokens[i].head == i:
            return i
    return last


def span_candidates(index: Snapshot, unit: Unit, parse: Parse) -> list[SpanCandidate]:
    """Entities of the unit (from the index), and noun phrases, "X of Y" phrases, numbers
    and short verb phrases of its parse."""
    text = index.text(unit.article_id)
    tokens = parse.tokens
    found: dict[tuple[int, int], SpanCandidate] = {}

    def add(first: int, last: int, kind: str) -> None:
        while first < last and tokens[first].pos in {"DET", "PUNCT", "CCONJ", "PART"}:
            first += 1  # "the harbour" and "harbour" are the same answer, told more briefly
        while last > first and tokens[last].pos in {"PUNCT", "CCONJ"}:
            last -= 1
        start, end = tokens[first].start, tokens[last].end
        if (start, end) in found or not re.search(r"\w", text[start:end]):
            return
        if tokens[first].pos == "PRON" and first == last:
            return
        found[(start, end)] = SpanCandidate(start, end, kind, first, last,
                                            _root(tokens, first, last))  # fmt: skip

    def token_range(start: int, end: int) -> tuple[int, int] | None:
        inside = [i for i, t in enumerate(tokens) if start <= t.start and t.end <= end]
        return (inside[0], inside[-1]) if inside else None

    for chunk_id in dict.fromkeys(s.chunk_id for s in unit.sentences):
        chunk = index.chunk(chunk_id)
        for start, end, label in chunk.entities if chunk else ():
            if unit.start <= start and end <= unit.end and label in SPAN_TYPES:
                label = place_label(label, text, start)
                rng = token_range(start, end)
                if rng:
                    add(rng[0], rng[1], label)
    chunks = list(parse.chunks)
    for first, last in chunks:
        add(first, last - 1, "NP")
    for (a, b), (c, d) in itertools.pairwise(chunks):
        if c == b + 1 and b < len(tokens) and text[tokens[b].start : tokens[b].end] == "of":
            add(a, d - 1, "NP")  # "the southern parts of France"
    for a, b in chunks:
        head = _root(tokens, a, b - 1)
        right = tokens[head].right
        if b <= right < a + 10 and any(tokens[i].dep == "prep" for i in range(b, right + 1)):
            add(a, right, "NP")  # "the need for closer coordination and information sharing"
    for i, t in enumerate(tokens):
        if t.pos == "NUM" and not any(c.first <= i <= c.last for c in found.values()):
            add(i, i, "CARDINAL")
        if t.pos == "VERB" and t.dep in _CLAUSE_DEPS and t.right - t.left < 9:
            add(t.left, t.right, "VP")  # "to encourage investment", "hold a set speed"
    return sorted(found.values(), key=lambda c: (c.start, c.end))


def span_features(
    q: Question,
    forms: tuple[frozenset[str], ...],
    weights: tuple[float, ...],
    index: Snapshot,
    lexicon: Lexicon,
    unit: Unit,
    parse: Parse,
    candidates: list[SpanCandidate],
) -> np.ndarray:
    """The matrix of SPAN_FEATURES, one row per candidate span."""
    text = index.text(unit.article_id)
    tokens = parse.tokens
    known = set().union(*forms) if forms else set()
    words = [p for s in unit.sentences for p in lexicon.sentence_stems(s.row)]
    stem_at = dict(((o, st) for st, o in words))
    # spaCy splits "co-chaired" into co, -, chaired: a token inside a word reads as the word.
    for t in tokens:
        if t.start not in stem_at:
            for back in range(1, 4):
                o = t.start - back
                if (
                    o in stem_at
                    and not text[o : t.start].isspace()
                    and " " not in text[o : t.start]
                ):
                    stem_at[t.start] = stem_at[o]
                    break
    weight_at: dict[int, float] = {}
    for st, o in words:
        for f, w in zip(forms, weights, strict=True):
            if st in f:
                weight_at[o] = max(weight_at.get(o, 0.0), w)
    total_weight = sum(weights) or 1.0
    token_at = {t.start: i for i, t in enumerate(tokens)}
    asked = [i for o in weight_at if (i := token_at.get(o)) is not None]
    question_words = {w.lower() for w in re.findall(r"\w+", q.text)}
    best_sentence = max(
        unit.sentences,
        key=lambda s: sum(w for o, w in weight_at.items() if s.start <= o < s.end),
    )
    qclass = question_class(q)
    governor_forms = next(
        (f for t, f in zip(q.terms, forms, strict=True) if t.stem == q.governor), frozenset()
    ) | ({q.governor} if q.governor else set())
    distances = _tree_distances(tokens, {i: weight_at[tokens[i].start] for i in asked})
    relation_forms = frozenset().union(
        *(f for t, f in zip(q.terms, forms, strict=True) if t.relation)
    ) if forms else frozenset()  # fmt: skip
    column = {n: i for i, n in enumerate(SPAN_FEATURES)}
    matrix = np.zeros((len(candidates), len(column)))
    length = max(1, unit.end - unit.start)
    for row, c in enumerate(candidates):
        span_text = text[c.start : c.end]
        content = [st for st, _ in text_stems(span_text) if st not in stop_stems()]
        inside = sum(1 for st in content if st in known)
        outside = [i for i in asked if i < c.first or i > c.last]
        gap = min((c.first - i if i < c.first else i - c.last for i in outside), default=40)
        near = sum(
            w * math.exp(-max(c.start - o, o - c.end, 0) / 40)
            for o, w in weight_at.items()
            if not c.start <= o < c.end
        )
        root = tokens[c.root]
        governor = tokens[root.head]
        preposition = ""
        if root.dep == "pobj" and governor.dep == "prep":
            preposition = text[governor.start : governor.end].lower()
            governor = tokens[governor.head]
        governs = stem_at.get(governor.start, "") in governor_forms
        tree = [(d[c.root], w) for d, w in distances]
        ancestors = _ancestors(tokens, c.root)
        above = {stem_at.get(tokens[i].start, "") for i in ancestors}
        values = {
            "under_governor": float(bool(above & governor_forms)),
            "under_asked": float(bool(above & relation_forms)),
            "same_governor": float(governs),
            "same_role": float(governs and nlp.role_of(root.dep) == q.role),
            "tree_distance": math.log1p(min((d for d, _ in tree), default=12)),
            "tree_near": sum(w * math.exp(-d) for d, w in tree) / total_weight,
            "in_question": inside / len(content) if content else 1.0,
            "all_known": float(inside == len(content)),
            "new_words": math.log1p(len(content) - inside),
            "near": near / total_weight,
            "gap": math.log1p(max(0, gap - 1)),
            "adjacent": float(gap <= 1),
            "best_sentence": float(best_sentence.start <= c.start < best_sentence.end),
            "focus_head": float(stem_at.get(root.start, "") in q.focus),
            "focus_inside": float(bool(q.focus & set(content))),
            "focus_governs": float(stem_at.get(governor.start, "") in q.focus),
            "governor_asked": float(stem_at.get(governor.start, "") in known),
            "preposition_asked": float(bool(preposition) and preposition in question_words),
            "words": math.log1p(c.last - c.first + 1),
            "one_word": float(c.last == c.first),
            "long": float(c.last - c.first + 1 > 5),
            "subject": float(root.dep in {"nsubj", "nsubjpass"}),
            "object": float(root.dep in {"dobj", "attr", "oprd"}),
            "prep_object": float(root.dep == "pobj"),
            "apposition": float(root.dep == "appos"),
            "capitalised": float(all(w[:1].isupper() for w in span_text.split())),
            "digits": float(any(ch.isdigit() for ch in span_text)),
            "bracketed": float(
                text.rfind("(", unit.start, c.start) > text.rfind(")", unit.start, c.start)
            ),
            "position": (c.start - unit.start) / length,
            "entity": float(c.kind not in {"NP", "VP"}),
        }
        for name, value in values.items():
            matrix[row, column[name]] = value
        matrix[row, column[f"{qclass}:{c.kind}"]] = 1.0
    return matrix


def _ancestors(tokens: tuple[Token, ...], i: int) -> list[int]:
    """The tokens a token hangs from, nearest first."""
    out = []
    while tokens[i].head != i and len(out) < len(tokens):
        i = tokens[i].head
        out.append(i)
    return out


def _tree_distances(
    tokens: tuple[Token, ...], sources: dict[int, float]
) -> list[tuple[list[int], float]]:
    """For each source token: (edges from it to every token of the parse, its weight)."""
    neighbours: list[list[int]] = [[] for _ in tokens]
    for i, t in enumerate(tokens):
        if t.head != i:
            neighbours[i].append(t.head)
            neighbours[t.head].append(i)
    out = []
    for source, weight in sources.items():
        distance = [12] * len(tokens)
        distance[source] = 0
        frontier = [source]
        while frontier:
            following = []
            for i in frontier:
                for j in neighbours[i]:
                    if distance[j] > distance[i] + 1:
                        distance[j] = distance[i] + 1
                        following.append(j)
            frontier = following
        out.append((distance, weight))
    return out


@dataclass(frozen=True)
class ShortAnswer:
    """The chosen span (with the spans listed beside it), the model's softmax share and score
    for it, and whether it is of the kind the question asks for and in the role it asks."""

    text: str
    start: int
    end: int
    probability: float
    score: float
    kind_match: bool
    role_match: bool


def logged_spans(
    q: Question,
    forms: tuple[frozenset[str], ...],
    weights: tuple[float, ...],
    index: Snapshot,
    lexicon: Lexicon,
    unit: Unit,
) -> tuple[list[SpanCandidate], np.ndarray]:
    """The unit's candidate spans and their SPAN_FEATURES: what the span model scores when
    answering, and what it is fitted on."""
    parse = parse_unit(index, unit)
    candidates = span_candidates(index, unit, parse)
    if not candidates:
        return [], np.zeros((0, len(SPAN_FEATURES)))
    return candidates, span_features(q, forms, weights, index, lexicon, unit, parse, candidates)


def short_answer(
    model: Linear,
    q: Question,
    forms: tuple[frozenset[str], ...],
    weights: tuple[float, ...],
    index: Snapshot,
    lexicon: Lexicon,
    unit: Unit,
) -> ShortAnswer | None:
    """The best span of the unit by the span model, extended over the spans of its kind
    listed with it ("Bangladesh and Nepal"); None when the unit has no candidate."""
    candidates, matrix = logged_spans(q, forms, weights, index, lexicon, unit)
    if not candidates:
        return None
    scores = model.logits(matrix)
    shares = np.exp(scores - scores.max())
    shares /= shares.sum()
    best = int(np.argmax(scores))
    text = index.text(unit.article_id)
    listed = listed_with(candidates, best, text)
    start, end = whole(text, candidates, listed[0].start, listed[-1].end)
    kind = candidates[best].kind
    return ShortAnswer(
        text=text[start:end],
        start=start,
        end=end,
        probability=float(shares[best]),
        score=float(scores[best]),
        kind_match=bool(nlp.KIND_OF_LABEL.get(kind, frozenset()) & q.kinds),
        role_match=bool(matrix[best, list(SPAN_FEATURES).index("same_role")]),
    )


def whole(text: str, candidates: list[SpanCandidate], start: int, end: int) -> tuple[int, int]:
    """The answer never stops inside a word, a name or an amount: "Park Ji" inside "Park
    Ji-woo", "2.3" inside "2.3 million dollars" grow to the whole."""
    for _ in range(3):  # an entity may reach a word that reaches another entity
        for c in candidates:
            if c.kind not in {"NP", "VP"} and c.start < end and start < c.end:
                start, end = min(start, c.start), max(end, c.end)
        start, end = whole_words(text, start, end)
    return start, end


def listed_with(candidates: list[SpanCandidate], best: int, text: str) -> list[SpanCandidate]:
    """The candidate at `best` with the candidates of its kind listed beside it."""
    chosen = candidates[best]
    if chosen.kind in {"NP", "VP"}:
        return [chosen]
    same = sorted(
        (
            c
            for c in candidates
            if c.kind == chosen.kind and (c is chosen or not _overlaps(c, chosen))
        ),
        key=lambda c: c.start,
    )
    first, last = listed_run(same, same.index(chosen), text)
    return same[first : last + 1]


def _overlaps(a: SpanCandidate, b: SpanCandidate) -> bool:
    return a.start < b.end and b.start < a.end
