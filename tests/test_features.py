"""The stages of the answer step on a small real index: lexicon, retrieval, candidate units,
named features, spans. Each test states what a feature must say about a case."""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from assistant.answering.evidence.candidates import candidate_units
from assistant.answering.evidence.choose import Candidates, gather
from assistant.answering.evidence.schema import UNIT_FEATURES
from assistant.answering.evidence.spans import parse_unit, span_candidates
from assistant.answering.question.analysis import analyse
from assistant.answering.retrieval.retrieve import Retriever
from assistant.answering.vocabulary.lexicon import Lexicon, find_acronyms
from assistant.config import Settings
from assistant.language import stem
from assistant.store.embeddings import LocalEmbeddings, embedder_for
from assistant.store.reader import Index, Snapshot
from assistant.store.sync import sync_index
from assistant.types import Filters

from .conftest import write_article

SUMMIT = (
    "GENEVA, 3 May 2021 — The Water Summit opened on Monday at the Palais des Nations. "
    "The World Meteorological Organization (WMO) organised the two-day meeting.\n\n"
    "The first session, on droughts, was chaired by Anna Berg. Delegates from Peru and Chile "
    "were co-chairs.\n\n"
    "The second session was about floods. It was led by Omar Said, who did not mention "
    "insurance.\n\n"
    "Closing the summit, the WMO said the next meeting would be held in Lima."
)
OTHER = (
    "The harbour board met in Valletta. Its chair, Mark Vella, spoke about dredging costs.\n\n"
    "The board has seven members and meets twice a year."
)


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory, embedder: LocalEmbeddings) -> Index:
    root = tmp_path_factory.mktemp("features")
    write_article(root / "corpus", "summit.md", "Water summit", "2021-05-03", SUMMIT)
    write_article(root / "corpus", "harbour.md", "Harbour board", "2021-06-01", OTHER)
    settings = Settings(corpus_dir=root / "corpus", index_dir=root / "index")
    sync_index(settings, embedder)
    return Index(settings, embedder)


@pytest.fixture(scope="module")
def small(small_index: Index) -> Snapshot:
    return small_index.snapshot()


@cache
def _embedder() -> LocalEmbeddings:
    return embedder_for("onnx", threads=2)


def found_for(index: Snapshot, question: str, filters: Filters | None = None) -> Candidates:
    q = analyse(question)
    embedder = _embedder()
    vector = np.asarray(embedder.embed_query(question), dtype=np.float32)
    return gather(q, vector, index, Lexicon.of(index), Retriever(embedder), filters)


def features_of(found: Candidates, index: Snapshot, quote: str) -> dict[str, float]:
    """The features of the single-sentence unit that starts with `quote`."""
    for scored in found.scored:
        unit = scored.unit
        if len(unit.sentences) == 1 and index.text(unit.article_id)[unit.start :].startswith(quote):
            return scored.features
    raise AssertionError(f"no candidate unit starts with {quote!r}")


def test_acronyms_defined_in_an_article_match_both_ways(small: Snapshot) -> None:
    assert find_acronyms("the Narcotics Control Bureau (NCB) said")["NCB"] == (
        "narcot", "control", "bureau",
    )  # fmt: skip
    assert "WHO" not in find_acronyms("the health body (WHO) said")  # initials must match
    lexicon = Lexicon.of(small)
    assert lexicon.acronyms["WMO"] == tuple(stem(w) for w in ("World", "Meteorological",
                                                             "Organization"))  # fmt: skip
    closing = next(
        s
        for s in small.sentences("summit")
        if small.text("summit")[s.start :].startswith("Closing")
    )
    stems = {st for st, _ in lexicon.sentence_stems(closing.row)}
    assert set(lexicon.acronyms["WMO"]) <= stems  # "WMO" reads as its expansion
    opening = small.sentences("summit")[1]
    assert "wmo" in {st for st, _ in lexicon.sentence_stems(opening.row)}  # and back


def test_every_unit_has_every_named_feature(small: Snapshot) -> None:
    found = found_for(small, "Who chaired the session on droughts?")
    assert found.matrix.shape == (len(found.scored), len(UNIT_FEATURES))
    assert np.isfinite(found.matrix).all()
    units = found.units
    assert len({tuple(s.row for s in u.sentences) for u in units}) == len(units)  # no repeats
    assert all(len(u.sentences) in {1, 2} for u in units)


