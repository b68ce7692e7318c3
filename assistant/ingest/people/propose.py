"""Candidate (holder, role) pairs of a parsed sentence, each described by named features: a
sentence proposes a role for a holder when it holds a word that may say the role
(roles.CUES); how the holder stands to that word in the parse, what the word governs, whether
it is planned or denied, decide with the fitted model whether the holder had the role.

Every feature is general English; FEATURES documents each, in column order."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.ingest.people.mentions import BODY, COUNTRY, PERSON, Mention
from assistant.language import TITLES, stem
from assistant.roles import (
    AWARD_NOUNS,
    DELEGATION_NOUNS,
    EVENT_NOUNS,
    ROLES,
    SESSION_NOUNS,
    cue_roles,
    roles_of_word,
)

RELATIONS = (
    "subject", "agent", "object", "appos", "poss", "compound", "as", "to", "clause",
    "holder_subject", "cue_subject", "under", "over", "sibling", "table", "before",
)  # fmt: skip
LABELS = ("PERSON", "ORG", "GPE", "NORP", "none")
DEPS = (
    "nsubj", "nsubjpass", "pobj", "dobj", "appos", "conj", "compound", "poss", "attr", "ROOT",
    "acl", "relcl", "advcl", "xcomp", "ccomp", "npadvmod", "amod", "other",
)  # fmt: skip
CUE_STEMS = tuple(sorted({stem for stem in cue_roles()}))
_PARTICLES = frozenset(
    "de del della di da van von der den la le bin binti al el ibn dos das".split()
)
_DOCUMENT = re.compile(
    r"\b(declaration|communiqu[eé]|charter|commitment|plan|report|strategy|agreement|"
    r"framework|statement|pledge|accord|compact|protocol|memorandum|roadmap|convention)$",
    re.IGNORECASE,
)


def names_a_document(name: str) -> bool:
    """Whether a name is a text adopted or signed ("the Montevideo Charter", "Windhoek
    Declaration on Safe Speeds"), never a body ("Convention on Biological Diversity", "Colombo
    Plan" are both): such a text holds no role."""
    head = re.split(r"\s+(?:on|of|for)\s+", name.strip(" .,;:"), maxsplit=1)[0]
    return bool(_ADOPTED.search(head))


_ADOPTED = re.compile(
    r"\b(declaration|communiqu[eé]|charter|pledge|accord|memorandum|roadmap|call(?: to action)?)$",
    re.IGNORECASE,
)
# what was said away from the event or before it
ELSEWHERE = re.compile(
    r"\b(?:interview|in a statement|statement (?:issued|released|published|sent)|press release|"
    r"(?:last|earlier this|the previous) (?:month|year|autumn|spring|summer|winter)|"
    r"told (?:a|the) \w+ (?:radio|television|newspaper|station|channel|podcast))\b",
    re.IGNORECASE,
)
# another edition of the event ("the previous edition ... was presided over by", "next
# year's summit"): its roles are not this one's
OTHER_EDITION = re.compile(
    r"\b(?:(?:previous|preceding|past|prior|last|next|upcoming|following|forthcoming)|"
    r"(?:19|20)\d\d(?:'s)?|(?:last|next) year's)\s+(?:edition|conference|summit|congress|"
    r"forum|gathering|assembly|meeting|symposium|convention)s?\b",
    re.IGNORECASE,
)
PLANNED = frozenset("will would shall may might 'll expected scheduled due set slated planned "
                     "billed poised".split())  # fmt: skip
BILLED = frozenset("announced advertised listed billed original intended programmed".split())
CALLED_OFF = frozenset("withdraw lose cancel replace".split())  # "the moderator withdrew"

FEATURES: dict[str, str] = {
    **{f"role_{r}": f"the role proposed is {r}" for r in ROLES},
    **{f"relation_{r}": f"how the holder stands to the cue word: {r}" for r in RELATIONS},
    "relation_before": "the cue word is in the sentence before, in the same paragraph, and "
    "this one says no role ('... a bench of panellists. Anjali Deshpande sat beside ...')",
    "path": "dependency steps between the holder and the cue word (capped at 8), / 8",
    "distance": "words between the holder and the cue word (capped at 20), / 20",
    "between": "other holders between the holder and the cue word (capped at 3), / 3",
    "nearest": "the holder is the holder nearest the cue word",
    "in_list": "the holder is one of a list ('A and B', 'A, B and C')",
    "person": "the holder is a person",
    "country": "the holder is a country",
    "body": "the holder is a body (ministry, agency, company, university)",
    "unlabelled": "the recogniser did not mark the holder (a run of proper nouns)",
    "pronoun": "the holder is the person a pronoun stands for ('He chaired ...')",
    "cue_noun": "the cue word is a noun ('chair', 'moderator', 'keynote')",
    "cue_verb": "the cue word is a verb ('chaired', 'presided')",
    "cue_ambiguous": "the cue word may say other roles too",
    "cue_co": "the cue word is written with co- ('co-chaired')",
    "cue_jointly": "the cue word is said of several at once ('jointly chaired', 'shared the "
    "chair')",
    "governs_session": "the cue word or what it hangs on names a session or panel",
    "governs_delegation": "... a delegation or team",
    "governs_event": "... the event (conference, summit, meeting)",
    "governs_award": "... an award or prize",
    "planned": "the cue word is in the future or planned ('will chair', 'is expected to', "
    "'its advertised moderator')",
    "unrealised": "the cue word says a plan that did not happen ('was to have been moderated "
    "by', 'had been due to chair', 'the moderator, X, withdrew')",
    "negated": "the cue word is denied ('did not chair')",
    "holders": "holders in the sentence (capped at 6), / 6",
    "quote_marks": "the sentence holds quotation marks (what someone said)",
    "said_elsewhere": "the sentence says it was said elsewhere or before ('in an interview', "
    "'in a statement issued in Geneva', 'told a radio station last month')",
    "other_edition": "the sentence speaks of another edition of the event ('the previous "
    "edition', 'next year's summit', 'the 2023 conference')",
    "cue_present": "the cue word is a verb in the present tense ('who chairs the national "
    "board at home': a title held elsewhere)",
    "first_in_sentence": "the holder opens the sentence",
    "session_here": "the sentence names a session (set when the article is read)",
    "session_just_before": "the sentence names none, the one before it in its paragraph does "
    "('The working group met on Wednesday. It was led by ...')",
    **{f"label_{x}": f"the recogniser called the holder {x}" for x in LABELS},
    "name_words": "words in the holder's name (capped at 6), / 6",
    "name_lower": "the holder's name holds a word in lower case (not a particle: 'de', 'van')",
    "name_document": "the holder's name ends like a document's (Declaration, Communiqué, Plan)",
    "name_award": "the holder's name ends like a prize's (Medal, Award, Prize)",
    "name_title": "the holder's name is a title ('Deputy Governor', 'Chief Economist')",
    "name_place": "the article writes the holder's name where a place stands too ('teaches in "
    "Kraków', 'the Kraków conference'; set when the article is read)",
    **{f"holder_dep_{d}": f"the holder's word is the {d} of its head" for d in DEPS},
    **{f"cue_dep_{d}": f"the cue word is the {d} of its head" for d in DEPS},
    "cue_by": "a 'by' hangs on the cue word (a passive: 'chaired by')",
    **{f"cue_{w}": f"the cue word is '{w}' (or a form of it)" for w in CUE_STEMS},
}
NAMES = tuple(FEATURES)


@dataclass(frozen=True)
class Candidate:
    """A holder proposed for a role by a sentence (start, end: the sentence in the article),
    with its features in FEATURES order."""

    holder: Mention
    role: str
    start: int
    end: int
    cue: str
    features: tuple[float, ...]
    organisation: str = ""  # the holder's country or body, when the sentence says it
    session: str = ""  # the session the role was held in ("": the event as a whole)
    at: int = -1  # where the cue word is in the article


def cue_tokens(doc: Any) -> list[tuple[Any, frozenset[str], bool]]:
    """(token, roles it may say, written with co-) for each word of the sentence that may say
    a role."""
    out = []
    for t in doc:
        word, co = t.text, False
        joined = t.i >= 2 and doc[t.i - 1].text in {"-", "‑"}
        if joined and doc[t.i - 2].lower_ == "co":
            word, co = "co-" + t.text, True
        elif joined and doc[t.i - 2].lower_ == "vice":  # a vice-chair is not the chair
            out.append((t, frozenset({"other"}), False))
            continue
        elif joined and doc[t.i - 2].lower_ == "curtain" and t.lower_.startswith("raiser"):
            word = "curtain-raiser"  # the talk that opens a day: a keynote
        elif joined or t.lower_ in {"co", "vice"} or _says_none(t):
            continue  # a compound adjective says no role: "glass-fronted", "state-led"
        elif t.lower_ == "master" and doc[t.i + 1 : t.i + 3].text.lower() == "of ceremonies":
            out.append((t, frozenset({"host"}), False))  # "served as master of ceremonies"
            continue
        roles = roles_of_word(word)
        if roles:
            co = co or word.lower().startswith(("co-", "co‑", "cochair"))  # not "compered"
            out.append((t, roles, co))
    return out


def _says_none(t: Any) -> bool:  # "in front of"; "the open session", "open data"
    before = t.doc[t.i - 1].lower_ if t.i > 0 else ""
    return (t.lower_, before) == ("front", "in") or (t.lower_, t.dep_) == ("open", "amod")


def token_of(doc: Any, base: int, mention: Mention) -> Any:
    span = doc.char_span(mention.start - base, mention.end - base, alignment_mode="expand")
    return span.root if span is not None and len(span) else doc[0]


def _up(token: Any) -> list[Any]:
    chain = [token]
    while chain[-1].head.i != chain[-1].i:
        chain.append(chain[-1].head)
    return chain


def relation(holder: Any, cue: Any) -> tuple[str, int]:
    """How a holder's token stands to a cue word in the parse, and the steps between them."""
    if cue.pos_ == "ADJ" and cue.dep_ in {"ccomp", "oprd", "xcomp"} and cue.head.pos_ == "VERB":
        cue = cue.head  # a small clause: "X declared the forum open" says it of X
    up, down = _up(holder), _up(cue)
    down_at = {t.i: n for n, t in enumerate(down)}
    at = next((n for n, t in enumerate(up) if t.i in down_at), None)
    if at is None:
        return "sibling", 8
    common = up[at]
    hs = [_apposed(t) for t in up[:at]]
    cs = [t.dep_ for t in down[: down_at[common.i]]]
    steps = len(hs) + len(cs)
    if common.i == cue.i:
        if hs in (["nsubj"], ["nsubjpass"]):
            return "subject", steps
        if hs[-2:] == ["pobj", "agent"]:
            return "agent", steps
        if hs[-2:] == ["pobj", "prep"] and up[len(hs) - 1].lower_ == "to":
            return "to", steps  # "awarded to X", "went to X"
        if hs and hs[0] == "appos":
            return "appos", steps
        if hs == ["poss"]:
            return "poss", steps
        if hs in (["dobj"], ["dative"], ["oprd"]):
            return "object", steps
        if any(t.lower_ == "as" for t in up[1:at]):
            return "as", steps
        return "under", steps
    if common.i == holder.i:
        if cs == ["compound"] or cs == ["amod"]:
            return "compound", steps
        if cs and cs[-1] == "appos":
            return "appos", steps
        if {"relcl", "acl"} & set(cs):
            return "clause", steps
        return "over", steps
    if any(t.lower_ == "as" for t in down[: down_at[common.i]]):
        return "as", steps
    if "relcl" in hs or "relcl" in cs or "advcl" in cs or "ccomp" in cs:
        return "sibling", steps  # another clause
    if hs[-1:] in (["nsubj"], ["nsubjpass"]):
        return "holder_subject", steps  # "X was in the chair", "X gave the keynote"
    if cs[-1:] in (["nsubj"], ["nsubjpass"]) and hs[-1:] in (
        ["dobj"],
        ["attr"],
        ["oprd"],
        ["agent"],
        ["prep"],
        ["dative"],
        ["pobj"],
    ):
        return "cue_subject", steps  # "The panel included X", "The prize went to X"
    return "sibling", steps


def _apposed(token: Any) -> str:
    """A token's dependency, a name set off by commas after a noun read as its appositive
    ("Senegal's Minister of Environment, Ndèye Fatou Sarr-Diagne, declared ...": the parser
    often hangs such a name on the noun as an adverbial modifier)."""
    first = token.left_edge.i
    nominal = token.head.pos_ in {"NOUN", "PROPN"}
    if token.dep_ == "npadvmod" and nominal and first > 0 and token.doc[first - 1].text == ",":
        return "appos"
    return token.dep_


def _governs(cue: Any) -> set[str]:
    near = {cue.lower_, cue.head.lower_}
    near |= {c.lower_ for c in cue.children} | {c.lower_ for c in cue.head.children}
    kinds = set()
    for nouns, kind in ((SESSION_NOUNS, "session"), (DELEGATION_NOUNS, "delegation"),
                        (EVENT_NOUNS, "event"), (AWARD_NOUNS, "award")):  # fmt: skip
        if near & nouns:
            kinds.add(kind)
    return kinds


def _jointly(cue: Any) -> bool:
    """Whether a cue word is said of several holders at once ("jointly chaired", "shared the
    chair", "chaired together")."""
    around = [*cue.children, *cue.head.children]
    return any(t.lower_ in _JOINTLY for t in around) or "share" in {cue.lemma_, cue.head.lemma_}


_JOINTLY = frozenset("jointly together joint".split())


def _planned(cue: Any) -> bool:
    around = [cue, cue.head, *cue.children, *cue.head.children]
    # "its advertised moderator", "the announced speaker": who was to, not who did
    return any(t.lower_ in PLANNED for t in around) or any(
        c.dep_ == "amod" and c.lower_ in BILLED for c in cue.children)  # fmt: skip


def _unrealised(cue: Any) -> bool:
    """Whether the cue word says a plan that did not happen: "was to have been moderated by",
    "had been due to chair", "was originally to open", "was meant to speak"."""
    text = " ".join(t.lower_ for t in cue.doc[max(0, cue.i - 6) : cue.i])
    # "the moderator, X, withdrew", "the panel lost its moderator", "... fell ill"
    head = cue.head
    called_off = head.lemma_ in CALLED_OFF or (
        head.lemma_ == "fall" and any(c.lower_ == "ill" for c in head.children))  # fmt: skip
    return bool(UNREALISED.search(text)) or (cue.pos_ == "NOUN" and called_off)


UNREALISED = re.compile(
    r"\b(?:(?:was|were)(?: \w+)? to have|had been (?:due|expected|scheduled|set|slated|"
    r"billed|meant|planned|asked)|originally|(?:was|were) meant|had planned)\b"
)


def _negated(cue: Any) -> bool:
    return any(c.dep_ == "neg" for c in (*cue.children, *cue.head.children))


def propose(doc: Any, base: int, mentions: list[Mention], start: int, end: int) -> list[Candidate]:
    """The candidates of one parsed sentence (doc; base: its offset in the article; mentions:
    its holders, a pronoun's person among them; start, end: the sentence, the quote)."""
    cues = cue_tokens(doc)
    if not cues or not mentions:
        return []
    # a word of a person's name after its first says no role ("Dr Amani Said": "Said" is her
    # name); its first may be a role written as a title ("Moderator Ana Ruiz"), and a prize or
    # a text the recogniser called a person keeps its words ("the Road Safety Champion Award")
    named = set()
    for m in mentions:
        span = doc.char_span(m.start - base, m.end - base, alignment_mode="expand")
        if m.kind == PERSON and not m.pronoun and not _a_thing(m.name) and span is not None:
            named |= {t.i for t in span[1:]}
    cues = [c for c in cues if c[0].i not in named]
    if not cues:
        return []
    tokens = [token_of(doc, base, m) for m in mentions]
    sentence = doc.text
    out = []
    for mention, token in zip(mentions, tokens, strict=True):
        first = token
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        # per role, the cue word nearest the holder in the parse, the nearest verb when that
        # is another word ("chaired by Amina Kariuki, head of ...": the verb says the role,
        # the title does not), and the nearest word that says that role alone when that is
        # another again ("took the moderator's chair": "moderator", not "chair"); the model
        # decides each, the row keeps the surer
        best: dict[str, tuple[int, Any, str, bool]] = {}
        verb: dict[str, tuple[int, Any, str, bool]] = {}
        alone: dict[str, list[tuple[int, Any, str, bool]]] = {}
        for cue, roles, co in cues:
            if cue.i == token.i:
                continue
            kind, steps = relation(first, cue)
            for role in roles:
                if role not in best or steps < best[role][0]:
                    best[role] = (steps, cue, kind, co)
                if cue.pos_ == "VERB" and (role not in verb or steps < verb[role][0]):
                    verb[role] = (steps, cue, kind, co)
                if len(roles) == 1:
                    alone.setdefault(role, []).append((steps, cue, kind, co))
        if "chair" in best and "co-chair" not in best and _jointly(best["chair"][1]):
            best["co-chair"] = best["chair"]  # "A and B jointly chaired": co-chairs
        chosen = [*best.items(), *((r, v) for r, v in verb.items() if v[1] is not best[r][1])]
        for role, found in alone.items():
            taken = {best[role][1].i, *((verb[role][1].i,) if role in verb else ())}
            others = [x for x in found if x[1].i not in taken]
            if others:
                chosen.append((role, min(others, key=lambda x: x[0])))
        for role, (steps, cue, kind, co) in chosen:
            between = sum(1 for t in tokens if min(cue.i, token.i) < t.i < max(cue.i, token.i))
            nearest = min(tokens, key=lambda t: abs(t.i - cue.i)).i == token.i
            governs = _governs(cue)
            values = {
                f"role_{role}": 1.0,
                f"relation_{kind}": 1.0,
                "path": min(steps, 8) / 8,
                "distance": min(abs(cue.i - token.i), 20) / 20,
                "between": min(between, 3) / 3,
                "nearest": float(nearest),
                "in_list": float(
                    first is not token or any(c.dep_ == "conj" for c in token.children)
                ),
                "person": float(mention.kind == PERSON),
                "country": float(mention.kind == COUNTRY),
                "body": float(mention.kind == BODY),
                "unlabelled": float(not mention.label),
                "pronoun": float(mention.pronoun),
                "cue_noun": float(cue.pos_ in {"NOUN", "PROPN"}),
                "cue_verb": float(cue.pos_ in {"VERB", "AUX"}),
                "cue_ambiguous": float(len(roles_of_word(cue.text)) > 1),
                "cue_co": float(co),
                "cue_jointly": float(_jointly(cue)),
                **{f"governs_{k}": 1.0 for k in governs},
                "planned": float(_planned(cue)),
                "unrealised": float(_unrealised(cue)),
                "negated": float(_negated(cue)),
                "holders": min(len(mentions), 6) / 6,
                "quote_marks": float(bool(re.search(r"[\"“”]", sentence))),
                "said_elsewhere": float(bool(ELSEWHERE.search(sentence))),
                "other_edition": float(bool(OTHER_EDITION.search(sentence))),
                "cue_present": float(cue.tag_ in {"VBZ", "VBP"}),
                "first_in_sentence": float(token.i == min(t.i for t in tokens) and token.i < 4),
                **holder_features(mention, token),
                f"cue_dep_{_dep(cue)}": 1.0,
                "cue_by": float(any(c.dep_ == "agent" for c in cue.children)),
                f"cue_{stem(cue.text)}": 1.0,
            }
            features = tuple(values.get(n, 0.0) for n in NAMES)
            out.append(Candidate(mention, role, start, end, cue.text, features,
                                 at=base + cue.idx))  # fmt: skip
    return out


def _a_thing(name: str) -> bool:
    """Whether a name ends like a prize's or a document's, not a person's."""
    return name.split()[-1].lower().removesuffix("s") in AWARD_NOUNS or names_a_document(name)


def _dep(token: Any) -> str:
    return token.dep_ if token.dep_ in DEPS else "other"


def holder_features(mention: Mention, token: Any) -> dict[str, float]:
    """What the holder's name and place say of it."""
    words = mention.name.split()
    lower = any(w[:1].islower() and w.lower() not in _PARTICLES for w in words)
    out = {
        f"label_{mention.label or 'none'}": 1.0,
        "name_words": min(len(words), 6) / 6,
        "name_lower": float(lower),
        "name_document": float(bool(_DOCUMENT.search(mention.name))),
        "name_award": float(words[-1].lower().removesuffix("s") in AWARD_NOUNS),
        "name_title": float(words[-1].lower() in TITLES or words[0].lower() in TITLES),
    }
    if token is not None:
        out[f"holder_dep_{_dep(token)}"] = 1.0
    return out
