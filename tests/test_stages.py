"""Model-free unit tests of the answer stages and the records they pass: rank fusion, top-k,
filters, paragraphs, candidate units, the linear model and calibration, the fits, the
refusal threshold. No embedding model, no index on disk: these run in milliseconds."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answering.evidence.candidates import candidate_units
from assistant.answering.evidence.model import Calibration
from assistant.answering.retrieval.retrieve import _top, fuse
from assistant.errors import AssistantError
from assistant.evaluation.fitting import fit_isotonic, fit_listwise
from assistant.fitted import Linear, signs
from assistant.types import (
    Article,
    Filters,
    Sentence,
    join_paragraphs,
    paragraph_bounds,
    same_paragraph,
)


def test_fusion_rewards_agreement_and_rank() -> None:
    scores = fuse([["a", "b", "c"], ["b", "d"]])
    assert max(scores, key=scores.get) == "b"  # in both lists
    assert scores["a"] > scores["c"] and scores["a"] > scores["d"]
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert fuse([]) == {}


def test_top_k_is_the_head_of_a_full_sort() -> None:
    rng = np.random.default_rng(3)
    scores = rng.random(5000)
    assert list(_top(scores, 48)) == list(np.argsort(-scores, kind="stable")[:48])
    assert list(_top(scores[:10], 48)) == list(np.argsort(-scores[:10], kind="stable"))


def test_filters_parse_check_and_translate() -> None:
    f = Filters.parse(["day-1"], " 2020-02-01 ", "")
    assert f == Filters(("day-1",), "2020-02-01", "")
    assert f.where() == {
        "$and": [{"article_id": {"$in": ["day-1"]}}, {"date_number": {"$gte": 20200201}}]
    }
    assert Filters().where() is None
    assert f.admits("day-1", "2020-02-02") and not f.admits("day-1", "2020-01-31")
    assert not f.admits("day-2", "2020-02-02") and not f.admits("day-1", "")
    with pytest.raises(AssistantError, match=r"--until '2020-13-01' is not a date"):
        Filters.parse(None, "", "2020-13-01")
    with pytest.raises(AssistantError, match=r"From date 'soon' is not a date"):
        Filters.parse(None, "soon", "", ("From date", "To date"))


def test_the_article_type_owns_its_paragraphs() -> None:
    text = join_paragraphs(["First one. Two.", "Second paragraph.", "Third."])
    article = Article("a", "a.md", "T", "", "", text, "h")
    spans = article.paragraphs()
    assert [text[a:b] for a, b in spans] == ["First one. Two.", "Second paragraph.", "Third."]
    start = text.index("paragraph")
    assert paragraph_bounds(text, start, start + 9) == spans[1]
    assert same_paragraph(text, text.index("one.") + 4, text.index("Two."))
    assert not same_paragraph(text, spans[0][1], spans[1][0])


class _Sentences:
    """What candidate_units asks of an index: an article's sentences in order."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self.by_article = {s.article_id: [] for s in sentences}
        for s in sentences:
            self.by_article[s.article_id].append(s)

    def sentences(self, article_id: str) -> list[Sentence]:
        return self.by_article[article_id]


def test_candidate_units_pair_each_sentence_with_the_one_before() -> None:
    article = [Sentence(i, "a", "a#0", i, 10 * i, 10 * i + 9) for i in range(3)]
    units = candidate_units(_Sentences(article), [article[2], article[0], article[2]])  # type: ignore[arg-type]
    assert [[s.row for s in u.sentences] for u in units] == [[0], [2], [1, 2]]
    pair = units[-1]
    assert (pair.article_id, pair.start, pair.end, pair.last.row) == ("a", 10, 29, 2)


def test_linear_model_scores_and_round_trips_through_json() -> None:
    model = Linear(
        ("x", "y"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]), 0.5
    )
    assert list(model.logits(np.array([[3.0, 1.0], [1.0, 0.0]]))) == [0.5, 0.5]
    assert len(model.logits(np.zeros((0, 2)))) == 0
    again = Linear.from_dict(model.as_dict())
    assert again.names == model.names and np.allclose(again.coef, model.coef)
    with pytest.raises(ValueError, match="lengths differ"):
        Linear.from_dict({**model.as_dict(), "coef": [1.0]})
    assert signs({"x": "", "y": "", "z": ""}, {"x": 1, "z": -1}) == [1, 0, -1]


def test_calibration_is_monotone_and_clipped() -> None:
    scores = np.linspace(0, 1, 200)
    right = (np.random.default_rng(0).random(200) < scores).astype(float)
    calibration = fit_isotonic(scores, right)
    values = [calibration(x) for x in np.linspace(-1, 2, 50)]
    assert values == sorted(values) and values[0] >= 0.0 and values[-1] <= 1.0
    again = Calibration.from_dict(calibration.as_dict())
    assert again(0.5) == pytest.approx(calibration(0.5), abs=1e-6)


def test_listwise_fit_learns_which_feature_marks_the_right_row() -> None:
    rng = np.random.default_rng(1)
    matrices, labels = [], []
    for _ in range(60):
        matrix = rng.normal(size=(6, 2))
        right = int(np.argmax(matrix[:, 0] + 0.1 * rng.normal(size=6)))
        matrices.append(matrix)
        labels.append(np.eye(6, dtype=bool)[right])
    model = fit_listwise(matrices, labels, 1.0)
    assert model.coef[0] > 0 and model.coef[0] > 3 * abs(model.coef[1])
    held = fit_listwise(matrices, labels, 1.0, signs=[-1, 0])  # the sign is kept
    assert held.coef[0] <= 1e-9
