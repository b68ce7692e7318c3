from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answering.pipeline import Answerer
from assistant.config import Settings
from assistant.evaluation.questions import load_questions
from assistant.evaluation.runner import run_cases
from assistant.ingest.corpus import load_corpus
from assistant.types import Filters

from .conftest import ROOT


def test_who_question_names_the_chair_and_quotes_the_article(answerer: Answerer) -> None:
    answer = answerer.ask("Who chaired the session on pharmaceutical drugs?")
    assert not answer.refused
    assert answer.short_answer == "K. Bangarurajan"
    [claim] = answer.claims  # one person, quoted wherever the articles say it
    assert claim.text == "K. Bangarurajan" and "[1]" in answer.text
    assert {c.article_id for c in claim.evidence} <= {"day-2", "overview"}
    for citation in claim.evidence:
        assert "Bangarurajan" in citation.quote
        text = answerer.index.snapshot().text(citation.article_id)
        assert citation.quote == text[citation.start : citation.end]
    assert answer.confidence >= answerer.threshold


@pytest.mark.parametrize(
    ("question", "short", "in_text"),
    [
        ("Which countries co-chaired the pharmaceutical session?", "Bangladesh and Nepal", None),
        ("Who ran the pharma session?", "K. Bangarurajan", None),  # paraphrase, abbreviation
        ("When was the fourth BIMSTEC summit held?", "2018", None),
        ("Where was the BIMSTEC conference on drug trafficking held?", "Vigyan Bhawan", None),
        ("How many members does BIMSTEC have?", "seven", None),
        ("Which agency organised the conference?", None, "Narcotics Control Bureau"),
        ("What did the recent Coast Guard seizures show?", "", "coordination"),
    ],
)
def test_each_question_type(
    answerer: Answerer, question: str, short: str | None, in_text: str | None
) -> None:
    answer = answerer.ask(question)
    assert not answer.refused, answer.text
    if short is not None:
        assert answer.short_answer == short
    if in_text is not None:
        assert in_text in answer.text
    assert 1 <= answer.citations[0].quote.count(". ") + 1 <= 3  # one to three sentences


@pytest.mark.parametrize(
    "question",
    [
        "What was the budget of the conference?",
        "Did Pakistan send a delegation to the conference?",  # a country that did not attend
        "Where was the 2019 BIMSTEC drug conference held?",  # an event that never happened
    ],
)
def test_questions_the_articles_do_not_answer_are_refused(
    answerer: Answerer, question: str
) -> None:
    answer = answerer.ask(question)
    assert answer.refused, answer.text
    assert answer.text.startswith("The articles don't say")
    assert not answer.citations and not answer.short_answer
    assert answer.passages  # the nearest passages are shown instead of a guess
    assert answer.confidence < answerer.threshold


def test_refusal_names_the_missing_subject(answerer: Answerer) -> None:
    assert "“budget”" in answerer.ask("What was the budget of the conference?").text


def test_follow_up_is_answered_about_the_same_subject(answerer: Answerer) -> None:
    history = [
        {"role": "user", "content": "Who chaired the session on pharmaceutical drugs?"},
        {"role": "assistant", "content": "K. Bangarurajan chaired it."},
    ]
    answer = answerer.ask("Which countries co-chaired it?", history)
    assert answer.rewritten_question == (
        "Which countries co-chaired the session on pharmaceutical drugs?"
    )
    assert answer.short_answer == "Bangladesh and Nepal"


def test_filters_by_article_and_date(answerer: Answerer) -> None:
    question = "Who chaired the session on pharmaceutical drugs?"
    only_overview = answerer.ask(question, filters=Filters(article_ids=("overview",)))
    assert {c.article_id for c in only_overview.citations} == {"overview"}
    assert all(p.chunk.article_id == "overview" for p in only_overview.passages)
    since = answerer.ask(question, filters=Filters(since="2020-02-15"))
    assert {c.article_id for c in since.citations} == {"overview"}
    until = answerer.ask(question, filters=Filters(until="2020-02-13"))
    assert all(p.date <= "2020-02-13" for p in until.passages)
    assert {c.article_id for c in until.citations} <= {"preview", "day-1"}


