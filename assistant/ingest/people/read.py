"""One article -> who did what in it: the sentences that may say a role are parsed, their
holders found (a pronoun stands for the person named last), candidates proposed and, with a
fitted model, decided; each row gets the session it was held in and the holder's country or
body, and names are made whole across the article ("Mr Jones" is Craig Jones)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from typing import Any

from assistant.countries import country_of
from assistant.ingest import nlp
from assistant.ingest.people.carry import carried, cue_words
from assistant.ingest.people.mentions import (
    BODY,
    COUNTRY,
    PERSON,
    Mention,
    full_names,
    holders,
    person_words,
)
from assistant.ingest.people.model import PeopleModel
from assistant.ingest.people.propose import NAMES, Candidate, propose
from assistant.ingest.people.rows import is_table_row, table_candidates
from assistant.ingest.people.sessions import sessions
from assistant.language import MONTHS, TIME_WORDS
from assistant.roles import (
    DELEGATION_NOUNS,
    EVENT_NOUNS,
    SESSION_NOUNS,
    SESSION_ROLES,
    TABLE_CELL,
    RoleRow,
    roles_of_word,
)
from assistant.text import paragraph_bounds, same_paragraph
from assistant.types import Article

_WORD = re.compile(r"[A-Za-z][\w-]*")
_PRONOUN = re.compile(r"^\s*(?:[A-Z][\w ,]{0,40},\s*)?(He|She)\b")
REACH = 1500  # characters back in which a sentence's session may have been named
# "session", "the panel", "this session": a session named before, not a name of one
_ANAPHORIC = re.compile(r"^(?:(?:this|that|the|same|its|each|every)\s+)*\w+$", re.IGNORECASE)


@dataclass(frozen=True)
class Session:
    """A session an article names, where (article offsets)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Reading:
    """What an article says of its people: every candidate (for training), the sessions it
    names, its event, and the rows a model decided."""

    candidates: list[Candidate]
    sessions: list[Session]
    event: str
    rows: list[RoleRow]


def _may_say_a_role(text: str) -> bool:
    return any(roles_of_word(w) for w in _WORD.findall(text)) or bool(TABLE_CELL.search(text))


def _names_a_session(text: str) -> bool:
    return any(w.lower() in SESSION_NOUNS for w in _WORD.findall(text))


def to_parse(
    text: str, sentences: list[tuple[int, int]], entities: list[tuple[int, int, str]]
) -> list[tuple[int, int]]:
    """The sentences of an article worth parsing: those that name a session, and those that
    may say a role and may name its holder (a name the recogniser found, a capitalised word
    after the first, "He"/"She", or a first word that is of a name the article gives a person
    elsewhere), and those that name two holders after a sentence that says a role."""
    holders_at = sorted(e[0] for e in entities if e[2] in _HOLDER_LABELS)
    people = person_words(text, entities)  # "Donnelly said ...": a name the recogniser missed
    out = []
    said_before = False  # the sentence before, in the same paragraph, may say a role
    last_end = -1
    for a, b in sentences:
        sentence = text[a:b]
        may_say = _may_say_a_role(sentence)
        first = bisect_left(holders_at, a)
        held = holders_at[first : first + 2]
        names = sum(1 for x in held[:2] if x < b)
        # a sentence saying no role may name two holders of the role the one before it says
        # in its paragraph ("... a bench of panellists. Anjali Deshpande sat beside ...")
        listed = said_before and names >= 2 and same_paragraph(text, last_end, a)
        if (
            _names_a_session(sentence)
            or listed
            or (
                may_say
                and (
                    names
                    or _CAPITALISED.search(sentence)
                    or _PRONOUN.match(sentence)
                    or _first_word(sentence) in people
                )
            )
        ):
            out.append((a, b))
        said_before, last_end = may_say, b
    return out


def _first_word(sentence: str) -> str:
    found = _WORD.search(sentence)
    return found.group().removesuffix("'s").removesuffix("’s") if found else ""


_HOLDER_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_CAPITALISED = re.compile(r"\s[A-Z]")


