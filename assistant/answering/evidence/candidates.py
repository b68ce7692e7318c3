"""Candidate sentences -> candidate units: each sentence alone, and with the sentence before
it ("This session was chaired by ..." needs the sentence that names the session)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.store.reader import Snapshot
from assistant.types import Sentence


@dataclass(frozen=True)
class Unit:
    """One sentence, or two consecutive ones of one article, considered as the evidence."""

    sentences: tuple[Sentence, ...]

    @property
    def article_id(self) -> str:
        return self.sentences[0].article_id

    @property
    def start(self) -> int:
        return self.sentences[0].start

    @property
    def end(self) -> int:
        return self.sentences[-1].end

    @property
    def last(self) -> Sentence:
        return self.sentences[-1]


def candidate_units(index: Snapshot, sentences: list[Sentence]) -> list[Unit]:
    """Every candidate sentence alone and with the sentence before it, without repeats."""
    units: dict[tuple[int, ...], Unit] = {}
    for s in sorted(sentences, key=lambda s: s.row):
        units.setdefault((s.row,), Unit((s,)))
        if s.position > 0:
            previous = index.sentences(s.article_id)[s.position - 1]
            units.setdefault((previous.row, s.row), Unit((previous, s)))
    return list(units.values())
