from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.evaluation.matching import token_f1
from assistant.evaluation.metrics import bootstrap_interval, compute
from assistant.evaluation.records import Turn, TurnResult
from assistant.language import question_type
from assistant.types import Answer

from .conftest import DATA, run_cli

PNG = b"\x89PNG\r\n\x1a\n"


def fake(answerable: bool, refused: bool, correct: bool, text: str = "x") -> TurnResult:
    turn = Turn("Who chaired it?", answers=("Rao",) if answerable else (), answerable=answerable)
    answer = Answer("q", "q", text, "", refused, 0.5, (), (), {"total": 10.0})
    return TurnResult("c", 0, turn, answer, correct, "", None)


def test_metric_rules() -> None:
    assert question_type("Who chaired it?") == "who"
    assert question_type("And in which year was it held?") == "when"
    assert question_type("Which countries co-chaired it?") == "which"
    assert question_type("How many members?") == "how many"
    assert question_type("Where was it held?") == "where"
    assert token_f1("chaired by K. Rao", "Rao") == 0.4  # precision 1/4, recall 1
    assert token_f1("nothing", "Rao") == 0.0
    low, high = bootstrap_interval([True] * 8 + [False] * 2)
    assert 0.5 <= low <= 0.8 <= high <= 1.0
    results = [
        fake(True, False, True, "Rao chaired it"),
        fake(True, True, False),  # a false refusal
        fake(False, True, True),  # a correct refusal
        fake(False, False, False),  # a missed refusal
    ]
    m = compute(results)
    assert m["accuracy"] == 0.5 and m["answerable_accuracy"] == 0.5
    assert m["refusal_precision"] == 0.5 and m["refusal_recall"] == 0.5
    assert m["false_refusals"] == 1.0 and m["latency_p50_ms"] == 10.0


def write_questions(path: Path, expected: str, refusal: bool = True) -> Path:
    path.write_text(
        "cases:\n"
        "  - id: chair\n    question: Who chaired the session on pharmaceutical drugs?\n"
        f"    answers: [{expected}]\n    sources: [day-2, overview]\n"
        + (
            "  - id: budget\n    question: What was the budget of the conference?\n"
            "    answerable: false\n"
            if refusal
            else ""
        )
        + "  - id: talk\n    turns:\n"
        "      - question: Who chaired the session on pharmaceutical drugs?\n"
        "        answers: [Bangarurajan]\n"
        "      - question: Which countries co-chaired it?\n"
        "        answers_all: [Bangladesh, Nepal]\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.e2e
def test_eval_writes_report_json_and_plots_and_gates(
    sample_settings: Settings, tmp_path: Path
) -> None:
    paths = ["--corpus", str(sample_settings.corpus_dir), "--index", str(sample_settings.index_dir)]
    reports = tmp_path / "reports"
    questions = write_questions(tmp_path / "q.yaml", "Bangarurajan")
    first = run_cli(
        "eval",
        "--questions",
        str(questions),
        "--report",
        str(reports / "a"),
        "--json",
        str(tmp_path / "out.json"),
        "--fail-under",
        "accuracy=0.99",
        *paths,
    )
    assert first.returncode == 0, first.stderr
    assert "4 turns" in first.stdout and "accuracy 100.0%" in first.stdout
    data = json.loads((tmp_path / "out.json").read_text())
    assert [(c["id"], c["turn"]) for c in data["cases"]] == [
        ("chair", 0), ("budget", 0), ("talk", 0), ("talk", 1),
    ]  # fmt: skip
    row = data["cases"][3]
    assert row["rewritten_question"].endswith("the session on pharmaceutical drugs?")
    assert row["correct"] and row["reason"] == "" and row["citations"][0]["quote"]
    assert "Bangladesh" in row["short_answer"] and row["short_correct"]
    assert data["cases"][1]["short_answer"] == "" and data["cases"][1]["short_correct"] is None
    assert data["metrics"]["quote_faithfulness"] == 1.0
    assert data["metrics"]["evidence_accuracy"] == 1.0
    assert data["metrics"]["short_answer_accuracy"] == 1.0
    assert "evidence right 100.0%, short answer right 100.0%" in first.stdout
    for name in ("report.md", "report.html", "results.json"):
        assert (reports / "a" / name).is_file()
    pngs = sorted((reports / "a").glob("*.png"))
    assert len(pngs) == 5 and all(p.read_bytes().startswith(PNG) for p in pngs)
    assert (reports / "a" / "report.html").read_text().count("data:image/png;base64,") == 5
    report_md = (reports / "a" / "report.md").read_text()
    assert "evidence right **100.0%**" in report_md and "short answer" in report_md

    # The cases but the refusal, one with a wrong expectation: the diff names the case that
    # broke, the gate fails, and the baselines stand beside the assistant, a conversation too
    # (three turns: the tutorial's language model takes tens of seconds a turn on two cores).
    write_questions(questions, "Someone Else", refusal=False)
    second = run_cli(
        "eval",
        "--questions",
        str(questions),
        "--report",
        str(reports / "b"),
        "--baselines",
        "--fail-under",
        "accuracy=0.9",
        *paths,
    )
    assert second.returncode == 1
    assert "FAIL: accuracy = 0.667 is below 0.9" in second.stderr
    assert "since previous run: 1 broke, 0 fixed" in second.stdout
    markdown = (reports / "b" / "report.md").read_text()
    assert "passed before, fail now: chair/0" in markdown
    assert "## Side by side" in markdown and "dense-only retrieval" in markdown
    assert "tutorial RAG (SmolLM2)" in markdown and "×)" in markdown
    assert markdown.index("chair/0: wrong answer") > markdown.index("## Failing turns")


@pytest.mark.e2e
def test_eval_squad_and_bad_input(tmp_path: Path) -> None:
    squad = run_cli(
        "eval", "--squad", str(DATA / "squad-mini.json"), "--report", str(tmp_path / "s")
    )
    assert squad.returncode == 0, squad.stderr
    assert "5 turns" in squad.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases: [{id: x, question: Q}]")
    result = run_cli("eval", "--questions", str(bad), "--report", str(tmp_path / "r"))
    assert result.returncode == 1 and "case 'x'" in result.stderr
    unknown = run_cli("eval", "--fail-under", "speed=3", "--report", str(tmp_path / "r"))
    assert unknown.returncode == 1 and "unknown metric" in unknown.stderr
    assert "Traceback" not in result.stderr + unknown.stderr


def test_a_count_answer_states_its_number() -> None:
    from assistant.evaluation.runner import score_turn
    from assistant.types import Citation, Claim

    quote = "The declaration was signed by Botswana, Brazil and Kenya."
    claims = tuple(Claim(c, (Citation(1, "a", "", "", quote, 0, len(quote)),), 0.9)
                   for c in ("Botswana", "Brazil", "Kenya"))  # fmt: skip
    answer = Answer("How many countries signed?", "", "3 named in the articles: ...", claims,
                    False, 0.9, (), count=3)  # fmt: skip
    turn = Turn(question="How many countries signed?", answers=["3", "three"])
    assert score_turn(turn, answer)[0]  # "3 named in the articles" says 3
    assert not score_turn(Turn(question="How many?", answers=["4", "four"]), answer)[0]
