"""The question as the features see it: its analysis, the index forms and weight of each
term (rarer words weigh more), what retrieval found, where the conversation's last evidence
is, and which words of the build each term may stand for in other words."""

from __future__ import annotations

import dataclasses
import itertools
import re
from dataclasses import dataclass, field

import numpy as np

from assistant.answering.question.analysis import Question, without_event
from assistant.answering.retrieval.retrieve import Focus, Retrieved
from assistant.answering.vocabulary.lexicon import Lexicon
from assistant.answering.vocabulary.similarity import WordVectors, best_similarity
from assistant.language import EVENT_NOUNS


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
    focus: tuple[Focus, ...] = ()  # the conversation's last evidence
    follow_up: bool = False  # the question comes after others in a conversation
    # Terms a word of other form may stand for (not names or numbers), and the similarity
    # of each to every content word of the build (rows: lexicon.vocab, columns: soft).
    soft: tuple[int, ...] = ()
    term_sims: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    # The forms of each word of the event's name the question gave (the name itself is not
    # among the terms: it says which articles may answer, not what the answer says).
    event: tuple[frozenset[str], ...] = ()

    def best_soft(self, rows: list[int]) -> dict[int, float]:
        """Term index -> its best similarity among the vocabulary words at rows."""
        if not self.soft:
            return {}
        best = best_similarity(self.term_sims, rows)
        return dict(zip(self.soft, (float(b) for b in best), strict=True))

    @property
    def heaviest(self) -> float:
        return max(self.weights, default=1.0) or 1.0


def term_forms(q: Question, lexicon: Lexicon) -> tuple[frozenset[str], ...]:
    """The stems in the index that each term of the question may stand for."""
    return tuple(lexicon.forms(t) for t in q.terms)


_NAME_JOINS = re.compile(r"[\s,&'’.-]*(?:\b(?:of|on|for|and|the|de|du|des|la|le)\b[\s,&'’.-]*)*",
                         re.IGNORECASE)  # fmt: skip


def event_terms(
    q: Question, forms: tuple[frozenset[str], ...], lexicon: Lexicon
) -> tuple[bool, ...]:
    """Which terms name the event as an article names itself in its title or lead: two or
    more terms that stand there word after word, a name or an ordinal and a noun naming an
    event among them ("the 7th West Africa Ports & Logistics Summit", "the sixth regular
    session of the tuna commission")."""
    postings = lexicon.names_in_context()
    at = [
        {p for st in f for p in postings.get(st, ())} if t.pos != "VERB" or t.capital else set()
        for t, f in zip(q.terms, forms, strict=True)
    ]
    # Words in a row within the question too: only what joins a name's words between them
    # ("Conference on Combating ... for ..."), not what introduces one ("at the", "in").
    joined = [
        bool(_NAME_JOINS.fullmatch(q.text[a.at + len(a.word) : b.at]))
        if a.at >= 0 and b.at >= 0 else False
        for a, b in itertools.pairwise(q.terms)
    ]  # fmt: skip
    out = [False] * len(q.terms)
    for k, term in enumerate(q.terms):
        if not (term.exact or term.capital or term.pos == "PROPN"):
            continue  # a run is found from its name or ordinal outwards
        for phrase, position in at[k]:
            low = high = k
            while low > 0 and joined[low - 1] and (phrase, position - (k - low) - 1) in at[low - 1]:
                low -= 1
            while (high + 1 < len(q.terms) and joined[high]
                   and (phrase, position + (high - k) + 1) in at[high + 1]):  # fmt: skip
                high += 1
            run = q.terms[low : high + 1]
            if high > low and any(t.word.lower() in EVENT_NOUNS for t in run):
                out[low : high + 1] = [True] * (high - low + 1)
    return tuple(out)


def split_event(q: Question, lexicon: Lexicon) -> tuple[Question, tuple[frozenset[str], ...]]:
    """The question less the event's name it gives (its text and terms), and the forms of
    that name's words; the question itself when it names no event, or nothing else."""
    forms = term_forms(q, lexicon)
    # a number in the name stays: it tells one event of a series from the others ("meeting
    # 9504" of 10,000 meeting reports, "COP 29")
    event = tuple(
        e and not t.word.isdigit()
        for t, e in zip(q.terms, event_terms(q, forms, lexicon), strict=True)
    )
    text = without_event(q, event)
    if text == q.text:
        return q, ()
    core = tuple(t for t, e in zip(q.terms, event, strict=True) if not e)
    named = tuple(f for f, e in zip(forms, event, strict=True) if e)
    return dataclasses.replace(q, text=text, terms=core), named


def search_text(q: Question, lexicon: Lexicon) -> str:
    """What retrieval searches with: the question less the event's name it gives."""
    return split_event(q, lexicon)[0].text


def read(
    q: Question,
    forms: tuple[frozenset[str], ...],
    lexicon: Lexicon,
    retrieved: Retrieved,
    focus: tuple[Focus, ...] = (),
    follow_up: bool = False,
    words: WordVectors | None = None,
    event: tuple[frozenset[str], ...] = (),
) -> Reading:
    """The question as the features see it; rarer words weigh more, words that only name the
    kind of answer ("which countries") and adverbs less; words (when given) say which words
    of the build each term may stand for in other words."""
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
    soft = tuple(i for i, t in enumerate(q.terms) if not t.exact and (t.salient or t.pos == "VERB"))
    term_sims = np.zeros((len(lexicon.vocab), 0), dtype=np.float32)
    if words is not None and soft and lexicon.vocab:
        vectors = words.of([q.terms[i].word.lower() for i in soft])
        term_sims = lexicon.vocabulary_vectors(words) @ vectors.T
    else:
        soft = ()
    return Reading(q, forms, weights, retrieved, unknown, other, focus, follow_up, soft,
                   term_sims, event)  # fmt: skip
