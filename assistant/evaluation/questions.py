"""A question set (YAML) -> scored answers and metrics.

Format (corpus/questions.yaml):

    cases:
      - id: pharma-chair
        question: Who chaired the session on pharmaceutical drugs?
        answers: [K. Bangarurajan, Bangarurajan]   # any one must appear in the answer
        answers_all: [Bangladesh, Nepal]           # all must appear
        sources: [day-2]                           # a citation must name one of these
      - id: budget
        question: What was the budget of the conference?
        answerable: false                          # must be refused
      - id: followup
        turns:                                     # a conversation, scored per turn
          - question: ...
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import AssistantError
from assistant.evaluation.records import EvalCase, Turn

_TURN_KEYS = {"question", "answers", "answers_all", "sources", "answerable", "tags"}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int | float):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
        raise AssistantError(f"{where}: must be a list of strings")
    return tuple(str(v) for v in value)


def _items(value: Any, where: str) -> tuple[tuple[str, ...], ...]:
    """`answers_all`: each item a string, or a list of the forms that count for it."""
    if value is None:
        return ()
    if not isinstance(value, list):
        value = [value]
    out = []
    for item in value:
        forms = _strings(item, where)
        if not forms:
            raise AssistantError(f"{where}: an item is empty")
        out.append(forms)
    return tuple(out)


def _turn(data: Any, where: str, tags: tuple[str, ...] = ()) -> Turn:
    if not isinstance(data, dict):
        raise AssistantError(f"{where}: must be a mapping with a 'question'")
    unknown = set(data) - _TURN_KEYS
    if unknown:
        raise AssistantError(f"{where}: unknown field {sorted(unknown)[0]!r}")
    question = data.get("question")
    if not isinstance(question, str) or not question.strip():
        raise AssistantError(f"{where}: 'question' must be a non-empty string")
    answerable = data.get("answerable", True)
    if not isinstance(answerable, bool):
        raise AssistantError(f"{where}: 'answerable' must be true or false")
    items = _items(data.get("answers_all"), f"{where}.answers_all")
    turn = Turn(
        question=question.strip(),
        answers=_strings(data.get("answers"), f"{where}.answers"),
        answers_all=tuple(forms[0] for forms in items),
        sources=_strings(data.get("sources"), f"{where}.sources"),
        answerable=answerable,
        items=items,
        tags=tuple(dict.fromkeys(tags + _strings(data.get("tags"), f"{where}.tags"))),
    )
    if answerable and not (turn.answers or turn.answers_all):
        raise AssistantError(f"{where}: give 'answers', 'answers_all' or 'answerable: false'")
    return turn


def read_yaml(path: Path, what: str) -> Any:
    """A YAML file's content; errors name the file and what it was meant to be."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AssistantError(f"cannot read {what} {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise AssistantError(f"{path} is not valid YAML: {exc}") from None


def load_questions(path: Path) -> list[EvalCase]:
    """Read and check a question set; errors name the case and the field."""
    data = read_yaml(path, "question set")
    if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
        raise AssistantError(f"{path}: expected a top-level 'cases:' list")
    cases, seen = [], set()
    for i, item in enumerate(data["cases"]):
        if not isinstance(item, dict):
            raise AssistantError(f"{path}: case {i + 1} must be a mapping")
        case_id = str(item.get("id") or f"case-{i + 1}")
        if case_id in seen:
            raise AssistantError(f"{path}: case id {case_id!r} is used twice")
        seen.add(case_id)
        where = f"{path}: case {case_id!r}"
        if "turns" in item:
            if not isinstance(item["turns"], list) or not item["turns"]:
                raise AssistantError(f"{where}: 'turns' must be a non-empty list")
            tags = _strings(item.get("tags"), f"{where}.tags")
            turns = tuple(_turn(t, f"{where} turn {n}", tags) for n, t in enumerate(item["turns"]))
        else:
            turns = (_turn({k: v for k, v in item.items() if k != "id"}, where),)
        cases.append(EvalCase(case_id, turns))
    return cases


def load_squad(path: Path, corpus_dir: Path) -> list[EvalCase]:
    """Write each paragraph of a SQuAD 2.0 file as an article under corpus_dir and return its
    questions as cases (unanswerable ones must be refused; a citation must name the paragraph)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AssistantError(f"{path} is not a SQuAD 2.0 JSON file: {exc}") from None
    corpus_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for article in data:
        title = str(article.get("title", "untitled"))
        slug = re.sub(r"[^\w-]+", "-", title).strip("-").lower() or "untitled"
        for n, paragraph in enumerate(article.get("paragraphs", [])):
            article_id = f"{slug}/{n:03d}"
            target = corpus_dir / f"{article_id}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            heading = json.dumps(f"{title.replace('_', ' ')} ({n + 1})")
            target.write_text(
                f"---\ntitle: {heading}\n---\n\n{paragraph['context']}\n", encoding="utf-8"
            )
            for qa in paragraph.get("qas", []):
                impossible = bool(qa.get("is_impossible"))
                answers = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", [])))
                turn = Turn(
                    question=qa["question"].strip(),
                    answers=answers,
                    sources=(article_id,),
                    answerable=not impossible and bool(answers),
                )
                cases.append(EvalCase(str(qa.get("id", len(cases))), (turn,)))
    return cases


def load_coqa(path: Path, corpus_dir: Path) -> list[EvalCase]:
    """Write each story of a CoQA file as an article under corpus_dir and return one
    conversation per story, scoped to it: the evidence is right when the quote overlaps the
    turn's rationale; yes/no answers have no short answer to score; unknown ones must be
    refused."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))["data"]
        stories = [(str(s["source"]), str(s["story"]), s["questions"], s["answers"]) for s in data]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AssistantError(f"{path} is not a CoQA JSON file: {exc}") from None
    corpus_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for n, (source, story, questions, answers) in enumerate(stories):
        slug = re.sub(r"[^\w-]+", "-", source).strip("-") or "story"
        article_id = f"{slug}-{n:03d}"
        (corpus_dir / f"{article_id}.txt").write_text(
            f"Story {n + 1}\n\n{story.strip()}\n", encoding="utf-8"
        )
        turns = []
        for question, answer in zip(questions, answers, strict=False):
            text = " ".join(str(answer.get("input_text", "")).split())
            rationale = " ".join(str(answer.get("span_text", "")).split())
            known = int(answer.get("span_start", -1)) >= 0 and bool(rationale)
            known = known and text.lower().strip(" .") != "unknown"
            turns.append(
                Turn(
                    question=str(question["input_text"]).strip(),
                    answers=(text,) if known else (),
                    sources=(article_id,),
                    answerable=known,
                    rationale=rationale if known else "",
                    rationale_at=max(0, int(answer.get("span_start", 0))) / max(1, len(story)),
                    yes_no=text.lower().strip(" .!") in {"yes", "no"},
                )
            )
        cases.append(EvalCase(article_id, tuple(turns), scope=(article_id,)))
    return cases
