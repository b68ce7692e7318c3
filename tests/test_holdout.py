"""The shipped model on two conferences it was never fitted or tuned on (tests/data/holdout,
written before the model was trained): the honest estimate of how it does on a user's
articles. The bars are the figures measured once, rounded down; see the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.answer import Answerer
from assistant.config import Settings
from assistant.evaluation.questions import load_questions
from assistant.evaluation.runner import run_cases
from assistant.evaluation.training_data import CONFIG, load_config
from assistant.store.embeddings import LocalEmbeddings

from .conftest import ROOT

HOLDOUT = ROOT / "tests" / "data" / "holdout"


def test_the_held_out_sets_are_not_training_data() -> None:
    used = {
        p.resolve()
        for s in load_config(CONFIG)
        for p in (s.corpus, s.questions, s.squad)
        if p is not None
    }
    assert not any(HOLDOUT.resolve() in (p, *p.parents) for p in used)


@pytest.mark.parametrize("name", ["transit", "malaria"])
def test_answers_on_conferences_nobody_tuned_for(
    name: str, tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    from assistant.store.reader import Index
    from assistant.store.sync import sync_index

    settings = Settings(corpus_dir=HOLDOUT / name, index_dir=tmp_path / "index")
    sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))
    report = run_cases(load_questions(HOLDOUT / f"{name}-questions.yaml"), answerer.ask)
    metrics = report.metrics()
    failing = [(r.case_id, r.reason) for r in report.results if not r.correct]
    assert metrics["evidence_accuracy"] >= 0.85, failing
    assert metrics["short_answer_accuracy"] >= 0.65, failing
    assert metrics["refusal_recall"] >= 0.8, failing
    assert metrics["quote_faithfulness"] is None or metrics["quote_faithfulness"] == 1.0
