"""The person and the country a who-did-what question names ("Who led Kenya's team?", "What
did Dr Lina Santos do?"), read with the recogniser and the list of countries; a name the
recogniser calls a person where the question stands a place ("the Kraków conference") is none."""

from __future__ import annotations

import re

from assistant.countries import country_misspelt, country_of, region_of
from assistant.ingest import nlp
from assistant.ingest.people.mentions import clean_name, same_person
from assistant.ingest.people.propose import names_a_document
from assistant.language import TITLES
from assistant.roles import DELEGATION_NOUNS, EVENT_NOUNS


def names_in(text: str) -> tuple[str, str]:
    """(the person, the country) a question names."""
    person = place = ""
    for start, end, label in nlp.entities([text])[0]:
        name = text[start:end]
        if country_of(name):
            place = place or country_of(name)
        elif label == "PERSON" and not person and not a_place(text, start, end):
            person = clean_name(name)
    region = _REGION_HOLDERS.search(text)
    if not place and region:  # "the African delegations", "which Latin American ministers"
        return person, region_of(region.group(1))  # (not "American": the United States)
    if not place:
        for word in re.findall(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w-]+)?", text):
            if country_of(word):
                place = country_of(word)
                break
    if not place:  # "the Indonesain delegation", "Keyna's team": a slip in a country's word
        slips = [m.group(1) for m in _BEFORE_DELEGATION.finditer(text)]
        place = next(filter(None, map(country_misspelt, slips)), "")
    return person, place


def a_place(text: str, start: int, end: int) -> bool:
    """Whether a name the recogniser called a person is a place where the question stands it
    ("the Kraków conference", "the congress in Kraków"), or part of a longer name ("the
    International Council of Sign Language Interpreters")."""
    if text[end:].startswith(("'s", "’s")):  # "in Ana Ruiz's team": hers
        return False
    after = text[end:]
    return bool(_PLACE_BEFORE.search(text[:start]) or _PLACE_AFTER.match(after)
                or re.match(r"\s+[A-Z][a-z]", after))  # fmt: skip


def named_person(persons: list[str], text: str) -> str:
    """The person of the table a question names, by name or surname in any case ("what did dr
    lina santos do"); "" when none or when two people share the name it gives."""
    found = []
    for person in persons:
        if names_a_document(person):  # "the Kuopio Call" the parser took for a person
            continue
        words = person.replace(".", " ").split()
        surname = words[-1]
        given = [w for w in words[:-1] if len(w) > 1]
        # not where the question stands a place ("the Rötental congress") or another name
        # ("the Declaration on Cross-Border Mountain Rescue": not "Staff Mountain Rescue")
        at = [
            m
            for m in re.finditer(rf"\b{re.escape(surname)}\b", text, re.I)
            if not a_place(text, m.start(), m.end()) and not _in_other_name(text, m.start(), given)
        ]
        if len(surname) < 3 or not at:
            continue
        both = all(re.search(rf"\b{re.escape(w)}\b", text, re.I) for w in given) and given
        written = any(m.group()[0].isupper() for m in at)  # as a name: capitalised
        if both or written:
            found.append((bool(both), person))
    if not found:
        return ""
    found.sort(key=lambda x: (not x[0], -len(x[1])))
    best = found[0][1]
    rivals = [p for full, p in found if not same_person(p, best) and full == found[0][0]]
    return "" if rivals else best


def _in_other_name(text: str, at: int, given: list[str]) -> bool:
    """Whether the word at text[at:] ends a run of capitalised words that holds a word that
    is none of the person's given names and no title: it is part of another name."""
    mine = {w.lower() for w in given}
    words = re.findall(r"[\w.'’-]+", text[:at])
    for n, word in enumerate(reversed(words[-6:])):
        if n == len(words) - 1:  # the question's first word ("Did Okonkwo chair ...?")
            return False
        if not word[:1].isupper() or word.lower().rstrip(".") in TITLES:
            return False
        if word.lower() not in mine:
            return True
    return False


_PLACE_BEFORE = re.compile(r"\b(?:in|at)\s+$", re.IGNORECASE)
_PLACE_AFTER = re.compile(r"\s+(?:" + "|".join(sorted(EVENT_NOUNS | {"talks"})) + r")s?\b")
# a capitalised word before a delegation's noun ("the Ethopian delegation", "Keyna's team")
_BEFORE_DELEGATION = re.compile(
    r"\b([A-Z][a-z]{5,})(?:['’]s)?\s+(?:" + "|".join(sorted(DELEGATION_NOUNS)) + r")\b"
)
# a region's name or adjective before holders ("African delegations", "Latin American
# ministers"); not "the Asia-Pacific forum" or "the African Union"
_REGION_HOLDERS = re.compile(
    r"(?<![-\w])((?:Latin|South|North)\s+American?|Middle\s+East(?:ern)?|Africa|African|Asia|Asian|"
    r"Europe|European|Caribbean|Pacific|Oceania)\s+(?:\w+\s+)?(?:countries|country|nations|"
    r"states|delegations?|teams?|governments|ministers?|delegates|heads|members|signatories|"
    r"participants|speakers|officials|representatives)\b"
)
