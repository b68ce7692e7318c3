"""The person and the country a who-did-what question names ("Who led Kenya's team?", "What
did Dr Lina Santos do?"), read with the recogniser and the list of countries; a name the
recogniser calls a person where the question stands a place ("the Kraków conference") is none."""

from __future__ import annotations

import re

from assistant.countries import country_misspelt, country_of, region_of
from assistant.ingest import nlp
from assistant.ingest.people.mentions import clean_name
from assistant.roles import DELEGATION_NOUNS, EVENT_NOUNS


def names_in(text: str) -> tuple[str, str]:
    """(the person, the country) a question names."""
    person = place = ""
    for start, end, label in nlp.entities([text])[0]:
        name = text[start:end]
        if country_of(name):
            place = place or country_of(name)
        elif label == "PERSON" and not person and not _a_place(text, start, end):
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


def _a_place(text: str, start: int, end: int) -> bool:
    """Whether a name the recogniser called a person is a place where the question stands it
    ("the Kraków conference", "the congress in Kraków"), or part of a longer name ("the
    International Council of Sign Language Interpreters")."""
    if text[end:].startswith(("'s", "’s")):  # "in Ana Ruiz's team": hers
        return False
    after = text[end:]
    return bool(_PLACE_BEFORE.search(text[:start]) or _PLACE_AFTER.match(after)
                or re.match(r"\s+[A-Z][a-z]", after))  # fmt: skip


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
