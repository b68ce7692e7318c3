"""The fits the evidence model is made of: a listwise (softmax) ranker with coefficients held
to declared signs (L-BFGS-B bounds), gradient-boosted confidence trees held monotone in those
signs, and isotonic calibration."""

from __future__ import annotations

import numpy as np

from assistant.answering import Calibration
from assistant.fitted import Linear, Tree, Trees

# The confidence trees: small (depth 3), many (200) and slow to learn (0.05), with 40 questions
# at least in a leaf, as gradient boosting is usually run on a few thousand rows.
TREE_DEPTH, TREE_COUNT, TREE_RATE, TREE_LEAF = 3, 200, 0.05, 40


def _bounds(signs: list[int] | None, n: int) -> list[tuple[float | None, float | None]]:
    """L-BFGS-B bounds: a feature whose sign is known may only weigh in that direction."""
    if signs is None:
        return [(None, None)] * n
    return [(0.0, None) if s > 0 else (None, 0.0) if s < 0 else (None, None) for s in signs]


def _standardised(x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return (x - mean) / scale, mean, scale


def fit_listwise(
    matrices: list[np.ndarray],
    labels: list[np.ndarray],
    l2: float,
    weights: list[float] | None = None,
    signs: list[int] | None = None,
) -> Linear:
    """A linear score that puts a right row first: maximises, per group of rows, the softmax
    share of the right rows (L2-regularised, features standardised, groups weighted, each
    weight kept to the sign its feature is declared with)."""
    from scipy.optimize import minimize

    keep = [i for i, y in enumerate(labels) if y.any() and len(y) > 1]
    group_weight = np.array([(weights[i] if weights else 1.0) for i in keep])
    matrices = [matrices[i] for i in keep]
    labels = [labels[i] for i in keep]
    x, mean, scale = _standardised(np.vstack(matrices))
    sizes = [len(m) for m in matrices]
    starts = np.cumsum([0, *sizes])[:-1]
    group = np.repeat(np.arange(len(sizes)), sizes)
    right = np.concatenate(labels)
    n = float(group_weight.sum())
    row_weight = group_weight[group]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[group])
        z = np.add.reduceat(e, starts)
        e_right = np.where(right, e, 0.0)
        z_right = np.add.reduceat(e_right, starts)
        value = -np.sum(group_weight * (np.log(z_right) - np.log(z))) / n + l2 * (w @ w) / (2 * n)
        residual = row_weight * (e / z[group] - e_right / z_right[group])
        gradient = x.T @ residual / n + l2 * w / n
        return float(value), gradient

    result = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B",
                      bounds=_bounds(signs, x.shape[1]))  # fmt: skip
    return Linear(tuple(), mean, scale, result.x, 0.0)


def fit_trees(
    x: np.ndarray,
    y: np.ndarray,
    weights: np.ndarray | None = None,
    signs: list[int] | None = None,
    names: tuple[str, ...] = (),
    shape: tuple[int, int, float, int] = (TREE_DEPTH, TREE_COUNT, TREE_RATE, TREE_LEAF),
) -> Trees:
    """Gradient-boosted trees for P(y) (logistic loss), each feature's effect kept to the
    sign it is declared with (monotone), exported as plain arrays (shape: depth, count,
    learning rate, fewest rows in a leaf)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    depth, count, rate, leaf = shape
    model = HistGradientBoostingClassifier(
        max_iter=count, learning_rate=rate, max_depth=depth, min_samples_leaf=leaf,
        l2_regularization=1.0, monotonic_cst=signs, early_stopping=False, random_state=0,
    )  # fmt: skip
    model.fit(x, y.astype(int), sample_weight=weights)
    trees = []
    for (predictor,) in model._predictors:  # one tree per boosting round (binary loss)
        nodes = predictor.nodes
        leaf = nodes["is_leaf"].astype(bool)
        trees.append(
            Tree(
                feature=nodes["feature_idx"].astype(np.int64),
                threshold=nodes["num_threshold"].astype(np.float64),
                left=np.where(leaf, -1, nodes["left"].astype(np.int64)),
                right=np.where(leaf, -1, nodes["right"].astype(np.int64)),
                value=np.where(leaf, nodes["value"], 0.0).astype(np.float64),
            )
        )
    baseline = float(np.ravel(model._baseline_prediction)[0])
    return Trees(names, baseline, tuple(trees))


def fit_isotonic(
    scores: np.ndarray, right: np.ndarray, weights: np.ndarray | None = None
) -> Calibration:
    """Isotonic regression of right-or-wrong on a score, as interpolation points."""
    from sklearn.isotonic import IsotonicRegression

    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(scores, right.astype(float), sample_weight=weights)
    return Calibration(np.asarray(iso.X_thresholds_), np.asarray(iso.y_thresholds_))


def named(model: Linear, names: list[str]) -> Linear:
    return Linear(tuple(names), model.mean, model.scale, model.coef, model.intercept)
