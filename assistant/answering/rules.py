"""The word lists and text patterns of English the answer step reads, each in one place:
function words, words that point back, negation, list separators, ordinals and number words,
the vocabulary of proceedings, and the rule that makes an organisation after "at" a place."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from typing import Protocol

from assistant.store.keywords import stem

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


@cache
def stop_stems() -> frozenset[str]:
    """The stems of STOPWORDS (as text_stems reads them)."""
    return frozenset(stem(w) for w in STOPWORDS)


# Words that mean the same thing in reports of proceedings: a question may say "ran" where
# the article says "chaired". General vocabulary of the domain, not any article's wording.
# The roles people play at a conference come first: they are also the relations a "who"
# question asks about (see role_stems).
ROLE_GROUPS = (
    "chair chaired chairs chairman chairperson chairing lead led leads head headed heads run ran "
    "runs preside presided moderate moderated helm",
    "speak spoke speaker speakers talk talked address addressed present presented presentation "
    "say said tell told argue argued describe described explain explained",
    "open opened inaugurate inaugurated inauguration launch launched",
    "organise organised organize organized organiser organizer host hosted hosting arrange "
    "arranged",
)
SYNONYM_GROUPS = (
    *ROLE_GROUPS,
    "end ended close closed conclude concluded closing finish finished",
    "country countries nation nations",
    "conference meeting meet event gathering",
    "hold held holds host hosted hosting venue",
    "session panel discussion",
    "discuss discussed discussion deliberate deliberation examine examined debate debated",
    "represent represented representative representatives delegate delegates delegation",
    "focus focused devoted dedicated theme topic",
    "purpose aim goal objective",
)

# The nouns that make a name the name of an event ("the 7th West Africa Ports & Logistics
# *Summit*", "the sixth regular *session* of the tuna *commission*"), not of a place or person.
EVENT_NOUNS = frozenset(
    """conference conferences summit summits forum forums meeting meetings session sessions
    ministerial congress symposium convention assembly workshop seminar dialogue commission
    council roundtable expo exhibition festival games olympics championship cup""".split()
)

NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve several few".split()
)
ORDINALS = {
    "1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth", "5th": "fifth",
    "6th": "sixth", "7th": "seventh", "8th": "eighth", "9th": "ninth", "10th": "tenth",
}  # fmt: skip

# A sentence that starts by pointing back ("This session was chaired by ...") means nothing
# without the sentence before it; "It was the first ..." does not point back.
ANAPHOR = re.compile(
    r"^(It|He|She|They|Its|His|Her|Their|This|That|These|Those|The same)\b(?!\s+(is|was)\s+"
    r"(the|a|an)\s+first)"
)
NEGATION = re.compile(r"\b(not|never|no|none|nor|neither|nothing|without|cannot)\b|n't\b", re.I)

# What stands between two listed things: "A, B", "A and B", "A of Myanmar and Police Major B".
LIST_GAP = re.compile(
    r"^(\s+(of|from)\s+[A-Z][\w-]*(\s+[A-Z][\w-]*){0,2})?\s*(,|and|, and|&|or)\s*"
    r"([A-Z][\w.]*\.?\s+){0,3}$"
)

# "at Vigyan Bhawan", "in the Kigali Convention Centre": an organisation's name read as a place.
_AT_PLACE = re.compile(r"\b(at|in)\s+(the\s+)?$")


def place_label(label: str, text: str, start: int) -> str:
    """An entity's label, with an organisation named after "at" or "in (the)" read as a place
    (FAC), whatever the tagger said."""
    if label == "ORG" and _AT_PLACE.search(text[max(0, start - 8) : start]):
        return "FAC"
    return label


class _Located(Protocol):
    @property
    def start(self) -> int: ...

    @property
    def end(self) -> int: ...


def listed_run(items: Sequence[_Located], at: int, text: str) -> tuple[int, int]:
    """(first, last) index of the things listed with items[at] ("Bangladesh and Nepal"):
    neighbours in text order joined by list separators. items must be in text order."""
    first = last = at
    while first > 0 and LIST_GAP.match(text[items[first - 1].end : items[first].start]):
        first -= 1
    while last + 1 < len(items) and LIST_GAP.match(text[items[last].end : items[last + 1].start]):
        last += 1
    return first, last
