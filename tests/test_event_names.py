"""Naming the event does not hurt: every answerable question of the project's question sets
that is answered right is asked again with the event's name as its articles give it (ordinal
included), in place of "the conference" or added at the end, and must stay right. The target
is 95%; the shipped model keeps 92.7% (README, "Evaluation"), and this test holds that floor."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.answering.pipeline import Answerer
from assistant.evaluation.questions import load_questions
from assistant.evaluation.runner import score_turn
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index

from .conftest import DATA, ROOT, index_copy

# corpus folder -> the event's name as its articles give it, and the question sets over it
EVENTS = {
    "corpus": ("the Conference on Combating Drug Trafficking for BIMSTEC partner nations",
               ["corpus/questions.yaml", "data/paraphrase/sample.yaml"]),
    "tests/data/extra/coastal": ("the third Coastal Cities Resilience Summit",
                                 ["tests/data/extra/coastal-questions.yaml",
                                  "data/paraphrase/coastal.yaml"]),
    "tests/data/extra/amr": ("the three-day forum on antimicrobial resistance in Nairobi",
                             ["tests/data/extra/amr-questions.yaml", "data/paraphrase/amr.yaml"]),
    "data/conferences/cyber": ("the INTERPOL conference on ransomware",
                               ["data/conferences/cyber.yaml", "data/paraphrase/cyber.yaml"]),
    "data/conferences/digital-id": ("the African Digital Identity Summit",
                                    ["data/conferences/digital-id.yaml",
                                     "data/paraphrase/digital-id.yaml"]),
    "data/conferences/grain": ("the Conference on Global Grain Security",
                               ["data/conferences/grain.yaml", "data/paraphrase/grain.yaml"]),
    "data/conferences/nuclear": ("the International Forum on Regulating Small Modular Reactors",
                                 ["data/conferences/nuclear.yaml",
                                  "data/paraphrase/nuclear.yaml"]),
    "data/conferences/plastics": ("the Ocean Plastics Ministerial",
                                  ["data/conferences/plastics.yaml",
                                   "data/paraphrase/plastics.yaml"]),
    "tests/data/holdout/transit": ("the Regional Forum on Clean Urban Transport",
                                   ["tests/data/holdout/transit-questions.yaml"]),
    "tests/data/holdout/malaria": ("the malaria elimination summit in Accra",
                                   ["tests/data/holdout/malaria-questions.yaml"]),
    "tests/data/holdout/wildfire": ("the 3rd Mediterranean Conference on Wildfire Risk Management",
                                    ["tests/data/holdout/wildfire-questions.yaml"]),
}  # fmt: skip
EVENT = r"(conference|summit|meeting|forum|ministerial|event|gathering)"
EVENT_WORDS = re.compile(rf"\b(the|this|that)\s+{EVENT}\b", re.I)


def with_event(question: str, name: str) -> str | None:
    """The question naming the event: in place of "the conference", or at its end; None
    when it already names the event its own way ("the BIMSTEC conference")."""
    if EVENT_WORDS.search(question):
        return EVENT_WORDS.sub(name, question, count=1)
    if re.search(rf"\b{EVENT}\b", question, re.I):
        return None
    return f"{question.rstrip(' ?.')} at {name}?"


def test_the_variants_name_the_event() -> None:
    assert with_event("Who opened the summit?", "the 7th Ports Summit") == (
        "Who opened the 7th Ports Summit?"
    )
    assert with_event("Who chaired the session on drugs?", "the Forum") == (
        "Who chaired the session on drugs at the Forum?"
    )
    assert with_event("Where was the BIMSTEC conference held?", "the Forum") is None
    assert DATA.is_dir()


@pytest.mark.e2e
def test_naming_the_event_keeps_right_answers_right(
    tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    kept, asked, lost = 0, 0, []
    for n, (folder, (name, sets)) in enumerate(EVENTS.items()):
        settings = index_copy(tmp_path / str(n), embedder, ROOT / folder)
        answerer = Answerer(Index(settings, embedder))
        text_of = answerer.index.snapshot().text
        for path in sets:
            for case in load_questions(ROOT / path):
                turn = case.turns[0]  # later turns lean on the conversation
                variant = with_event(turn.question, name)
                if not turn.answerable or variant is None:
                    continue
                if not score_turn(turn, answerer.ask(turn.question), text_of)[0]:
                    continue
                asked += 1
                if score_turn(turn, answerer.ask(variant), text_of)[0]:
                    kept += 1
                else:
                    lost.append(variant)
    assert asked > 250
    print(f"{kept}/{asked} stayed right")
    assert kept / asked >= 0.9, f"{kept}/{asked} stayed right; lost: {lost[:10]}"
