"""A question read for answering: the kind of answer it wants, its terms, and follow-ups
rewritten into whole questions from the conversation (no generative model involved)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from assistant import nlp
from assistant.keywords import stem

# Function words and question words: never evidence that an answer is about the question.
STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during
    before after above below to from up down in out on off over under again further then once
    here there when where why how all any both each few more most other some such no nor not
    only own same so than too very can will just don should now is are was were be been being
    have has had having do does did doing would could might must shall may i me my we our you
    your he him his she her it its they them their what which who whom whose this that these
    those am also as s t well much many long old kind type name happen happened""".split()
)
CONTENT_POS = {"NOUN", "PROPN", "NUM", "ADJ", "VERB", "ADV", "X", "FOCUS"}
SALIENT_POS = {"NOUN", "PROPN", "NUM", "ADJ", "X"}

# Words that mean the same thing in reports of proceedings: a question may say "ran" where
# the article says "chaired". General vocabulary of the domain, not any article's wording.
# The roles people play at a conference come first: they are also the relations a "who"
# question asks about (see role_stems).
_ROLE_GROUPS = (
    "chair chaired chairs chairman chairperson chairing lead led leads head headed heads run ran "
    "runs preside presided moderate moderated helm",
    "speak spoke speaker speakers talk talked address addressed present presented presentation "
    "say said tell told argue argued describe described explain explained",
    "open opened inaugurate inaugurated inauguration launch launched",
    "organise organised organize organized organiser organizer host hosted hosting arrange "
    "arranged",
)
_SYNONYM_GROUPS = (
    *_ROLE_GROUPS,
    "end ended close closed conclude concluded closing finish finished",
    "country countries nation nations",
    "conference meeting meet event gathering",
    "hold held holds host hosted hosting venue",
    "session panel discussion",
    "discuss discussed discussion deliberate deliberation examine examined debate debated",
    "drug drugs narcotic narcotics",
    "smuggle smuggled smuggling traffic trafficking trafficked",
    "represent represented representative representatives delegate delegates delegation",
    "focus focused devoted dedicated theme topic",
    "purpose aim goal objective",
    "darknet dark",
    "sea maritime",
)

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve several few".split()
)
ORDINALS = {
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
    "6th": "sixth", "7th": "seventh", "8th": "eighth", "9th": "ninth", "10th": "tenth",
}  # fmt: skip


@cache
def synonyms() -> dict[str, frozenset[str]]:
    """stem -> the stems it may stand for (itself included)."""
    out: dict[str, set[str]] = {}
    for group in _SYNONYM_GROUPS:
        stems = {stem(w) for w in group.split()}
        for s in stems:
            out.setdefault(s, {s}).update(stems)
    return {k: frozenset(v) for k, v in out.items()}


@cache
def role_stems() -> frozenset[str]:
    """Stems of the roles people play at a conference (chair, co-chair, speaker, host...)."""
    roles = {stem(w) for g in _ROLE_GROUPS for w in g.split()}
    return frozenset(roles | {"co" + r for r in roles})


