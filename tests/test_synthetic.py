"""Hundreds of near-identical meeting reports: the evidence must come from the one report
the question names (its meeting number), not from a report that says nearly the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.pipeline import Answerer
from assistant.config import Settings
from assistant.evaluation.matching import contains
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index
from assistant.store.sync import sync_index
from benchmarks.synthetic import questions, write_reports


@pytest.mark.e2e  # end to end over 300 generated reports
def test_the_report_the_question_names_answers(tmp_path: Path, embedder: LocalEmbeddings) -> None:
    facts = write_reports(tmp_path / "corpus", 300)
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))
    asked = questions(facts, 60)
    wrong = []
    for q in asked:
        answer = answerer.ask(q["question"])
        right = (
            not answer.refused
            and answer.citations[0].article_id == q["source"]
            and contains(answer.citations[0].quote, q["answer"])
        )
        if not right:
            wrong.append((q["question"], answer.text[:80]))
    assert len(wrong) <= len(asked) * 0.05, wrong
