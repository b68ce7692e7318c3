"""The model file: JSON in and out, no pickle, clear errors when it is damaged or stale."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.answering.evidence.model import (
    MODEL_PATH,
    Calibration,
    EvidenceModel,
    Linear,
    load_model,
    save_model,
)
from assistant.answering.evidence.schema import CONFIDENCE_FEATURES, SPAN_FEATURES, UNIT_FEATURES
from assistant.errors import AssistantError


def test_the_shipped_model_loads_and_weighs_the_features_the_code_computes() -> None:
    model = load_model()
    assert model.ranker.names == tuple(UNIT_FEATURES)
    assert model.confidence.names == tuple(CONFIDENCE_FEATURES)
    assert model.span.names == tuple(SPAN_FEATURES)
    assert 0.0 < model.threshold < 1.0
    # The calibration is a monotone map into [0, 1].
    assert np.all(np.diff(model.calibration.y) >= 0)
    assert model.calibration.y[0] >= 0.0 and model.calibration.y[-1] <= 1.0
    text = MODEL_PATH.read_text(encoding="utf-8")
    assert json.loads(text)["info"]["out_of_fold"]  # the training report's figures ride along


def test_linear_scores_standardised_features() -> None:
    linear = Linear(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]),
                    0.5)  # fmt: skip
    scores = linear.logits(np.array([[3.0, 1.0], [1.0, 0.0]]))
    assert scores.tolist() == [0.5, 0.5]  # (3-1)/2*1 - 1 + .5 ; 0 - 0 + .5
    assert linear.logits(np.zeros((0, 2))).shape == (0,)


def test_calibration_interpolates_and_clips() -> None:
    calibration = Calibration(np.array([0.0, 0.5, 1.0]), np.array([0.1, 0.4, 0.9]))
    assert calibration(0.25) == pytest.approx(0.25)
    assert calibration(-3.0) == pytest.approx(0.1) and calibration(7.0) == pytest.approx(0.9)
    with pytest.raises(ValueError):
        Calibration.from_dict({"x": [1.0, 0.0], "y": [0.1, 0.2]})


def test_round_trip_through_json(tmp_path: Path) -> None:
    model = load_model()
    path = tmp_path / "model.json"
    save_model(model, path)
    again = load_model(path)
    assert again.as_dict() == model.as_dict()
    assert path.read_text(encoding="utf-8").lstrip().startswith("{")  # plain JSON, not pickle


def test_damaged_or_stale_model_files_name_the_fix(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"ranker": ', encoding="utf-8")
    with pytest.raises(AssistantError, match="assistant train"):
        load_model(broken)
    stale = load_model().as_dict()
    stale["ranker"]["features"][0] = "a_feature_this_code_does_not_compute"
    path = tmp_path / "stale.json"
    path.write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(AssistantError, match="other features than this code computes"):
        load_model(path)
    fitted_elsewhere = load_model().as_dict()  # the same names, another feature set
    fitted_elsewhere["info"]["feature_set"] = "0" * 16
    path.write_text(json.dumps(fitted_elsewhere), encoding="utf-8")
    with pytest.raises(AssistantError, match="run `assistant train`"):
        load_model(path)
    with pytest.raises(AssistantError, match="cannot read"):
        load_model(tmp_path / "missing.json")


def test_model_dict_rejects_mismatched_lengths() -> None:
    data = load_model().as_dict()
    data["span"]["coef"] = data["span"]["coef"][:-1]
    with pytest.raises(ValueError):
        EvidenceModel.from_dict(data)


def test_trees_walked_together_give_the_sums_of_one_at_a_time() -> None:
    from assistant.fitted import PACKED_ROWS
    from assistant.ingest.people import load_people_model

    trees = load_people_model().trees
    rows = np.random.default_rng(7).random((PACKED_ROWS + 50, len(trees.names)))
    rows[rows < 0.5] = 0.0  # most features are flags: many at 0
    one_at_a_time = np.full(len(rows), trees.baseline)
    for tree in trees.trees:
        one_at_a_time += tree.values(rows)
    assert np.array_equal(trees.logits(rows[:40]), one_at_a_time[:40])  # walked together
    assert np.array_equal(trees.logits(rows), one_at_a_time)  # many rows: one tree at a time
