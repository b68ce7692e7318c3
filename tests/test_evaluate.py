from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.pipeline import Answerer
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.evaluation.matching import contains, locate, normalise
from assistant.evaluation.questions import load_coqa, load_questions, load_squad
from assistant.evaluation.runner import run_cases, score_turn
from assistant.store.reader import Index
from assistant.store.sync import sync_index
from assistant.types import Answer, Citation, Claim

from .conftest import DATA, ROOT


def test_matching_ignores_case_punctuation_and_thousands_separators() -> None:
    assert normalise("K. Bangarurajan, Joint-Drug") == "k bangarurajan joint drug"
    assert contains("It cost 1,000,000 rupees.", "1000000")
    assert contains("chaired by K. Bangarurajan.", "k bangarurajan")
    assert not contains("Bangladeshi delegates", "Bangladesh")  # whole words only


def test_sample_question_set_loads() -> None:
    cases = load_questions(ROOT / "corpus" / "questions.yaml")
    turns = [t for c in cases for t in c.turns]
    assert len(cases) >= 80
    assert sum(not t.answerable for t in turns) >= 20
    assert sum(len(c.turns) > 1 for c in cases) >= 10


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cases: [{id: a}]", "case 'a': 'question' must be a non-empty string"),
        ("cases: [{id: a, question: Q}]", "give 'answers', 'answers_all' or 'answerable: false'"),
        ("cases: [{id: a, question: Q, answers: x, colour: red}]", "unknown field 'colour'"),
        ("cases: [{id: a, question: Q, answerable: maybe}]", "'answerable' must be true or false"),
        ("cases: [{id: a, turns: []}]", "'turns' must be a non-empty list"),
        ("questions: []", "expected a top-level 'cases:' list"),
        (
            "cases: [{id: a, question: Q, answers: [x]}, {id: a, question: R, answers: [y]}]",
            "case id 'a' is used twice",
        ),
        ("cases: [", "not valid YAML"),
    ],
)
def test_malformed_question_file_names_case_and_field(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(text)
    with pytest.raises(AssistantError, match=message.replace("(", r"\(").replace("'", "'")):
        load_questions(path)


def test_squad_file_becomes_a_corpus_and_cases(tmp_path: Path, embedder) -> None:
    cases = load_squad(DATA / "squad-mini.json", tmp_path / "corpus")
    assert [c.id for c in cases] == ["hf-1", "hf-2", "hf-3", "hf-4", "hf-5"]
    assert sorted(p.name for p in (tmp_path / "corpus" / "harbour_forum").iterdir()) == [
        "000.md", "001.md",
    ]  # fmt: skip
    assert cases[0].turns[0].sources == ("harbour_forum/000",)
    assert not cases[2].turns[0].answerable
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))
    report = run_cases(cases, answerer.ask)
    by_id = {r.case_id: r for r in report.results}
    assert by_id["hf-1"].correct and "Elena Borg" in by_id["hf-1"].answer.text
    assert by_id["hf-4"].correct
    assert by_id["hf-3"].answer.refused  # a budget no paragraph mentions
    assert by_id["hf-5"].answer.confidence < by_id["hf-1"].answer.confidence


@pytest.mark.slow
def test_coqa_stories_become_scoped_conversations(tmp_path: Path, embedder) -> None:
    cases = load_coqa(DATA / "coqa-mini.json", tmp_path / "corpus")
    assert [c.id for c in cases] == ["wikipedia-000", "gutenberg-001", "wikipedia-002"]
    assert [len(c.turns) for c in cases] == [13, 20, 17]
    first = cases[0]
    assert first.scope == ("wikipedia-000",) and first.turns[0].question == (
        "How many burroughs are there?"
    )
    assert first.turns[3].yes_no and first.turns[0].rationale == "five"
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    sync_index(settings, embedder)
    snapshot = Index(settings, embedder).snapshot()
    text = snapshot.text("wikipedia-000")
    where = locate(text, first.turns[5].rationale, first.turns[5].rationale_at)
    assert where and "Arthur Kill" in text[where[0] : where[1]]
    # a quote overlapping the rationale is right, one elsewhere in the story is not
    turn = first.turns[5]
    on = Citation(1, "wikipedia-000", "", "", text[where[0] : where[1]], *where)
    near = Answer(turn.question, turn.question, "x", (Claim("", (on,), 0.9),), False, 0.9, ())
    off = Citation(1, "wikipedia-000", "", "", text[0:10], 0, 10)
    far = Answer(turn.question, turn.question, "x", (Claim("", (off,), 0.9),), False, 0.9, ())
    assert score_turn(turn, near, snapshot.text)[0]
    assert not score_turn(turn, far, snapshot.text)[0]
    answerer = Answerer(Index(settings, embedder))
    report = run_cases(cases, answerer.ask, text_of=snapshot.text, per_article=True)
    assert len(report.results) == 50
    # per article: every quote comes from the conversation's own story
    assert all(c.article_id == r.case_id for r in report.results for c in r.answer.citations)
    assert all(r.short_ok is None for r in report.results if r.expected.yes_no)
