"""How an answer is matched against gold answers: normalised whole-word containment, and
SQuAD's token F1 for short answers."""

from __future__ import annotations

import re
from collections.abc import Sequence


def normalise(text: str) -> str:
    """Lower case, no punctuation, no thousands separators, single spaces."""
    text = re.sub(r"(?<=\d)[,.](?=\d{3}\b)", "", text.lower())
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def contains(answer: str, alias: str) -> bool:
    """Whether the alias appears in the answer as whole words (after normalising both)."""
    return f" {normalise(alias)} " in f" {normalise(answer)} "


def token_f1(answer: str, gold: str) -> float:
    """SQuAD-style token F1 between an answer and one gold string."""
    a, g = normalise(answer).split(), normalise(gold).split()
    if not a or not g:
        return float(a == g)
    common = sum(min(a.count(w), g.count(w)) for w in set(g))
    if common == 0:
        return 0.0
    precision, recall = common / len(a), common / len(g)
    return 2 * precision * recall / (precision + recall)


def holds_answer(text: str, answers: Sequence[str], answers_all: Sequence[str]) -> bool:
    """Evidence is right when it contains one of `answers` and all of `answers_all`."""
    if answers and not any(contains(text, a) for a in answers):
        return False
    return all(contains(text, a) for a in answers_all)


def short_correct(short: str, answers: Sequence[str], answers_all: Sequence[str]) -> bool:
    """A short answer is right when it contains a gold answer or shares most of its words
    with one (token F1 >= 0.5); with `answers_all`, it must contain every one of them."""
    if not short.strip():
        return False
    if answers_all:
        return all(contains(short, a) for a in answers_all)
    return any(contains(short, a) or token_f1(short, a) >= 0.5 for a in answers)


def locate(text: str, fragment: str, near: float = 0.0) -> tuple[int, int] | None:
    """(start, end) in text of the fragment, whitespace aside; of several, the one nearest
    the fraction `near` of the text. None when it is not there."""
    words = fragment.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    found = [(m.start(), m.end()) for m in re.finditer(pattern, text)]
    if not found:
        found = [(m.start(), m.end()) for m in re.finditer(pattern, text, re.IGNORECASE)]
    if not found:
        return None
    return min(found, key=lambda span: abs(span[0] / max(1, len(text)) - near))


def overlaps(span: tuple[int, int], start: int, end: int) -> bool:
    """Whether text[start:end] shares at least one character with the span."""
    return start < span[1] and span[0] < end
