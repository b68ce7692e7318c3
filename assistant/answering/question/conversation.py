"""Follow-ups made whole: a question that leans on the conversation ("Who co-chaired it?",
"When?", "And in 2018?", "What did he say?", "Who presided over that session?") is rewritten to
stand alone from the earlier turns (their questions as understood and their answers), with
rules, no generative model.

What a word points back to is found among what the conversation has mentioned, newest first:
"he" or "she" the last person (an answer's name before a question's), "it" the last answer when
it named a thing other than a person, else the thing the last question was about, "that
session" the last thing of that name; a bare "When?" or "Why?" asks its question of what the
last question asked about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from assistant.answering.people.naming import a_place
from assistant.answering.question.analysis import ANSWER_TYPE_NOUNS, answer_kinds
from assistant.ingest import nlp
from assistant.language import STOPWORDS, WH_WORD, stem, with_initials
from assistant.roles import AWARD_NOUNS, EVENT_NOUNS, SESSION_NOUNS
from assistant.types import ChatTurn

_FRAGMENT_LEAD = re.compile(r"^\s*(and\s+)?(what|how)\s+about\s+|^\s*(and|so|then|also)\s+", re.I)
_IT = re.compile(r"\b(it|its)\b", re.I)
# "that session", "this conference", "the same panel": a thing named before
_DEMONSTRATIVE = re.compile(r"\b(that|this|the same)\s+([a-z][\w-]*)\b", re.I)
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her)\b", re.I)
_THEY = re.compile(r"\b(they|them)\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")
_WH_LEAD = re.compile(
    r"^\s*(?:(?:in|on|at|for|from|by|to|with|of|about)\s+)?"
    r"(?:what|which|who|whom|whose|when|where|why|how)\b(?:\s+(?:many|much|long|old|far|often))?"
    r"(?:\s+(?:is|are|was|were|did|do|does|will|would|can|could|has|have|had)\b|'s\b)?",
    re.I,
)
# what "it" may stand for when an answer named it (not people, countries or lists of them)
_THING = {"ORG", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
_FRAGMENT_WORDS = frozenset("in at on for of the a an about and what how".split())


def _change_number(previous: str, fragment: str) -> str:
    """ "And in 2018?" after "Where was it held in 2019?": the previous question with its
    year (or other number) replaced, or "" when the fragment does not just change one."""
    numbers = _NUMBER.findall(fragment)
    if len(numbers) != 1 or len(fragment.split()) > 4:
        return ""
    new = numbers[0]
    words = {w.lower() for w in re.findall(r"[^\W\d]+", fragment)} - _FRAGMENT_WORDS
    if not words <= {w.lower() for w in re.findall(r"[^\W\d]+", previous)}:
        return ""  # "And meeting 561?" must name only things the previous question named
    same_kind = _YEAR if _YEAR.fullmatch(new) else _NUMBER
    old = [
        m
        for m in same_kind.finditer(previous)
        if not (same_kind is _NUMBER and _YEAR.fullmatch(m.group()))
    ]
    if not old:
        return ""
    last = old[-1]
    return previous[: last.start()] + new + previous[last.end() :]


def topic_of(question: str) -> str:
    """The thing a question is about: its first noun phrase that is not the kind of answer
    it asks for, with what hangs on it ("Who chaired the session on pharmaceutical drugs?" ->
    "the session on pharmaceutical drugs"; "What was the topic of the technical session?" ->
    "the technical session")."""
    for phrase in _noun_phrases(question):
        return phrase
    return ""


def _noun_phrases(text: str) -> Iterator[str]:
    """Noun phrases of a question with the phrases that hang on them ("the session on
    pharmaceutical drugs"), less wh-words, pronouns and nouns that only name the kind of
    answer; those with a determiner or a name first, in order, then the others."""
    doc = nlp.parse(text.rstrip(" ?.!"))
    first, later = [], []
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ == "PRON" or root.lower_ in ANSWER_TYPE_NOUNS:
            continue
        if any(WH_WORD.fullmatch(t.text) for t in chunk):
            continue  # "what document": the thing asked for, not what the question is about
        start = chunk.start
        while start < chunk.end and doc[start].pos_ == "PRON":
            start += 1
        end = chunk.end
        while end < len(doc) and doc[end].pos_ == "ADP" and doc[end].right_edge.i >= end:
            end = doc[end].right_edge.i + 1  # "... on pharmaceutical drugs", "... in Kenya"
        while end > start + 1 and doc[end - 1].pos_ in {"VERB", "AUX", "ADP", "PUNCT", "PART"}:
            end -= 1
        if start >= end:
            continue
        phrase = text[doc[start].idx : doc[end - 1].idx + len(doc[end - 1].text)]
        named = doc[start].pos_ == "DET" or any(t.pos_ == "PROPN" for t in doc[start:end])
        (first if named else later).append(phrase)
    yield from first
    yield from later


def _is_fragment(question: str) -> bool:
    """No verb, or a short wh-phrase with no auxiliary ("Compared with which year?")."""
    tagged = nlp.tag(question)
    if not any(pos in {"VERB", "AUX"} for _, pos, _ in tagged):
        return True
    words = [w for w, pos, _ in tagged if pos != "PUNCT"]
    return (
        len(words) <= 4
        and bool(WH_WORD.search(question))
        and not any(pos in {"AUX", "PRON"} for _, pos, _ in tagged)
        and not any(t.tag_ in _FINITE for t in nlp.parse(question))  # "Which app won?"
    )


_FINITE = frozenset({"VBD", "VBZ", "VBP"})


def _entity_in(text: str, labels: set[str], in_question: bool = False) -> str:
    """The first named entity with one of those spaCy labels in the text, or "" (in a
    question, not a name written as a place or before a noun: "the Vila ministerial")."""
    if not text:
        return ""
    for start, end, found in nlp.entities([text])[0]:
        if in_question and (a_place(text, start, end) or _before_noun(text, end)):
            continue
        if found in labels:
            return text[with_initials(text, start) : end]
    return ""


def _before_noun(text: str, end: int) -> bool:
    """Whether the name ending at text[end] stands before a part of the programme ("the Deck
    side event"), not before a verb ("Has Jacinda Ardern chaired panels before?")."""
    if not _BEFORE_NOUN.match(text, end):
        return False
    after = next((pos for _, pos, at in nlp.tag(text) if at >= end), "")
    return after not in {"VERB", "AUX"}


# a name before a part of the programme: "the Deck side event", "the Vila ministerial"
_BEFORE_NOUN = re.compile(
    r"\s+(?:[a-z-]+\s+)?(?:event|" + "|".join(sorted(EVENT_NOUNS | SESSION_NOUNS)) + r")s?\b"
)


def _names_only(text: str, labels: set[str]) -> bool:
    """Whether the text is names of those kinds and little else ("Bangladesh and Nepal",
    not "where Bruce had slept")."""
    found = [(a, b) for a, b, label in nlp.entities([text])[0] if label in labels]
    named = sum(b - a for a, b in found)
    return bool(found) and named >= 0.7 * len(text.strip())


def _short_of(turn: ChatTurn, labels: set[str]) -> str:
    """The turn's short answer when it is a name of one of those kinds."""
    if turn.refused or not turn.short_answer:
        return ""
    return turn.short_answer if _names_only(turn.short_answer, labels) else ""


def _person(turns: Sequence[ChatTurn], pronoun: str = "") -> str:
    """The last person the conversation named: in an answer, then in its question (not a
    name it writes as a place or before a noun: "the Vila ministerial", "the Deck side
    event"); not one it called by the other gender's pronoun ("he" after "she beat ...")."""
    other = _OTHER_GENDER.get(pronoun.lower(), set())
    for turn in reversed(turns):
        person = _short_of(turn, {"PERSON"}) or _entity_in(
            "" if turn.refused else turn.answer, {"PERSON"}
        )
        asked = turn.rewritten_question or turn.question
        person = person or _entity_in(asked, {"PERSON"}, in_question=True)
        if not person or person.split()[-1].lower() in _NOT_A_PERSON:
            continue
        if other and any(_called(t, person, other) for t in turns):
            continue
        return person
    return ""


_OTHER_GENDER = {p: {"he", "him", "his"} for p in ("she", "her")} | {
    p: {"she", "her"} for p in ("he", "him", "his")}  # fmt: skip


def _called(turn: ChatTurn, person: str, pronouns: set[str]) -> bool:
    """Whether a turn's question called the person by one of those pronouns (its rewriting
    put the name where the pronoun stood)."""
    said = {w.lower() for w in re.findall(r"[A-Za-z]+", turn.question)}
    return bool(said & pronouns) and person in (turn.rewritten_question or "")


# what the recogniser may call a person in a question ("the Best Poster Award")
_NOT_A_PERSON = AWARD_NOUNS | EVENT_NOUNS | SESSION_NOUNS


def _named(turns: Sequence[ChatTurn], head: str) -> str:
    """The last thing the conversation named whose head word is `head` ("that session")."""
    for turn in reversed(turns):
        for phrase in _noun_phrases(turn.rewritten_question or turn.question):
            words = re.findall(r"[\w-]+", phrase.lower())
            if head.lower() in words:
                return phrase
    return ""


def _body(question: str) -> str:
    """A question less its wh-phrase: "Where's the next summit going to be?" -> "the next
    summit going to be"."""
    return _WH_LEAD.sub("", question, count=1).strip(" ?.!")


def rewrite(question: str, turns: Sequence[ChatTurn]) -> str:
    """Make a follow-up stand alone, given the conversation's earlier turns (with their
    questions as understood). A question that stands alone comes back unchanged."""
    question = question.strip()
    if not turns:
        return question
    last = turns[-1]
    previous = last.rewritten_question or last.question
    lead = _FRAGMENT_LEAD.match(question)
    rest = _FRAGMENT_LEAD.sub("", question) if lead else question
    if lead:
        changed = _change_number(previous, rest.rstrip(" ?.!"))
        if changed:
            return changed
    told = _THEN_ASKED.match(rest) if lead else None
    if told and _POINTER.search(told.group(2)):
        # "what about the Students' Forum, who steered that?": the question, of that thing
        asked = _POINTER.sub(told.group(1), told.group(2), count=1)
        return asked[:1].upper() + asked[1:]
    fragment = _is_fragment(rest)
    topic = topic_of(previous)
    if fragment and not WH_WORD.search(rest) and lead:
        # "What about the maritime session?": the last question, about that instead
        thing = rest.rstrip(" ?.!")
        alike = _alike(previous, thing)  # "what about the second day?": "the opening day"
        if alike and not topic.startswith(alike):  # (a part of what it was about)
            return previous.replace(alike, thing, 1)
        if topic and not _NUMBER.search(thing):
            return previous.replace(topic, thing, 1)
        return f"{previous.rstrip(' ?.!')} {thing}?"
    if fragment and WH_WORD.search(rest) and _body(previous):
        # "When?", "Which city and year?", "Compared with which year?": the last question's
        # subject, asked that way
        rest = rest.rstrip(" ?.!")
        return f"{rest[:1].upper()}{rest[1:]} {_body(previous)}?"
    rewritten = rest[:1].upper() + rest[1:]
    rewritten = _resolve_it(rewritten, turns, previous, topic)
    if _PERSON_PRONOUN.search(rewritten) and not _entity_in(rewritten, {"PERSON"}):
        # ("What did Archie receive after his arrival?": "his" is Archie's)
        person = _person(turns, _PERSON_PRONOUN.search(rewritten).group())
        if person:
            owner = _possessive(rewritten)
            rewritten = _PERSON_PRONOUN.sub(
                lambda m: f"{person}'s" if owner else person, rewritten, 1
            )
    if _THEY.search(rewritten):
        # "Who co-chaired it?" -> "A and B" -> "What did they report?": A and B.
        short = "" if last.refused else last.short_answer
        if short and _names_only(short, {"PERSON", "GPE", "NORP", "ORG"}):
            rewritten = _THEY.sub(short.strip(), rewritten, 1)
    unresolved = bool(_PERSON_PRONOUN.search(rewritten))  # no one to say who "she" is
    if (rewritten == rest[:1].upper() + rest[1:] and topic and not unresolved
            and not _content_nouns(rewritten)):  # fmt: skip
        # "And who co-chaired?": the question says nothing of what it is about
        rewritten = f"{rewritten.rstrip(' ?.!')} {topic}?"
    return rewritten


_THEN_ASKED = re.compile(r"^([^,?]+?),\s+((?:who|which|what|when|where|how)\b.+)$", re.I)
_POINTER = re.compile(r"\b(?:that|it|this|them)\b(?=\s*[?.!]?\s*$)", re.I)


def _alike(previous: str, thing: str) -> str:
    """The noun phrase of the previous question with the same head noun as the thing asked
    about instead ("the opening day" for "the second day"), or ""."""
    head = next(iter(nlp.parse(thing).noun_chunks), None)
    if head is None:
        return ""
    for chunk in nlp.parse(previous).noun_chunks:
        if stem(chunk.root.lower_) == stem(head.root.lower_) and chunk.text != thing:
            return chunk.text
    return ""


def _possessive(question: str) -> bool:
    """Whether the question's first he/she/his/her is a possessive ("his", "her country's")."""
    for t in nlp.parse(question):
        if _PERSON_PRONOUN.fullmatch(t.text):
            return t.lower_ == "his" or t.tag_ == "PRP$"
    return False


def _resolve_it(question: str, turns: Sequence[ChatTurn], previous: str, topic: str) -> str:
    """ "that session" -> the session named last; "it" -> the thing the last answer named
    (not a person), or what the last question was about."""
    demonstrative = _DEMONSTRATIVE.search(question)
    if demonstrative:
        named = _named(turns, demonstrative.group(2))
        if named:
            return question[: demonstrative.start()] + named + question[demonstrative.end() :]
    match = _IT.search(question)
    if match is None:
        return question
    last = turns[-1]
    # a who-question's answer is a person, whatever the recogniser calls the name
    who = re.match(r"\s*(?:who|whom)\b", previous, re.I) is not None
    thing = "" if who else _short_of(last, _THING) or _named_answer(last, previous)
    thing = "" if re.search(r"\band\b|,", thing) else thing
    if not thing and answer_kinds(previous) == {nlp.ORG}:
        thing = _entity_in(last.answer, {"ORG"})  # "Which agency organised it?" -> the agency
    # what the last question was about, not a person it named ("Whose seat did Saima Rizvi
    # take on the roundtable?": "it" is the roundtable)
    things = [p for p in _noun_phrases(previous)
              if any(pos == "NOUN" for _, pos, _ in nlp.tag(p))]  # fmt: skip
    thing = thing or (things[0] if things else topic)
    if not thing:
        return question
    if match.group().lower() != "its":
        return question[: match.start()] + thing + question[match.end() :]
    # "its co-chairs" -> "the co-chairs of <thing>"
    rest = question[match.end() :]
    noun = re.match(r"\s*([\w-]+(?:\s+[\w-]+)?)", rest)
    if noun is None:
        return question
    phrase = noun.group(1)
    head = re.split(r"\s+(?=(?:in|at|on|of|for|about|to)\b)", phrase)[0]
    tail = rest[noun.start(1) + len(head) :]
    return f"{question[: match.start()]}the {head} of {thing}{tail}"


def _named_answer(turn: ChatTurn, question: str) -> str:
    """The turn's short answer when its question asked what thing ("What document did they
    adopt?", "What did they agree to create?") and the answer is a name."""
    short = "" if turn.refused else turn.short_answer.strip()
    if not short or not all(w[:1].isupper() for w in short.split() if len(w) > 3):
        return ""
    if answer_kinds(question) or not re.match(r"^\s*(what|which)\b", question, re.I):
        return ""  # a person, place, date or number is not "it"
    return short


def _content_nouns(question: str) -> list[str]:
    return [
        w
        for w, pos, _ in nlp.tag(question)
        if pos in {"NOUN", "PROPN", "NUM"} and w.lower() not in STOPWORDS
    ]


def follows_on(question: str, standalone: str) -> bool:
    """Whether a question reads as a follow-up: rewritten to stand alone, or opening with
    "and", or pointing back ("she", "it", "there", "that night")."""
    return standalone.strip() != question.strip() or bool(_FOLLOWS.search(question))


_FOLLOWS = re.compile(
    r"^\s*(?:and|but|also|so|then)\b|\b(?:he|she|his|her|him|they|them|their|it|its|there|"
    r"that|this|those|these|same)\b",
    re.IGNORECASE,
)


def standalone_question(question: str, turns: Sequence[ChatTurn]) -> str:
    """The question rewritten to stand alone, given the conversation's earlier turns."""
    understood: list[ChatTurn] = []
    for turn in turns:
        if not turn.rewritten_question:
            turn = ChatTurn(turn.question, turn.answer, rewrite(turn.question, understood),
                            turn.short_answer, turn.refused, turn.cited)  # fmt: skip
        understood.append(turn)
    return rewrite(question, understood)


def chat_messages(turns: Sequence[ChatTurn]) -> list[dict[str, str]]:
    """A conversation as chat messages, oldest first (what a language model's prompt shows)."""
    return [m for turn in turns for m in turn.messages()]


def conversation(history: Sequence[Any]) -> list[ChatTurn]:
    """Earlier turns from what a face was given: ChatTurns, turn records (dicts with a
    "question"), or chat messages ({"role", "content"}: each user message and the assistant
    message after it make a turn, as the web API and `--history` files have them)."""
    turns: list[ChatTurn] = []
    for item in history:
        if isinstance(item, ChatTurn):
            turns.append(item)
        elif isinstance(item, dict) and "question" in item:
            turns.append(ChatTurn.from_dict(item))
        elif isinstance(item, dict) and item.get("role") == "user":
            turns.append(ChatTurn(question=str(item.get("content", ""))))
        elif isinstance(item, dict) and item.get("role") == "assistant" and turns:
            # Chat messages carry text only: what the answer named is read from it as
            # language (names in it), never parsed back into a short answer or a refusal.
            last = turns[-1]
            turns[-1] = ChatTurn(last.question, str(item.get("content", "")),
                                 last.rewritten_question)  # fmt: skip
    return turns
