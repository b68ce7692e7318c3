"""The training data of the evidence model: each training set (data/training.yaml) indexed in a
scratch folder and every question turn answered by the same code as at answer time up to the
features, giving its candidate units, labelled right when they hold a gold answer from an
expected source."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering.candidates import Unit
from assistant.answering.conversation import standalone_question
from assistant.answering.evidence import Candidates, gather
from assistant.answering.lexicon import Lexicon
from assistant.answering.question import analyse
from assistant.answering.retrieve import Retriever
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation.matching import holds_answer
from assistant.evaluation.questions import load_questions, load_squad, read_yaml
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index, Snapshot
from assistant.store.sync import sync_index
from assistant.types import ChatTurn, EvalCase

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "data" / "training.yaml"
SET_WEIGHT = 3.0
Log = Callable[[str], None]


@dataclass(frozen=True)
class TrainingSet:
    name: str
    corpus: Path | None = None
    questions: Path | None = None
    squad: Path | None = None


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
    outside: bool = False  # from outside data (SQuAD): what the calibration is fitted on


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
            for k in ("corpus", "questions", "squad")
            if k in item
        }
        if "squad" not in paths and not ("corpus" in paths and "questions" in paths):
            raise AssistantError(
                f"{path}: set {item['name']!r} needs 'squad' or 'corpus' and 'questions'"
            )
        for key, value in paths.items():
            if not value.exists():
                raise AssistantError(f"{path}: set {item['name']!r}: {key} {value} does not exist")
        sets.append(TrainingSet(str(item["name"]), **paths))
    return sets


def collect(
    training_set: TrainingSet, work: Path, embedder: LocalEmbeddings, log: Log
) -> list[Example]:
    """Index a training set and gather every question's candidate units with labels."""
    folder = work / training_set.name
    if training_set.squad is not None:
        corpus = folder / "corpus"
        shutil.rmtree(corpus, ignore_errors=True)
        cases = load_squad(training_set.squad, corpus)
    else:
        assert training_set.corpus is not None and training_set.questions is not None
        corpus, cases = training_set.corpus, load_questions(training_set.questions)
    settings = Settings(corpus_dir=corpus, index_dir=folder / "index")
    started = time.perf_counter()
    sync_index(settings, embedder)
    index = Index(settings, embedder).snapshot()
    lexicon = Lexicon.of(index)
    retriever = Retriever(embedder)
    turns = list(_turns(cases))
    vectors = embedder.encode([question for _, _, question in turns])
    examples = []
    for (_, turn, question), vector in zip(turns, vectors, strict=True):
        q = analyse(question)
        found = gather(q, np.asarray(vector, dtype=np.float32), index, lexicon, retriever)
        labels = np.array([_holds(index, turn, u) for u in found.units], dtype=bool)
        group = training_set.name
        if training_set.squad is not None:
            group = f"{training_set.name}:{turn.sources[0].split('/')[0]}"
        examples.append(
            Example(
                training_set.name,
                group,
                question,
                turn.answerable,
                turn.answers,
                turn.answers_all,
                found,
                labels,
                index,
                lexicon,
                weight=1.0 if training_set.squad is not None else SET_WEIGHT,
                outside=training_set.squad is not None,
            )
        )
    log(
        f"{training_set.name}: {len(examples)} questions, "
        f"{sum(e.answerable for e in examples)} answerable "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return examples


def _turns(cases: list[EvalCase]):  # type: ignore[no-untyped-def]
    """(case, turn, standalone question) for every turn; follow-ups are rewritten with the
    gold answer standing in for the assistant's."""
    for case in cases:
        history: list[ChatTurn] = []
        for turn in case.turns:
            standalone = standalone_question(turn.question, history)
            yield case, turn, standalone
            gold = (turn.answers or turn.answers_all or ("",))[0]
            history.append(ChatTurn(turn.question, f"{gold}: “{gold}” [1]", standalone, gold))


def _holds(index: Snapshot, turn: Any, unit: Unit) -> bool:
    if not turn.answerable or (turn.sources and unit.article_id not in turn.sources):
        return False
    text = index.text(unit.article_id)[unit.start : unit.end]
    return holds_answer(text, turn.answers, turn.answers_all)
