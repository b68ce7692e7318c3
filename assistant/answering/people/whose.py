"""Whose a person is: the country or the body a person of the table belongs to ("Which country
is he from?", "Which institute does she run?"), read from the organisation their rows give
and cited with the sentence that says it."""

from __future__ import annotations

import re
from typing import Any

from assistant.countries import countries_in, country_of, in_region, region_of
from assistant.ingest.people.mentions import same_person
from assistant.roles import RoleRow

# "which country is he from", "what organisation does she run", "where is X from"
_ASKS_WHOSE = re.compile(
    r"\b(?:which|what)\s+(?P<kind>countr(?:y|ies)|nations?|organi[sz]ations?|institut(?:e|ion)s?|"
    r"bod(?:y|ies)|agenc(?:y|ies)|compan(?:y|ies)|firms?|ministr(?:y|ies)|universit(?:y|ies)|"
    r"publications?|newspapers?|magazines?|cooperatives?|councils?|commissions?|"
    r"authorit(?:y|ies)|offices?|employers?|outfits?|groups?)\s+(?:\w+\s+){1,5}?"
    r"(?:from|run|runs|ran|lead|leads|led|head|heads|headed|work|works|worked|represent|"
    r"represents|represented|edit|edits|belong|belongs|direct|directs|chair|chairs|for|with)\b"
    r"|\bwhere\s+(?:is|was|are|were)\s+.+?\s+from\b",
    re.I,
)


def asks_whose(question: str) -> str:
    """ "country" or "body" when a question asks what a person belongs to, else ""."""
    # "Which country does Dr X, who presented to the commission, come from?"
    found = _ASKS_WHOSE.search(re.sub(r",\s+(?:who|which)\s+[^,?]+,", "", question))
    if found is None:
        return ""
    kind = (found.group("kind") or "").lower()
    return "country" if kind.startswith(("countr", "nation")) or not kind else "body"


def whose(rows: list[RoleRow], person: str, kind: str) -> tuple[str, list[RoleRow]]:
    """The country or body (kind) the person's rows give, and the rows that give it, surest
    first; ("", []) when none does."""
    theirs = sorted((r for r in rows if r.person and same_person(r.person, person)),
                    key=lambda r: -r.confidence)  # fmt: skip
    found: dict[str, list[RoleRow]] = {}
    for r in theirs:
        country = country_of(r.organisation)
        if kind == "country":
            named = country or _one(countries_in(r.quote))  # "of Denmark's Election Office"
        else:
            named = "" if country else r.organisation
        if named and (kind == "country" or named.lower() in r.quote.lower()):
            found.setdefault(named, []).append(r)
    if not found:
        return "", []
    best = max(found, key=lambda n: (len(found[n]), max(r.confidence for r in found[n])))
    return best, found[best]


def of_place(row: RoleRow, place: str) -> bool:
    """Whether a row's holder is of that country ("Japan" for "Japan's team") or of a country
    in that region ("Africa" for "the African delegations"): by its organisation, or, for a
    delegation's head, by the country its quote names."""
    wanted = country_of(place) or place
    region = region_of(place) if not country_of(place) else ""

    def of(country: str) -> bool:  # the country asked for, or one in the region asked for
        return in_region(country, region) if region else country.lower() == wanted.lower()

    if any(of(country_of(x) or x) for x in (row.organisation, row.person) if x):
        return True
    if row.role != "head-of-delegation":
        return False
    # "Kazakhstan's delegation", "the Uzbek delegation", "the delegation of Fiji"
    for m in _DELEGATION_OF.finditer(row.quote):
        if of(country_of(m.group(1) or m.group(2) or "")):
            return True
    # "The Republic of Congo was represented by ..., who led a delegation of eight": the
    # country represented
    return any(of(country_of(m.group(1))) for m in _REPRESENTED.finditer(row.quote))


_REPRESENTED = re.compile(
    r"((?:[A-Z][\w'’-]*)(?:\s+(?:of\s+the|of|and)?\s*[A-Z][\w'’-]*){0,4})\s+(?:was|were)\s+"
    r"represented\s+by\b"
)
_DELEGATION_OF = re.compile(
    r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)(?:'s|’s)?\s+(?:\w+\s+)?(?:delegation|team)\b"
    r"|(?:delegation|team)\s+(?:of|from)\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)"
)


def _one(items: Any) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ""
