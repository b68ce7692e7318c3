from __future__ import annotations

import pytest

from assistant.answering.question import analyse, answer_kinds, rewrite, topic_of
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


def test_topic_of_a_question() -> None:
    assert topic_of("Who chaired the session on pharmaceutical drugs?") == (
        "the session on pharmaceutical drugs"
    )
    assert topic_of("Where was the 4th BIMSTEC summit held?") == "the 4th BIMSTEC summit"
    assert topic_of("Who spoke?") == ""


@pytest.mark.parametrize(
    ("follow_up", "previous", "answer", "expected"),
    [
        (
            "Which countries co-chaired it?",
            "Who chaired the session on pharmaceutical drugs?",
            "",
            "Which countries co-chaired the session on pharmaceutical drugs?",
        ),
        (
            "Who were its co-chairs?",
            "Who chaired the session on harm reduction?",
            "",
            "Who were the co-chairs of the session on harm reduction?",
        ),
        (
            "And in 2018?",
            "Where was the BIMSTEC summit held in 2019?",
            "",
            "Where was the BIMSTEC summit held in 2018?",
        ),
        (
            "What about the maritime session?",
            "Who chaired the session on pharmaceutical drugs?",
            "",
            "Who chaired the maritime session?",
        ),
        (
            "What did he speak about?",
            "Who chaired the technical session?",
            "Gulshan Rai chaired the technical session.",
            "What did Gulshan Rai speak about?",
        ),
        (
            "Which ministry is it under?",
            "Which agency organised the conference?",
            "The Narcotics Control Bureau organised it.",
            "Which ministry is The Narcotics Control Bureau under?",
        ),
        (
            "Who inaugurated the conference?",
            "Who chaired the session on pharmaceutical drugs?",
            "",
            "Who inaugurated the conference?",
        ),
        (
            "What did they report?",
            "Who co-chaired the farming session?",
            "Kwame Asante and Pornpimon Chaiyasit: “It was co-chaired by ...” [1]",
            "What did Kwame Asante and Pornpimon Chaiyasit report?",
        ),
    ],
)
def test_follow_ups_are_rewritten_to_stand_alone(
    follow_up: str, previous: str, answer: str, expected: str
) -> None:
    assert rewrite(follow_up, previous, answer) == expected


def test_first_question_is_unchanged() -> None:
    assert rewrite("Which countries co-chaired it?", "", "") == "Which countries co-chaired it?"