def read_article(
    article: Article,
    sentences: list[tuple[int, int]],
    entities: list[tuple[int, int, str]],
    model: PeopleModel | None = None,
    docs: list[Any] | None = None,
) -> Reading:
    """Who did what in an article (sentences: (start, end) of each, in order; entities: the
    recogniser's (start, end, label) over its text; docs: the parses of to_parse's
    sentences, when made already)."""
    text = article.text
    wanted = to_parse(text, sentences, entities)
    if docs is None:
        docs = nlp.parse_many([text[a:b] for a, b in wanted])
    parsed = dict(zip(wanted, docs, strict=True))
    their_words = person_words(text, entities)
    found_sessions: list[Session] = []
    candidates: list[Candidate] = []
    last_person: Mention | None = None
    last_session: dict[tuple[int, int], Session] = {}  # paragraph -> the session named last
    previous = -1  # where the sentence before this one starts
    before_cues: list[tuple[str, frozenset[str]]] = []  # its words that may say a role
    last_end = -1
    for a, b in sentences:
        doc = parsed.get((a, b))
        paragraph = paragraph_bounds(text, a, b)
        just_before = paragraph in last_session and last_session[paragraph].start >= previous
        previous = a
        cues_before = before_cues if same_paragraph(text, last_end, a) else []
        before_cues, last_end = cue_words(text[a:b]), b
        if doc is None:
            continue
        here = [Session(name, s, e) for s, e, name in sessions(doc, a)]
        found_sessions += here
        mentions = holders(doc, a, text, entities, their_words)
        pronoun = _PRONOUN.match(text[a:b])
        if (
            pronoun
            and last_person is not None
            and not any(m.kind == PERSON for m in mentions if m.start < a + pronoun.end(1))
        ):
            at = a + pronoun.start(1)
            mentions.append(Mention(at, at + len(pronoun.group(1)), last_person.name, PERSON,
                                    last_person.label, pronoun=True))  # fmt: skip
        named = [x for x in here if not _ANAPHORIC.match(x.name)]
        says = _may_say_a_role(text[a:b])
        if says or cues_before:
            ordered = sorted(mentions, key=lambda m: m.start)
            if is_table_row(text[a:b]):  # "Session: ...; Chair: ...": its cells say roles
                proposed = table_candidates(text, a, b, mentions)
            else:
                # a sentence that says no role: the roles the sentence before says ("... a
                # bench of panellists. Anjali Deshpande ... sat beside Hanna Virtanen ...")
                proposed = (propose(doc, a, ordered, a, b) if says
                            else carried(doc, a, ordered, a, b, cues_before))  # fmt: skip
            # the session named last before this sentence: in its paragraph, else in one of
            # the few before it (an article names a session, then its speakers)
            before = last_session[paragraph].name if paragraph in last_session else ""
            recent = [x for x in found_sessions[: len(found_sessions) - len(here)]
                      if not _ANAPHORIC.match(x.name) and a - x.start < REACH]  # fmt: skip
            before = before or (recent[-1].name if recent else "")
            for c in proposed:
                # A session's roles are held in the session the sentence names nearest the
                # word that says the role, else in the one its paragraph named last ("This
                # session was chaired by ..."); the event's roles are held at the event unless
                # the sentence names a session ("opened the session").
                nearest = min(named, key=lambda x: abs(x.start - c.at)).name if named else ""
                if c.session:  # a table row's own "Session" cell
                    session = c.session
                elif c.role in SESSION_ROLES:
                    session = nearest or before
                else:
                    session = nearest if c.role == "opened" else ""
                organisation = c.organisation or organisation_of(doc, a, c.holder, mentions)
                features = _setting(c.features, session_here=bool(named),
                                    session_just_before=not named and just_before)  # fmt: skip
                candidates.append(replace(c, session=session, organisation=organisation,
                                          features=features))  # fmt: skip
        if named:
            # "The panel on X was one of the best attended sessions": the subject is its name
            said = any(t.dep_ == "ROOT" and t.lemma_ == "be" for t in doc)
            last_session[paragraph] = named[0] if said else named[-1]
        people = [m for m in mentions if m.kind == PERSON and not m.pronoun]
        if people:
            last_person = people[-1]
    # names made whole across the article; a "person" the article writes as a place too
    whole = full_names([c.holder.name for c in candidates if c.holder.kind == PERSON])
    places = places_in(article.text)
    candidates = [
        replace(c, holder=replace(c.holder, name=whole.get(c.holder.name, c.holder.name)),
                features=_setting(c.features, name_place=any(
                    re.search(rf"\b{re.escape(c.holder.name)}\b", p) for p in places)))
        if c.holder.kind == PERSON else c
        for c in candidates
    ]  # fmt: skip
    event = event_of(article)
    rows: list[RoleRow] = []
    if model is not None and candidates:
        probabilities = model.probabilities([c.features for c in candidates])
        held = [(c, float(p)) for c, p in zip(candidates, probabilities, strict=True)
                if p >= model.threshold]  # fmt: skip
        rows = _rows(article, held, event)
    return Reading(candidates, found_sessions, event, rows)


