"""The training data of the evidence model: each training set (data/training.yaml) indexed in a
scratch folder and every question turn put through the serving path up to the features
(`Answerer.understand` and `Answerer.candidates`, as a learning-to-rank engine logs features by
running the serving query), with the gold evidence forced in when retrieval missed it; each
unit is labelled right when it holds a gold answer from an expected source."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.answering import Answerer, Candidates, Lexicon, Understood, Unit
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation.matching import holds_answer, locate, overlaps
from assistant.evaluation.questions import load_coqa, load_questions, load_squad, read_yaml
from assistant.evaluation.records import EvalCase, Turn
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index, Snapshot
from assistant.store.sync import sync_index
from assistant.types import ChatTurn, Filters

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "data" / "training.yaml"
SET_WEIGHT = 3.0  # a question of the project's own sets, against one of SQuAD's or CoQA's
COQA_FOLDS = 5  # CoQA's stories are dealt into this many folds (each story in one)
Log = Callable[[str], None]


@dataclass(frozen=True)
class TrainingSet:
    name: str
    corpus: Path | None = None
    questions: Path | None = None
    squad: Path | None = None
    coqa: Path | None = None
    group: str = ""  # the fold of a question set (sets over one corpus share one)

    @property
    def outside(self) -> bool:
        """Data from outside the project (SQuAD, CoQA), not written for it."""
        return self.squad is not None or self.coqa is not None

    @property
    def source(self) -> str:
        """squad, coqa, or project (a question set written for this project)."""
        return "squad" if self.squad else "coqa" if self.coqa else "project"


@dataclass
class Example:
    """One question turn of the training data with its candidate units."""

    set: str
    group: str
    question: str
    answerable: bool
    answers: tuple[str, ...]
    answers_all: tuple[str, ...]
    found: Candidates
    labels: np.ndarray  # one per unit: holds a gold answer from an expected source
    index: Snapshot
    lexicon: Lexicon
    scores: np.ndarray = field(default_factory=lambda: np.zeros(0))  # out-of-fold ranker
    weight: float = 1.0  # in the fits: question sets count more than SQuAD's
    source: str = "project"  # squad, coqa or project (TrainingSet.source)


def load_config(path: Path) -> list[TrainingSet]:
    """The training sets listed in a YAML file (paths relative to it)."""
    data = read_yaml(path, "training config")
    if not isinstance(data, dict) or not isinstance(data.get("sets"), list):
        raise AssistantError(f"{path}: expected a top-level 'sets:' list")
    sets = []
    for i, item in enumerate(data["sets"]):
        if not isinstance(item, dict) or not item.get("name"):
            raise AssistantError(f"{path}: set {i + 1} needs a 'name'")
        paths = {
            k: (path.parent / item[k]).resolve()
            for k in ("corpus", "questions", "squad", "coqa")
            if k in item
        }
        if not ({"squad", "coqa"} & set(paths) or {"corpus", "questions"} <= set(paths)):
            raise AssistantError(
                f"{path}: set {item['name']!r} needs 'squad', 'coqa' or 'corpus' and 'questions'"
            )
        for key, value in paths.items():
            if not value.exists():
                raise AssistantError(f"{path}: set {item['name']!r}: {key} {value} does not exist")
        sets.append(TrainingSet(str(item["name"]), **paths, group=str(item.get("group", ""))))
    return sets


def collect(
    training_set: TrainingSet, work: Path, embedder: LocalEmbeddings, log: Log
) -> list[Example]:
    """Index a training set and gather every question's candidate units with labels."""
    folder = work / training_set.name
    if training_set.outside:
        corpus = folder / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        if training_set.squad is not None:
            cases = load_squad(training_set.squad, corpus)
        else:
            assert training_set.coqa is not None
            cases = load_coqa(training_set.coqa, corpus)
    else:
        assert training_set.corpus is not None and training_set.questions is not None
        corpus, cases = training_set.corpus, load_questions(training_set.questions)
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index")
    started = time.perf_counter()
    sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))  # its path to the features; no model read
    index = answerer.index.snapshot()
    lexicon = Lexicon.of(index)
    turns = list(understood_turns(cases, index, answerer))
    position = {case.id: n for n, case in enumerate(cases)}
    vectors = embedder.encode([asked.query for _, _, asked in turns])  # one batch
    examples = []
    for (case, turn, asked), vector in zip(turns, vectors, strict=True):
        filters = Filters(case.scope) if case.scope else None
        gold = _gold_evidence(index, turn)
        found = answerer.candidates(index, asked, filters, np.asarray(vector, dtype=np.float32),
                                    forced=(gold,) if gold else ())  # fmt: skip
        rationale = _rationale(index, turn)
        labels = np.array([_holds(index, turn, u, rationale) for u in found.units], dtype=bool)
        group = training_set.group or training_set.name
        if training_set.squad is not None:
            group = f"{training_set.name}:{turn.sources[0].split('/')[0]}"
        elif training_set.coqa is not None:
            group = f"{training_set.name}:{position[case.id] % COQA_FOLDS}"
        examples.append(
            Example(
                training_set.name,
                group,
                asked.standalone,
                turn.answerable,
                turn.answers,
                turn.answers_all,
                found,
                labels,
                index,
                lexicon,
                weight=1.0 if training_set.outside else SET_WEIGHT,
                source=training_set.source,
            )
        )
    log(
        f"{training_set.name}: {len(examples)} questions, "
        f"{sum(e.answerable for e in examples)} answerable "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return examples


def understood_turns(
    cases: list[EvalCase], index: Snapshot, answerer: Answerer
) -> Iterator[tuple[EvalCase, Turn, Understood]]:
    """(case, turn, the turn as understood) for every turn; in a conversation the gold answer
    stands in for the assistant's, cited where the gold evidence is (the rationale, or the
    first sentence of a source holding the answer)."""
    for case in cases:
        history: list[ChatTurn] = []
        for turn in case.turns:
            asked = answerer.understand(index, turn.question, history)
            yield case, turn, asked
            gold = (turn.answers or turn.answers_all or ("",))[0]
            cited = _gold_evidence(index, turn)
            quote = index.text(cited[0])[cited[1] : cited[2]] if cited else gold
            history.append(
                ChatTurn(turn.question, f"{gold}: “{quote}” [1]", asked.standalone, gold,
                         not turn.answerable, (cited,) if cited else ())
            )  # fmt: skip


def _rationale(index: Snapshot, turn: Turn) -> tuple[int, int] | None:
    """Where a CoQA turn's rationale is in its story's text."""
    if not turn.rationale or not turn.sources:
        return None
    return locate(index.text(turn.sources[0]), turn.rationale, turn.rationale_at)


def _gold_evidence(index: Snapshot, turn: Turn) -> tuple[str, int, int] | None:
    """(article, start, end) of the gold evidence of an answerable turn, if found."""
    if not turn.answerable:
        return None
    span = _rationale(index, turn)
    if span is not None:
        return turn.sources[0], span[0], span[1]
    for article_id in turn.sources:
        for s in index.sentences(article_id):
            text = index.text(article_id)[s.start : s.end]
            if holds_answer(text, turn.answers, turn.answers_all):
                return article_id, s.start, s.end
    return None


def _holds(
    index: Snapshot, turn: Turn, unit: Unit, rationale: tuple[int, int] | None = None
) -> bool:
    if not turn.answerable or (turn.sources and unit.article_id not in turn.sources):
        return False
    if turn.rationale:
        return rationale is not None and overlaps(rationale, unit.start, unit.end)
    text = index.text(unit.article_id)[unit.start : unit.end]
    return holds_answer(text, turn.answers, turn.answers_all)
