"""A question about who did what, read: the roles it asks about (in any of the words that say
them), what it wants back (who held the role, what a person did, which session, how many),
whether it wants a list, and what it names (a session, a person, a country)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answering.people.naming import names_in
from assistant.answering.people.whose import asks_whose
from assistant.ingest import nlp
from assistant.ingest.people.propose import names_a_document
from assistant.language import TIME_WORDS, mend_spelling, stem
from assistant.roles import (
    AWARD_NOUNS,
    DELEGATION_NOUNS,
    SESSION_NOUNS,
    cue_roles,
    role_words,
    roles_of_word,
)

HOLDER, ROLE, SESSION, COUNT = "holder", "role", "session", "count"
WHOSE = "whose"  # the country or body a person named belongs to
# Roles several people hold at once: "Who spoke in ...?" asks for all of them.
_MANY = frozenset({"co-chair", "speaker", "panelist", "presenter", "signatory", "award"})
# Nouns that name the whole event when a question says them ("the Cholpon-Ata forum"), though an
# article may call a session so too.
_EVENT_HEADS = frozenset("forum workshop conference summit meeting congress symposium "
                         "convention assembly ministerial event".split())  # fmt: skip
# Which of several roles a question's words say first (it is how the answer words it).
_PRIMARY = (
    "co-chair",
    "chair",
    "moderator",
    "head-of-delegation",
    "keynote",
    "speaker",
    "panelist",
    "presenter",
    "opened",
    "host",
    "president",
    "signatory",
    "award",
)

# The roles a question's words ask about: what a table answers for each word's roles.
_ASKS = {
    "chair": {"chair"},
    "co-chair": {"co-chair"},
    "moderator": {"moderator"},
    "keynote": {"keynote"},
    "speaker": {"speaker", "panelist", "presenter", "keynote"},
    "panelist": {"panelist", "speaker"},
    "presenter": {"presenter"},
    "head-of-delegation": {"head-of-delegation"},
    "host": {"host"},
    "president": {"president"},
    "signatory": {"signatory"},
    "award": {"award"},
    "opened": {"opened"},
    "other": {"other"},  # closed it, rapporteur, vice-president, organiser: the word decides
}
# Verbs that say someone was in charge without saying how: a chair or a moderator.
_IN_CHARGE = re.compile(
    r"\b(led|lead|leads|ran|run|runs|headed|head|heads|steered|steer|"
    r"helmed|helm|in charge|charge|oversaw|conducted|anchored)\b",
    re.I,
)
_CONTENT = re.compile(r"^\s*(?:and\s+)?what\s+(?:did|does|do|has|had)\s+.+?\s+(say|said|tell|told|"
                      r"argue|propose|warn|announce|call|stress|explain|suggest|present|describe|"
                      r"think|urge|recommend|claim|report)\b", re.I)  # fmt: skip
_WHAT_ROLE = re.compile(r"\bwhat\s+(?:did|does|was|were|is)\b.*\b(do|roles?|parts?|positions?|"
                        r"jobs?|capacity|involvement)\b|\bwhat\s+roles?\b|\bhow\s+was\b.*"
                        r"\binvolved\b|\bin what capacity\b|\bwhat parts?\b", re.I)  # fmt: skip
_WHICH_SESSION = re.compile(
    r"\b(which|what)\s+(session|panel|sessions|panels|working group|"
    r"round ?table|plenary|debate|discussion|workshop)s?\b",
    re.I,
)
# who was to hold a role and did not ("who was originally supposed to moderate it", "who
# withdrew"): the table holds who did, the sentences say who was to
_NOT_HELD = re.compile(
    r"\b(?:(?:originally|initially)\s+(?:supposed|scheduled|due|meant|billed|expected|set|"
    r"slated|planned|booked)|supposed to|(?:was|were|had been)\s+due to|scheduled to|"
    r"meant to|was to have|were to have|withdr[ae]w\w*|pulled out)\b",
    re.I,
)
# what says of someone that a role was not held as planned ("had been billed as moderator
# but withdrew"): the sentence a not-held question is answered from says it (not only that
# someone stepped in: that sentence's name is the stand-in's, the wrong answer)
_NOT_HELD_SAID = re.compile(
    r"\b(?:withdr[ae]w\w*|pulled out|billed|originally|initially|cancel\w+|unable to|"
    r"could not|(?:was|were|had been)\s+(?:due|scheduled|supposed|meant|set|slated|expected|"
    r"listed|programmed|announced)\b)",
    re.I,
)


def asks_who_did_not(question: str) -> bool:
    """Whether a question asks who was to hold a role and did not ("who was originally
    supposed to moderate it")."""
    return bool(_NOT_HELD.search(question))


def says_not_held(quote: str) -> bool:
    """Whether a quote says a role was not held as planned ("billed as moderator but
    withdrew")."""
    return bool(_NOT_HELD_SAID.search(quote))


_HOW_MANY = re.compile(r"\bhow many\b|\bnumber of\b", re.I)
_PLURAL = re.compile(
    r"\b(who were|who all|which|list|name (?:all|the)|speakers|panel(?:l)?ists|"
    r"signatories|co-?chairs|members|delegates|countries|nations|states|delegations|teams|"
    r"ministers|participants|presenters|winners|recipients|heads)\b",
    re.I,
)
_COUNTRIES = re.compile(r"\b(which|what|how many)\s+(countries|country|nations?|states?|"
                        r"governments?|delegations?)\b", re.I)  # fmt: skip
_PEOPLE = re.compile(r"\b(which|what|how many)\s+(?:\w+\s+){0,2}(officials?|ministers?|persons?|"
                     r"people|delegates?|representatives?|experts?|individuals?|diplomats?|"
                     r"envoys?)\b", re.I)  # fmt: skip
_BODIES = re.compile(r"\b(which|what|how many)\s+(organi[sz]ations?|bodies|body|agencies|agency|"
                     r"institutions?|utilities|utility|companies|company|banks?|ministries|"
                     r"ministry|universities|authorities|authority)\b", re.I)  # fmt: skip


# a run of capitalised words, with the small words inside names ("Call to Action on Peatland")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:to|on|of|for|the|and)\s+)*[A-Z][\w'’-]*)*")


@dataclass(frozen=True)
class RoleQuestion:
    """What a who-did-what question asks."""

    text: str
    roles: frozenset[str]  # roles the answer's rows may have ({} for "what did X do")
    wants: str  # HOLDER, ROLE, SESSION or COUNT
    several: bool  # it asks for a list
    session: str  # the session it names ("" when none)
    person: str  # the person it names ("" when none)
    place: str  # the country it names ("Japan" for "Japan's team", "the Kenyan delegation")
    holder_kind: str  # "country" or "body" when it asks which countries or bodies, else ""
    primary: str = ""  # the role its words say first ("speaker" for "who spoke")
    cues: frozenset[str] = frozenset()  # stems of the words of an "other" role ("close", "vice")
    said: str = ""  # stem of what the role's verb acts on, "pledge" of "Who announced the pledge?"
    host_delegation: bool = False  # "the host country's delegation": its place is the host's
    # a phrase with an event's noun that may name a part of it ("the transceiver workshop",
    # "the workshop on drones"): a session when the event's articles name such a session
    part: str = ""

    @property
    def asked(self) -> str:
        """The role asked about."""
        return self.primary or next(iter(sorted(self.roles)), "")


_HOST_COUNTRY = re.compile(r"\bhost(?:ing)?\s+(?:country|nation)(?:['’]s)?\b", re.IGNORECASE)
CEREMONIES = re.compile(r"\bmasters?\s+of\s+ceremon(?:y|ies)\b", re.IGNORECASE)
# roles said in idioms, said in their word: "put pen to paper" (signed), "got X under way"
# (opened X), "deputy to the president" and "second in charge" (vice-president, vice-chair)
_IDIOMS = [
    (re.compile(p, re.IGNORECASE), to)
    for p, to in (
        (r"\bput\s+(?:\w+\s+)?pen\s+to\s+paper\b", "signed"),
        (r"\b(?:got|get\w*)\s+((?:(?!\band\b)[^,;?]){1,80}?)\s+under\s*way\b", r"opened \1"),
        (r"\bdeputy\s+(?:(?:to|of)\s+(?:the\s+)?)?(chair\w*|president)\b", r"vice-\1"),
        (r"\bsecond[\s-]+in[\s-]+(?:charge|command)\b", "vice-chair"),
    )
]  # fmt: skip


def read_role_question(text: str) -> RoleQuestion | None:
    """The question read as a who-did-what question, or None when it is not one (it asks
    what someone said, or names no role and asks no one's role)."""
    if _CONTENT.search(text) or _NOT_HELD.search(text):
        return None  # what was said; or who was to hold a role and did not: not the table's
    text = mend_spelling(text, role_words(), cue_roles())  # "delegaton"
    text = CEREMONIES.sub("MC", text)  # a host's role, said in three words
    for idiom, said in _IDIOMS:
        text = idiom.sub(said, text)
    doc = nlp.parse(text.strip())
    found: set[str] = set()
    by_session_noun: set[str] = set()  # "panel" in "who moderated the panel" names, not asks
    cues: set[str] = set()  # the words of a role of the "other" kind: "closed", "vice", ...
    session, part = _session_phrase(doc)
    # the words of the session's name name it, they do not ask ("the case studies session")
    named_from = doc.text.find(session) if session else -1
    named = range(named_from, named_from + len(session)) if named_from >= 0 else range(0)
    # nor do a document's ("the Kuopio Call to Action": "Call" asks for no speaker)
    documents = [m.span() for m in _CAPITALISED_RUN.finditer(doc.text)
                 if names_a_document(m.group())]  # fmt: skip
    # nor a title in quotation marks ("Open Science, Closed Doors?": "Closed" closed nothing)
    documents += [m.span() for m in re.finditer(r"[\"“][^\"”]+[\"”]", doc.text)]
    vice = False  # "vice-president", "vice-chair": another role, whatever else is said
    vice_words = {"vice"}  # its words, which the quote must say ("served" need not be said)
    prized = any(t.lower_ in AWARD_NOUNS for t in doc)
    timed: set[str] = set()  # roles said in a clause that tells when ("when it opened")
    for t in doc:
        if t.pos_ in {"VERB", "NOUN", "PROPN", "ADJ", "AUX"} or t.dep_ == "ROOT":
            word = _co(doc, t)
            if word.startswith("vice-"):  # its own word, which the quote must say too
                vice = True
                vice_words.add(stem(t.text))
                said = {"other"}
            else:  # "the winners" of a prize asked for (not "the winner of the election")
                noun = t.lower_.removesuffix("s")
                asked_as = noun in _ASKED_AS and (noun != "winner" or prized)
                said = set(roles_of_word(word)) or ({"award"} if asked_as else set())
            given = [c for c in t.children if c.dep_ == "oprd"]
            if t.lower_ in {"named", "name"} and given:
                # "was named Young Archivist of the Year": a title given, a prize's; "was
                # named Rapporteur": that role, which its own word says
                titled = any(roles_of_word(x.text) for c in given for x in c.subtree)
                said = set() if titled else {"award"} if given[0].pos_ == "PROPN" else said
            if t.lower_ in SESSION_NOUNS:
                by_session_noun |= said
                continue
            if t.idx in named or any(a <= t.idx < b for a, b in documents):
                continue
            if "award" in said and t.dep_ == "compound" and t.head.lower_ not in AWARD_NOUNS:
                said.discard("award")  # "the MC at the awards night": when, not a prize
            if "chair" in said:  # asked, "chaired" means the chair (an article may say it of
                said.discard("moderator")  # a moderator, a question means the chair)
            if _in_time_clause(t):  # "when the forum kicked off": when, not who opened it
                timed |= said
                continue
            if "other" in said:
                cues.add(stem(t.text))
            found |= said
    if not found:  # "who was on the panel": the session's noun is the role asked
        found = by_session_noun or timed
    if "keynote" in found:  # "who gave / delivered the keynote": that speaker, not them all
        found -= {"speaker", "presenter", "panelist"}
    delegation = any(t.lower_ in DELEGATION_NOUNS for t in doc)
    if found == {"panelist"} and not any(t.lower_ in SESSION_NOUNS for t in doc):
        found = set()  # "members" of an organisation, not of a panel
    wants = HOLDER
    belongs = asks_whose(text)  # "which country is he from": "country"
    if belongs:
        wants = WHOSE
    elif _HOW_MANY.search(text):
        wants = COUNT
    elif _WHICH_SESSION.search(text):
        wants = SESSION
    elif _WHAT_ROLE.search(text):
        wants = ROLE
    if wants == HOLDER and not _asks_a_holder(text):
        return None  # "What was the common thread ...", "Which drugs worried the chair ..."
    roles: set[str] = set()
    for role in found:
        roles |= _ASKS.get(role, set())
    if "head-of-delegation" in roles or "chair" in roles:
        if delegation:  # "who led Japan's team", "the delegation, headed by"
            roles = (roles - {"chair", "moderator", "president"}) | {"head-of-delegation"}
        else:
            roles.discard("head-of-delegation")
            if _IN_CHARGE.search(text) and "co-chair" not in roles:
                roles.add("moderator")  # "who ran the panel": its chair or its moderator
    if "president" in roles and "chair" in roles and session:  # "presided over" a session
        roles.discard("president")  # chaired it; over the event: its president or its chair
    if vice:
        roles = {"other"}  # found by its words in the quote ("vice", "chair")
        cues = vice_words
    elif roles - {"other"}:
        roles.discard("other")
    kind = belongs or ("country" if _COUNTRIES.search(text) else "body" if _BODIES.search(text)
                       else "person" if _PEOPLE.search(text) else "")  # fmt: skip
    if (kind == "body" and not session and not delegation and roles & {"chair", "moderator"}
            and "host" not in roles):  # fmt: skip
        # "Which body convened (ran) the summit?": a body runs an event by organising it
        roles, found = {"other"}, found - {"chair", "moderator"}
        cues |= {stem(w) for w in ("organise", "organize", "convene", "convener", "convenor")}
    if not roles and wants not in {ROLE, WHOSE}:
        return None
    if cues - _SERVED:  # "who served as rapporteur": the rapporteur, said in any words
        cues -= _SERVED
    person, place = names_in(text)
    host_delegation = bool(delegation and not place and _HOST_COUNTRY.search(text))
    if host_delegation:  # "the host country's delegation": its head, not the host
        roles -= {"host"}
    primary = next((r for r in _PRIMARY if r in found and r in roles), "")
    several = bool(_PLURAL.search(text)) or wants == COUNT or bool(found & _MANY)
    return RoleQuestion(
        text=text, roles=frozenset(roles), wants=wants,
        several=several, session=session, person=person, place=place, holder_kind=kind,
        primary=primary, cues=frozenset(cues), said=_said_thing(doc, session),
        host_delegation=host_delegation, part=part,
    )  # fmt: skip


# nouns a question names holders by, which articles rarely use for the role itself
_ASKED_AS = frozenset("winner recipient awardee honouree honoree prizewinner".split())
_SERVED = frozenset({stem("serve"), stem("served"), stem("acted")})
_WHEN = frozenset({"when", "as", "after", "before", "while", "once", "until"})


_AT_TIME = frozenset({"at", "during", "before", "after", "since", "until"})


def _in_time_clause(t: object) -> bool:
    """Whether a word stands in a clause or phrase that says when ("when the coffee forum
    kicked off", "as the summit closed", "at the opening"), not what the question asks."""
    if t.dep_ == "pobj" and t.head.lower_ in _AT_TIME:  # type: ignore[attr-defined]
        return True
    if t.dep_ in {"amod", "compound"} and t.head.lower_ in TIME_WORDS:  # type: ignore[attr-defined]
        return True  # "on the opening day", "the closing night"
    for head in [t, *t.ancestors]:  # type: ignore[attr-defined]
        if head.dep_ == "advcl" and any(
            c.dep_ in {"advmod", "mark"} and c.lower_ in _WHEN for c in head.children
        ):
            return True
    return False


def _said_thing(doc: object, session: str) -> str:
    """The stem of the noun a speaking verb of the question acts on, "pledge" of "Who announced
    the pledge?" (not a session, a person or a pronoun): the question asks who said that, not
    who spoke; "" when none."""
    for t in doc:  # type: ignore[attr-defined]
        if t.dep_ != "dobj" or t.pos_ != "NOUN" or t.lower_ in SESSION_NOUNS:
            continue
        if roles_of_word(t.lower_):  # "gave the speech", "presented the findings": the role
            continue
        if session and t.text in session:
            continue
        if t.head.pos_ == "VERB" and roles_of_word(t.head.lower_) & {"speaker", "presenter"}:
            return stem(t.lower_)
    return ""


def _asks_a_holder(text: str) -> bool:
    """Whether a question asks for someone: "who", "name the", or "what"/"which" with a
    person, country or body ("which countries", "what New Zealand official", "which
    co-chair"); not "what was the common thread", "which drugs", "how much", "why"."""
    asked = _FIRST_WH.search(text)
    if asked is None:  # "Name the co-chairs"
        return True
    wh = asked.group(1).lower()
    if wh in {"why", "when", "where", "how"}:  # "how much", "on average, how much": not someone
        return wh == "how" and text[asked.end() :].lstrip().lower().startswith("many")
    if wh not in {"what", "which"}:
        return True
    words = [w.lower() for w in re.findall(r"[\w-]+", text[asked.end() :])][:3]
    if not words or words[0] in _VERBS_AFTER:
        return False
    if any(x.search(text) for x in (_COUNTRIES, _PEOPLE, _BODIES)):
        return True
    # "which co-chair", "which New Zealand official"; not "which city will host"
    return bool(roles_of_word(words[0])) or any(w in _HOLDER_NOUNS for w in words)


_FIRST_WH = re.compile(r"\b(who|whom|whose|which|what|why|when|where|how)\b", re.I)
_VERBS_AFTER = frozenset("was were is are did does do has have had will would could".split())
_HOLDER_NOUNS = frozenset(
    """person people persons official officials minister ministers delegate delegates
    representative representatives expert experts individual individuals diplomat diplomats
    envoy envoys country countries nation nations state states government governments
    delegation delegations organisation organisations organization organizations body bodies
    agency agencies institution institutions company companies bank banks ministry ministries
    university universities authority authorities woman women man men leader leaders head
    heads member members party parties team teams one ones firm firms judge judges mayor mayors
    ceo ceos executive executives scientist scientists researcher researchers lawyer lawyers
    journalist journalists student students chief chiefs of""".split()  # "which of them"
)


def _co(doc: object, t: object) -> str:
    """A token's word with a "co-" or "vice-" written before it ("co-chaired", "vice-chair":
    the vice-chair is asked about as another role, found by its word in the quote)."""
    i = t.i  # type: ignore[attr-defined]
    if i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ == "co":  # type: ignore[index]
        return "co-" + t.text  # type: ignore[attr-defined]
    vice = (i >= 2 and doc[i - 1].text == "-" and doc[i - 2].lower_ == "vice") or (  # type: ignore[index]
        i >= 1 and doc[i - 1].lower_ == "vice" and t.is_alpha)  # type: ignore[index,attr-defined]  # fmt: skip
    if vice:  # "vice-chair", "vice president"
        return "vice-" + t.text  # type: ignore[attr-defined]
    return t.text  # type: ignore[attr-defined]


def _session_phrase(doc: object) -> tuple[str, str]:
    """The session the question names: a noun phrase headed by a session noun with what it is
    on ("the closing panel", "the session on pharmaceutical drugs"); and the first phrase
    headed by an event's noun that may name a part of the event ("the drone workshop")."""
    text = doc.text  # type: ignore[attr-defined]
    part = ""
    chunks = list(doc.noun_chunks)  # type: ignore[attr-defined]
    # a session's noun the tagger did not call a noun ("the roundtable on ..." as ADJ)
    chunks += [doc[t.left_edge.i : t.i + 1] for t in doc  # type: ignore[attr-defined]
               if t.lower_ in SESSION_NOUNS and t.pos_ != "NOUN" and t.i > 0]  # fmt: skip
    for chunk in chunks:
        if chunk.root.lower_ not in SESSION_NOUNS and chunk.root.lower_ not in _EVENT_HEADS:
            continue
        first = chunk.start
        while first < chunk.end and doc[first].pos_ in {"DET", "PRON"}:  # type: ignore[index]
            first += 1
        start = doc[first].idx if first < chunk.end else chunk.start_char  # type: ignore[index]
        end = chunk.end_char
        numbered = re.match(r"\s+\d+\b", text[end:])  # "Panel 2", "Working Group 1"
        end += numbered.end() if numbered else 0
        topic = _TOPIC.match(text, end)  # "... on pharmaceutical drugs" (wherever it hangs)
        if topic and not _OF_EVENT.match(topic.group(1)):  # not "of the Issyk-Kul forum"
            end = topic.end(1)
        phrase = re.sub(r"^(?:which|what)\s+", "", text[start:end], flags=re.I).strip(" ?,.")
        if chunk.root.lower_ not in SESSION_NOUNS and not _SUB_EVENT.search(phrase):
            # "the Issyk-Kul forum": the event, unless it says which part of it, or its
            # articles name a part so ("the workshop on drones": answering tells)
            part = part or phrase
            continue
        if phrase and phrase.lower() not in SESSION_NOUNS:
            return phrase, part
    return "", part


# A part of an event named with an event's noun: "the Senior Officials' Meeting", "the
# ministerial meeting", "the opening plenary"
_SUB_EVENT = re.compile(
    r"\b(senior officials?'?|officials'|ministerial|expert|technical|"
    r"preparatory|closing|opening|side|bilateral|high-level segment)\b",
    re.I,
)
_OF_EVENT = re.compile(r"(?:of|at|in|during)\s+(?:the\s+)?(?:\S+\s+){0,6}?(?:"
                       + "|".join(sorted(_EVENT_HEADS)) + r")s?\b", re.I)  # fmt: skip
_TOPIC = re.compile(r",?\s+((?:on|about|for|of|dealing with|devoted to)\s+[^,?.;]+?)"
                    r"(?=\s+(?:at|in|during)\s+(?:the\s+)?[A-Z0-9]|\s+(?:held|on (?:the )?\w+day)\b"
                    r"|[,?.;]|$)")  # fmt: skip
