"""Follow-ups rewritten to stand alone, and conversations read from what the faces pass."""

from __future__ import annotations

import pytest

from assistant.answering.question.conversation import (
    conversation,
    rewrite,
    standalone_question,
    topic_of,
)
from assistant.types import ChatTurn


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
            "Kwame Asante and Pornpimon Chaiyasit",  # the short answer of a structured turn
            "What did Kwame Asante and Pornpimon Chaiyasit report?",
        ),
        # a who-question's answer is a person, not "it", whatever the recogniser calls it
        (
            "who handed it to her?",
            "Who got the Golden Spoonbill Award at the flyways conference?",
            "Khady Sèye Mbaye",
            "Who handed the Golden Spoonbill Award at the flyways conference to Khady Sèye Mbaye?",
        ),
        # "her" before a noun is a possessive
        (
            "and who headed her country's delegation?",
            "Who gave the keynote?",
            "Nandini Raghavan",
            "Who headed Nandini Raghavan's country's delegation?",
        ),
        # a short question with a verb of its own is no fragment of the last one
        ("which app won?", "What else did Samer Khouri do at the summit?", "", "Which app won?"),
        # a prize the recogniser took for a person is no "she"; nobody to say who she is
        (
            "where does she study?",
            "Who took the Best Poster Award at WCLAA-12?",
            "",
            "Where does she study?",
        ),
        # ... nor a place a question names before the kind of event ("the Vila ministerial")
        (
            "which country does she represent?",
            "Who moderated the panel on illegal fishing at the Vila ministerial?",
            "",
            "Which country does she represent?",
        ),
        (
            "what organisation is she with?",
            "Who moderated the Voices from the Deck side event at PTMC-9?",
            "",
            "What organisation is she with?",
        ),
        # ... while a name before a verb is a person ("chaired panels")
        (
            "which country is she from?",
            "Has Jacinda Ardern chaired panels before?",
            "",
            "Which country is Jacinda Ardern from?",
        ),
        # "what about" a thing of the same kind as a part of what was asked
        (
            "what about the second day?",
            "Who gave the keynote on the opening day of the Saint-Malo summit?",
            "Aurelia Constantinescu",
            "Who gave the keynote on the second day of the Saint-Malo summit?",
        ),
        # "what about X, who steered that?": the question, of X
        (
            "what about the Students' Forum, who steered that?",
            "Who chaired the first thematic dialogue at LRS-4?",
            "Thandeka Mokoena-Dlamini",
            "Who steered the Students' Forum?",
        ),
    ],
)
def test_follow_ups_are_rewritten_to_stand_alone(
    follow_up: str, previous: str, answer: str, expected: str
) -> None:
    short = answer if answer and not answer.endswith(".") else ""
    assert rewrite(follow_up, [ChatTurn(previous, answer, previous, short)]) == expected


def test_first_question_is_unchanged() -> None:
    assert rewrite("Which countries co-chaired it?", []) == "Which countries co-chaired it?"


def test_history_as_messages_records_or_turns_reads_the_same() -> None:
    answer = "Bangladesh and Nepal: “It was co-chaired by Bangladesh and Nepal.” [1]"
    messages = [
        {"role": "user", "content": "Who chaired the session on pharmaceutical drugs?"},
        {"role": "assistant", "content": answer},
    ]
    record = {
        "question": messages[0]["content"],
        "answer": answer,
        "short_answer": "Bangladesh and Nepal",
        "citations": [{"article_id": "day-2", "start": 10, "end": 60}],
    }
    from_messages, from_record = conversation(messages), conversation([record])
    # Chat messages carry text: nothing is parsed back out of it (a record or a ChatTurn
    # carries the short answer as data).
    assert from_messages[0].answer == answer and from_messages[0].short_answer == ""
    assert from_record[0].short_answer == "Bangladesh and Nepal"
    assert from_record[0].article_ids == ("day-2",)
    assert ChatTurn.from_dict(from_record[0].as_dict()) == from_record[0]
    turn = ChatTurn(messages[0]["content"], answer, "", "Bangladesh and Nepal")
    for turns in (from_messages, from_record, [turn]):
        assert standalone_question("Which countries co-chaired it?", turns) == (
            "Which countries co-chaired the session on pharmaceutical drugs?"
        )


def test_he_is_not_the_person_the_conversation_called_she() -> None:
    elected = ChatTurn("Who was elected IARA president?", "Carolina Etxeberria Goñi: ...",
                       "Who was elected IARA president?", "Carolina Etxeberria Goñi")  # fmt: skip
    beaten = ChatTurn("who did she beat?", "Tomás Ibarra Quiroga: ...",
                      "Who did Carolina Etxeberria Goñi beat?", "Tomás Ibarra Quiroga")  # fmt: skip
    asked = "and which workshop did he co-chair?"
    assert rewrite(asked, [elected, beaten]) == "Which workshop did Tomás Ibarra Quiroga co-chair?"
    missed = ChatTurn("who did she beat?", "The articles don't say.",
                      "Who did Carolina Etxeberria Goñi beat?", "", True)  # fmt: skip
    assert rewrite(asked, [elected, missed]) == "Which workshop did he co-chair?"
