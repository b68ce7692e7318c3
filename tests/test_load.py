"""Twenty people chatting at once, through the real web app: no errors, every conversation
gets its own answers back, and an index update in the middle interrupts nobody. Latency
under that load is written down in benchmarks/results.md (bench_web.py), not asserted."""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from assistant.store.embeddings import LocalEmbeddings
from assistant.store.sync import sync_index

from .conftest import message_text, serve_sample, write_article

# (question, a word its answer holds today): twenty different conversations. A conversation
# must get back its own answers: those the same conversation gets alone, before or after the
# update, or one holding its word (the answers' quality is measured elsewhere: a question near
# the refusal threshold may be answered either way by a refitted model).
CONVERSATIONS = [
    ("Who chaired the session on maritime drug trafficking?", "Natarajan"),
    ("Which countries co-chaired the maritime trafficking session?", "Thailand"),
    ("Who chaired the session on pharmaceutical drugs?", "Bangarurajan"),
    ("Who chaired the session on the production and trafficking of methamphetamine?", "Balesh"),
    ("Who is the Director General of the Indian Coast Guard?", "Natarajan"),
    ("Who led the technical session on the dark net?", "Gulshan Rai"),
    ("Who led the session on demand and harm reduction?", "Subrahmanyam"),
    ("Who opened the gala?", "Jane Roe"),
    ("Who inaugurated the conference?", "Amit Shah"),
    ("What was the common thread of the presentations in the maritime session?", "heroin"),
    ("Which drugs smuggled by sea worried the chair of the maritime session?", "ketamine"),
    ("Which co-chair of the methamphetamine session came from Myanmar?", "Ye Win Aung"),
    ("What did the recent Coast Guard seizures show?", "coordination"),
    ("Who were the co-chairs of the methamphetamine session?", "Suriya"),
    ("Which countries are emerging as major centres of plant-based methamphetamine?", "Iran"),
    ("Who is the Director General of the Directorate of Revenue Intelligence?", "Balesh"),
    ("Where was the 4th BIMSTEC summit held?", "Kathmandu"),
    ("Which countries co-chaired the session on pharmaceutical drugs?", "Nepal"),
    ("What was the budget of the conference?", "Not in the articles"),
    ("Who chaired the session on human trafficking?", "Not in the articles"),
]
SECONDS = 10  # each conversation keeps asking for this long
TURNS = 3  # a conversation alone, to know its answers: after 2 turns its history repeats


def talk(client: Any, question: str, turns: int = TURNS) -> list[str]:
    """The answers shown to one conversation asking the same question `turns` times."""
    shown: list = []
    texts = []
    for _ in range(turns):
        shown, _sources, _box = client.predict(
            question, shown[-4:] if shown else [], [], "", "", "extractive", api_name="/chat"
        )
        texts.append(message_text(shown[-1]["content"]))
    return texts


@pytest.mark.e2e
def test_twenty_conversations_at_once_with_an_update_in_the_middle(
    tmp_path: Path, embedder: LocalEmbeddings
) -> None:
    from gradio_client import Client

    with serve_sample(
        tmp_path, embedder, "City gala", "The gala was opened by Mayor Jane Roe.", warm=True,
        queue_size=64,
    ) as settings:  # fmt: skip
        url = f"http://127.0.0.1:{settings.port}/"
        errors: list[str] = []
        latencies: list[float] = []
        answered = [0] * len(CONVERSATIONS)
        lock = threading.Lock()
        everyone_answered = threading.Event()  # the update comes once all twenty are going

        def alone(question: str) -> list[str]:  # a session of its own: its turns are its history
            return talk(Client(url, verbose=False), question)

        own = [set(alone(question)) for question, _word in CONVERSATIONS]
        shown_to: list[list[str]] = [[] for _ in CONVERSATIONS]
        deadline = time.monotonic() + SECONDS

        def converse(n: int) -> None:
            question = CONVERSATIONS[n][0]
            client = Client(url, verbose=False)  # a session of its own
            shown: list = []
            while time.monotonic() < deadline:
                started = time.monotonic()
                try:
                    shown, _sources, _box = client.predict(
                        question, shown[-4:] if shown else [], [], "", "", "extractive",
                        api_name="/chat",
                    )  # fmt: skip
                except Exception as exc:
                    with lock:
                        errors.append(f"{n}: {type(exc).__name__}: {exc}")
                    return
                seconds = time.monotonic() - started
                last = message_text(shown[-1]["content"])
                mine = [m for m in shown if m["role"] == "user"]
                with lock:
                    latencies.append(seconds)
                    shown_to[n].append(last)
                    if message_text(mine[-1]["content"]) != question:
                        errors.append(f"{n}: asked {question!r}, got {last[:120]!r}")
                        return
                    answered[n] += 1
                    if all(answered):
                        everyone_answered.set()

        threads = [threading.Thread(target=converse, args=(n,)) for n in range(20)]
        for t in threads:
            t.start()
        assert everyone_answered.wait(SECONDS), f"not every conversation got going: {answered}"
        write_article(
            settings.corpus_dir, "late.md", "Late news", "2020-03-02",
            "The closing dinner was hosted by Ambassador Rita Okafor.",
        )  # fmt: skip
        report = sync_index(settings, embedder)  # while twenty conversations are answered
        for t in threads:
            t.join(timeout=SECONDS + 120)
        assert report.added == 1
        assert not errors, errors[:5]
        for n, (question, word) in enumerate(CONVERSATIONS):
            own[n] |= set(alone(question))  # after the update
            strays = [t for t in shown_to[n] if t not in own[n] and word not in t]
            assert not strays, f"{question!r} got {strays[0][:160]!r}"
        assert all(count >= 1 for count in answered), answered
        latencies.sort()
        p50 = statistics.median(latencies)
        p95 = latencies[int(0.95 * (len(latencies) - 1))]
        print(f"\n20 conversations: {len(latencies)} answers, p50 {p50:.2f} s, p95 {p95:.2f} s")
        late = Client(url, verbose=False).predict("Who hosted the closing dinner?", api_name="/ask")
        assert "Rita Okafor" in late["answer"]