def test_every_quote_in_the_question_set_is_exact(
    answerer: Answerer, sample_settings: Settings
) -> None:
    articles, _ = load_corpus(sample_settings.corpus_dir, 10**6)
    texts = {a.id: a.text for a in articles}
    cases = load_questions(ROOT / "corpus" / "questions.yaml")
    report = run_cases(cases, answerer.ask)
    quotes = [c for r in report.results for c in r.answer.citations]
    assert len(quotes) > 60
    for c in quotes:
        assert texts[c.article_id][c.start : c.end] == c.quote
    # The sample set is training data of the shipped model: these are training figures, a
    # floor against regressions. The honest figures are out of fold (models/) and held out
    # (test_holdout.py).
    metrics = report.metrics()
    assert metrics["evidence_accuracy"] >= 0.7
    assert metrics["refusal_recall"] >= 0.75  # 17 of 22 (the refit of 2026-12 answers one more)
    assert metrics["median_answer_words"] < 50


def test_an_answer_is_claims_with_their_evidence(answerer: Answerer) -> None:
    answer = answerer.ask("Who inaugurated the conference?")
    data = answer.as_dict()
    assert set(data) == {
        "question", "rewritten_question", "answer", "short_answer", "refused", "reason",
        "confidence", "claims", "coverage", "count", "citations", "passages", "timings_ms",
        "backend", "grounded", "fallback", "note", "tokens", "rejected", "set_aside",
    }  # fmt: skip
    assert (data["backend"], data["grounded"], data["fallback"]) == ("extractive", True, None)
    [claim] = data["claims"]  # one person; each further article that says it under "also"
    assert set(claim) - {"also"} == {"text", "quote", "article", "page", "scanned", "start",
                                     "end", "support"}  # fmt: skip
    for also in claim.get("also", []):
        assert set(also) == {"quote", "article", "page", "scanned", "start", "end"}
    text = answerer.index.snapshot().text(claim["article"])
    assert claim["quote"] == text[claim["start"] : claim["end"]] and claim["text"] in claim["quote"]
    assert claim["text"] == data["short_answer"] and claim["support"] == data["confidence"]
    assert claim["page"] is None and claim["scanned"] is False  # a Markdown article: no pages
    assert set(data["citations"][0]) == {"n", "article_id", "title", "date", "quote", "start",
                                         "end", "page", "scanned"}  # fmt: skip
    assert set(data["passages"][0]) == {"article_id", "text", "score"}
    refusal = answerer.ask("What was the budget of the conference?").as_dict()
    assert refusal["refused"] and refusal["claims"] == [] and "budget" in refusal["reason"]
    assert refusal["answer"] == f"The articles don't say: {refusal['reason']}."


def test_empty_index_refuses(tmp_path: Path, embedder) -> None:
    from assistant.store.reader import Index
    from assistant.store.sync import sync_index

    settings = Settings(corpus_dir=tmp_path / "c", index_dir=tmp_path / "i")
    settings.corpus_dir.mkdir()
    sync_index(settings, embedder)
    answer = Answerer(Index(settings, embedder)).ask("Who chaired the session?")
    assert answer.refused and not answer.passages


def test_an_ordinal_must_qualify_its_own_noun(answerer: Answerer) -> None:
    # There was no fourth day: "the fourth BIMSTEC summit" must not answer for it.
    assert answerer.ask("What was the first session of the fourth day about?").refused


def test_confidence_is_a_probability_with_the_models_threshold(answerer: Answerer) -> None:
    answered = answerer.ask("Who chaired the session on pharmaceutical drugs?")
    refused = answerer.ask("What was the budget of the conference?")
    assert 0.0 <= refused.confidence < answerer.threshold <= answered.confidence <= 1.0
    assert answerer.threshold == answerer.model.threshold


def test_the_question_says_what_it_asks_about() -> None:
    from assistant.answering.question.analysis import analyse
    from assistant.ingest import nlp

    assert nlp.wh_role("Who commissioned the Tapestry?") == ("subject", "commissioned")
    q = analyse("What type of steam engine produces most electricity?")
    assert q.focus == {"engin"}
    # Words that only name the kind of answer are not topics the evidence must hold.
    terms = {t.word: t for t in analyse("What quantity of heroin was seized?").terms}
    assert terms["quantity"].pos == "FOCUS" and terms["heroin"].salient
    assert analyse("What is the name of the Japanese co-chair?").terms[0].name  # "Japanese"
