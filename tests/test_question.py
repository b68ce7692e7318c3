from __future__ import annotations

import pytest

from assistant.answering.question.analysis import analyse, answer_kinds
from assistant.ingest import nlp


@pytest.mark.parametrize(
    ("question", "kinds"),
    [
        ("Who chaired the session?", {nlp.PERSON}),
        ("What is the name of the Sri Lankan co-chair?", {nlp.PERSON}),
        ("When was the conference inaugurated?", {nlp.DATE}),
        ("In which year was the summit held?", {nlp.DATE}),
        ("How long did the conference last?", {nlp.DURATION}),
        ("Where was it held?", {nlp.PLACE}),
        ("In which city did it take place?", {nlp.PLACE}),
        ("How many members does BIMSTEC have?", {nlp.NUMBER}),
        ("Which countries co-chaired it?", {nlp.COUNTRY}),
        ("Which agency organised the conference?", {nlp.ORG}),
        ("What was discussed?", set()),
    ],
)
def test_answer_kinds(question: str, kinds: set[str]) -> None:
    assert answer_kinds(question) == kinds


def test_terms_mark_names_numbers_and_the_relation() -> None:
    q = analyse("Who co-chaired the 4th session on Sri Lanka?")
    words = {t.word: t for t in q.terms}
    assert "cochaired" in words and words["cochaired"].relation
    assert words["fourth"].exact  # ordinals read as words, and must match exactly
    assert words["lanka"].exact
    assert not any(t.word in {"who", "the", "on"} for t in q.terms)


def test_who_is_a_named_person_asks_for_a_description() -> None:
    assert analyse("Who is Jayant Misra?").about_named
    assert not analyse("Who is Jayant Misra?").kinds
    assert not analyse("Who was Myanmar's home minister?").about_named
