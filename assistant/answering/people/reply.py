"""A who-did-what question answered from the people table: the rows of the roles it asks about,
in the session it names (found by meaning), for the person or country it names, over every
article of the event; a claim per person (or country), each with its quotes, and a line on how
many articles said so. When the table has the session or the person but not that role, it
says so and refuses; when it knows nothing of what is asked, the sentence path answers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.answering.compose.compose import cite
from assistant.answering.people.asked import (
    CEREMONIES,
    COUNT,
    HOLDER,
    ROLE,
    SESSION,
    WHOSE,
    RoleQuestion,
)
from assistant.answering.people.naming import named_person
from assistant.answering.people.prizes import names_a_prize, names_words, only_prize, prize_words
from assistant.answering.people.scope import names_the_event, numbered_apart, scope_of
from assistant.answering.people.sessions import content_words, matching
from assistant.answering.people.table import PeopleView, distinctive
from assistant.answering.people.whose import of_place, whose
from assistant.countries import country_of
from assistant.ingest.people.mentions import same_person
from assistant.ingest.people.propose import names_a_document
from assistant.roles import EVENT_NOUNS, RoleRow, roles_of_word
from assistant.store.reader import Snapshot
from assistant.text import paragraph_bounds
from assistant.types import Claim, Filters

# A table's refusal stands unless the sentence path is at least this sure of an answer.
SURE_DESPITE_TABLE = 0.9

# How an answer says a role.
DID = {
    "opened": "opened", "chair": "chaired", "co-chair": "co-chaired", "moderator": "moderated",
    "keynote": "gave the keynote", "speaker": "spoke", "panelist": "was on the panel",
    "presenter": "presented", "head-of-delegation": "headed the delegation",
    "host": "hosted", "president": "was president", "signatory": "signed",
    "award": "received an award", "other": "took part",
}  # fmt: skip
# the same of a session named before ("... name the panel on X but not who moderated it")
DID_IT = {
    "opened": "opened it", "chair": "chaired it", "co-chair": "co-chaired it",
    "moderator": "moderated it", "keynote": "gave its keynote", "speaker": "spoke at it",
    "panelist": "sat on its panel", "presenter": "presented at it",
    "head-of-delegation": "headed it", "host": "hosted it", "president": "presided over it",
    "signatory": "signed it", "award": "won its award", "other": "took part in it",
}  # fmt: skip


@dataclass(frozen=True)
class Reply:
    """What the table says: claims (with a line on coverage), or a refusal's reason (known:
    the table holds the session, person or country asked about, not the role)."""

    claims: tuple[Claim, ...] = ()
    coverage: str = ""
    refusal: str = ""
    confidence: float = 0.0
    known: bool = False
    count: int | None = None  # a how-many question's number


def reply(
    snapshot: Snapshot, view: PeopleView, q: RoleQuestion, filters: Filters | None = None,
    earlier: Sequence[str] = (),
) -> Reply | None:  # fmt: skip
    """The table's answer, its refusal, or None when it knows nothing of what is asked
    (earlier: the conversation's earlier questions, oldest first)."""
    scope = scope_of(view, q, filters, snapshot, earlier)
    rows = [r for r in view.rows if r.article in scope]
    if not rows:
        return None
    if apart := numbered_apart(
        view, q.text, scope, snapshot
    ):  # "the sixth assembly"; articles: the fifth
        return Reply(refusal=apart, known=True)
    if q.host_delegation:  # its place: the country the rows in scope say hosted
        hosts = {_country_in(r.person or r.organisation) for r in rows if r.role == "host"} - {""}
        q = replace(q, place=hosts.pop() if len(hosts) == 1 else "")
    if q.person and not any(same_person(q.person, p) for p in view.persons):
        q = replace(q, person="")  # a recogniser's "person" the table does not know ("Apia")
    if not q.person:
        q = replace(q, person=named_person(view.persons, q.text))
    if q.wants in {ROLE, WHOSE} and not q.person:
        return None
    if q.person and q.wants == HOLDER and _owns(q.text, q.person):
        # "Who was Nadim Haddadin's vice-president?": someone else, in the role asked
        rows = [r for r in rows if not (r.person and same_person(r.person, q.person))]
        q = replace(q, person="")
    if q.part and not q.session and not names_the_event(view, q.part, scope):
        # "the workshop on drones": a part of the event its articles name so (not "the
        # saint-malo summit", whose words tell the event)
        told = set().union(*(view.told_of(e) for e in {view.event_of[a] for a in scope}))
        names = sorted({s.name for s in view.sessions if s.article in scope})
        if not distinctive(q.part) <= told and matching(view, q.part, names):
            q = replace(q, session=q.part)
    if q.session and names_the_event(view, q.session, scope):
        # "the Ninth Session of the Commission": the event itself, whose chair may be called
        # its president
        roles = q.roles | ({"president"} if "chair" in q.roles else set())
        q = replace(q, session="", roles=frozenset(roles))
    if q.person:
        return _about_person(snapshot, rows, q)
    return _holders(snapshot, view, rows, q, scope)


def _country_in(name: str) -> str:
    """The country a holder's name is or names ("Namibian Independent Electoral Authority")."""
    return country_of(name) or next(filter(None, map(country_of, name.split())), "")


def _owns(text: str, person: str) -> bool:
    """Whether a question names the person as the owner of what it asks ("X's deputy")."""
    surname = person.split()[-1] if person.split() else person
    return re.search(rf"\b{re.escape(surname)}(?:['’]s\b|['’](?=\s))", text) is not None


def _holders(
    snapshot: Snapshot, view: PeopleView, rows: list[RoleRow], q: RoleQuestion, scope: set[str]
) -> Reply | None:
    roles = q.roles
    # a charter or a call to action the parser took for a person holds no role
    held = [r for r in rows if r.role in roles and not names_a_document(r.person)]
    if "other" in roles:  # "who closed", "the rapporteur": the question's word in the quote
        held = [r for r in held if r.role != "other" or _says(r.quote, q.cues)]
    if q.place:
        held = [r for r in held if of_place(r, q.place)]
    prize = prize_words(q.text) if "award" in roles else set()
    if prize:  # "the IMCA Sphagnum Medal": not the IMCA Lifetime Achievement Award; said in
        # the quote or the paragraph it stands in ("Two received the Young Innovator Award.
        # Fatima Bello ... was honoured alongside Joseph Tetteh ...")
        # ... when the quote names no prize of its own
        held = [r for r in held if r.role != "award" or names_words(r.quote, prize)
                or (not names_a_prize(r.quote)
                    and only_prize(_paragraph(snapshot, r.article, r.start, r.end),
                                    prize, r.quote))]  # fmt: skip
        if not any(r.role == "award" for r in held):
            return None  # which of its prizes the table cannot tell: the sentences may
    if not q.session:  # who ran the event: not who ran one of its sessions
        held = [r for r in held if r.role not in _RUNNING or _of_the_event(r.session)]
    else:
        names = sorted({s.name for s in view.sessions if s.article in scope})
        matched = matching(view, q.session, names)
        if not matched:
            if names:
                return Reply(refusal=f"the articles name no {_bare(q.session)}", known=True)
            return None
        held = [r for r in held if r.session in matched]
        if not held and q.asked in _TAKING_PART | {"other"}:
            # the table reads too few of these (or of rapporteurs, vice-chairs, closings) to
            # say nobody did: the sentences
            return None
        if not held:
            return Reply(refusal=f"the articles name the {_bare(q.session)} but not who "
                                 f"{DID_IT[q.asked]}", known=True)  # fmt: skip
    if q.holder_kind == "country":  # a country, or a person of one; not a regional body
        held = [r for r in held if country_of(r.organisation)]
    elif q.holder_kind == "body":  # "Which body organised ...?": not a person
        held = [r for r in held if not r.person]
    elif q.holder_kind == "person":  # "Which New Zealand official co-chaired ...?"
        people = [r for r in held if r.person]
        if held and not people:
            return Reply(refusal=f"the articles name {_who(held[0])} but no one of it who "
                                 f"{DID[q.asked]}", known=True)  # fmt: skip
        held = people
    if not held:
        if "vice" in q.cues:  # a vice-president asked: never the president instead
            return Reply(refusal="the articles name no one in the vice role asked", known=True)
        if q.place and any(of_place(r, q.place) for r in rows):
            return Reply(refusal=f"the articles name others of {q.place} but no one of it who "
                                 f"{DID[q.asked]}", known=True)  # fmt: skip
        return None
    if q.wants == SESSION:
        return None
    claims = _claims(snapshot, held, q)
    if q.said and roles <= _TAKING_PART | {"keynote"}:  # who said that, not who spoke
        claims = [c for c in claims if _says(" ".join(x.quote for x in c.evidence), {q.said})]
        if not claims:
            return None  # the table reads too few speakers to say no one did: the sentences
    # What was won, presented or signed, when the question names it ("the Young Innovator
    # Prize"): a claim must say it.
    named = _specifics(q.text, view, scope) if roles <= {"award", "presenter", "signatory"} else []
    if named:
        # its quote, or the paragraph around it, says it ("The declaration was signed by
        # ..." after a paragraph naming the Montevideo Declaration)
        said = [
            c
            for c in claims
            if all(
                any(
                    words
                    & content_words(
                        _paragraph(snapshot, x.article_id, x.start, x.end, and_before=True)
                    )
                    for x in c.evidence
                )
                for words in named
            )
        ]
        if not said and roles == {"signatory"}:
            # what was signed is often named once, at the top of its article ("The Windhoek
            # Declaration on Safe Speeds ... was adopted"), and the signatures far below it:
            # there, every word of its name
            content = {a: content_words(snapshot.text(a)) for c in claims for a in
                       {x.article_id for x in c.evidence}}  # fmt: skip
            said = [
                c
                for c in claims
                if all(any(words <= content[x.article_id] for x in c.evidence) for words in named)
            ]
        claims = said
        if not claims:
            return Reply(refusal=f"the articles name no one who {DID[q.asked]} "
                                 f"{' '.join(sorted(named[0]))}", known=True)  # fmt: skip
    if not q.several and q.wants != COUNT and len(claims) > 1:
        # One is asked for and the table holds several: the one whose quote says what else
        # the question says ("Who received the Early Career Prize?"), or the sentence path.
        chosen = _best_said(claims, q) or _most_told(claims)
        if chosen is None:
            return None
        claims = [chosen]
    coverage = _coverage(view, held, scope, q)
    count = len(claims) if q.wants == COUNT else None
    return Reply(tuple(claims), coverage, "", max(c.support for c in claims), count=count)


def _of_the_event(session: str) -> bool:
    """Whether a row's session is the event as a whole: none, or its plenary."""
    return not session or "plenary" in session.lower()


# roles of being in charge: of a session, or (no session named) of the event
_RUNNING = frozenset({"chair", "co-chair", "moderator"})
# roles of taking part, of which the table reads too few to refuse on their absence
_TAKING_PART = frozenset({"speaker", "panelist", "presenter"})


def _paragraph(snapshot: Snapshot, article: str, at: int, to: int, and_before: bool = False) -> str:
    """The paragraph text[at:to] of an article stands in (and_before: with the one before it,
    where the sentence naming what a list signed or won often ends)."""
    text = snapshot.text(article)
    start, end = paragraph_bounds(text, at, to)
    if and_before:
        start, _ = paragraph_bounds(text, max(0, start - 2), max(0, start - 2))
    return text[start:end]


def _specifics(text: str, view: PeopleView, scope: set[str]) -> list[set[str]]:
    """The names a question gives that are not the event's, a person's or a country's, each as
    its words ("Young Innovator Prize" in "Who won the Young Innovator Prize at the summit?")."""
    told = {
        w
        for a in scope
        for w in distinctive(
            f"{view.titles.get(a, '')} {view.names.get(view.event_of.get(a, ''), '')}"
        )
    }
    people = {w.lower() for p in view.persons for w in p.split()}
    out = []
    for m in re.finditer(r"(?<!^)(?<![.?!]\s)\b[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*", text):
        words = {w.lower().strip("'’") for w in m.group().split()}
        # not the kind of event ("the Green Ports Summit" names no prize or text)
        words = {w for w in words if w not in people and not country_of(w) and len(w) > 2
                 and w not in EVENT_NOUNS and not w.isdigit()}  # fmt: skip
        if len(words) > 1 and not words <= told:
            out.append(words - told or words)
    return out


def _best_said(claims: list[Claim], q: RoleQuestion) -> Claim | None:
    """The claim whose quotes hold most of the question's own words (not the role's, the
    session's or the event's), when one holds more than every other."""
    words = content_words(q.text) - content_words(q.session)
    # the word the question asks the role with, when a quote says it too ("the MC": "MC'd the
    # gala", not "hosted the evening"), first
    asking = _role_stems(q.text, q.roles)
    counts = [max((_same_word(asking, _role_stems(c.quote, q.roles)),
                   len(words & content_words(c.quote))) for c in claim.evidence)
              for claim in claims]  # fmt: skip
    best = max(counts)
    if best == (False, 0) or counts.count(best) > 1:
        return None
    return claims[counts.index(best)]


def _most_told(claims: list[Claim]) -> Claim | None:
    """The claim two or more articles make when every other is made by fewer: reports that
    agree outweigh one that may have misread (a withdrawn moderator, a session misplaced)."""
    told = [len({x.article_id for x in c.evidence}) for c in claims]
    best = max(told)
    if best < 2 or told.count(best) > 1:
        return None
    chosen = claims[told.index(best)]  # (and no other surer of its own)
    return chosen if all(c.support <= chosen.support for c in claims) else None


def _same_word(asking: set[str], said: set[str]) -> bool:
    """Whether a quote says a role word the question asks with, in any of its forms ("chair":
    "chairmanship", "chairwoman")."""
    return any(a.startswith(b) or b.startswith(a) for a in asking for b in said)


def _role_stems(text: str, roles: frozenset[str]) -> set[str]:
    """The stems of a text's words that say one of these roles ("MC'd": "mc")."""
    from assistant.language import fold, stem

    text = CEREMONIES.sub("MC", text)
    found = {stem(re.sub(r"['’]e?d$", "", w.lower())) for w in re.findall(r"[\w'’-]+", text)
             if roles_of_word(w) & roles}  # fmt: skip
    # who ran a ceremony, in any of its words ("MC", "emceed", "compèred")
    return {"mc" if fold(w).startswith(("mc", "emce", "compe")) else w for w in found}


def _says(quote: str, cues: frozenset[str]) -> bool:
    """Whether a quote says the words of the role asked ("closed"; "vice" and "chair")."""
    from assistant.language import stem

    # "organisations" is a body, not organising (they share a stem)
    words = re.findall(r"[a-z]+", re.sub(r"organi[sz]ations?", " ", quote.lower()))
    return bool(cues) and cues <= {stem(w) for w in words}


def _about_person(snapshot: Snapshot, rows: list[RoleRow], q: RoleQuestion) -> Reply | None:
    """What a person did ("What did Dr X do?"), which sessions they held a role in."""
    theirs = [r for r in rows if r.person and same_person(r.person, q.person)]
    named, given = whose(theirs, q.person, q.holder_kind) if q.wants == WHOSE else ("", theirs)
    if not given:
        return None
    if q.wants == WHOSE:  # "which country is he from": what their rows give
        return Reply((_claim(snapshot, named, given),), "", "", given[0].confidence)
    if q.wants == ROLE:
        claims = []
        for role in dict.fromkeys(r.role for r in theirs):
            mine = [r for r in theirs if r.role == role]
            sessions = list(dict.fromkeys(r.session for r in mine if r.session))
            text = DID.get(role, role) + (f" ({'; '.join(sessions)})" if sessions else "")
            claims.append(_claim(snapshot, text, mine))
        return Reply(tuple(claims), "", "", max(c.support for c in claims))
    chosen = [r for r in theirs if r.role in q.roles]
    if q.wants == SESSION:
        chosen = [r for r in chosen if r.session]
        if not chosen:
            return Reply(refusal=f"the articles name {q.person} but no session {q.person} "
                                 f"{DID.get(q.asked, 'took part in')}")  # fmt: skip
        claims = [_claim(snapshot, s, [r for r in chosen if r.session == s])
                  for s in dict.fromkeys(r.session for r in chosen)]  # fmt: skip
        return Reply(tuple(claims), "", "", max(c.support for c in claims))
    if not chosen:
        return None
    return Reply((_claim(snapshot, _who(chosen[0]), chosen),), "", "", chosen[0].confidence)


def _claims(snapshot: Snapshot, rows: list[RoleRow], q: RoleQuestion) -> list[Claim]:
    """A claim per person (or country), its quotes from every article, surest first."""
    groups: list[list[RoleRow]] = []
    for r in sorted(rows, key=lambda r: -r.confidence):
        for group in groups:
            if _same(group[0], r):
                group.append(r)
                break
        else:
            groups.append([r])
    # most sources first; then as the articles list them ("Bangladesh and Nepal")
    groups.sort(key=lambda g: (-len({r.article for r in g}), min(
        (r.article, r.start, r.quote.find(r.person or r.organisation)) for r in g)))  # fmt: skip
    return [_claim(snapshot, _who(g[0], q), g) for g in groups]


def _claim(snapshot: Snapshot, text: str, rows: Sequence[RoleRow]) -> Claim:
    quotes = list({(r.article, r.start, r.end): r for r in rows}.values())
    evidence = tuple(cite(snapshot, 0, r.article, r.start, r.end) for r in quotes)
    return Claim(text, evidence, round(max(r.confidence for r in rows), 3))


def _same(a: RoleRow, b: RoleRow) -> bool:
    if a.person and b.person:
        return same_person(a.person, b.person)
    if not a.person and not b.person:
        return (country_of(a.organisation) or a.organisation.lower()) == (
            country_of(b.organisation) or b.organisation.lower())  # fmt: skip
    return False


def _who(row: RoleRow, q: RoleQuestion | None = None) -> str:
    if q is not None and q.holder_kind == "country" and row.person:
        return country_of(row.organisation) or row.organisation
    return row.person or row.organisation


def _bare(session: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", session.strip(), flags=re.I)


def _coverage(view: PeopleView, rows: list[RoleRow], scope: set[str], q: RoleQuestion) -> str:
    """How many articles said so, and how many more about the event name none of it."""
    saying = {r.article for r in rows}
    events = {view.event_of[a] for a in saying}
    others = {a for a in scope if view.event_of.get(a) in events} - saying
    event = view.names.get(next(iter(events)), "") if len(events) == 1 else "these events"
    line = (
        f"from {len(saying)} article{'s' if len(saying) != 1 else ''} about {event or 'the event'}"
    )
    if others:
        line += (
            "; the other article about it does not say"
            if len(others) == 1
            else f"; the {len(others)} others about it do not say"
        )
    return line
