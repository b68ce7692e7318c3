"""Word statistics of one index build: the stems of every sentence, how many sentences use
each stem (rare words weigh more), and the acronyms the articles define.

Built once per index build and shared by every question; it holds nothing about a question.
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import threading
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.answering.question.analysis import Term, join_prefixes, synonyms
from assistant.language import (
    ANAPHOR,
    LINK_WORDS,
    NEGATION,
    ORDINALS,
    defined_acronyms,
    place_label,
    stem,
    stop_stems,
)
from assistant.store.keywords import tokenize

if TYPE_CHECKING:
    from assistant.answering.vocabulary.similarity import WordVectors
    from assistant.store.reader import Snapshot

Stems = list[tuple[str, int]]  # (stem, offset in the article text)
LEAD_SENTENCES = 3  # an article's lead: at most this many sentences of its first paragraph


@dataclass(frozen=True)
class Entity:
    """A named entity of a sentence, with what a question may ask of it."""

    start: int
    end: int
    label: str  # spaCy's label; ORG after "at" counts as a place (rules.place_label)
    stems: frozenset[str]  # its own words
    following: frozenset[str]  # words within 40 characters after it ("7 *members*")
    duration: bool  # "two days", "three-week"


@dataclass(frozen=True)
class SentenceInfo:
    """Everything about one sentence that does not depend on the question."""

    stems: tuple[tuple[str, int], ...]
    stem_set: frozenset[str]
    sequence: tuple[str, ...]  # its stems in order
    content: tuple[str, ...]  # its stems less function words, in order
    content_set: frozenset[str]
    adjacent: frozenset[tuple[str, str]]  # pairs of content stems side by side
    breaks: tuple[int, ...]  # offsets of its clause breaks: , ; : — –
    negated: bool
    anaphor: bool  # starts by pointing back: "It", "This session", "They"...
    before: tuple[int, ...]  # rows of up to three sentences before it in its paragraph
    in_paragraph: int  # sentences before it in its paragraph
    entities: tuple[Entity, ...]  # after the dateline, if the article has one


_WORD_OR_CO = re.compile(r"(?:\b[Cc]o-\s*)?\w+")
# "The day opened with X": X came first (only with "with": "who opened it" is not "first").
_FIRST_WORDS = frozenset("open opens opened begin begins began start starts started".split())
_WITH = re.compile(r"\s+with\b")
_FIRST = stem("first")
# "Narcotics Control Bureau (NCB)": up to eight words before an acronym in brackets.
_LINK_STEMS = frozenset(stem(w) for w in LINK_WORDS)
_DATELINE = re.compile(r"^[A-Z][A-Za-z .'-]{1,40},\s+[^.\n]{4,30}?\s+[—–-]\s+")
_DURATION = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|few)[- ]"
    r"(days?|weeks?|months?|years?|hours?)\b",
    re.I,
)


def text_stems(text: str, offset: int = 0) -> Stems:
    """(stem, offset) of every word; "co-chair" is one word, ordinals written as digits read
    as words, and "opening" or "opened with" / "began with" also read as "first"."""
    out = []
    for m in _WORD_OR_CO.finditer(text):
        word = join_prefixes(m.group()).lower()
        if word == "opening" or (word in _FIRST_WORDS and _WITH.match(text, m.end())):
            out.append((_FIRST, offset + m.start()))  # "the opening session", "opened with X"
        out.append((stem(ORDINALS.get(word, word)), offset + m.start()))
    return out


def find_acronyms(text: str) -> dict[str, tuple[str, ...]]:
    """Acronyms an article defines, "Narcotics Control Bureau (NCB)": acronym as written ->
    stems of the content words of its expansion."""
    found: dict[str, tuple[str, ...]] = {}
    for acronym, expansion in defined_acronyms(text).items():
        words = [w for w in re.findall(r"\w+", " ".join(expansion)) if w.lower() not in LINK_WORDS]
        found[acronym] = tuple(st for st, _ in text_stems(" ".join(words)))
    return found


class Lexicon:
    """Stems, sentence frequencies and acronyms of one index build (kept on its snapshot:
    `Lexicon.of(snapshot)`)."""

    @classmethod
    def of(cls, snapshot: Snapshot) -> Lexicon:
        """The lexicon of a snapshot's build, made on first use and kept with the build."""
        return snapshot.memo("lexicon", cls)

    def __init__(self, index: Snapshot) -> None:
        # A weak reference: the snapshot holds its lexicon, and a cycle would keep an old
        # build in memory until the garbage collector ran.
        self.index = weakref.proxy(index)
        self.df: Counter[str] = Counter()
        self.rows: dict[str, list[int]] = {}  # stem -> rows of the sentences that use it
        self.sentences = 0
        self.acronyms: dict[str, tuple[str, ...]] = {}  # "NCB" -> (narcot, control, bureau)
        self._stems: dict[int, Stems] = {}
        self._titles: dict[str, frozenset[str]] = {}
        self._contexts: dict[str, frozenset[str]] = {}
        self._articles: dict[str, frozenset[str]] = {}
        self._info: dict[int, SentenceInfo] = {}
        self._stop = stop_stems()
        self._bm25: Any = None
        records = index.articles()
        for record in records:
            self.acronyms.update(find_acronyms(index.text(record.id)))
        self._acronym_stems = {stem(a): a for a in self.acronyms}
        for record in records:
            for s in index.sentences(record.id):
                stems = {st for st, _ in self.sentence_stems(s.row)}
                self.df.update(stems)
                for st in stems:
                    self.rows.setdefault(st, []).append(s.row)
                self.sentences += 1
        self.sorted = sorted(self.df)
        # content words, each a row of vocabulary_vectors()
        content = (st for st in self.sorted if st not in self._stop and len(st) > 2)
        self.vocab = {st: i for i, st in enumerate(st for st in content if not st.isdigit())}
        self._vocab_vectors: np.ndarray | None = None
        self._events: dict[str, list[tuple[int, int]]] | None = None
        self._vocab_lock = threading.Lock()

    def sentence_bm25(self, text: str) -> np.ndarray:
        """The BM25 score (bm25s, the keyword index's tokens) of every sentence for a text,
        by sentence row: the keyword ranking of sentences that baselines read."""
        if self._bm25 is None:
            import bm25s

            rows = range(len(self.index.sentence_vectors()))
            texts = [self.index.text(s.article_id)[s.start : s.end]
                     for s in map(self.index.sentence_at, rows)]  # fmt: skip
            self._bm25 = bm25s.BM25()
            self._bm25.index([tokenize(t) for t in texts], show_progress=False)
        vocab = self._bm25.vocab_dict
        tokens = [t for t in tokenize(text) if t in vocab]
        if not tokens:
            return np.zeros(len(self.index.sentence_vectors()))
        return np.asarray(self._bm25.get_scores(tokens))

    def surface(self, stem_: str) -> str:
        """A word of the text that has this stem (lower-cased), for its word vector."""
        for row in self.rows.get(stem_, ())[:1]:
            s = self.index.sentence_at(row)
            text = self.index.text(s.article_id)
            for st, offset in self.sentence_stems(row):
                if st == stem_:
                    match = _WORD_OR_CO.match(text, offset)
                    if match:
                        return match.group().lower()
        return stem_

    def vocabulary_vectors(self, words: WordVectors) -> np.ndarray:
        """A word vector for each content word of the build, by its row in `vocab`."""
        with self._vocab_lock:
            if self._vocab_vectors is None:
                self._vocab_vectors = words.of([self.surface(st) for st in self.vocab])
            return self._vocab_vectors

    def vocab_rows(self, stems: Iterable[str]) -> list[int]:
        """The vocabulary rows of those stems that are content words."""
        vocab = self.vocab
        return [vocab[st] for st in stems if st in vocab]

    def sentence_stems(self, row: int) -> Stems:
        """Stems of the sentence at a row, with defined acronyms read both ways."""
        cached = self._stems.get(row)
        if cached is None:
            s = self.index.sentence_at(row)
            text = self.index.text(s.article_id)
            cached = self._with_acronyms(text_stems(text[s.start : s.end], s.start), text)
            self._stems[row] = cached
        return cached

    def info(self, row: int) -> SentenceInfo:
        """The question-independent facts of the sentence at a row (computed once)."""
        cached = self._info.get(row)
        if cached is None:
            cached = self._sentence_info(row)
            self._info[row] = cached
        return cached

    def _sentence_info(self, row: int) -> SentenceInfo:
        s = self.index.sentence_at(row)
        text = self.index.text(s.article_id)
        sentences = self.index.sentences(s.article_id)
        before: list[int] = []
        following = s
        for previous in reversed(sentences[: s.position]):
            if "\n" in text[previous.end : following.start]:
                break
            before.insert(0, previous.row)
            following = previous
        stems = self.sentence_stems(row)
        sequence = tuple(st for st, _ in stems)
        dateline = _DATELINE.match(text)
        after = dateline.end() if dateline else 0
        chunk = self.index.chunk(s.chunk_id)
        entities = []
        for a, b, label in chunk.entities if chunk else ():
            if a < max(s.start, after) or b > s.end:
                continue
            label = place_label(label, text, a)
            entities.append(
                Entity(
                    a,
                    b,
                    label,
                    frozenset(st for st, _ in text_stems(text[a:b])),
                    frozenset(st for st, _ in text_stems(text[b : b + 40])),
                    bool(_DURATION.search(text[a:b])),
                )
            )
        sentence = text[s.start : s.end]
        content = tuple(st for st in sequence if st not in self._stop and len(st) > 2)
        return SentenceInfo(
            stems=tuple(stems),
            stem_set=frozenset(sequence),
            sequence=sequence,
            content=content,
            content_set=frozenset(content),
            adjacent=frozenset(itertools.pairwise(content)),
            breaks=tuple(s.start + i for i, ch in enumerate(sentence) if ch in ",;:—–"),
            negated=bool(NEGATION.search(sentence)),
            anaphor=bool(ANAPHOR.match(sentence)),
            before=tuple(before[-3:]),
            in_paragraph=len(before),
            entities=tuple(entities),
        )

    def title_stems(self, article_id: str) -> frozenset[str]:
        cached = self._titles.get(article_id)
        if cached is None:
            record = self.index.article(article_id)
            title = record.title if record else ""
            cached = frozenset(st for st, _ in self._with_acronyms(text_stems(title), title))
            self._titles[article_id] = cached
        return cached

    def names_in_context(self) -> dict[str, list[tuple[int, int]]]:
        """Stem -> where it stands in the articles' titles and leads, as (phrase, position)
        among the content words of each title and lead sentence: where a question naming an
        event finds that name, word after word (made on first use)."""
        with self._vocab_lock:
            if self._events is None:
                phrases: list[tuple[str, ...]] = []
                for record in self.index.articles():
                    title = record.title
                    phrases.append(self._content(text_stems(title)))
                    for row in self._lead(record.id):
                        phrases.append(self._content(self.sentence_stems(row)))
                postings: dict[str, list[tuple[int, int]]] = {}
                for n, phrase in enumerate(phrases):
                    for at, st in enumerate(phrase):
                        postings.setdefault(st, []).append((n, at))
                self._events = postings
            return self._events

    def _content(self, stems: Stems) -> tuple[str, ...]:
        return tuple(st for st, _ in stems if st not in self._stop and st not in _LINK_STEMS)

    def _lead(self, article_id: str) -> list[int]:
        """Rows of the article's lead: at most LEAD_SENTENCES of its first paragraph."""
        lead: list[int] = []
        for s in self.index.sentences(article_id)[:LEAD_SENTENCES]:
            if lead and self.info(s.row).in_paragraph == 0:
                break
            lead.append(s.row)
        return lead

    def context_stems(self, article_id: str) -> frozenset[str]:
        """What the article establishes about itself, which every sentence of it shares: the
        stems of its title and of its lead (the first sentences of its first paragraph:
        the event it reports, with its full name, ordinal and place)."""
        cached = self._contexts.get(article_id)
        if cached is None:
            stems = {st for row in self._lead(article_id) for st, _ in self.sentence_stems(row)}
            cached = frozenset(stems | self.title_stems(article_id))
            self._contexts[article_id] = cached
        return cached

    def article_stems(self, article_id: str) -> frozenset[str]:
        """Every stem of an article's sentences and title."""
        cached = self._articles.get(article_id)
        if cached is None:
            rows = [s.row for s in self.index.sentences(article_id)]
            stems = {st for row in rows for st, _ in self.sentence_stems(row)}
            cached = frozenset(stems | self.title_stems(article_id))
            self._articles[article_id] = cached
        return cached

    def _with_acronyms(self, stems: Stems, text: str) -> Stems:
        """Stems plus, for an acronym written in capitals, its expansion, and for an
        expansion written out, its acronym: "NCB" matches "Narcotics Control Bureau"."""
        if not self.acronyms:
            return stems
        extra: Stems = []
        present = [st for st, _ in stems]
        for st, offset in stems:
            acronym = self._acronym_stems.get(st)
            if acronym and text.startswith(acronym, offset):
                extra += [(part, offset) for part in self.acronyms[acronym]]
        for acronym, expansion in self.acronyms.items():
            at = _find_run(present, list(expansion))
            if at >= 0:
                extra.append((stem(acronym), stems[at][1]))
        return stems + extra if extra else stems

    def forms(self, term: Term) -> frozenset[str]:
        """Stems in the index the term may stand for: itself, its synonyms, and a shortened
        form ("pharma" for "pharmaceutical", "Lankan" for "Lanka")."""
        if term.pos == "NUM":
            return frozenset({term.stem} & self.df.keys())
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
        return frozenset(forms)

    def weight(self, forms: frozenset[str]) -> float:
        """Inverse sentence frequency of a term's forms; a word no sentence uses weighs most."""
        df = sum(self.df[f] for f in forms)
        return math.log((self.sentences + 1) / (df + 0.5)) if df else math.log(self.sentences + 2)


def _find_run(words: list[str], run: list[str]) -> int:
    """Where the run of stems starts among words (function words between them allowed), or -1."""
    if not run:
        return -1
    content = [(i, w) for i, w in enumerate(words) if w not in _LINK_STEMS]
    n = len(run)
    for j in range(len(content) - n + 1):
        if content[j][1] == run[0] and [w for _, w in content[j : j + n]] == run:
            return content[j][0]
    return -1
