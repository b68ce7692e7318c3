"""One consistent view of the index per question: while a writer adds, edits (shifting offsets)
and removes an article and syncs, askers on other threads never fail and every answer is the
answer the same question gets from the build before or the build after a change. The same
through the web API, with conversations, while **Update index** runs. A question reads the
index exactly once."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from assistant.answering.pipeline import Answerer
from assistant.app.service import Service
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.store.embeddings import LocalEmbeddings
from assistant.store.reader import Index, Snapshot
from assistant.types import Answer, ChatTurn

from .conftest import write_article

SECONDS = 20  # the writer keeps changing the index at least this long...
SYNCS = 30  # ...and for at least this many syncs (each reads its articles' people too)
HARBOUR_V1 = (
    "The harbour safety panel was chaired by Captain Lena Holm of the port authority.\n\n"
    "Inspectors boarded 42 ships during the week, she said."
)
# The edit puts a paragraph first (every offset moves) and changes the facts.
HARBOUR_V2 = (
    "Delegates arrived by ferry on a windy morning for the second day of talks.\n\n"
    "The harbour safety panel was chaired by Commander Ivo Berg of the coast guard.\n\n"
    "Inspectors boarded 57 ships during the week, he said."
)
# None: the article is not in the corpus (removed, or not yet added).
STATES: list[str | None] = [None, HARBOUR_V1, HARBOUR_V2]
QUESTIONS = [
    "Who chaired the session on pharmaceutical drugs?",
    "Who inaugurated the conference?",
    "Who chaired the harbour safety panel?",
    "How many ships did the inspectors board?",
    "What was the budget of the conference?",
]
Key = tuple[Any, ...]


def key_of(answer: Answer | dict[str, Any]) -> Key:
    """What must be equal between two answers (not timings, nor the confidence's last digits)."""
    data = answer.as_dict() if isinstance(answer, Answer) else answer
    cited = tuple((c["article_id"], c["start"], c["end"], c["quote"]) for c in data["citations"])
    return data["answer"], data["short_answer"], data["refused"], cited


def set_state(settings: Settings, state: str | None) -> None:
    path = settings.corpus_dir / "harbour.md"
    if state is None:
        path.unlink(missing_ok=True)
    else:
        write_article(settings.corpus_dir, "harbour.md", "Harbour panel", "2020-02-14", state)


class Timeline:
    """When each state of the corpus may have been visible: a state's sync began at t0 and
    returned at t1; it is visible at the latest from t1 and at the earliest from t0, until the
    next sync returns."""

    def __init__(self, first: int) -> None:
        self.changes: list[tuple[float, float, int]] = [(float("-inf"), float("-inf"), first)]

    def record(self, t0: float, t1: float, state: int) -> None:
        self.changes.append((t0, t1, state))

    def states_between(self, start: float, end: float) -> set[int]:
        found = set()
        for i, (t0, _, state) in enumerate(self.changes):
            until = self.changes[i + 1][1] if i + 1 < len(self.changes) else float("inf")
            if t0 <= end and start <= until:
                found.add(state)
        return found


def run_stress(
    settings: Settings,
    sync: Callable[[], object],
    askers: list[Callable[[], list[tuple[float, float, Callable[[set[int]], bool]]]]],
) -> tuple[int, list[str], int]:
    """Askers loop until the writer has run SECONDS and SYNCS; returns (syncs, problems,
    answers checked)."""
    timeline = Timeline(0)
    stop = threading.Event()
    results: list[tuple[float, float, Callable[[set[int]], bool]]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def asker(ask: Callable[[], list[tuple[float, float, Callable[[set[int]], bool]]]]) -> None:
        while not stop.is_set():
            try:
                got = ask()
            except Exception as exc:  # any error is a failure of the test
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                results.extend(got)

    threads = [threading.Thread(target=asker, args=(a,), daemon=True) for a in askers]
    for t in threads:
        t.start()
    started, syncs, state = time.monotonic(), 0, 0
    try:
        while time.monotonic() - started < SECONDS or syncs < SYNCS:
            state = (state + 1) % len(STATES)
            set_state(settings, STATES[state])
            t0 = time.monotonic()
            sync()
            timeline.record(t0, time.monotonic(), state)
            syncs += 1
            assert time.monotonic() - started < 240, "the writer is far too slow"
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    problems = list(errors)
    for start, end, check in results:
        valid = timeline.states_between(start, end)
        if not check(valid):
            problems.append(f"an answer between {start:.2f} and {end:.2f} s matches no state")
    return syncs, problems, len(results)


def expected_answers(service: Service) -> dict[int, dict[str, Key]]:
    """Every question's answer in every state, asked one at a time."""
    expected = {}
    for state, text in enumerate(STATES):
        set_state(service.settings, text)
        service.sync()
        expected[state] = {q: key_of(service.ask(q)) for q in QUESTIONS}
    set_state(service.settings, STATES[0])
    service.sync()
    return expected


@pytest.mark.e2e
def test_askers_never_fail_or_mix_builds_while_the_index_changes(
    settings: Settings, embedder: LocalEmbeddings
) -> None:
    service = Service(settings, embedder)
    expected = expected_answers(service)
    harbour = "Who chaired the harbour safety panel?"
    assert "Holm" in expected[1][harbour][0] and "Berg" in expected[2][harbour][0]
    assert expected[0][harbour][2] or "Holm" not in expected[0][harbour][0]

    def asker(offset: int) -> Callable[[], list[tuple[float, float, Any]]]:
        turn = [offset]

        def ask() -> list[tuple[float, float, Any]]:
            question = QUESTIONS[turn[0] % len(QUESTIONS)]
            turn[0] += 1
            start = time.monotonic()
            got = key_of(service.ask(question))
            end = time.monotonic()
            return [(start, end, lambda valid: any(expected[s][question] == got for s in valid))]

        return ask

    syncs, problems, checked = run_stress(settings, service.sync, [asker(i) for i in range(4)])
    assert syncs >= SYNCS and checked > 4 * SYNCS
    assert not problems, f"{len(problems)} of {checked} answers: {problems[:5]}"


@pytest.mark.e2e
def test_web_conversations_never_fail_or_mix_builds_while_update_index_runs(
    tmp_path: Path, settings: Settings, embedder: LocalEmbeddings
) -> None:
    from gradio_client import Client

    from assistant.app.daemons import free_port
    from assistant.app.web import build_app, launch

    settings = settings.model_copy(update={"port": free_port()})
    service = Service(settings, embedder)
    first = "Who chaired the harbour safety panel?"
    follow = "How many ships did they inspect?"
    # Turn 1 in one state, turn 2 in any state: the follow-up's answer depends on both.
    openers: dict[int, Answer] = {}
    expected: dict[tuple[Key, int], Key] = {}
    for state, text in enumerate(STATES):
        set_state(settings, text)
        service.sync()
        openers[state] = service.ask(first)
    for state, text in enumerate(STATES):
        set_state(settings, text)
        service.sync()
        for opener in openers.values():
            history = [ChatTurn.of(opener).as_dict()]
            expected[(key_of(opener), state)] = key_of(service.ask(follow, history))
    set_state(settings, STATES[0])
    service.sync()
    app = build_app(service)
    launch(app, settings, block=False)
    url = f"http://127.0.0.1:{settings.port}/"
    try:
        writer = Client(url, verbose=False)

        def asker() -> Callable[[], list[tuple[float, float, Any]]]:
            client = Client(url, verbose=False)

            def converse() -> list[tuple[float, float, Any]]:
                start = time.monotonic()
                one = client.predict(first, [], api_name="/ask")
                middle = time.monotonic()
                history = [{**one, "question": first}]
                two = client.predict(follow, history, api_name="/ask")
                end = time.monotonic()
                k1, k2 = key_of(one), key_of(two)

                def first_ok(valid: set[int]) -> bool:
                    return any(key_of(openers[s]) == k1 for s in valid)

                def second_ok(valid: set[int]) -> bool:
                    return any(expected.get((k1, s)) == k2 for s in valid)

                return [(start, middle, first_ok), (middle, end, second_ok)]

            return converse

        syncs, problems, checked = run_stress(
            settings,
            lambda: writer.predict(api_name="/update_index"),
            [asker() for _ in range(4)],
        )
    finally:
        app.close()
    assert syncs >= SYNCS and checked > 2 * SYNCS
    assert not problems, f"{len(problems)} of {checked} answers: {problems[:5]}"


class CountingIndex(Index):
    """An Index that counts how often a question takes a snapshot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reads = 0

    def snapshot(self) -> Snapshot:
        self.reads += 1
        return super().snapshot()


class _Chat:
    """A chat model that always answers from passage [1]."""

    def stream(self, messages: Sequence[Any]) -> Any:
        from langchain_core.messages import AIMessageChunk

        yield AIMessageChunk(content="The session was chaired by K. Bangarurajan [1].")

    def invoke(self, messages: Sequence[Any]) -> Any:
        from langchain_core.messages import AIMessage

        return AIMessage(content="Who chaired the session on pharmaceutical drugs?")


def test_a_question_reads_the_index_once(
    sample_settings: Settings, embedder: LocalEmbeddings
) -> None:
    from assistant.answering.generative.generate import GenerativeAnswerer
    from assistant.app.web.render import chat_markdown, render_sources

    index = CountingIndex(sample_settings, embedder)
    extractive = Answerer(index)
    answer = extractive.ask("Who chaired the session on pharmaceutical drugs?")
    chat_markdown(answer), render_sources(answer, extractive.threshold)  # the page's views
    assert index.reads == 1
    cited = answer.citations[0]  # the page shows the quote in its paragraph from the Answer
    text = index.snapshot().text(cited.article_id)
    assert text[cited.paragraph_start :].startswith(cited.paragraph)
    assert cited.paragraph_start <= cited.start and cited.quote in cited.paragraph
    history = [ChatTurn.of(answer)]
    generative = GenerativeAnswerer(extractive, sample_settings, "openai", chat=_Chat())
    index.reads = 0
    streamed = list(generative.stream("Which countries co-chaired it?", history))
    assert isinstance(streamed[-1], Answer) and index.reads == 1


EVAL_SET = (
    "cases:\n"
    '  - {id: next, question: "Which country will host the next summit?", answers: [Rwanda]}\n'
    '  - {id: opened, question: "Who opened the malaria summit?", answers: [Akufo-Addo]}\n'
)


def malaria_service(tmp_path: Path, embedder: LocalEmbeddings) -> tuple[Service, Path, Path]:
    """A service over a copy of the malaria articles, its question file, and the article
    that says who opened the summit."""
    from .conftest import ROOT, index_copy

    settings = index_copy(tmp_path, embedder, ROOT / "tests/data/holdout/malaria")
    questions = tmp_path / "questions.yaml"
    questions.write_text(EVAL_SET, encoding="utf-8")
    return Service(settings, embedder), questions, settings.corpus_dir / "accra.md"


def new_opener(article: Path, name: str) -> None:
    text = article.read_text(encoding="utf-8")
    article.write_text(re.sub(r"(Nana Akufo-Addo|Sam \w+)", name, text, count=1), "utf-8")


@pytest.mark.slow
def test_an_evaluation_reads_one_build_while_the_index_changes(
    tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    """A run from the Evaluate tab while another process syncs: every answer and quote check
    reads the build the run started on; this process's own syncs wait for the run."""
    service, questions, article = malaria_service(tmp_path, embedder)
    elsewhere = Service(service.settings, embedder)  # another process, as far as locks go
    synced, waiting = [], []

    def progress(done: int, total: int) -> None:
        if done == 1:  # between the two questions the article changes and the index follows
            new_opener(article, "Sam Ocran")
            synced.append(elsewhere.sync())
            new_opener(article, "Sam Mensah")
            waiting.append(threading.Thread(target=lambda: synced.append(service.sync())))
            waiting[0].start()
            waiting[0].join(3)  # (a sync of one article takes well under a second)
            assert waiting[0].is_alive()  # this process's sync waits for the run

    run = service.evaluate(questions, report_dir=tmp_path / "report", progress=progress)
    waiting[0].join(60)
    assert [r.updated for r in synced] == [1, 1]
    assert "Mensah" in service.ask("Who opened the malaria summit?").short_answer
    [_, opened] = run.cases
    assert opened["correct"], opened
    assert "Akufo-Addo" in opened["answer"]
    assert run.metrics["quote_faithfulness"] == 1.0


def test_an_evaluation_outlived_by_two_commits_elsewhere_says_so(
    tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    """Two commits by another process may prune what the run's build reads: an error that
    says to run it again, not a report from a build that is no longer whole."""
    service, questions, article = malaria_service(tmp_path, embedder)
    elsewhere = Service(service.settings, embedder)

    def progress(done: int, total: int) -> None:
        if done == 1:
            for name in ("Sam Ocran", "Sam Mensah"):
                new_opener(article, name)
                elsewhere.sync()

    with pytest.raises(AssistantError, match="updated more than once by another process"):
        service.evaluate(questions, report_dir=tmp_path / "report", progress=progress)
