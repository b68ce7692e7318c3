"""The vocabulary of who did what at a conference, in one place: the closed list of roles, the
words that may say each role (they only propose: a fitted model decides, see
ingest/people/), the nouns that name a session, a delegation or an event, and how a
question's words map onto roles; and the row of the people table.

General English of proceedings, not any article's wording."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

# The closed list of roles a row of the people table has.
ROLES = (
    "opened", "chair", "co-chair", "moderator", "keynote", "speaker", "panelist", "presenter",
    "head-of-delegation", "host", "president", "signatory", "award", "other",
)  # fmt: skip

# Roles held in a session (the others are held at the event as a whole unless the sentence
# names a session).
SESSION_ROLES = frozenset({"chair", "co-chair", "moderator", "speaker", "panelist", "presenter"})

# Words (lemmas, lower case) that may say a role: a sentence holding one proposes the role
# for the people and countries it names.
CUES: dict[str, tuple[str, ...]] = {
    "opened": ("open", "inaugurate", "launch", "kick", "opening", "inaugural", "inauguration"),
    "chair": ("chair", "chairman", "chairwoman", "chairperson", "preside", "lead", "led",
              "head", "run", "ran", "steer", "helm", "convene", "conduct", "oversee", "anchor",
              "chairmanship", "direct", "charge", "under", "gavel"),
    "co-chair": ("co-chair", "cochair", "co-chairman", "co-chairwoman", "co-chairperson",
                 "co-preside", "co-lead", "co-host"),
    "moderator": ("moderate", "moderator", "facilitate", "facilitator", "moderation", "host",
                  "anchor", "chair"),
    "keynote": ("keynote", "headline", "curtain-raiser"),  # "headlined the opening day"
    "speaker": ("speak", "spoke", "spoken", "speaker", "address", "remark", "tell", "told",
                "say", "said", "talk", "lecture", "ask", "announce", "defend", "remind",
                "propose", "message", "reply", "respond", "acknowledge", "caution", "contend",
                "argue", "warn", "note", "stress", "urge", "call", "describe", "explain",
                "emphasise", "emphasize", "highlight", "add", "insist", "floor", "statement",
                "speech", "deliver", "outline", "recall", "suggest", "point", "report", "hear",
                "heard"),
    "panelist": ("panel", "panelist", "panellist", "discussant", "member", "feature"),
    "presenter": ("present", "presentation", "paper", "study", "unveil", "showcase",
                  "demonstrate", "demonstration", "poster", "findings", "report", "sum",
                  "summarise", "summarize", "read", "front"),
    "head-of-delegation": ("delegation", "team", "head", "lead", "led", "under", "front"),
    "host": ("host", "hosting", "mc", "emcee", "compere", "compère"),  # "MC'd the gala"
    "president": ("president", "presidency", "elect"),
    "signatory": ("sign", "signatory", "signature", "endorse", "ink", "countersign", "name"),
    "award": ("award", "prize", "honour", "honor", "medal", "win", "won", "receive",
              "recognition", "accolade", "laureate"),
    "other": ("close", "closing", "rapporteur", "vice-chair", "vice-president", "organise",
              "organize", "organiser", "organizer", "secretary", "convenor", "coordinator",
              "wrap", "vice", "read", "co-organise", "co-organize", "serve", "gavel"),
}  # fmt: skip

# Nouns that name a part of the programme, a delegation, the event, or a prize.
SESSION_NOUNS = frozenset(
    """session sessions panel panels plenary roundtable round-table table track segment
    dialogue debate breakout seminar group hearing discussion discussions""".split()
)  # not "forum" or "workshop": an article calls the event so far more often than a session
DELEGATION_NOUNS = frozenset("delegation delegations team teams mission".split())
EVENT_NOUNS = frozenset(
    """conference summit forum meeting congress symposium convention assembly workshop
    ministerial session dialogue roundtable expo exhibition""".split()
)
AWARD_NOUNS = frozenset("award prize medal honour honor accolade trophy".split())


@cache
def role_words() -> frozenset[str]:
    """The words a question may ask a role with: the cues as listed (no made-up forms:
    "leaded" would mend "loaded") and the nouns of sessions, delegations, events and prizes
    with their plurals; a misspelt one is read as the word it is one letter from
    (language.mend_spelling)."""
    nouns = SESSION_NOUNS | DELEGATION_NOUNS | EVENT_NOUNS | AWARD_NOUNS
    words = {w for cues in CUES.values() for w in cues} | nouns | {f"{n}s" for n in nouns}
    return frozenset(words)


@cache
def cue_roles() -> dict[str, frozenset[str]]:
    """Snowball stem of a cue word -> the roles it may say."""
    from assistant.language import stem

    out: dict[str, set[str]] = {}
    for role, words in CUES.items():
        for word in words:
            out.setdefault(stem(word), set()).add(role)
    return {k: frozenset(v) for k, v in out.items()}


def roles_of_word(word: str) -> frozenset[str]:
    """The roles a word of a sentence may say ("presided" -> chair; "co-chaired" -> co-chair)."""
    from assistant.language import stem

    lowered = re.sub(r"['’]e?d$", "", word.lower())  # "MC'd"
    if lowered.startswith(("co-", "co‑", "cochair", "co-chair")):
        rest = lowered.split("-", 1)[-1] if "-" in lowered else lowered[2:]
        return (
            frozenset({"co-chair"}) if "chair" in cue_roles().get(stem(rest), ()) else frozenset()
        )
    exact = _exact_cues()  # "president" is not "preside", though they share a stem
    return (
        exact.get(lowered)
        or exact.get(lowered.removesuffix("s"))
        or cue_roles().get(stem(lowered), frozenset())
    )


@cache
def _exact_cues() -> dict[str, frozenset[str]]:
    """Cue words that share a stem with a cue of another role, as written -> their roles."""
    from assistant.language import stem

    of_word: dict[str, set[str]] = {}
    for role, words in CUES.items():
        for word in words:
            of_word.setdefault(word, set()).add(role)
    by_stem: dict[str, list[set[str]]] = {}
    for word, roles in of_word.items():
        by_stem.setdefault(stem(word), []).append(roles)
    return {word: frozenset(roles) for word, roles in of_word.items()
            if any(other != roles for other in by_stem[stem(word)])}  # fmt: skip


# "Header: value" pairs of a table row as the Word and PDF readers write them
# ("Session: Radar data sharing; Chair: Commander Juris Ozols; Room: Hall B").
# A value runs on over ";" to the next header ("Speakers: A, Bank of X; B, Bank of Y; Room: 2").
_HEADER = r"[A-Z][\w /&'’()-]{1,40}"
TABLE_CELL = re.compile(rf"(?:^|;\s*)({_HEADER}):\s*([^;]+(?:;(?!\s*{_HEADER}:)[^;]+)*)")


@dataclass(frozen=True)
class RoleRow:
    """Who did what at a conference, read from one sentence of one article: a person (or, with
    person "", a country or body) in a role (roles.ROLES), in a session ("": the event as a
    whole), the sentence it rests on with its offsets, and how sure the reading is."""

    person: str
    role: str
    session: str
    organisation: str
    event: str
    article: str
    page: int | None
    quote: str
    start: int
    end: int
    confidence: float

    FIELDS = ("person", "role", "session", "organisation", "event", "article", "page", "quote",
              "start", "end", "confidence")  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        """Exactly the table's fields."""
        return {name: getattr(self, name) for name in self.FIELDS}
