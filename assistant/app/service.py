"""The application's verbs, behind both faces (the CLI and the web page): answer a question
(whole or streamed), list, add and delete articles, bring the index in step with the corpus,
and run an evaluation. Built from Settings with its parts injected (embedder, index,
answerer); it returns records (types.py), and the faces turn them into text or HTML.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from assistant.answering import Answerer, Backend, make_backend
from assistant.config import Settings
from assistant.errors import AssistantError, IndexMissingError
from assistant.evaluation.records import Evaluation
from assistant.ingest import library
from assistant.ingest.ocr import PageProgress
from assistant.roles import RoleRow
from assistant.store.embeddings import LocalEmbeddings, embedder_for
from assistant.store.reader import Index, Snapshot
from assistant.store.sync import Progress, sync_index
from assistant.types import (
    Answer,
    Article,
    ArticleRecord,
    Filters,
    IndexReport,
    StreamItem,
)

EvalProgress = Callable[[int, int], None]  # (cases done, cases in all, over every system)


def embedder_of(settings: Settings) -> LocalEmbeddings:
    """The embedding model the settings name (not loaded until first used)."""
    return embedder_for(
        settings.embedding_runtime, settings.threads, settings.embed_batch_size, settings.cache_dir
    )


class Service:
    """One per process: answers, corpus changes, index updates and evaluations."""

    def __init__(
        self, settings: Settings, embedder: LocalEmbeddings | None = None,
        index: Index | None = None, answerer: Answerer | None = None,
    ) -> None:  # fmt: skip
        self.settings = settings
        self.embedder = embedder or embedder_of(settings)
        self.index = index or Index(settings, self.embedder)
        self.answerer = answerer or Answerer(self.index)
        self._backends: dict[str, Backend] = {}
        self._backends_lock = threading.Lock()
        # One sync at a time in this process (the page's and the watcher's); the writer lock
        # keeps other processes out.
        self._sync_lock = threading.Lock()
        # this process's last sync: when, its report, and the index version it left
        self.last_sync: tuple[dt.datetime, IndexReport, str] | None = None

    # Answers

    def answerer_for(self, backend: str | None = None) -> Backend:
        """The answerer of a backend (one per backend, shared by every conversation)."""
        backend = backend or self.settings.backend
        with self._backends_lock:
            if backend not in self._backends:
                self._backends[backend] = make_backend(backend, self.answerer, self.settings)
            return self._backends[backend]

    def ask(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None,
        backend: str | None = None,
    ) -> Answer:  # fmt: skip
        """Answer one question (history: the conversation's earlier turns, as ChatTurns,
        turn records or chat messages)."""
        return self.answerer_for(backend).ask(question, history, filters)

    def stream(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None,
        backend: str | None = None,
    ) -> Iterator[StreamItem]:  # fmt: skip
        """Checked sentences as a model writes them, then the Answer."""
        yield from self.answerer_for(backend).stream(question, history, filters)

    def warm(self) -> None:
        """Load the index, the model and the per-index caches before the first question."""
        self.answerer.ask("Who opened the conference?")

    # The corpus and the index

    def check_index(self) -> None:
        """Open the index; if it cannot be read, the error says how to build or rebuild it."""
        self.index.snapshot()

    def articles(self) -> list[ArticleRecord]:
        """Every indexed article, newest first (none before the first index)."""
        try:
            return self.index.snapshot().articles()
        except IndexMissingError:
            return []

    def people(self, event: str = "", role: str = "") -> list[RoleRow]:
        """Who did what, as the index read it: every row (of an event whose name holds `event`,
        of `role`), with its quote and where it stands."""
        from assistant.answering import people_table

        return people_table(self.index.snapshot(), self.embedder, event, role)

    def score_people(self, gold: Path, report_dir: Path | None = None) -> dict[str, Any]:
        """The people table scored against a gold file (rows: event, article, person, role,
        session, organisation): precision and recall on (event, person, role), the session
        agreeing, quotes verbatim, and the rows it got wrong or missed; written to
        report_dir (people.json, people.md) when given."""
        from assistant.evaluation.people_gold import load_gold, score, write_score

        _, rows = load_gold(gold)
        snapshot = self.index.snapshot()
        table = self.people()
        texts = {a.id: snapshot.text(a.id) for a in snapshot.articles()}
        unknown = sorted({g.article for g in rows} - set(texts))
        if unknown:
            raise AssistantError(
                f"{gold}: articles {', '.join(unknown[:5])} are not in the index: index the "
                "corpus the gold rows were written for (--corpus)"
            )
        result = score(table, rows, {g.article: g.event for g in rows}, texts)
        if report_dir is not None:
            write_score(result, report_dir, str(gold))
        return result

    def text(self, article_id: str) -> str:
        """An indexed article's cleaned text (what quotes and offsets refer to)."""
        return self.index.snapshot().text(article_id)

    def add_file(self, path: Path, name: str | None = None) -> Article:
        """Copy a file into the corpus after checking it as `assistant index` would."""
        return library.add_file(
            self.settings.corpus_dir, path, self.settings.max_file_bytes, name or path.name,
            self.settings.max_document_bytes,
        )  # fmt: skip

    def add_files(self, paths: Sequence[Path]) -> list[tuple[str, Article | str]]:
        """Add several files to the corpus: each file's article, or why it was refused (the
        others are added all the same)."""
        results: list[tuple[str, Article | str]] = []
        for path in paths:
            try:
                results.append((path.name, self.add_file(path)))
            except AssistantError as exc:
                results.append((path.name, str(exc)))
        return results

    def version(self) -> str:
        """Which committed build of the index answers now ("" before the first): changes at
        every commit, by this process or another."""
        try:
            return ":".join(str(part) for part in self.index.stamp())
        except AssistantError:
            return ""

    def add_text(self, title: str, date: str, text: str) -> Article:
        """Write pasted text into the corpus as an article."""
        return library.add_text(
            self.settings.corpus_dir, title, date, text, self.settings.max_file_bytes
        )

    def delete(self, article_id: str) -> tuple[Path, IndexReport]:
        """Remove an article's file from the corpus and from the index."""
        if not article_id:
            raise AssistantError("choose an article to delete")
        path = library.delete_article(self.settings.corpus_dir, article_id)
        return path, self.sync()

    def sync(
        self, *, rebuild: bool = False, dry_run: bool = False, progress: Progress | None = None,
        ocr_progress: PageProgress | None = None,
    ) -> IndexReport:  # fmt: skip
        """Bring the index in step with the corpus under the single-writer lock; answers go on
        from the current index until the new one is committed."""
        with self._sync_lock:
            report = sync_index(self.settings, self.embedder, rebuild=rebuild, dry_run=dry_run,
                                progress=progress, ocr_progress=ocr_progress)  # fmt: skip
            if not dry_run:
                self.last_sync = (dt.datetime.now(dt.UTC), report, self.version())
            return report

    # Evaluation

    def evaluate(
        self, questions: Path | None = None, *, squad: Path | None = None,
        coqa: Path | None = None, per_article: bool = False,
        backends: list[str] | None = None, baselines: bool = False,
        report_dir: Path | None = None, progress: EvalProgress | None = None,
    ) -> Evaluation:  # fmt: skip
        """Run a question set (or a SQuAD 2.0 or CoQA file, indexed in a scratch folder)
        through the assistant, any other backends and the baselines; write the report
        (results.json, report.md, report.html, plots) into report_dir, comparing with the run
        before it. per_article: each conversation is filtered to its own story (CoQA)."""
        from assistant.evaluation import report as report_files
        from assistant.evaluation.questions import load_coqa, load_questions, load_squad
        from assistant.evaluation.runner import run_systems

        backends = list(dict.fromkeys(backends or [self.settings.backend]))
        started = dt.datetime.now(dt.UTC)
        with tempfile.TemporaryDirectory(prefix="assistant-eval-") as scratch:
            service = self
            data = squad or coqa
            if data is not None:
                load = load_squad if squad is not None else load_coqa
                cases = load(data, Path(scratch) / "corpus")
                settings = self.settings.model_copy(
                    update={"corpus_dir": Path(scratch) / "corpus",
                            "index_dir": Path(scratch) / "index", "chroma_url": ""}
                )  # fmt: skip
                service = Service(settings, self.embedder)
                service.sync()
                source = str(data)
            else:
                path = questions or self.settings.corpus_dir / "questions.yaml"
                cases = load_questions(path)
                source = str(path)
            # One build from the first question to the last: every answer and quote check
            # reads this snapshot. This process's syncs (the watcher, Update index) wait for
            # the run; another process's are checked at each question.
            live = self._sync_lock if service is self else contextlib.nullcontext()
            with live:
                snapshot = service.index.snapshot()
                systems: dict[str, Any] = {
                    "assistant": _Pinned(service.answerer_for(backends[0]), snapshot, service.index)
                }
                for backend in backends[1:]:
                    systems[f"{backend} backend"] = _Pinned(
                        service.answerer_for(backend), snapshot, service.index
                    )
                if baselines:
                    systems |= service._baselines(Path(scratch), snapshot)
                result = run_systems(cases, systems, snapshot.text, progress, per_article)
        evaluation = Evaluation(
            questions=source, backend=backends[0], started=started.isoformat(timespec="seconds"),
            **result.pop("assistant"),
            baselines={name: {"metrics": run["metrics"]} for name, run in result.items()},
        )  # fmt: skip
        out = report_dir or Path(tempfile.mkdtemp(prefix="assistant-eval-")) / (
            f"eval-{started:%Y%m%d-%H%M%S}"
        )
        previous = report_files.previous_run(out)
        evaluation.previous = previous["_path"] if previous else None
        evaluation.diff = report_files.flips(previous, evaluation.cases)
        report_files.write(evaluation.as_dict(), out, systems["assistant"].threshold)
        evaluation.report_dir = out
        return evaluation

    def _baselines(self, scratch: Path, snapshot: Snapshot) -> dict[str, Any]:
        """A tutorial RAG pipeline on the bundled LLM, and dense-only retrieval, on this
        snapshot."""
        from assistant.answering import Retriever, chat_model
        from assistant.evaluation.baseline import TutorialRAG

        chat = chat_model(self.settings, "llamacpp")
        dense_only = Retriever(self.embedder, keywords=False)
        return {
            "tutorial RAG (SmolLM2)": TutorialRAG(
                snapshot, self.embedder, chat, scratch / "tutorial-chroma"
            ),
            "dense-only retrieval": _Pinned(
                Answerer(self.index, retriever=dense_only), snapshot, self.index
            ),
        }


class _Pinned:
    """A backend answering from one snapshot (an evaluation run's); an error when commits
    made elsewhere since may have pruned what that snapshot reads."""

    def __init__(self, backend: Backend, snapshot: Snapshot, index: Index) -> None:
        self.backend, self.snapshot, self.index = backend, snapshot, index
        self.threshold = backend.threshold

    def ask(
        self, question: str, history: Sequence[Any] = (), filters: Filters | None = None
    ) -> Answer:
        if self.snapshot.outlived_by(self.index.snapshot()):
            raise AssistantError(
                "the index was updated more than once by another process during this "
                "evaluation: its answers would come from different builds; run it again"
            )
        return self.backend.answer(self.snapshot, question, history, filters)
