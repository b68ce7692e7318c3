"""The fitted model that decides which proposed (holder, role) pairs hold: gradient-boosted
trees over propose.FEATURES and the threshold chosen out of fold, read from JSON (never
pickle); `assistant train` writes it (evaluation/people_train.py)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import AssistantError
from assistant.fitted import Trees, read_model, sigmoid
from assistant.ingest.people.propose import FEATURES, NAMES

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "people.json"


def feature_set() -> str:
    """A hash of the features this code proposes candidates with (names, in order, and what
    each measures): a model fitted on others cannot be read."""
    text = "\n".join(f"{n}\t{FEATURES[n]}" for n in NAMES)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class PeopleModel:
    trees: Trees
    threshold: float  # a candidate holds from this probability on
    info: dict[str, Any]

    def probabilities(self, rows: list[tuple[float, ...]]) -> np.ndarray:
        if not rows:
            return np.zeros(0)
        return np.asarray(sigmoid(self.trees.logits(np.asarray(rows, dtype=np.float64))))

    def as_dict(self) -> dict[str, Any]:
        return {"trees": self.trees.as_dict(), "threshold": self.threshold, "info": self.info}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PeopleModel:
        return cls(Trees.from_dict(data["trees"]), float(data["threshold"]),
                   dict(data.get("info", {})))  # fmt: skip


def save_people_model(model: PeopleModel, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model.as_dict(), indent=1) + "\n", encoding="utf-8")


@cache
def load_people_model(path: Path = MODEL_PATH) -> PeopleModel:
    """The model at path; an error naming the fix when it is missing, damaged or was fitted on
    other features."""
    model = read_model(path, "people", PeopleModel.from_dict)
    if model.trees.names != NAMES or model.info.get("feature_set") != feature_set():
        raise AssistantError(
            f"the people model {path} was fitted on other features than this code proposes "
            "with: run `assistant train`"
        )
    return model
