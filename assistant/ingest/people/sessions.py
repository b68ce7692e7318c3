"""The sessions a sentence names: a noun phrase headed by a session noun with what it is on
("the session on pharmaceutical drugs", "the closing panel"), a numbered one with its topic
("Working Group I on Market Access"), a title in quotes ("the first panel, titled ...")."""

from __future__ import annotations

import re
from typing import Any

from assistant.roles import EVENT_NOUNS, SESSION_NOUNS


def sessions(doc: Any, base: int) -> list[tuple[int, int, str]]:
    """(start, end, name) of each session a parsed sentence names: a noun phrase headed by a
    session noun, with what it is on, however the sentence says it ("The opening session, on
    tracing cryptocurrency payments," -> "opening session on tracing cryptocurrency payments";
    "The first session dealt with maritime trafficking" -> "first session on maritime
    trafficking")."""
    out = []
    text = doc.text
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.lower_ not in SESSION_NOUNS:
            continue
        first = chunk.start
        while first < chunk.end and doc[first].pos_ in {"DET", "PRON"}:
            first += 1
        if first >= chunk.end:
            continue
        start, end = doc[first].idx, chunk.end_char
        topic = _topic(doc, root, chunk.end_char, text)
        # "one of the most anticipated sessions", "the best attended side session": what a
        # session was like, not its name
        if not topic and any(t.tag_ in {"JJS", "RBS"} for t in chunk):
            continue
        name = " ".join(text[start:end].split())
        if topic:
            name = f"{name} on {topic}"
        titled = _TITLED.match(text, end)
        if titled:  # "The first panel of the week, titled "Low Water, High Stakes", ..."
            title = next(g for g in titled.groups() if g)
            name = f'{name} "{" ".join(title.split())}"'
        out.append((base + start, base + end, name.strip(" ,")))
    # "Working Group I on Market Access and Living Income": the parser reads "I" as a pronoun
    for m in _NUMBERED.finditer(text):
        name, topic = " ".join(m.group(1).split()), _capitalised_topic(m.group(2) or "")
        inside = [x for x in out if m.start(1) <= x[0] - base and x[1] - base <= m.end(1)]
        if not topic and any(x[2] != name for x in inside):
            continue  # the parse read more of it ("Track B on heat and health")
        out = [x for x in out if x not in inside]  # "Panel" of "Panel 2: Green Ports"
        if any(s - base < m.end(1) and m.start(1) < e - base for s, e, _ in out):
            continue
        out.append((base + m.start(1), base + m.end(1), f"{name} on {topic}" if topic else name))
    return out


_NUMBERED = re.compile(
    r"\b((?:(?:Working|Technical|Parallel|Plenary|Thematic|Expert|Ministerial|High-Level|Special|"
    r"Side|Breakout|Opening|Closing)\s+){0,2}(?:Group|Panel|Session|Plenary|Track|Roundtable|Segment|"
    r"Dialogue|Seminar|Breakout)\s+(?:[IVX]{1,4}|[A-H]|\d{1,2})\b)(?:\s*(?:[:–—-]|on)\s+(.{3,160}))?"
)
_SMALL = frozenset("and of the for in on to & a".split())


def _capitalised_topic(text: str) -> str:
    """The capitalised run a numbered session's topic is written as ("Market Access and
    Living Income" of "Market Access and Living Income met under ...")."""
    words = []
    for w in text.split():
        if not (w[:1].isupper() or w.lower() in _SMALL):
            break
        words.append(w)
        if w[-1:] in ",;:.)":
            break
    while words and words[-1].lower() in _SMALL:
        words.pop()
    return " ".join(words).rstrip(",;:.)")


_TOPIC_WORDS = {"on", "about", "for", "of", "regarding", "concerning"}
_TOPIC_VERBS = {"deal", "dealt", "focus", "focused", "focussed", "discuss", "discussed",
                "address", "addressed", "examine", "examined", "cover", "covered", "concern",
                "concerned", "consider", "considered", "tackle", "tackled", "explore",
                "explored", "devote", "devoted", "dedicate", "dedicated", "look", "looked",
                "centre", "centred", "center", "centered", "review", "reviewed"}  # fmt: skip
_NOT_TOPICS = EVENT_NOUNS | frozenset(
    "day days morning afternoon evening week programme program agenda year".split()
)
_TITLED = re.compile(
    r"(?:\s+of\s+the\s+\w+)?\s*,?\s*\(?\s*(?:titled|entitled|called|dubbed|billed\s+as|named"
    r"|themed|under\s+the\s+(?:title|banner|heading))\s*:?\s*"
    r"(?:\"([^\"]{3,160})\"|“([^”]{3,160})”|‘([^’]{3,160}(?:’\w[^’]*)*)’)"
)  # a title in quotes (curly single quotes may hold an apostrophe: ‘Women’s Voices’)
_TEXT_TOPIC = re.compile(r"\s*,?\s*(?:on|about|regarding)\s+([^,;:.()]{3,120})")


def _topic(doc: Any, root: Any, end: int, text: str) -> str:
    """What a session is on: a preposition hanging on its noun ("session on X"), the words
    after it (", on X,"), or what the sentence says it dealt with."""
    for t in root.rights:
        if t.dep_ == "prep" and t.lower_ in _TOPIC_WORDS:
            words = [x for x in t.subtree if x.i != t.i]
            objects = [x for x in t.children if x.dep_ == "pobj"]
            if objects and objects[0].lower_ in _NOT_TOPICS:  # "of the conference", "of the day"
                last = max(x.i for x in t.subtree)
                end = max(end, doc[last].idx + len(doc[last]))
                continue
            # not a clause set off after it (", led by Dr Aroha Ngata of ...")
            cut = next((x.i for x in words if x.dep_ in {"acl", "relcl"} and x.i > 0
                        and doc[x.i - 1].text == ","), None)  # fmt: skip
            if cut is not None:
                words = [x for x in words if x.i < cut - 1]
            if words:
                return " ".join(text[words[0].idx : words[-1].idx + len(words[-1])].split())
    after = _TEXT_TOPIC.match(text, end)
    if after:
        return " ".join(after.group(1).split()).strip(" '‘’\"“”")
    verb = root.head
    if root.dep_ in {"nsubj", "nsubjpass"} and verb.lower_ in _TOPIC_VERBS:
        for t in verb.rights:
            if t.dep_ in {"dobj", "prep", "attr", "xcomp"} and t.lower_ not in {"by", "in", "at"}:
                words = [x for x in t.subtree if x.dep_ != "prep" or x.i != t.i]
                words = [x for x in words if x.i != t.i or t.dep_ != "prep"]
                if words:
                    return " ".join(text[words[0].idx : words[-1].idx + len(words[-1])].split())[
                        :160
                    ]
    return ""
