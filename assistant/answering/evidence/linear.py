"""A linear model over named features, stored as JSON: the building block of the evidence
model (model.py) that the span model (spans.py) also scores with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Linear:
    """A logistic model over named features: features are centred and scaled, then weighed."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        """One logit per row of a (rows x len(names)) matrix."""
        if len(matrix) == 0:
            return np.zeros(0)
        return ((matrix - self.mean) / self.scale) @ self.coef + self.intercept

    def as_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.names),
            "mean": [short(x) for x in self.mean],
            "scale": [short(x) for x in self.scale],
            "coef": [short(x) for x in self.coef],
            "intercept": short(self.intercept),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Linear:
        names = tuple(data["features"])
        arrays = [np.asarray(data[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(len(a) != len(names) for a in arrays):
            raise ValueError("feature, mean, scale and coef lengths differ")
        return cls(names, arrays[0], arrays[1], arrays[2], float(data["intercept"]))


def short(x: float) -> float:
    """A float with 9 significant digits: enough for the model, and stable in a diff."""
    return float(f"{float(x):.9g}")


def signs(names: dict[str, str], declared: dict[str, int]) -> list[int]:
    """The declared sign of each feature, in column order (0: free)."""
    return [declared.get(name, 0) for name in names]