@dataclass(frozen=True)
class Term:
    """A content word of the question."""

    word: str
    stem: str
    pos: str

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
    # Verbs and the nouns the question says them of ("held" -> "the conference"): offsets
    bound: tuple[tuple[int, tuple[int, ...]], ...] = ()


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
    subject theme date day week month year time place city venue country countries number
    amount way""".split()
)


def analyse(text: str) -> Question:
    """Kinds of answer wanted and content terms of a (rewritten) question."""
    text = join_prefixes(text)
    kinds = answer_kinds(text)
    focus = _FOCUS.match(text)
    focus_word = focus.group(2).lower() if focus and kinds else ""
    tagged, bound = nlp.read_question(text)
    terms = []
    for word, pos, _ in tagged:
        if (pos in {"NOUN", "PROPN"} and word.lower() in ANSWER_TYPE_NOUNS) or (
            word.lower() == focus_word and pos in {"NOUN", "PROPN", "VERB"}
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
                terms.append(Term(part, stem(part), kind))
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
        bound=tuple(bound.items()),
    )


# ---------------------------------------------------------------------------------------------
# Follow-ups

_FRAGMENT_LEAD = re.compile(r"^\s*(and\s+)?(what|how)\s+about\s+|^\s*and\s+", re.I)
_PRONOUN = re.compile(
    r"\b(it|its|this session|that session|this conference|that conference)\b", re.I
)
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her)\b", re.I)
_THEY = re.compile(r"\b(they|them)\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d\d\b")


def topic_of(question: str) -> str:
    """The thing a question is about: from its first determiner to the end, less a trailing
    verb ("Where was the 4th BIMSTEC summit held?" -> "the 4th BIMSTEC summit")."""
    tagged = nlp.tag(question.rstrip(" ?.!"))
    start = next(
        (i for i, (w, pos, _) in enumerate(tagged) if pos == "DET" and w.lower() in
         {"the", "this", "that", "a", "an"}),
        None,
    )  # fmt: skip
    if start is None:
        return ""
    end = len(tagged)
    while end > start + 1 and tagged[end - 1][1] in {"VERB", "AUX", "ADP", "PUNCT", "PART"}:
        end -= 1
    if end <= start + 1:
        return ""
    first, last = tagged[start][2], tagged[end - 1][2] + len(tagged[end - 1][0])
    return question[first:last]


def _is_fragment(question: str) -> bool:
    return not any(pos in {"VERB", "AUX"} for _, pos, _ in nlp.tag(question))


def rewrite(question: str, previous: str, previous_answer: str = "") -> str:
    """Make a follow-up stand alone, given the previous (already rewritten) question and the
    answer given to it. A question that stands alone comes back unchanged."""
    question = question.strip()
    if not previous:
        return question
    topic = topic_of(previous)
    if _FRAGMENT_LEAD.match(question) and _is_fragment(_FRAGMENT_LEAD.sub("", question)):
        fragment = _FRAGMENT_LEAD.sub("", question).rstrip(" ?.!")
        year = _YEAR.search(fragment)
        if year and _YEAR.search(previous) and len(fragment.split()) <= 3:
            return _YEAR.sub(year.group(), previous)
        if topic and not year:
            return previous.replace(topic, fragment, 1)
        return f"{previous.rstrip(' ?.!')} {fragment}?"
    rewritten = _FRAGMENT_LEAD.sub("", question) if _FRAGMENT_LEAD.match(question) else question
    rewritten = rewritten[:1].upper() + rewritten[1:]
    if answer_kinds(previous) == {nlp.ORG} and re.search(r"\bit\b", rewritten, re.I):
        # "Which agency organised it?" -> "Which ministry is it under?": "it" is the agency.
        organisation = _entity_in(previous_answer, "ORG")
        if organisation:
            topic = organisation
    if topic and _PRONOUN.search(rewritten):
        rewritten = _replace_pronoun(rewritten, topic)
    if _PERSON_PRONOUN.search(rewritten):
        person = _entity_in(previous_answer, "PERSON") or _entity_in(previous, "PERSON")
        if person:
            rewritten = _PERSON_PRONOUN.sub(
                lambda m: f"{person}'s" if m.group().lower() == "his" else person, rewritten, 1
            )
    if _THEY.search(rewritten):
        # "Who co-chaired it?" -> "A and B: ..." -> "What did they report?": A and B.
        short = previous_answer.split(": “", 1)[0] if ": “" in previous_answer else ""
        labels = {label for _, _, label in (nlp.entities([short])[0] if short else [])}
        if labels & {"PERSON", "GPE", "NORP", "ORG"}:
            rewritten = _THEY.sub(short.strip(), rewritten, 1)
    return rewritten


def _replace_pronoun(question: str, topic: str) -> str:
    match = _PRONOUN.search(question)
    assert match is not None
    if match.group().lower() != "its":
        return question[: match.start()] + topic + question[match.end() :]
    # "its co-chairs" -> "the co-chairs of <topic>"
    rest = question[match.end() :]
    noun = re.match(r"\s*([\w-]+(?:\s+[\w-]+)?)", rest)
    if noun is None:
        return question
    phrase = noun.group(1)
    head = re.split(r"\s+(?=(?:in|at|on|of|for|about|to)\b)", phrase)[0]
    tail = rest[noun.start(1) + len(head) :]
    return f"{question[: match.start()]}the {head} of {topic}{tail}"


def _entity_in(text: str, label: str) -> str:
    """The first named entity of that spaCy label in the text, or ""."""
    if not text:
        return ""
    for start, end, found in nlp.entities([text])[0]:
        if found == label:
            return text[start:end]
    return ""
