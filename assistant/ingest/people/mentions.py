"""Who and what a sentence names: the people, countries and bodies that may hold a role
(from the recogniser's entities, and runs of proper nouns it missed), with their names as a
table shows them (titles dropped, initials kept, a later surname joined to the full name); the
sessions it names are read in sessions.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from assistant.countries import country_of
from assistant.language import HONORIFICS, TITLES, fold, with_initials

PERSON, COUNTRY, BODY = "person", "country", "body"

# Words that make a name the name of a body, not of a person.
BODY_WORDS = frozenset(
    """ministry ministries department agency agencies university universities institute
    institution centre center council commission committee bureau office organisation
    organization association federation union board authority authorities bank fund
    foundation corporation company group service services police government secretariat
    programme program network alliance forum court parliament assembly academy society
    coalition partnership initiative observatory utility utilities port ports water
    international national trust cooperative chamber hall hotel palace house building
    convention congress summit conference university archive archives library libraries
    museum museums hospital hospitals college school laboratory registry ltd limited inc plc
    llc gmbh oy oyj corp""".split()
)
_TITLE_RUN = re.compile(
    r"^(?:(?:"
    + "|".join(re.escape(t) for t in sorted(TITLES, key=len, reverse=True))
    + r")\.?\s+)+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"['’]s?$")
_LEADING_LOWER = re.compile(r"^(?:(?:for|of|and|the|in|on|at|to)\s+)+")
_TRAILING_LOWER = re.compile(r"(?:\s+(?:for|of|and|the|in|on|at|to|from))+$")


@dataclass(frozen=True)
class Mention:
    """A person, country or body a sentence names: where (article offsets), its name as the
    table shows it, and what kind of holder it is."""

    start: int
    end: int
    name: str
    kind: str  # PERSON, COUNTRY or BODY
    label: str  # the recogniser's label, "" for a run of proper nouns it missed
    pronoun: bool = False  # "He chaired ...": the person the pronoun stands for


def clean_name(text: str) -> str:
    """A name as a table shows it: titles and a possessive dropped ("Dr. Lina Santos's" ->
    "Lina Santos"), initials kept ("K. Bangarurajan")."""
    name = " ".join(text.split())
    name = _POSSESSIVE.sub("", name).strip(" ,.;:")
    name = re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)
    if country_of(name):  # "Sri Lanka": "Sri" is a title only before a person's name
        return name
    stripped = _LEADING_LOWER.sub("", _TITLE_RUN.sub("", name))  # "Minister for Fisheries"
    stripped = _TRAILING_LOWER.sub("", stripped)  # "Ugyen Tshering of"
    return stripped if stripped else name


def kind_of(name: str, label: str) -> str:
    """Whether a name is a person's, a country's or a body's."""
    if country_of(name):
        return COUNTRY
    if {w.lower().strip(".,'’") for w in name.split()} & BODY_WORDS:
        return BODY
    if label in {"GPE", "NORP"}:
        return COUNTRY
    if label == "ORG" and (name.isupper() or len(name.split()) > 4):
        return BODY
    return PERSON


_AT_PLACE = re.compile(r"\b(?:in|at|from|to|near)\s+$", re.IGNORECASE)
# what the recogniser marks that is never a holder's name
_NOT_NAMES = frozenset("DATE TIME MONEY PERCENT QUANTITY CARDINAL ORDINAL".split())


def person_words(text: str, entities: list[tuple[int, int, str]]) -> frozenset[str]:
    """The words of the people an article names: of what the recogniser called a person, and
    of two one-word names it called places or bodies with only a space between them that are
    no country ("Johannes" "Kauapirura", a name it did not know)."""
    words = {w for s, e, label in entities if label == "PERSON" for w in text[s:e].split()}
    for (s1, e1, l1), (s2, e2, l2) in pairwise(entities):
        pair = (text[s1:e1], text[s2:e2])
        if (
            {l1, l2} <= {"GPE", "ORG"}
            and text[e1:s2] == " "
            and all(len(p.split()) == 1 and not p.isupper() and not country_of(p) for p in pair)
        ):
            words.update(pair)
    return frozenset(words)