def test_coverage_kind_and_proximity_of_the_answering_sentence(small: Snapshot) -> None:
    found = found_for(small, "Who chaired the session on droughts?")
    right = features_of(found, small, "The first session")
    other = features_of(found, small, "Closing the summit")
    assert right["coverage"] == pytest.approx(1.0)
    assert right["kind_found"] == 1.0 and other["kind_found"] == 0.0
    assert right["proximity"] > 0.3
    assert right["relation"] == 1.0 and other["relation"] == 0.0
    assert right["missing_weight"] == 0.0 < other["missing_weight"]


def test_names_and_numbers_of_the_question_must_be_there(small: Snapshot) -> None:
    found = found_for(small, "Who chaired the first session in Japan?")
    assert found.reading.unknown == 1  # "Japan" is in no sentence
    assert features_of(found, small, "The first session")["missing_names"] == 1.0
    second = found_for(small, "Who chaired the second session?")
    # "first session" does not say "second"; the floods sentence does.
    assert features_of(second, small, "The first session")["missing_numbers"] >= 1.0
    assert features_of(second, small, "The second session")["missing_numbers"] == 0.0


def test_negation_in_the_question_and_not_in_the_unit(small: Snapshot) -> None:
    found = found_for(small, "Who did not chair the session on droughts?")
    assert features_of(found, small, "The first session")["negation_missing"] == 1.0
    plain = found_for(small, "Who led the session on floods?")
    assert features_of(plain, small, "The second session")["negation_missing"] == 0.0


def test_retrieval_filters_and_rare_words(small: Snapshot) -> None:
    found = found_for(small, "Who spoke about dredging costs?")
    assert any(u.article_id == "harbour" for u in found.units)  # a rare word pins its sentence
    only = found_for(small, "Who spoke about dredging costs?", Filters(article_ids=("summit",)))
    assert {u.article_id for u in only.units} == {"summit"}


def test_pairs_read_a_sentence_with_the_one_before(small: Snapshot) -> None:
    sentences = small.sentences("summit")
    led = next(s for s in sentences if small.text("summit")[s.start :].startswith("It was led"))
    units = candidate_units(small, [led])
    assert [len(u.sentences) for u in units] == [1, 2]
    found = found_for(small, "Who led the session on floods?")
    pair = next(
        s.features for s in found.scored
        if len(s.unit.sentences) == 2 and s.unit.last.row == led.row
    )  # fmt: skip
    assert pair["anaphor"] == 0.0 and pair["coverage"] == pytest.approx(1.0)
    alone = features_of(found, small, "It was led")
    assert alone["anaphor"] == 1.0 and alone["coverage_near"] >= alone["coverage"]


def test_span_candidates_hold_names_numbers_and_phrases(small: Snapshot) -> None:
    lexicon = Lexicon.of(small)
    opening = next(
        u for u in candidate_units(small, small.sentences("summit")[:3])
        if len(u.sentences) == 1 and small.text("summit")[u.start :].startswith("The first")
    )  # fmt: skip
    text = small.text("summit")
    spans = {
        text[c.start : c.end]: c.kind
        for c in span_candidates(small, opening, parse_unit(small, opening))
    }
    assert spans.get("Anna Berg") == "PERSON"
    assert "droughts" in spans
    assert lexicon.info(opening.sentences[0].row).in_paragraph == 0


def test_two_readers_do_not_share_question_state(small_index: Index) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from assistant.answering.pipeline import Answerer

    answerer = Answerer(small_index)
    questions = ["Who chaired the session on droughts?", "Who led the session on floods?"] * 6
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(answerer.ask, questions))
    for question, answer in zip(questions, answers, strict=True):
        expected = "Anna Berg" if "droughts" in question else "Omar Said"
        assert expected in answer.text, (question, answer.text)


def test_answers_read_the_index_not_the_corpus_folder(tmp_path: Path, embedder) -> None:
    from assistant.answering.pipeline import Answerer

    write_article(tmp_path / "corpus", "summit.md", "Water summit", "2021-05-03", SUMMIT)
    settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
    sync_index(settings, embedder)
    shutil.rmtree(settings.corpus_dir)  # answering needs only what the index holds
    answer = Answerer(Index(settings, embedder)).ask("Who chaired the session on droughts?")
    assert answer.short_answer == "Anna Berg" and "Anna Berg" in answer.citations[0].quote
