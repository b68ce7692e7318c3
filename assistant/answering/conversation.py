"""Follow-ups made whole: a question that leans on the conversation ("Who co-chaired it?",
"And in 2018?", "What did he say?") is rewritten to stand alone from the earlier turns (their
questions as understood and their answers), with rules, no generative model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from assistant.answering.question import answer_kinds
from assistant.ingest import nlp
from assistant.types import ChatTurn

_FRAGMENT_LEAD = re.compile(r"^\s*(and\s+)?(what|how)\s+about\s+|^\s*and\s+", re.I)
_PRONOUN = re.compile(
    r"\b(it|its|this session|that session|this conference|that conference)\b", re.I
)
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|his|her)\b", re.I)
_THEY = re.compile(r"\b(they|them)\b", re.I)
_YEAR = re.compile(r"\b(19|20)\d\d\b")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")


def _change_number(previous: str, fragment: str) -> str:
    """ "And in 2018?" after "Where was it held in 2019?": the previous question with its
    year (or other number) replaced, or "" when the fragment does not just change one."""
    numbers = _NUMBER.findall(fragment)
    if len(numbers) != 1 or len(fragment.split()) > 4:
        return ""
    new = numbers[0]
    words = {w.lower() for w in re.findall(r"[^\W\d]+", fragment)} - _FRAGMENT_WORDS
    if not words <= {w.lower() for w in re.findall(r"[^\W\d]+", previous)}:
        return ""  # "And meeting 561?" must name only things the previous question named
    same_kind = _YEAR if _YEAR.fullmatch(new) else _NUMBER
    old = [
        m
        for m in same_kind.finditer(previous)
        if not (same_kind is _NUMBER and _YEAR.fullmatch(m.group()))
    ]
    if not old:
        return ""
    last = old[-1]
    return previous[: last.start()] + new + previous[last.end() :]


_FRAGMENT_WORDS = frozenset("in at on for of the a an about and what how".split())


def topic_of(question: str) -> str:
    """The thing a question is about: from its first determiner to the end, less a trailing
    verb ("Where was the 4th BIMSTEC summit held?" -> "the 4th BIMSTEC summit")."""
    tagged = nlp.tag(question.rstrip(" ?.!"))
    start = next(
        (i for i, (w, pos, _) in enumerate(tagged) if pos == "DET" and w.lower() in
         {"the", "this", "that", "a", "an"}),
        None,
    )  # fmt: skip
    if start is None:
        return ""
    end = len(tagged)
    while end > start + 1 and tagged[end - 1][1] in {"VERB", "AUX", "ADP", "PUNCT", "PART"}:
        end -= 1
    if end <= start + 1:
        return ""
    first, last = tagged[start][2], tagged[end - 1][2] + len(tagged[end - 1][0])
    return question[first:last]


def _is_fragment(question: str) -> bool:
    return not any(pos in {"VERB", "AUX"} for _, pos, _ in nlp.tag(question))


def rewrite(question: str, previous: str, previous_answer: str = "") -> str:
    """Make a follow-up stand alone, given the previous (already rewritten) question and the
    answer given to it. A question that stands alone comes back unchanged."""
    question = question.strip()
    if not previous:
        return question
    topic = topic_of(previous)
    if _FRAGMENT_LEAD.match(question):
        changed = _change_number(previous, _FRAGMENT_LEAD.sub("", question).rstrip(" ?.!"))
        if changed:
            return changed
    if _FRAGMENT_LEAD.match(question) and _is_fragment(_FRAGMENT_LEAD.sub("", question)):
        fragment = _FRAGMENT_LEAD.sub("", question).rstrip(" ?.!")
        if topic and not _NUMBER.search(fragment):
            return previous.replace(topic, fragment, 1)
        return f"{previous.rstrip(' ?.!')} {fragment}?"
    rewritten = _FRAGMENT_LEAD.sub("", question) if _FRAGMENT_LEAD.match(question) else question
    rewritten = rewritten[:1].upper() + rewritten[1:]
    if answer_kinds(previous) == {nlp.ORG} and re.search(r"\bit\b", rewritten, re.I):
        # "Which agency organised it?" -> "Which ministry is it under?": "it" is the agency.
        organisation = _entity_in(previous_answer, "ORG")
        if organisation:
            topic = organisation
    if topic and _PRONOUN.search(rewritten):
        rewritten = _replace_pronoun(rewritten, topic)
    if _PERSON_PRONOUN.search(rewritten):
        person = _entity_in(previous_answer, "PERSON") or _entity_in(previous, "PERSON")
        if person:
            rewritten = _PERSON_PRONOUN.sub(
                lambda m: f"{person}'s" if m.group().lower() == "his" else person, rewritten, 1
            )
    if _THEY.search(rewritten):
        # "Who co-chaired it?" -> "A and B: ..." -> "What did they report?": A and B.
        short = previous_answer.split(": “", 1)[0] if ": “" in previous_answer else ""
        labels = {label for _, _, label in (nlp.entities([short])[0] if short else [])}
        if labels & {"PERSON", "GPE", "NORP", "ORG"}:
            rewritten = _THEY.sub(short.strip(), rewritten, 1)
    return rewritten


def _replace_pronoun(question: str, topic: str) -> str:
    match = _PRONOUN.search(question)
    assert match is not None
    if match.group().lower() != "its":
        return question[: match.start()] + topic + question[match.end() :]
    # "its co-chairs" -> "the co-chairs of <topic>"
    rest = question[match.end() :]
    noun = re.match(r"\s*([\w-]+(?:\s+[\w-]+)?)", rest)
    if noun is None:
        return question
    phrase = noun.group(1)
    head = re.split(r"\s+(?=(?:in|at|on|of|for|about|to)\b)", phrase)[0]
    tail = rest[noun.start(1) + len(head) :]
    return f"{question[: match.start()]}the {head} of {topic}{tail}"


def _entity_in(text: str, label: str) -> str:
    """The first named entity of that spaCy label in the text, or ""."""
    if not text:
        return ""
    for start, end, found in nlp.entities([text])[0]:
        if found == label:
            # "G. H. Rao": initials the recogniser left out belong to the name.
            while initial := _INITIAL_BEFORE.search(text, 0, start):
                start = initial.start()
            return text[start:end]
    return ""


_INITIAL_BEFORE = re.compile(r"\b[A-Z]\.\s*$")


def standalone_question(question: str, turns: Sequence[ChatTurn]) -> str:
    """The question rewritten to stand alone, given the conversation's earlier turns."""
    previous, previous_answer = "", ""
    for turn in turns:
        previous = turn.rewritten_question or rewrite(turn.question, previous, previous_answer)
        previous_answer = turn.answer
    return rewrite(question, previous, previous_answer)


def conversation(history: Sequence[Any]) -> list[ChatTurn]:
    """Earlier turns from what a face was given: ChatTurns, turn records (dicts with a
    "question"), or chat messages ({"role", "content"}: each user message and the assistant
    message after it make a turn, as the web API and `--history` files have them)."""
    turns: list[ChatTurn] = []
    for item in history:
        if isinstance(item, ChatTurn):
            turns.append(item)
        elif isinstance(item, dict) and "question" in item:
            turns.append(ChatTurn.from_dict(item))
        elif isinstance(item, dict) and item.get("role") == "user":
            turns.append(ChatTurn(question=str(item.get("content", ""))))
        elif isinstance(item, dict) and item.get("role") == "assistant" and turns:
            text = str(item.get("content", ""))
            short = text.split(": “", 1)[0] if ": “" in text else ""
            last = turns[-1]
            turns[-1] = ChatTurn(last.question, text, last.rewritten_question, short,
                                 text.startswith("The articles don't say"))  # fmt: skip
    return turns