def holders(
    doc: Any, base: int, text: str, entities: list[tuple[int, int, str]],
    people: frozenset[str] = frozenset(),
) -> list[Mention]:  # fmt: skip
    """The holders a parsed sentence names: its entities of kinds that hold roles, and runs of
    proper nouns the recogniser missed (base: the sentence's offset in the article). A name
    called a place or a body whose words are all of the article's people (person_words) is a
    person's."""
    end_of_sentence = base + len(doc.text)
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []
    inside = [e for e in entities if e[0] >= base and e[1] <= end_of_sentence]
    for start, end, label in _split_at_commas(text, inside):
        if label in _NOT_NAMES:
            taken.append((start, end))  # a date or an amount is no run of proper nouns either
        if label not in {"PERSON", "ORG", "GPE", "NORP"}:
            continue  # a name called a place or a work ("Pablo Medina" LOC): a run may take it
        taken.append((start, end))
        start = with_initials(text, start)
        start = _whole_country(text, start, end)
        start = _after_office(text, start, end)
        name = clean_name(text[start:end])
        if not name or not any(c.isupper() for c in name):
            continue
        if name.isupper() and text[start - 1 : start] in {"", "\n"} and text[end : end + 1] == ",":
            continue  # a dateline's place ("SANKT ARLEN, Austria, Oct 10 (CPS) -")
        kind = kind_of(name, label)
        if (
            kind != PERSON
            and not country_of(name)
            and set(name.split()) <= people
            and not _AT_PLACE.search(text[max(0, start - 6) : start])  # "in Victoria"
        ):
            kind, label = PERSON, "PERSON"
        found.append(Mention(start, end, name, kind, label))
    for first, last in _proper_runs(doc):
        start, end = base + doc[first].idx, base + doc[last].idx + len(doc[last].text)
        if any(a < end and start < b for a, b in taken):
            continue
        start = _after_office(text, with_initials(text, start), end)
        name = clean_name(text[start:end])
        if name and name[0].isupper() and name.lower() not in TITLES:
            found.append(Mention(start, end, name, kind_of(name, ""), ""))
    return _with_particles(_joined(sorted(found, key=lambda m: m.start), text), text)


