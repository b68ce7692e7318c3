"""Fitted models read from JSON (never pickle), for every part that applies one: a linear
model over named features (the evidence ranker, the span model) and gradient-boosted trees
(the evidence confidence, the people table's decisions), applied with numpy alone; fitted by
evaluation/fitting.py."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from assistant.errors import AssistantError

Model = TypeVar("Model")


def read_model(path: Path, what: str, parse: Callable[[dict[str, Any]], Model]) -> Model:
    """A fitted model read from its JSON file (what: "evidence", "people"); an error naming
    the fix when the file is missing or damaged."""
    try:
        return parse(json.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise AssistantError(
            f"cannot read the {what} model {path} ({exc.strerror}): run `assistant train`"
        ) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise AssistantError(
            f"the {what} model {path} is damaged ({exc}): run `assistant train`"
        ) from None


def sigmoid(x: Any) -> Any:
    """The logistic function of a logit or an array of them (clipped: no overflow)."""
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50.0, 50.0)))


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


@dataclass(frozen=True)
class Tree:
    """One tree: node i tests feature[i] <= threshold[i] (left) or not (right); a leaf
    (left[i] < 0) adds value[i]."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray

    def values(self, matrix: np.ndarray) -> np.ndarray:
        node = np.zeros(len(matrix), dtype=np.int64)
        rows = np.arange(len(matrix))
        for _ in range(len(self.feature)):  # deeper than the tree can be: every row at a leaf
            inner = self.left[node] >= 0
            if not inner.any():
                break
            at = node[inner]
            goes_left = matrix[rows[inner], self.feature[at]] <= self.threshold[at]
            node[inner] = np.where(goes_left, self.left[at], self.right[at])
        return self.value[node]

    def as_dict(self) -> dict[str, Any]:
        return {
            "feature": [int(x) for x in self.feature],
            "threshold": [short(x) for x in self.threshold],
            "left": [int(x) for x in self.left],
            "right": [int(x) for x in self.right],
            "value": [short(x) for x in self.value],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Tree:
        feature, left, right = (np.asarray(data[k], dtype=np.int64)
                                for k in ("feature", "left", "right"))  # fmt: skip
        threshold, value = (np.asarray(data[k], dtype=np.float64) for k in ("threshold", "value"))
        if not len(feature) == len(threshold) == len(left) == len(right) == len(value):
            raise ValueError("a tree's arrays differ in length")
        return cls(feature, threshold, left, right, value)


# Up to this many rows, every tree is walked at once (about 15 times faster for the few
# candidates of one article or question; slower than one tree at a time beyond ~400 rows).
PACKED_ROWS = 300


@dataclass(frozen=True)
class Trees:
    """A boosted sum of trees over named features: logit = baseline + sum of leaf values."""

    names: tuple[str, ...]
    baseline: float
    trees: tuple[Tree, ...]

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        """One logit per row of a (rows x len(names)) matrix: every tree walked at once, the
        leaf values added tree by tree (the same sums as one tree at a time)."""
        if len(matrix) == 0:
            return np.zeros(0)
        out = np.full(len(matrix), self.baseline)
        if len(matrix) > PACKED_ROWS:  # many rows: one tree at a time is faster
            for tree in self.trees:
                out += tree.values(matrix)
            return out
        if not self.trees:
            return out
        feature, threshold, left, right, value = self._packed
        trees = np.arange(len(self.trees))[None, :]
        rows = np.arange(len(matrix))[:, None]
        node = np.zeros((len(matrix), len(self.trees)), dtype=np.int64)
        for _ in range(feature.shape[1]):  # deeper than any tree: every row at its leaves
            inner = left[trees, node] >= 0
            if not inner.any():
                break
            goes_left = matrix[rows, feature[trees, node]] <= threshold[trees, node]
            node = np.where(inner, np.where(goes_left, left[trees, node], right[trees, node]),
                            node)  # fmt: skip
        leaves = value[trees, node]
        for column in leaves.T:
            out += column
        return out

    @cached_property
    def _packed(self) -> tuple[np.ndarray, ...]:
        """The trees' arrays side by side, padded with leaves (feature 0, left -1)."""
        size = max(len(t.feature) for t in self.trees)

        def pad(name: str, fill: float, dtype: Any) -> np.ndarray:
            out = np.full((len(self.trees), size), fill, dtype=dtype)
            for i, t in enumerate(self.trees):
                column = getattr(t, name)
                out[i, : len(column)] = column
            return out

        return (pad("feature", 0, np.int64), pad("threshold", 0.0, np.float64),
                pad("left", -1, np.int64), pad("right", -1, np.int64),
                pad("value", 0.0, np.float64))  # fmt: skip

    def as_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.names),
            "baseline": short(self.baseline),
            "trees": [t.as_dict() for t in self.trees],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trees:
        names = tuple(data["features"])
        trees = tuple(Tree.from_dict(t) for t in data["trees"])
        if any(len(t.feature) and int(t.feature.max()) >= len(names) for t in trees):
            raise ValueError("a tree tests a feature the model does not name")
        return cls(names, float(data["baseline"]), trees)