_AT = {name: i for i, name in enumerate(NAMES)}
# a name written where a place stands: "teaches in Kraków", "the Kraków conference"
_PLACED = re.compile(  # (within a sentence: not "in Halifax.\n\nGrace Okonkwo")
    r"\b(?:in|at|near|outside)\s+((?:[A-Z][\w-]+)(?:[ ]+[A-Z][\w-]+){0,2})(?!['’\w])"
    r"|\bthe\s+((?:[A-Z][\w-]+)(?:[ ]+[A-Z][\w-]+){0,2})\s+(?:conference|summit|meeting|"
    r"congress|forum|talks|symposium|convention)\b"
)


def places_in(text: str) -> set[str]:
    """The capitalised names an article writes where a place stands."""
    return {m.group(1) or m.group(2) for m in _PLACED.finditer(text)}


def _setting(features: tuple[float, ...], **values: bool) -> tuple[float, ...]:
    """A candidate's features with these set (the ones reading the article tells)."""
    out = list(features)
    for name, value in values.items():
        out[_AT[name]] = float(value)
    return tuple(out)


def _rows(article: Article, held: list[tuple[Candidate, float]], event: str) -> list[RoleRow]:
    """One row per person (or country, or body), role and session: the likeliest quote."""
    best: dict[tuple[str, str, str], RoleRow] = {}
    for c, p in held:
        session = c.session
        person = c.holder.name if c.holder.kind == PERSON else ""
        organisation = c.organisation if c.holder.kind == PERSON else c.holder.name
        row = RoleRow(
            person=person, role=c.role, session=session, organisation=organisation,
            event=event, article=article.id, page=None, quote=article.text[c.start : c.end],
            start=c.start, end=c.end, confidence=round(float(p), 3),
        )  # fmt: skip
        key = (person or organisation, c.role, session)
        if key not in best or row.confidence > best[key].confidence:
            best[key] = row
    return sorted(best.values(), key=lambda r: (r.start, r.role))


def organisation_of(doc: Any, base: int, holder: Mention, mentions: list[Mention]) -> str:
    """The country or body a person is named with: "Lina Santos of the Philippine National
    Police", "Samoa's Deputy Prime Minister, Tofilau Aniseko Leavasa", "Kenya's Ann Mwangi"."""
    if holder.kind != PERSON or holder.pronoun:
        return ""
    country = _delegation_country(doc, base, mentions)
    if country:  # "Kazakhstan's delegation was led by ...": the delegation's country
        return country
    span = doc.char_span(holder.start - base, holder.end - base, alignment_mode="expand")
    if span is None or not len(span):
        return ""
    token = span.root
    near = list(token.subtree)
    if token.dep_ == "appos":  # the head the name stands beside: "Samoa's ... Minister"
        near += list(token.head.subtree)
    near += [t for c in token.children if c.dep_ == "appos" for t in c.subtree]
    at = {base + t.idx for t in near} - {base + t.idx for t in span}
    for m in mentions:
        if m.kind in {COUNTRY, BODY} and m.start in at:
            return m.name
    return ""


def _delegation_country(doc: Any, base: int, mentions: list[Mention]) -> str:
    """The country of a delegation the sentence names ("Kazakhstan's delegation", "the Uzbek
    delegation", "a delegation from Fiji"), if it names exactly one."""
    found = set()
    for t in doc:
        if t.lower_ not in DELEGATION_NOUNS:
            continue
        near = [*t.children, *(x for k in t.children if k.dep_ == "prep" for x in k.subtree)]
        for c in near:
            country = country_of(c.text) or next(
                (m.name for m in mentions if m.kind == COUNTRY
                 and m.start <= base + c.idx < m.end), "")  # fmt: skip
            if country:
                found.add(country_of(country) or country)
    return found.pop() if len(found) == 1 else ""


def event_of(article: Article) -> str:
    """The event an article reports, as it names it in its title or opening paragraphs ("the
    INTERPOL conference on ransomware"): a name of an event there with what it is on; the
    fullest written as a name (capitals), else the fullest other, else the title. The opening
    runs past a byline or a dateline, and stops at the first paragraph that names an event in
    capitals (a later one may name another: "last year's summit")."""
    found: list[tuple[bool, bool, bool, int, str]] = []
    sources = [article.title, *_opening(article.text)]
    for doc in nlp.parse_many(sources):  # one batch: the parser's cost is per call
        names = _event_names(doc)
        if any(named for named, *_ in found):
            # past the paragraph that named it, only a fuller form of that name ("Fourth
            # World Forum" of a headline, "Fourth World Forum of Smallholder Coffee
            # Producers" of the story's first paragraph)
            found += [n for n in names if n[0] and any(
                n[-1].startswith(f[-1] + " ") for f in found if f[0])]  # fmt: skip
            continue
        found += names
    # "Workshop 1" of an article that goes on to "Workshop 2": a numbered part of the event
    found = [n for n in found if not _numbered_part(n[-1], article.text)]
    if not found:
        return article.title
    return max(found)[-1]