def _split_at_commas(text: str, entities: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The entities, one the recogniser ran over a comma into a person's name cut there
    ("Minister of Education and Culture, Verónica Sastre" called a place: "Culture" and the
    person "Verónica Sastre"); "Paris, France" and "Health, Labour and Welfare" stay whole."""
    out = []
    for start, end, label in entities:
        # "Dr Aroha Ngata of Archives New Zealand" called a body: the person, then the body
        titled = _TITLED_OF.match(text, start, end) if label != "PERSON" else None
        if titled and titled.group(1).lower().rstrip(".") in _BEFORE_A_NAME:
            out += [(titled.start(2), titled.end(2), "PERSON"), (titled.end(), end, label)]
            continue
        cut = text.rfind(", ", start, end)
        tail = text[cut + 2 : end] if cut > start else ""
        words = tail.split()
        # only after an office ("Minister of ..., Name"): not "University of California, Los
        # Angeles" or "Vancouver, British Columbia"
        head = text[max(0, start - 60) : cut].split()[-8:]  # ("Minister of" may lead in)
        office = cut > start and any(w.lower().strip(".,'’s") in TITLES for w in head)
        if (
            office
            and label != "PERSON"
            and 2 <= len(words) <= 4
            and all(w[:1].isupper() for w in words)
            and not country_of(tail)
            and kind_of(tail, "") == PERSON
        ):
            out += [(start, cut, label), (cut + 2, end, "PERSON")]
        else:
            out.append((start, end, label))
    return out


_BEFORE_A_NAME = HONORIFICS | {"professor", "judge", "justice"}  # titles only a name follows
_TITLED_OF = re.compile(r"([A-Z][a-z]{1,9}\.?)\s+((?:[A-Z][\w'’-]+\s+){0,3}[A-Z][\w'’-]+)\s+of\s+")


# Lower-case words inside a person's name: "Ana María de la Fuente", "Mohamed Lemine ould
# Cheikh", "Norhayati binti Ismail", "Joost van der Meer".
NAME_PARTICLES = frozenset(
    "de la del della der den van von da das do dos du di le ter ten ould bin binti bint ibn "
    "al el y zu".split()
)  # fmt: skip
# what may follow a cut name: particles (group 1), then one or two capitalised words
_TAIL = re.compile(
    rf"((?:\s+(?:{'|'.join(sorted(NAME_PARTICLES))})){{0,3}})\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?"
)


def _with_particles(mentions: list[Mention], text: str) -> list[Mention]:
    """A person's name a recogniser cut at a lower-case particle made whole ("Javier de la" and
    "Torre Olmedo"): the name runs on through the particles to the capitalised words after."""
    out: list[Mention] = []
    skip_to = -1
    for m in mentions:
        if m.start < skip_to:
            continue
        tail = _TAIL.match(text, m.end) if m.kind == PERSON and not m.pronoun else None
        # through particles ("Javier" + "de la Torre"), or on from a name that ends with one
        # ("Javier de la" + "Torre Olmedo")
        if tail and (tail.group(1) or set(m.name.split()[-1:]) & NAME_PARTICLES):
            end = tail.end()
            for other in mentions:  # a mention the tail reaches into ends the name with it
                if m.end < other.start < end:
                    end = max(end, other.end)
            m = Mention(m.start, end, clean_name(text[m.start : end]), PERSON, m.label)
            skip_to = end
        out.append(m)
    return out


def name_in(text: str, start: int, end: int) -> Mention | None:
    """A cell of a table that is a person's name and nothing else ("Norhayati binti Ismail"):
    two to six words, capitalised or particles of a name; None otherwise."""
    value = text[start:end].strip()
    words = value.split()
    if not 2 <= len(words) <= 6 or country_of(value):
        return None
    if (
        not all(w[:1].isupper() or w in NAME_PARTICLES for w in words)
        or not words[-1][:1].isupper()
    ):
        return None
    at = start + text[start:end].index(value)
    name = clean_name(value)
    return Mention(at, at + len(value), name, kind_of(name, ""), "") if name else None


def _joined(mentions: list[Mention], text: str) -> list[Mention]:
    """Names a recogniser cut in two made one again ("Sanjoy" "Kumar Chowdhury", "Ogulbibi"
    "Ataeva"): neighbouring person names with only a space between them."""
    out: list[Mention] = []
    for m in mentions:
        last = out[-1] if out else None
        if (last is not None and m.kind == PERSON and _given_name(last)
                and not text[last.end : m.start].strip() and not last.pronoun):  # fmt: skip
            name = clean_name(text[last.start : m.end])
            out[-1] = Mention(last.start, m.end, name, PERSON, last.label or m.label)
            continue
        out.append(m)
    return out


def _given_name(m: Mention) -> bool:
    """Whether a mention may be the first part of a person's name: a person's, or one word a
    recogniser called a place or a body that is neither a country nor an acronym
    ("Sanjoy" of "Sanjoy Kumar Chowdhury")."""
    if m.kind == PERSON:
        return True
    return (len(m.name.split()) == 1 and not m.name.isupper() and not country_of(m.name)
            and m.name.lower() not in BODY_WORDS)  # fmt: skip


_OF_STATE = re.compile(r"\bof\s+$")


def _after_office(text: str, start: int, end: int) -> int:
    """Where a name starts when a recogniser took the end of an office into it ("Minister of
    State Ong Li Ting", "Secretary of State Sok Chanthy")."""
    if text.startswith("State ", start) and _OF_STATE.search(text[max(0, start - 4) : start]):
        rest = start + len("State ")
        if rest < end and text[rest].isupper():
            return rest
    return start


def _whole_country(text: str, start: int, end: int) -> int:
    """Where a country's name starts, when a recogniser cut it ("Lanka" of "Sri Lanka")."""
    before = re.search(r"([A-Z][\w-]+)\s+$", text[max(0, start - 30) : start])
    if (
        before
        and not country_of(text[start:end])
        and country_of(f"{before.group(1)} {text[start:end]}")
    ):
        return start - len(before.group(0))
    return start


def _proper_runs(doc: Any) -> list[tuple[int, int]]:
    """(first, last) token of each run of proper nouns ("Tofilau Aniseko Leavasa")."""
    runs, first = [], None
    for t in doc:
        inside = t.pos_ == "PROPN" and t.text[:1].isupper()
        if t.text in {"-", "‑"} and 0 < t.i < len(doc) - 1 and first is not None:
            after = doc[t.i + 1]  # "Al-Sayed", "Bamba-Kourouma": one name
            inside = not doc[t.i - 1].whitespace_ and not t.whitespace_ and after.text[:1].isupper()
        if inside and first is None:
            first = t.i
        if not inside and first is not None:
            runs.append((first, t.i - 1))
            first = None
    if first is not None:
        runs.append((first, len(doc) - 1))
    return runs


def same_person(a: str, b: str) -> bool:
    """Whether two names may be one person's: the same surname, and the shorter name's given
    name (or initial) among the longer's ("K. Bangarurajan", "Bangarurajan"; "Viliame
    Naulivou", "Ratu Viliame Naulivou")."""
    wa, wb = _folded(a).replace(".", " ").split(), _folded(b).replace(".", " ").split()
    if not wa or not wb or wa[-1] != wb[-1]:
        return False
    short, long = sorted((wa[:-1], wb[:-1]), key=len)
    if not short:
        return True
    return all(
        any(w == x or (len(w) == 1 and x.startswith(w)) or (len(x) == 1 and w.startswith(x))
            for x in long)
        for w in short
    )  # fmt: skip


def _folded(name: str) -> str:
    """A name lower-cased without accents or apostrophes: "Inês" and "Ines", "Va'ai" and "Vaai"."""
    return re.sub(r"['’]", "", fold(name).lower())


def full_names(names: list[str]) -> dict[str, str]:
    """Each name -> the fullest name of the same person among them (a later "Mr Jones" is
    Craig Jones); a surname two people share stays as it is."""
    out = {}
    for name in names:
        fuller = [n for n in names if len(n.split()) > len(name.split()) and same_person(n, name)]
        people = {n.split()[0].lower().strip(".") for n in fuller}
        out[name] = max(fuller, key=len) if fuller and len(people) == 1 else name
    return out
