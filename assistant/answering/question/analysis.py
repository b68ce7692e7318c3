"""A question read for answering: the kind of answer it wants, its terms, and follow-ups
rewritten into whole questions from the conversation (no generative model involved)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant.ingest import nlp
from assistant.language import (
    NUMBER_WORDS,
    ORDINALS,
    ROLE_GROUPS,
    STOPWORDS,
    SYNONYM_GROUPS,
    WH_DETERMINERS,
    WH_WORD,
    stem,
)

CONTENT_POS = {"NOUN", "PROPN", "NUM", "ADJ", "VERB", "ADV", "X", "FOCUS"}
SALIENT_POS = {"NOUN", "PROPN", "NUM", "ADJ", "X"}


@cache
def synonyms() -> dict[str, frozenset[str]]:
    """stem -> the stems it may stand for (itself included)."""
    out: dict[str, set[str]] = {}
    for group in SYNONYM_GROUPS:
        stems = {stem(w) for w in group.split()}
        for s in stems:
            out.setdefault(s, {s}).update(stems)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def role_stems() -> frozenset[str]:
    """Stems of the roles people play at a conference (chair, co-chair, speaker, host...)."""
    roles = {stem(w) for g in ROLE_GROUPS for w in g.split()}
    return frozenset(roles | {"co" + r for r in roles})


@dataclass(frozen=True)
class Term:
    """A content word of the question."""

    word: str
    stem: str
    pos: str
    capital: bool = False  # written with a capital inside the question: "the Japanese co-chair"
    at: int = -1  # offset of its word in the question (join_prefixes applied)

    @property
    def name(self) -> bool:
        """A name, or a word made from one ("Japanese"): the answer must stand near it."""
        return self.pos == "PROPN" or (self.capital and self.pos in {"ADJ", "NOUN", "X"})

    @property
    def salient(self) -> bool:
        """A thing the answer must be about (not a verb: verbs are often paraphrased)."""
        return self.pos in SALIENT_POS

    @property
    def relation(self) -> bool:
        """The relation asked about ("co-chaired", "the speakers"): the answer must state it."""
        return self.pos == "VERB" or self.stem in role_stems()

    @property
    def exact(self) -> bool:
        """A name or number: evidence must contain it, no near miss allowed."""
        return self.pos in {"PROPN", "NUM"} or self.word.lower() in ORDINALS.values()


@dataclass(frozen=True)
class Question:
    text: str
    kinds: frozenset[str]  # answer kinds it wants (nlp.PERSON, ...); empty: any sentence
    terms: tuple[Term, ...]
    about_named: bool  # "Who is Jayant Misra?": asks for a description, not a name
    venue: bool = False  # "Where was it held?": a building or site before a city or country
    city: bool = False  # "In which city ...?": a city, not a building
    several: bool = False  # "Which dates / countries ...?": the answer is a list
    focus: frozenset[str] = frozenset()  # stem of the noun asked about: "what *river* ..."
    role: str = ""  # role of the thing asked for: subject, object, preposition, other
    governor: str = ""  # stem of the word it depends on: "Who *commissioned* the Tapestry?"


_KIND_RULES = (
    (r"^(who|whom|whose)\b|\bname of\b|\bwhich (\w+ )?(persons?|officials?|ministers?|"
     r"speakers?|chairs?|co-?chairs?|delegates?|representatives?|experts?|people)\b",
     {nlp.PERSON}),
    (r"\bhow (long|soon)\b", {nlp.DURATION}),
    (r"^when\b|\b(what|which) (date|day|year|month|time)|\bon (what|which) dates?\b|"
     r"\bin (what|which) year\b", {nlp.DATE}),
    (r"^where\b|\b(what|which) (city|venue|place|town|building|hall)\b", {nlp.PLACE}),
    (r"\bhow (many|much|old)\b|\bwhat (number|amount|percentage)\b", {nlp.NUMBER}),
    (r"\b(what|which) (countries|country|nations?|members?|states?)\b", {nlp.COUNTRY}),
    (r"\b(what|which) (agency|agencies|organi[sz]ations?|ministry|department|body|bodies|"
     r"institution|office)\b", {nlp.ORG}),
)  # fmt: skip


# What a question asks for: its answer kind when it names one, else its question word.
QUESTION_CLASSES = (
    nlp.PERSON, nlp.PLACE, nlp.DATE, nlp.DURATION, nlp.NUMBER, nlp.ORG, nlp.COUNTRY,
    "what", "which", "why", "how", "other",
)  # fmt: skip


def question_class(q: Question) -> str:
    """What the question asks for (one of QUESTION_CLASSES)."""
    for kind in (nlp.DURATION, nlp.NUMBER, nlp.DATE, nlp.PERSON, nlp.COUNTRY, nlp.ORG, nlp.PLACE):
        if kind in q.kinds:
            return kind
    asked = (m.group(1).lower() for m in WH_WORD.finditer(q.text))
    return next((w for w in asked if w in QUESTION_CLASSES), "other")


def answer_kinds(text: str) -> frozenset[str]:
    lowered = text.lower().strip().replace("cochair", "co-chair")
    lowered = re.sub(r"^(and|so|then|also)\s+", "", lowered)
    for pattern, kinds in _KIND_RULES:
        if re.search(pattern, lowered):
            return frozenset(kinds)
    return frozenset()


def join_prefixes(text: str) -> str:
    """ "co-chaired" -> "cochaired": a co-chair is not the chair."""
    return _CO_PREFIX.sub("co", text)


_CO_PREFIX = re.compile(r"\b[Cc]o-\s*(?=\w)")
# "Which countries ...", "What post ...": the noun names the kind of answer, so the evidence
# need not repeat it; nor need it repeat nouns that only say what kind of answer is wanted.
_FOCUS = re.compile(r"^(?:\W*\w+\W+){0,2}?(which|what)\s+(\w+)", re.I)
ANSWER_TYPE_NOUNS = frozenset(
    """position post role job title designation name kind type purpose aim goal reason topic
    subject theme date day week month year time place city venue building location country
    countries number amount quantity percentage way""".split()
)


# "What type of engine": the noun after "type of" is what is asked about.
_KIND_OF = frozenset("type kind sort form class name variety category piece part".split())


def focus_of(tagged: list[tuple[str, str, int]]) -> frozenset[str]:
    """The stem of the noun a "what/which/whose/how many" question asks about ("Which *river*
    ...", "What type of *engine* ..."), or nothing."""
    words = [w.lower() for w, _, _ in tagged]
    for i, word in enumerate(words):
        if word not in WH_DETERMINERS:
            continue
        j = i + 1
        if word == "how" and j < len(words) and words[j] in {"many", "much"}:
            j += 1
        noun = ""
        while j < len(tagged) and j <= i + 6:
            w, pos, _ = tagged[j]
            if pos in {"NOUN", "PROPN"}:
                noun = w.lower()
                if noun in _KIND_OF and j + 2 < len(words) and words[j + 1] == "of":
                    j += 2
                    continue
                if j + 1 < len(tagged) and tagged[j + 1][1] in {"NOUN", "PROPN"}:
                    j += 1
                    continue  # "what steam engine": the last noun of the run
                break
            if pos not in {"ADJ", "NUM", "DET", "ADV"} and noun == "":
                break
            j += 1
        return frozenset({stem(noun)}) if noun else frozenset()
    return frozenset()


def analyse(text: str) -> Question:
    """Kinds of answer wanted and content terms of a (rewritten) question."""
    text = join_prefixes(text)
    kinds = answer_kinds(text)
    focus = _FOCUS.match(text)
    focus_word = focus.group(2).lower() if focus and kinds else ""
    tagged, (role, governor) = nlp.read_question(text)
    # "What *proclamation* ended ...": the noun asked about names the kind of answer, so the
    # evidence need not repeat it ("the Edict of Fontainebleau ended ...").
    asked_about = focus_of(tagged)
    terms = []
    for position, (word, pos, offset) in enumerate(tagged):
        if (
            (pos in {"NOUN", "PROPN"} and word.lower() in ANSWER_TYPE_NOUNS)
            or (word.lower() == focus_word and pos in {"NOUN", "PROPN", "VERB"})
            or (pos == "NOUN" and stem(word) in asked_about)
        ):
            pos = "FOCUS"
        lowered = ORDINALS.get(word.lower(), word.lower())
        if pos not in CONTENT_POS or lowered in STOPWORDS or not re.search(r"\w", word):
            continue
        if len(lowered) < 2 and not lowered.isdigit():
            continue
        for part in re.findall(r"\w+", lowered):  # "co-chaired" -> co, chaired
            if part not in STOPWORDS:
                kind = "NUM" if part.isdigit() else pos
                if part in NUMBER_WORDS:
                    kind = "FOCUS"  # "the two abbots": counts the answer, is not a fact to find
                capital = position > 0 and word[:1].isupper() and not word.isupper()
                terms.append(Term(part, stem(part), kind, capital, offset))
    subject = re.match(r"^\s*who\s+(is|was|are|were)\s+", text, re.I)
    about_named = bool(
        subject
        and all(pos in {"PROPN", "PUNCT"} for _, pos, offset in tagged if offset >= subject.end())
    )
    if about_named:
        kinds = frozenset()
    venue = bool(re.match(r"^\s*(and\s+)?where\b", text, re.I))
    city = bool(re.search(r"\b(which|what) (city|town)\b", text, re.I))
    several = bool(
        kinds
        and focus_word.endswith("s")
        and any(t.pos == "FOCUS" and t.word == focus_word and t.stem != t.word for t in terms)
    )
    return Question(
        text=text,
        kinds=kinds,
        terms=tuple(terms),
        about_named=about_named,
        venue=venue,
        city=city,
        several=several,
        focus=asked_about,
        role=role,
        governor=stem(join_prefixes(governor)) if governor else "",
    )


def without_event(q: Question, event: tuple[bool, ...]) -> str:
    """The question less the event's name it gives ("Who opened the session on ports at the
    7th West Africa Ports & Logistics Summit?" -> "Who opened the session on ports?"), for
    searching: the name matches every article about the event alike. Unchanged when the
    name is all the question holds."""
    named = [t for t, e in zip(q.terms, event, strict=True) if e and t.at >= 0]
    rest = [t for t, e in zip(q.terms, event, strict=True) if not e and t.pos in {"NOUN", "PROPN"}]
    if not named or not rest:
        return q.text
    start, end = min(t.at for t in named), max(t.at + len(t.word) for t in named)
    end = max(end, re.match(r"[\w'’&-]*", q.text[end:]).end() + end)  # the whole last word
    lead = re.search(r"(\s+(at|in|of|for|during|on|from|by)\s+)?(\s*\b(the|this|that)\s+)?$",
                     q.text[:start])  # fmt: skip
    cut = start - len(lead.group()) if lead else start
    # a term inside the name that is not the name's stays ("284" of "Meeting 284 of the ...")
    kept = " ".join(t.word for t, e in zip(q.terms, event, strict=True)
                    if not e and start <= t.at < end)  # fmt: skip
    return (q.text[:cut] + (f" {kept}" if kept else "") + q.text[end:]).strip()
