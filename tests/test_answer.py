from __future__ import annotations

from pathlib import Path

import pytest

from assistant.answer import Answerer
from assistant.config import Settings
from assistant.corpus import load_corpus
from assistant.embeddings import LocalEmbeddings
from assistant.evaluate import load_questions, run_cases
from assistant.retrieve import Filters

from .conftest import ROOT


def test_who_question_names_the_chair_and_quotes_the_article(answerer: Answerer) -> None:
    answer = answerer.ask("Who chaired the session on pharmaceutical drugs?")
    assert not answer.refused
    assert answer.short_answer == "K. Bangarurajan"
    assert "K. Bangarurajan" in answer.text and answer.text.endswith("[1]")
    [citation] = answer.citations
    assert citation.article_id in {"day-2", "overview"}
    assert "K. Bangarurajan" in citation.quote
    assert citation.quote == answerer.index.text(citation.article_id)[citation.start : citation.end]
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
        ("Who co-chaired the demand and harm reduction session?", None, "Ugyen Tshering"),
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
        "Who chaired the session on human trafficking?",  # a session that did not exist
        "Did Pakistan send a delegation to the conference?",  # a country that did not attend
        "Where was the 2019 BIMSTEC drug conference held?",  # an event that never happened
        "What is the name of the Sri Lankan co-chair of the maritime session?",  # unnamed
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
    assert until.refused  # the preview and day 1 do not say who chaired it
    assert all(p.date <= "2020-02-13" for p in until.passages)


def test_every_quote_in_the_question_set_is_exact(
    answerer: Answerer, sample_settings: Settings
) -> None:
    articles, _ = load_corpus(sample_settings.corpus_dir, 10**6)
    texts = {a.id: a.text for a in articles}
    cases = load_questions(ROOT / "corpus" / "questions.yaml")
    report = run_cases(cases, lambda q, h: answerer.ask(q, h))
    quotes = [c for r in report.results for c in r.answer.citations]
    assert len(quotes) > 60
    for c in quotes:
        assert texts[c.article_id][c.start : c.end] == c.quote
    # The bars this method reached (see README); a regression fails here.
    metrics = report.metrics()
    assert metrics["answerable_accuracy"] >= 0.95
    assert metrics["refusal_recall"] >= 0.95
    assert metrics["citation_accuracy"] >= 0.95
    assert metrics["median_answer_words"] < 40


def test_answer_json_shape(answerer: Answerer) -> None:
    data = answerer.ask("Who inaugurated the conference?").as_dict()
    assert set(data) == {
        "question", "rewritten_question", "answer", "short_answer", "refused", "confidence",
        "citations", "passages", "timings_ms",
    }  # fmt: skip
    assert set(data["citations"][0]) == {"n", "article_id", "title", "date", "quote", "start",
                                         "end"}  # fmt: skip
    assert set(data["passages"][0]) == {"article_id", "text", "score"}
    assert data["timings_ms"]["total"] > 0


def test_empty_index_refuses(tmp_path: Path, embedder) -> None:
    from assistant.index import Index, sync_index

    settings = Settings(corpus_dir=tmp_path / "c", index_dir=tmp_path / "i")
    settings.corpus_dir.mkdir()
    sync_index(settings, embedder)
    answer = Answerer(Index(settings, embedder)).ask("Who chaired the session?")
    assert answer.refused and not answer.passages


def test_a_verb_must_be_said_of_what_the_question_is_about(answerer: Answerer) -> None:
    # "the fourth BIMSTEC summit, held in Kathmandu" says "held" of the summit, not of the
    # conference the question asks about.
    answer = answerer.ask("Where was the conference held?")
    assert not answer.refused and "Kathmandu" not in answer.short_answer
    assert "Vigyan Bhawan" in answer.text


def test_a_question_asking_for_several_things_gets_the_list(answerer: Answerer) -> None:
    answer = answerer.ask("On which dates was the conference held?")
    assert "13 and 14 February" in answer.text and "2018" not in answer.short_answer


def test_opened_with_reads_as_first_and_ordinals_bind_to_their_noun(answerer: Answerer) -> None:
    answer = answerer.ask("What was the first session of the second day about?")
    assert not answer.refused and "dark net" in answer.text
    # "the second session of the day" (day 1) is not a session of the second day
    assert answer.citations[0].article_id in {"day-2", "overview"}
    assert answerer.ask("What was the first session of the fourth day about?").refused


def test_parse_finds_what_a_verb_is_said_of() -> None:
    from assistant import nlp

    text = "The leaders met at the fourth summit, held in Kathmandu in 2018."
    args = nlp.arguments(text)
    assert (text.index("summit"), "NOUN") in args[text.index("held")]
    question = "Where was the conference held?"
    assert nlp.bound_nouns(question) == {question.index("held"): (question.index("conference"),)}
    assert nlp.bound_nouns("Which drugs were smuggled by sea?") == {}


@pytest.mark.parametrize("name", ["coastal", "amr"])
def test_question_sets_over_other_conferences(
    name: str, tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    """Two small corpora about other events (one article in HTML), written after the method
    was tuned on the sample set: the method must carry over, not only fit its own cases."""
    from assistant.index import Index, sync_index

    extra = ROOT / "tests" / "data" / "extra"
    settings = Settings(corpus_dir=extra / name, index_dir=tmp_path / "index")
    sync_index(settings, embedder)
    answerer = Answerer(Index(settings, embedder))
    report = run_cases(load_questions(extra / f"{name}-questions.yaml"), answerer.ask)
    metrics = report.metrics()
    assert metrics["answerable_accuracy"] >= 0.9, [
        r.case_id for r in report.results if not r.correct
    ]
    assert metrics["refusal_recall"] == 1.0