def _numbered_part(name: str, text: str) -> bool:
    part = _PART.fullmatch(name)
    return part is not None and any(
        f"{part[1]} {int(part[2]) + step}" in text for step in (-1, 1))  # fmt: skip


def _event_names(doc: Any) -> list[tuple[bool, bool, bool, int, str]]:
    """(written as a name, the whole event, short, length, name) of each event a text names."""
    out = []
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.lower_ not in EVENT_NOUNS:
            continue
        # "last year's summit", "the next conference": another event than this one
        # (a capital inside a name is no time: "the Next Generation Summit")
        if any((t.lower_ in _OTHER_TIME and (t.is_lower or t.is_sent_start))
               or (t.tag_ == "POS" and t.i > 0 and _a_time(doc[t.i - 1]))
               for t in chunk):  # fmt: skip
            continue
        first = chunk.start
        while (
            first < chunk.end
            and doc[first].pos_ in {"DET", "PRON", "NUM"}
            and (doc[first].lower_ not in {"first", "second", "third"})
        ):
            first += 1
        # "the three-day ministerial meeting": how long it ran is no part of its name
        while (
            first + 1 < chunk.end
            and doc[first].text in {"-", "–"}
            and (doc[first + 1].lower_ in _DURATION_UNITS)
        ):
            first += 2
        end = chunk.end
        if end < len(doc) and doc[end].text.isdigit() and doc[end].head == root:
            end += 1  # "Meeting 284", "COP 29": the number is the event's name
        cut = end  # where the parser's name ends
        for t in root.rights:  # "conference on ransomware": one topic, no place or date
            if t.dep_ == "prep" and t.lower_ in {"on", "of", "for"}:
                end = max(end, max(x.i for x in t.subtree) + 1)
                break
        name = doc[first:end].text.split(",")[0].strip(" ,-–")  # not ", which runs ..."
        if name.count("(") > name.count(")"):  # "... Commissions (GAEC": the name before it
            name = name[: name.rindex("(")].strip(" ,-–")
        name = _PLACE.split(name)[0]  # "... on Peatland Restoration at the Centre"
        if end == cut and root.text[:1].isupper():
            # a name the parser cut: "the Regional Forum" + "on Clean Urban Transport"
            after = _NAMED_TOPIC.match(doc.text, doc[end - 1].idx + len(doc[end - 1]))
            if after and not _DATE_WORDS & {w.lower() for w in after.group(0).split()}:
                name += after.group(0)
        if not name:
            continue
        named = root.text[:1].isupper() and len(name.split()) > 1
        # a session in lower case is a part of the event, not its name
        whole = named or root.lower_ not in SESSION_NOUNS
        out.append((named, whole, len(name.split()) < 12, len(name), name))
    return out


def _a_time(token: Any) -> bool:
    """Whether a possessor is a time ("last year's", "2019's", "Monday's"), not a body
    ("the Council's meeting")."""
    return token.ent_type_ in {"DATE", "TIME"} or token.like_num or token.lower_ in TIME_WORDS


# a topic in capitals after a cut name, running through "and", "of", "the" to a capitalised
# word (never ending on them, never into "and the Mayor")
_NAMED_TOPIC = re.compile(
    r"\s+(?:on|of|for)\s+(?:the\s+)?[A-Z][\w'’-]*"
    r"(?:(?:\s+(?:of|for|on|the)|\s+and(?!\s+the\b))*\s+[A-Z][\w'’-]*)*"
)
_PART = re.compile(r"#*\s*(workshop|session|panel|seminar|track|group|day) (\d{1,2})", re.I)
_DURATION_UNITS = frozenset({"day", "week", "month", "year", "hour", "night"})
_DATE_WORDS = MONTHS | frozenset({"today", "tomorrow", "yesterday"})
_OTHER_TIME = frozenset({"last", "previous", "next", "past", "former", "upcoming"})
_PLACE = re.compile(r"\s+at\s+the\s+(?=[A-Z])")
LEAD = 1200  # characters of a story's opening in which it names its event


def _opening(text: str) -> list[str]:
    """The paragraphs that open an article, to about LEAD characters (whole sentences)."""
    out, size = [], 0
    for paragraph in text.split("\n"):
        paragraph = paragraph.strip()
        if not paragraph:
            continue
        if size + len(paragraph) > LEAD:
            cut = paragraph.rfind(". ", 0, LEAD - size)
            out.append(paragraph[: cut + 1] if cut > 0 else paragraph[: LEAD - size])
            break
        out.append(paragraph)
        size += len(paragraph)
    return out


__all__ = ["BODY", "COUNTRY", "PERSON", "Reading", "Session", "event_of", "read_article"]
