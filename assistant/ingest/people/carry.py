"""The candidates of a sentence that says no role, from the words of the sentence before it
that may say one ("Grünwald had assembled a bench of panellists. Anjali Deshpande ... sat
beside Hanna Virtanen ..."): the parse cannot join two sentences, so the holder stands to the
cue word by the relation "before", and the fitted model decides as for any candidate."""

from __future__ import annotations

import re
from typing import Any

from assistant.ingest.people.mentions import BODY, COUNTRY, PERSON, Mention
from assistant.ingest.people.propose import (
    ELSEWHERE,
    NAMES,
    OTHER_EDITION,
    PLANNED,
    UNREALISED,
    Candidate,
    holder_features,
    token_of,
)
from assistant.language import stem
from assistant.roles import roles_of_word


def cue_words(sentence: str) -> list[tuple[str, frozenset[str]]]:
    """(word, roles it may say) for each word of an unparsed sentence that may say a role, in
    order (what a sentence hands on to the next: carried)."""
    out = []
    for word in _WORD.findall(sentence):
        roles = roles_of_word(word)
        if roles:
            out.append((word, roles))
    return out


_WORD = re.compile(r"[A-Za-z][\w-]*")


def carried(
    doc: Any, base: int, mentions: list[Mention], start: int, end: int,
    cues_before: list[tuple[str, frozenset[str]]],
) -> list[Candidate]:  # fmt: skip
    """The candidates of a sentence that says no role, from the words that may say one in the
    sentence before it ("Grünwald had assembled a bench of panellists. Anjali Deshpande ... sat
    beside Hanna Virtanen ..."): per role, the last such word (cues_before: (word, roles), in
    order); the parse cannot join two sentences, so the relation is "before". Only a list is
    handed on (two holders or more), and no speaking: what the one before said ("said",
    "told") says nothing of who speaks next."""
    last: dict[str, str] = {}
    for word, roles in cues_before:
        for role in roles - {"speaker"}:
            last[role] = word
    if not last or len(mentions) < 2:
        return []
    tokens = [token_of(doc, base, m) for m in mentions]
    sentence = doc.text
    # what this sentence says of them: "C, originally billed to speak, withdrew"
    planned = any(t.lower_ in PLANNED for t in doc)
    negated = any(t.dep_ == "neg" for t in doc)
    unrealised = bool(UNREALISED.search(sentence.lower()))
    out = []
    for mention, token in zip(mentions, tokens, strict=True):
        for role, word in last.items():
            values = {
                f"role_{role}": 1.0,
                "relation_before": 1.0,
                "path": 1.0,
                "distance": 1.0,
                "between": min(sum(1 for t in tokens if t.i < token.i), 3) / 3,
                "in_list": float(
                    token.dep_ == "conj" or any(c.dep_ == "conj" for c in token.children)
                ),
                "person": float(mention.kind == PERSON),
                "country": float(mention.kind == COUNTRY),
                "body": float(mention.kind == BODY),
                "unlabelled": float(not mention.label),
                "pronoun": float(mention.pronoun),
                "cue_ambiguous": float(len(roles_of_word(word)) > 1),
                "planned": float(planned),
                "negated": float(negated),
                "unrealised": float(unrealised),
                "holders": min(len(mentions), 6) / 6,
                "quote_marks": float(bool(re.search(r"[\"“”]", sentence))),
                "said_elsewhere": float(bool(ELSEWHERE.search(sentence))),
                "other_edition": float(bool(OTHER_EDITION.search(sentence))),
                "first_in_sentence": float(token.i == min(t.i for t in tokens) and token.i < 4),
                **holder_features(mention, token),
                f"cue_{stem(word)}": 1.0,
            }
            features = tuple(values.get(n, 0.0) for n in NAMES)
            out.append(Candidate(mention, role, start, end, word, features, at=start))
    return out
