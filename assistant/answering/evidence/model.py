"""The fitted evidence model, read from JSON (never pickle): a ranker that scores candidate
units, a confidence model with its calibration and refusal threshold, and a span model that
picks the short answer. `assistant train` writes the file (train.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.answering.evidence.schema import CONFIDENCE_FEATURES, SPAN_FEATURES, UNIT_FEATURES
from assistant.errors import AssistantError
from assistant.fitted import Linear, Trees, read_model, short

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "evidence.json"


@dataclass(frozen=True)
class Calibration:
    """A monotone map from a model score to the probability of being right (isotonic
    regression fitted on out-of-fold predictions), applied by linear interpolation."""

    x: np.ndarray
    y: np.ndarray

    def __call__(self, score: float) -> float:
        return float(np.interp(score, self.x, self.y))

    def as_dict(self) -> dict[str, Any]:
        return {"x": [short(v) for v in self.x], "y": [short(v) for v in self.y]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        x, y = np.asarray(data["x"], dtype=np.float64), np.asarray(data["y"], dtype=np.float64)
        if len(x) != len(y) or len(x) == 0 or np.any(np.diff(x) < 0):
            raise ValueError("calibration points must be non-empty and sorted")
        return cls(x, y)


@dataclass(frozen=True)
class EvidenceModel:
    """Everything answering needs from training."""

    ranker: Linear
    confidence: Linear | Trees
    calibration: Calibration
    threshold: float  # refuse below this calibrated confidence
    span: Linear
    span_threshold: float  # below this span probability the answer is the quote alone
    info: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ranker": self.ranker.as_dict(),
            "confidence": self.confidence.as_dict(),
            "calibration": self.calibration.as_dict(),
            "threshold": self.threshold,
            "span": self.span.as_dict(),
            "span_threshold": self.span_threshold,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EvidenceModel:
        return cls(
            ranker=Linear.from_dict(data["ranker"]),
            confidence=(
                Trees.from_dict(data["confidence"])
                if "trees" in data["confidence"]
                else Linear.from_dict(data["confidence"])
            ),
            calibration=Calibration.from_dict(data["calibration"]),
            threshold=float(data["threshold"]),
            span=Linear.from_dict(data["span"]),
            span_threshold=float(data["span_threshold"]),
            info=dict(data.get("info", {})),
        )


def load_model(path: Path | None = None) -> EvidenceModel:
    """The evidence model at path (default: the one shipped in the package)."""
    return _load(path or MODEL_PATH)


@cache
def _load(path: Path) -> EvidenceModel:
    model = read_model(path, "evidence", EvidenceModel.from_dict)
    check_features(model, path)
    return model


def feature_set() -> str:
    """A hash of every feature this code computes: their names, in order, what each measures
    and the sign each is held to (schema.py). A model stores the hash it was fitted with."""
    import hashlib

    from assistant.answering.evidence.schema import (
        CONFIDENCE_SIGNS,
        SPAN_SIGNS,
        UNIT_SIGNS,
    )

    parts = []
    for names, declared in ((UNIT_FEATURES, UNIT_SIGNS), (CONFIDENCE_FEATURES, CONFIDENCE_SIGNS),
                            (SPAN_FEATURES, SPAN_SIGNS)):  # fmt: skip
        parts += [f"{n}\t{names[n]}\t{declared.get(n, 0)}" for n in names]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def check_features(model: EvidenceModel, path: Path | None = None) -> None:
    """The model must weigh exactly the features this code computes, as this code computes
    them (the feature set's hash): otherwise it was fitted on something else."""
    stale = AssistantError(
        f"the evidence model {path or MODEL_PATH} was fitted on other features than this code "
        "computes: run `assistant train`"
    )
    for part, names in (
        ("ranker", UNIT_FEATURES),
        ("confidence", CONFIDENCE_FEATURES),
        ("span", SPAN_FEATURES),
    ):
        if getattr(model, part).names != tuple(names):
            raise stale
    if model.info.get("feature_set") != feature_set():
        raise stale


def save_model(model: EvidenceModel, path: Path) -> None:
    """Write the model as JSON (readable, diffable, cannot run code)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.as_dict(), indent=1) + "\n", encoding="utf-8")
