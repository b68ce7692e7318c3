"""Gradient-boosted decision trees over named features, stored as JSON (the confidence
model): a sum of small trees, each a few yes/no questions about features ("is the margin
above 1.3?"), so that one feature may matter only when another holds. Read and applied with
numpy alone; fitted by evaluation/fitting.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.answering.evidence.linear import short


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


@dataclass(frozen=True)
class Trees:
    """A boosted sum of trees over named features: logit = baseline + sum of leaf values."""

    names: tuple[str, ...]
    baseline: float
    trees: tuple[Tree, ...]

    def logits(self, matrix: np.ndarray) -> np.ndarray:
        """One logit per row of a (rows x len(names)) matrix."""
        if len(matrix) == 0:
            return np.zeros(0)
        out = np.full(len(matrix), self.baseline)
        for tree in self.trees:
            out += tree.values(matrix)
        return out

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
