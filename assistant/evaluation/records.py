"""The records of question sets and evaluation runs: a question with what a right answer
holds, a case (one question or a conversation), how a turn was answered and scored, and one
run's results."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.types import Answer


@dataclass(frozen=True)
class Turn:
    """One question of a question set with what a right answer holds."""

    question: str
    answers: tuple[str, ...] = ()
    answers_all: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    answerable: bool = True
    # A conversation data set's turn (CoQA): the evidence is right when the quote overlaps
    # this passage of the article (found near `rationale_at`, a fraction of the text), and
    # a yes/no answer has no short answer to score.
    rationale: str = ""
    rationale_at: float = 0.0
    yes_no: bool = False
    # `answers_all` as given: each item with every form that counts for it ("Ji-won", "Park
    # Ji-won"); answers_all holds the first form of each
    items: tuple[tuple[str, ...], ...] = ()
    tags: tuple[str, ...] = ()  # what kind of question it is (role, list, count, refuse ...)

    @property
    def all_items(self) -> tuple[tuple[str, ...], ...]:
        """Every item an answer must hold, each with the forms that count."""
        return self.items or tuple((a,) for a in self.answers_all)


@dataclass(frozen=True)
class EvalCase:
    """A question, or a conversation of several turns; `scope`: the articles its questions
    are asked about when a run is filtered per article (a CoQA story)."""

    id: str
    turns: tuple[Turn, ...]
    scope: tuple[str, ...] = ()


@dataclass
class TurnResult:
    """How one turn was answered and scored."""

    case_id: str
    turn: int
    expected: Turn
    answer: Answer
    correct: bool  # evidence: the quote holds a gold answer (or the turn was rightly refused)
    reason: str
    source_ok: bool | None  # None: no sources expected, or nothing cited
    short_ok: bool | None = None  # the short answer holds one; None for unanswerable turns
    items: tuple[float, float] | None = None  # a list's (item recall, item precision)


@dataclass
class Evaluation:
    """One evaluation run: the assistant's metrics and rows, the baselines' metrics, the
    comparison with the previous run in the same report folder, and where the report is."""

    questions: str
    backend: str
    started: str
    metrics: dict[str, float | None]
    categories: dict[str, dict[str, float | None]]
    cases: list[dict[str, Any]]
    baselines: dict[str, dict[str, Any]] = field(default_factory=dict)
    previous: str | None = None
    diff: dict[str, list[Any]] = field(default_factory=lambda: {"broke": [], "fixed": []})
    report_dir: Path | None = None

    def as_dict(self) -> dict[str, Any]:
        """The results as written to results.json (and read back by the next run)."""
        return {
            "questions": self.questions,
            "backend": self.backend,
            "started": self.started,
            "metrics": self.metrics,
            "categories": self.categories,
            "cases": self.cases,
            "baselines": self.baselines,
            "previous": self.previous,
            "diff": self.diff,
        }
