"""`assistant train` on a small configuration: deterministic, calibrated, out of fold."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.answering.evidence.model import Linear, load_model
from assistant.evaluation.fitting import fit_isotonic, fit_listwise
from assistant.evaluation.train import REFUSE_PROJECT, REFUSE_SQUAD, choose_threshold, train
from assistant.evaluation.training_data import load_config
from assistant.evaluation.training_report import Outcome, calibration_error, summarise

from .conftest import DATA, ROOT

pytestmark = pytest.mark.slow  # fits and held-out sets: not in make quick


def small_config(folder: Path) -> Path:
    """Two small question sets and a two-paragraph SQuAD file: every kind of set."""
    extra = ROOT / "tests" / "data" / "extra"
    config = folder / "training.yaml"
    config.write_text(
        "sets:\n"
        f"  - {{name: mini, squad: {DATA / 'squad-mini.json'}}}\n"
        f"  - {{name: coastal, corpus: {extra / 'coastal'}, "
        f"questions: {extra / 'coastal-questions.yaml'}}}\n"
        f"  - {{name: amr, corpus: {extra / 'amr'}, questions: {extra / 'amr-questions.yaml'}}}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory, embedder) -> tuple[Path, Path]:
    """The small configuration trained twice, each time from scratch."""
    root = tmp_path_factory.mktemp("train")
    config = small_config(root)
    first, second = root / "first.json", root / "second.json"
    train(config, first, root / "work-1", log=lambda _: None)
    train(config, second, root / "work-2", log=lambda _: None)
    return first, second


def test_training_is_deterministic_and_writes_its_report(trained: tuple[Path, Path]) -> None:
    first, _ = trained
    a, b = (json.loads(p.read_text(encoding="utf-8")) for p in trained)
    a["info"].pop("trained"), b["info"].pop("trained")
    assert a == b
    report = (first.parent / "training-report.md").read_text(encoding="utf-8")
    assert "out of fold" in report and "| coastal |" in report
    assert (first.parent / "tradeoff.png").read_bytes().startswith(b"\x89PNG")


def test_the_trained_model_loads_and_reports_out_of_fold_figures(
    trained: tuple[Path, Path],
) -> None:
    model = load_model(trained[0])
    figures = model.info["out_of_fold"]
    assert set(figures) == {"mini", "coastal", "amr"}
    for f in figures.values():
        assert 0.0 <= f["evidence"] <= f["evidence_no_refusal"] <= 1.0
        assert 0.0 <= f["short_answer"] <= 1.0
    # Question sets this small still teach the ranker to find most answers.
    assert figures["coastal"]["evidence_no_refusal"] >= 0.6


def test_listwise_fit_puts_the_right_row_first() -> None:
    rng = np.random.default_rng(0)
    matrices, labels = [], []
    for _ in range(60):
        x = rng.normal(size=(8, 3))
        y = np.zeros(8, dtype=bool)
        y[int(np.argmax(x[:, 0] - x[:, 1]))] = True  # the right row: high a, low b
        matrices.append(x)
        labels.append(y)
    model = fit_listwise(matrices, labels, l2=1.0)
    assert isinstance(model, Linear) and model.coef[0] > 0 > model.coef[1]
    right = [
        bool(y[int(np.argmax(model.logits(x)))]) for x, y in zip(matrices, labels, strict=True)
    ]
    assert sum(right) / len(right) > 0.9


def test_isotonic_calibration_is_monotone_and_honest() -> None:
    rng = np.random.default_rng(1)
    scores = rng.uniform(size=4000)
    right = rng.uniform(size=4000) < scores**2  # the score overstates how often it is right
    calibration = fit_isotonic(scores, right)
    mapped = np.array([calibration(s) for s in scores])
    assert np.all(np.diff(calibration.y) >= 0)
    assert calibration_error(list(mapped), list(right)) < 0.03
    assert calibration_error(list(scores), list(right)) > 0.1


def test_threshold_is_the_lowest_that_refuses_the_operating_points_shares() -> None:
    project = [Outcome("p", "g", False, c / 10, source="project") for c in range(10)]
    squad = [Outcome("s", "h", False, c / 20, source="squad") for c in range(10)]
    answered = [Outcome("p", "g", True, 0.95, source="project")]
    threshold = choose_threshold([*project, *squad, *answered], lambda p: p)
    refused = sum(o.probability < threshold for o in project) / len(project)
    assert refused >= REFUSE_PROJECT and threshold < 0.95
    assert sum(o.probability < threshold for o in squad) / len(squad) >= REFUSE_SQUAD
    lower = threshold - 0.06  # any lower cut refuses too few of the project's
    assert sum(o.probability < lower for o in project) / len(project) < REFUSE_PROJECT
    assert choose_threshold(answered, lambda p: p) == 0.0  # nothing to refuse


def test_summary_counts_both_accuracies_at_the_held_out_threshold() -> None:
    outcomes = [
        Outcome("s", "g", True, 0.9, confidence=0.9, threshold=0.5, right=True, short_right=True),
        Outcome("s", "g", True, 0.9, confidence=0.9, threshold=0.5, right=True),
        Outcome("s", "g", True, 0.2, confidence=0.2, threshold=0.5, right=True, short_right=True),
        Outcome("s", "g", False, 0.3, confidence=0.3, threshold=0.5),
        Outcome("s", "g", False, 0.7, confidence=0.7, threshold=0.5),
    ]
    f = summarise(outcomes)["s"]
    assert f["evidence"] == pytest.approx(2 / 3, abs=1e-3)  # the third was right but refused
    assert f["short_answer"] == pytest.approx(1 / 3, abs=1e-3)
    assert f["refused_unanswerable"] == pytest.approx(0.5)
    assert f["evidence_no_refusal"] == pytest.approx(1.0)


def test_config_errors_name_the_set(tmp_path: Path) -> None:
    from assistant.errors import AssistantError

    config = tmp_path / "bad.yaml"
    config.write_text("sets:\n  - {name: x, corpus: nowhere, questions: nothing.yaml}\n")
    with pytest.raises(AssistantError, match=r"set 'x'.*does not exist"):
        load_config(config)
    config.write_text("sets:\n  - {name: y}\n")
    with pytest.raises(AssistantError, match="set 'y' needs"):
        load_config(config)
    assert next(s.name for s in load_config(ROOT / "data" / "training.yaml")) == "squad-fit"


def test_training_logs_the_features_serving_computes(tmp_path: Path, embedder) -> None:
    """The features a question's candidates get in training are those the serving path
    gives the same question (with the same conversation before it): one candidate path. The
    gold sentence retrieval missed is forced in after the served units, changing none of
    theirs."""
    from assistant.answering import Answerer
    from assistant.config import Settings
    from assistant.evaluation.training_data import TrainingSet, collect, understood_turns
    from assistant.store.reader import Index

    questions = ROOT / "data" / "paraphrase" / "sample.yaml"  # asked in other words
    training_set = TrainingSet("para", ROOT / "corpus", questions)
    examples = collect(training_set, tmp_path, embedder, lambda _: None)
    settings = Settings(corpus_dir=ROOT / "corpus", index_dir=tmp_path / "para" / "index")
    answerer = Answerer(Index(settings, embedder))
    snapshot = answerer.index.snapshot()
    from assistant.evaluation.questions import load_questions

    turns = list(understood_turns(load_questions(questions), snapshot, answerer))
    assert len(turns) == len(examples) > 20
    for (_, turn, asked), example in zip(turns, examples, strict=True):
        served = answerer.explain(snapshot, turn.question, asked.turns).candidates
        logged = example.found.serving()
        assert [u.sentences for u in served.units] == [u.sentences for u in logged.units]
        np.testing.assert_allclose(served.matrix, logged.matrix, rtol=1e-5, atol=1e-5)
    # A sentence retrieval missed, forced in: it comes after the served units, whose
    # features do not change.
    from assistant.types import Filters

    _, turn, asked = turns[0]
    only = Filters(("day-1",))  # retrieval reads day-1 only; a day-2 sentence is forced in
    served = answerer.candidates(snapshot, asked, only)
    missed = snapshot.sentences("day-2")[2]
    both = answerer.candidates(snapshot, asked, only,
                               forced=[(missed.article_id, missed.start, missed.end)])  # fmt: skip
    assert both.served == len(served.units) < len(both.units)
    assert [u.sentences for u in both.units[: both.served]] == [u.sentences for u in served.units]
    np.testing.assert_array_equal(both.matrix[: both.served], served.matrix)
    assert any(missed in u.sentences for u in both.units[both.served :])


def test_verify_says_whether_the_model_is_what_the_repository_makes(
    trained: tuple[Path, Path], tmp_path: Path, embedder
) -> None:
    import shutil

    from assistant.evaluation.model_check import verify

    model = load_model(trained[0])
    config = trained[0].parent / "training.yaml"
    assert verify(model, config, embedder) == []
    # the same data in another place, one question changed: the data it was made from changed
    extra = tmp_path / "extra"
    shutil.copytree(ROOT / "tests" / "data" / "extra", extra)
    questions = extra / "amr-questions.yaml"
    questions.write_text(questions.read_text(encoding="utf-8").replace("?", "?!", 1), "utf-8")
    changed = tmp_path / "training.yaml"
    changed.write_text(config.read_text(encoding="utf-8").replace(
        str(ROOT / "tests" / "data" / "extra"), str(extra)), encoding="utf-8")  # fmt: skip
    assert verify(model, changed, embedder) == ["the data it was fitted from changed"]
    # a model whose probe was made by other feature code
    model.info["made_from"]["probe"][0]["features"][0] += 1.0
    assert "probe question 1 gets other feature values" in verify(model, config, embedder)
