"""A capable model's recorded answers (tests/data/recorded/holdout.json, written for the exact
prompts the assistant sends on the held-out sets) replayed through the `openai` backend by a
real OpenAI-compatible server: on questions as people ask them the model must beat the
extractive answer by ten points with no fewer refusals, the grounding check must let through
at least 95% of right, cited answers and none with a number or name not in the passages, and
a model's refusal is never replaced by another answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.generative.generate import GenerativeAnswerer
from assistant.answering.pipeline import Answerer
from assistant.evaluation.questions import load_questions
from assistant.evaluation.replay import Recordings, ReplayServer, key_of, load_recordings
from assistant.evaluation.runner import run_cases
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index

from .conftest import DATA, index_copy

RECORDED = DATA / "recorded" / "holdout.json"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def replay() -> ReplayServer:
    server = ReplayServer(Recordings(load_recordings(RECORDED))).start()
    yield server
    server.close()


@pytest.mark.parametrize("name", ["wildfire", "transit", "malaria"])
def test_a_capable_models_recorded_answers_through_the_product(
    name: str, replay: ReplayServer, tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    settings = index_copy(tmp_path, embedder, DATA / "holdout" / name)
    extractive = Answerer(Index(settings, embedder))
    model = GenerativeAnswerer(
        extractive, settings.model_copy(update={"openai_base_url": replay.url}), "openai"
    )
    cases = load_questions(DATA / "holdout" / f"{name}-questions.yaml")
    quoted = run_cases(cases, extractive.ask).metrics()
    report = run_cases(cases, model.ask)
    worded = report.metrics()
    if name == "wildfire":  # the held-out set of questions as people ask them
        assert worded["evidence_accuracy"] >= quoted["evidence_accuracy"] + 0.10
    assert worded["refusal_recall"] >= quoted["refusal_recall"]
    recorded = {key_of(r.question): r for r in load_recordings(RECORDED)}
    right = stopped = 0
    for r in report.results:
        found = recorded.get(key_of(r.answer.rewritten_question))
        if found is None:
            continue
        shown = r.answer.grounded and not r.answer.fallback and not r.answer.refused
        if found.kind in {"wrong-number", "invented-name"}:
            assert not shown, (found.question, found.answer)  # never reaches the user
        elif found.kind == "declines":
            assert r.answer.refused and not r.answer.citations  # a refusal stays one
        elif found.kind == "right":
            right += 1
            stopped += not shown
    assert right and stopped <= 0.05 * right, (stopped, right)
