"""The web app (the only module that imports gradio): a chat that streams cited answers with
a sources panel, an Articles tab that changes the corpus and updates the index, and an
Evaluate tab that runs a question set.

Every piece of article text reaches the page escaped: a hostile article cannot inject markup.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant import library
from assistant.answer import Answerer
from assistant.config import BACKENDS, Settings
from assistant.embeddings import LocalEmbeddings
from assistant.errors import AssistantError, IndexMissingError
from assistant.index import Index, sync_index
from assistant.retrieve import Filters
from assistant.types import Answer, Passage

EXAMPLES = [
    "Who chaired the session on pharmaceutical drugs?",
    "Which countries co-chaired it?",
    "Where was the BIMSTEC conference held?",
    "Who inaugurated the conference?",
    "What was the budget of the conference?",
]
STREAM_STEP = 0.015  # seconds between streamed pieces of an answer
SOURCES_EMPTY = '<div class="sources-empty">Sources for the answer appear here.</div>'

CSS = """
#sources { max-height: 640px; overflow-y: auto; }
.source { border-left: 3px solid #d0d7de; padding: 0.2em 0.8em; margin: 0.6em 0; }
.source.flash { border-left-color: #f59e0b; }
.source-head { font-size: 0.9em; color: #555; }
.source mark { background: #fde68a; color: inherit; padding: 0 0.1em; }
.confidence { font-size: 0.9em; margin-bottom: 0.4em; }
.confidence meter { width: 8em; vertical-align: middle; }
.refusal { font-weight: 600; margin-bottom: 0.4em; }
"""
# Citation numbers in the chat link to "#source-N": scroll the sources panel to it.
HEAD = """
<script>
document.addEventListener("click", function (event) {
  const link = event.target.closest && event.target.closest('a[href^="#source-"]');
  if (!link) return;
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  event.preventDefault();
  target.scrollIntoView({behavior: "smooth", block: "nearest"});
  target.classList.add("flash");
  setTimeout(function () { target.classList.remove("flash"); }, 1500);
}, true);
</script>
"""

# ---------------------------------------------------------------------------------------------
# Rendering (plain functions, tested without a server)

# Brackets escaped, no link can form; emphasis, code, tables and strike-through are escaped too.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def md_escape(text: str) -> str:
    """Text shown literally inside Markdown: no markup, no HTML, no links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def confidence_label(confidence: float, refused: bool) -> str:
    """The confidence in words: it is a calibrated probability that the quote answers."""
    if refused:
        return "too low to answer"
    return "high" if confidence >= 0.8 else "medium" if confidence >= 0.5 else "low"


def chat_markdown(answer: Answer) -> str:
    """The answer as it appears in the chat; citation numbers link to the sources panel."""
    if answer.refused:
        reason = answer.text.removeprefix("The articles don't say: ").rstrip(".")
        return (
            f"**Not in the articles.** The articles don't say: {md_escape(reason)}. "
            "The nearest passages are beside the chat."
        )
    if answer.backend != "extractive" and not answer.fallback:
        return generated_markdown(answer.text)
    citation = answer.citations[0]
    quote = md_escape(" ".join(citation.quote.split()))
    short = f"**{md_escape(answer.short_answer)}**: " if answer.short_answer else ""
    text = f"{short}“{quote}” [\\[{citation.n}\\]](#source-{citation.n})"
    if answer.fallback:
        text += f"\n\n_{md_escape(f'({answer.backend} answer not shown: {answer.note}.)')}_"
    return text


def generated_markdown(text: str) -> str:
    """A generated (already checked) answer: escaped, its [n] linked to the sources panel."""
    escaped = md_escape(text)
    return re.sub(r"\\\[(\d+)\\\]", r"[\\[\1\\]](#source-\1)", escaped)


def _paragraph_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    before = text.rfind("\n\n", 0, start)
    after = text.find("\n\n", end)
    return (0 if before < 0 else before + 2), (len(text) if after < 0 else after)


def render_sources(answer: Answer, text_of: Any, threshold: float = 0.5) -> str:
    """The sources panel: confidence, then each cited paragraph with the quote highlighted and
    the short answer in bold; for a refusal, the nearest passages."""
    level = confidence_label(answer.confidence, answer.refused)
    out = [
        f'<div class="confidence conf-{level.split()[0]}">Confidence: '
        f'<meter min="0" max="1" low="{threshold:.2f}" high="0.8" optimum="1" '
        f'value="{answer.confidence:.2f}"></meter> {level} ({answer.confidence:.2f})</div>'
    ]
    if answer.rewritten_question != answer.question:
        out.append(
            '<details class="rewritten"><summary>Question as understood</summary>'
            f"{html.escape(answer.rewritten_question)}</details>"
        )
    for c in answer.citations:
        text = text_of(c.article_id)
        a, b = _paragraph_bounds(text, c.start, c.end)
        quote = html.escape(c.quote)
        if answer.short_answer:
            short = html.escape(answer.short_answer)
            quote = quote.replace(short, f"<b>{short}</b>", 1)
        out.append(
            f'<div class="source" id="source-{c.n}"><div class="source-head">[{c.n}] '
            f"<b>{html.escape(c.title)}</b> · {html.escape(c.date or 'no date')} · "
            f"<code>{html.escape(c.article_id)}</code></div>"
            f"<p>{html.escape(text[a : c.start])}<mark>{quote}</mark>"
            f"{html.escape(text[c.end : b])}</p></div>"
        )
    if answer.refused:
        out.append('<div class="refusal">Not in the articles. Nearest passages:</div>')
        out.append(render_passages(answer.passages[:3]))
    return "\n".join(out)


def render_passages(passages: tuple[Passage, ...] | list[Passage]) -> str:
    """Passages as HTML; every piece of article text is escaped."""
    items = []
    for p in passages:
        date = html.escape(p.date or "no date")
        items.append(
            f'<div class="source passage"><div class="source-head"><b>{html.escape(p.title)}</b>'
            f" · {date} · <code>{html.escape(p.chunk.article_id)}</code></div>"
            f"<p>{html.escape(p.chunk.text)}</p></div>"
        )
    return "\n".join(items)


def stream_pieces(text: str, words: int = 3) -> Iterator[str]:
    """The text growing a few words at a time (the last piece is the whole text)."""
    parts = re.split(r"(\s+)", text)
    step = 2 * words
    for end in range(step, len(parts), step):
        yield "".join(parts[:end]).rstrip()
    yield text


def parse_filters(article_ids: list[str] | None, since: str, until: str) -> Filters:
    for name, value in (("From", since), ("To", until)):
        if value.strip():
            try:
                dt.date.fromisoformat(value.strip())
            except ValueError:
                raise AssistantError(
                    f"{name} date {value!r} is not a date: use YYYY-MM-DD"
                ) from None
    return Filters(tuple(article_ids or ()), since.strip(), until.strip())


def parse_auth(value: str) -> tuple[str, str] | None:
    """ "user:password" -> ("user", "password"); "" -> None (no login)."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise AssistantError("--auth must be USER:PASSWORD (both non-empty)")
    return user, password


# ---------------------------------------------------------------------------------------------
# What the page does, without gradio: one object per served app


class Service:
    """The work behind the page: answers, corpus changes, index updates, evaluation."""

    def __init__(self, settings: Settings, embedder: LocalEmbeddings) -> None:
        self.settings = settings
        self.embedder = embedder
        self.index = Index(settings, embedder)
        self.answerer = Answerer(self.index)
        self._generative: dict[str, Any] = {}
        self._generative_lock = threading.Lock()

    def answerer_for(self, backend: str | None) -> Any:
        """The answerer of a backend (one per backend, shared by every conversation)."""
        from assistant.generate import answerer_for

        backend = backend or self.settings.backend
        with self._generative_lock:
            if backend not in self._generative:
                self._generative[backend] = answerer_for(self.answerer, self.settings, backend)
            return self._generative[backend]

    def ask(
        self,
        question: str,
        history: list[dict[str, str]],
        filters: Filters | None = None,
        backend: str | None = None,
    ) -> Answer:
        return self.answerer_for(backend).ask(question, history, filters)

    def stream(
        self,
        question: str,
        history: list[dict[str, str]],
        filters: Filters | None = None,
        backend: str | None = None,
    ) -> Iterator[str | Answer]:
        """Checked sentences as a model writes them, then the Answer."""
        answerer = self.answerer_for(backend)
        if hasattr(answerer, "stream"):
            yield from answerer.stream(question, history, filters)
        else:
            yield answerer.ask(question, history, filters)

    def warm(self) -> None:
        """Load the index, the model and the per-index caches before the first question."""
        self.answerer.ask("Who opened the conference?")

    def text(self, article_id: str) -> str:
        return self.index.text(article_id)

    def article_rows(self) -> list[list[Any]]:
        try:
            records = self.index.open().articles()
        except IndexMissingError:
            return []
        return [[r.id, r.title, r.date, r.chunks, r.indexed_at] for r in records]

    def add_files(self, paths: list[str]) -> str:
        lines = []
        for path in paths:
            name = Path(path).name
            try:
                article = library.add_file(
                    self.settings.corpus_dir, Path(path), self.settings.max_file_bytes, name
                )
                title = md_escape(article.title)
                lines.append(f"added {md_escape(name)} as article `{article.id}` ({title})")
            except AssistantError as exc:
                lines.append(f"refused {md_escape(str(exc))}")
        message = "\n".join(f"- {line}" for line in lines)
        if any(line.startswith("added") for line in lines):
            message += "\n\nPress **Update index** to make the new articles searchable."
        return message

    def add_text(self, title: str, date: str, text: str) -> str:
        article = library.add_text(
            self.settings.corpus_dir, title, date, text, self.settings.max_file_bytes
        )
        return (
            f"added pasted article `{article.id}` ({md_escape(article.title)}, "
            f"{article.date or 'no date'}). Press **Update index** to make it searchable."
        )

    def update(self, progress: Any = None) -> str:
        """Incremental sync under the single-writer lock; answers go on from the current
        index until the new one is committed (the next question opens the new one)."""
        report = sync_index(self.settings, self.embedder, progress=progress)
        lines = [f"**Index updated:** {report.summary()}"]
        lines += [f"- skipped `{s.path}`: {s.reason}" for s in report.skipped]
        return "\n".join(lines)

    def delete(self, article_id: str) -> str:
        if not article_id:
            raise AssistantError("choose an article to delete")
        path = library.delete_article(self.settings.corpus_dir, article_id)
        report = sync_index(self.settings, self.embedder)
        return f"deleted `{article_id}` ({path.name}); {report.summary()}"

    def evaluate(self, questions: Path | None, progress: Any = None) -> tuple[dict[str, Any], Path]:
        """Run a question set against the current index; returns the results and a folder
        with the report (results.json, report.md, report.html, plots)."""
        from assistant import report
        from assistant.evaluate import evaluation, load_questions

        path = questions or self.settings.corpus_dir / "questions.yaml"
        cases = load_questions(path)
        index = self.index.open()
        done = [0]

        def step(n: int) -> None:
            done[0] += n
            if progress is not None:
                progress(done[0], len(cases))

        started = dt.datetime.now(dt.UTC)
        data = {
            "questions": path.name,
            "started": started.isoformat(timespec="seconds"),
            **evaluation(cases, lambda q, h: self.answerer.ask(q, h), index.text, step),
            "baselines": {},
            "previous": None,
            "diff": {"broke": [], "fixed": []},
        }
        out = Path(tempfile.mkdtemp(prefix="assistant-eval-")) / f"eval-{started:%Y%m%d-%H%M%S}"
        report.write(data, out, self.answerer.threshold)
        return data, out


def article_choices(rows: list[list[Any]]) -> list[tuple[str, str]]:
    """Dropdown choices ("title (id)", id) from the rows of the articles table."""
    return [(f"{row[1]} ({row[0]})", row[0]) for row in rows]


def metrics_rows(metrics: dict[str, Any]) -> list[list[str]]:
    rows = []
    for key, value in metrics.items():
        if value is None:
            shown = "–"
        elif key in {"turns", "false_refusals", "median_answer_words"}:
            shown = f"{value:g}"
        elif key.endswith("_ms"):
            shown = f"{value:.0f} ms"
        elif key == "calibration_error":
            shown = f"{value:.3f}"
        else:
            shown = f"{value:.1%}"
        rows.append([key.replace("_", " "), shown])
    return rows


def failing_rows(cases: list[dict[str, Any]]) -> list[list[Any]]:
    return [
        [c["id"], c["turn"], c["question"], c["reason"], c["answer"], round(c["confidence"], 2)]
        for c in cases
        if not c["correct"]
    ]


# ---------------------------------------------------------------------------------------------
# The page


def build_app(settings: Settings, embedder: LocalEmbeddings, *, warm: bool = False) -> Any:
    """The Gradio Blocks app over the index in settings.index_dir."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    service = Service(settings, embedder)
    initial_rows = service.article_rows()
    if warm:
        service.warm()

    def respond(
        message: str,
        shown: list[dict[str, Any]],
        conversation: list[dict[str, str]],
        article_ids: list[str] | None,
        since: str,
        until: str,
        backend: str | None = None,
    ) -> Iterator[tuple[Any, ...]]:
        shown, conversation = list(shown or []), list(conversation or [])
        if not message.strip():
            yield shown, conversation, gr.skip(), ""
            return
        shown.append({"role": "user", "content": message})
        try:
            filters = parse_filters(article_ids, since or "", until or "")
            answer, written = None, ""
            for item in service.stream(message, conversation, filters, backend or None):
                if isinstance(item, str):  # a sentence that passed the grounding check
                    written += item
                    draft = {"role": "assistant", "content": generated_markdown(written)}
                    yield [*shown, draft], conversation, gr.skip(), ""
                else:
                    answer = item
            assert answer is not None
        except AssistantError as exc:
            shown.append({"role": "assistant", "content": f"**Error:** {md_escape(str(exc))}"})
            yield shown, conversation, gr.skip(), ""
            return
        sources = render_sources(answer, service.text, service.answerer.threshold)
        if answer.rewritten_question != answer.question:
            shown.append(
                {
                    "role": "assistant",
                    "content": md_escape(answer.rewritten_question),
                    "metadata": {"title": "Follow-up read as", "status": "done"},
                }
            )
        conversation += [
            {"role": "user", "content": message},
            {"role": "assistant", "content": answer.text},
        ]
        shown.append({"role": "assistant", "content": ""})
        for piece in stream_pieces(chat_markdown(answer)):
            shown[-1] = {"role": "assistant", "content": piece}
            yield shown, conversation, sources, ""
            time.sleep(STREAM_STEP)

    def ask_api(
        question: str,
        history: list[dict[str, str]] | None = None,
        article_ids: list[str] | None = None,
        since: str = "",
        until: str = "",
        backend: str = "",
    ) -> dict[str, Any]:
        """One question (with earlier messages) -> the answer as JSON, as `assistant ask --json`."""
        try:
            filters = parse_filters(article_ids, since, until)
            if backend and backend not in BACKENDS:
                raise AssistantError(f"unknown backend {backend!r}: one of {', '.join(BACKENDS)}")
            answer = service.ask(question, list(history or []), filters, backend or None)
            return answer.as_dict()
        except AssistantError as exc:
            raise gr.Error(str(exc), print_exception=False) from None

    def choices_update() -> tuple[Any, Any, Any]:
        rows = service.article_rows()
        choices = article_choices(rows)
        return rows, gr.update(choices=choices), gr.update(choices=choices, value=None)

    def add_files(files: list[str] | None) -> str:
        if not files:
            return "Choose one or more .md, .txt or .html files first."
        return service.add_files([str(f) for f in files])

    def add_text(title: str, date: str, text: str) -> str:
        try:
            return service.add_text(title or "", date or "", text or "")
        except AssistantError as exc:
            return f"**Refused:** {md_escape(str(exc))}"

    def update(progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (gradio's way)
        progress(0, desc="Reading the corpus")

        def embedded(done: int, total: int) -> None:
            progress((done, total), desc="Embedding new and changed articles", unit="texts")

        try:
            message = service.update(embedded)
        except AssistantError as exc:
            message = f"**Index not updated:** {md_escape(str(exc))}"
        return (message, *choices_update())

    def delete(article_id: str | None) -> tuple[Any, ...]:
        try:
            message = service.delete(article_id or "")
        except AssistantError as exc:
            message = f"**Not deleted:** {md_escape(str(exc))}"
        return (message, *choices_update())

    def evaluate(upload: str | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        progress(0, desc="Asking the questions")
        try:
            data, out = service.evaluate(
                Path(upload) if upload else None,
                lambda done, total: progress((done, total), desc="Asking", unit="cases"),
            )
        except AssistantError as exc:
            return f"**Evaluation failed:** {md_escape(str(exc))}", [], [], [], None
        m = data["metrics"]
        summary = (
            f"**{int(m['turns'])} turns from {md_escape(data['questions'])}:** accuracy "
            f"{m['accuracy']:.1%}; answerable: evidence right "
            f"{(m['evidence_accuracy'] or 0):.1%}, short answer right "
            f"{(m['short_answer_accuracy'] or 0):.1%}; refusal recall "
            f"{(m['refusal_recall'] or 0):.1%}, citations {(m['citation_accuracy'] or 0):.1%}."
        )
        archive = shutil.make_archive(str(out), "zip", out)
        plots = [str(p) for p in sorted(out.glob("*.png"))]
        return summary, metrics_rows(m), plots, failing_rows(data["cases"]), archive

    with gr.Blocks(title="assistant: ask the proceedings", analytics_enabled=False) as app:
        gr.Markdown("## Ask about the conference articles")
        with gr.Tab("Chat", id="chat"):
            conversation = gr.State([])
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        label="Conversation",
                        elem_id="chat",
                        height=480,
                        feedback_options=None,
                        buttons=["copy"],
                        placeholder="Ask a question; every answer quotes the article it rests on.",
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            show_label=False,
                            placeholder=EXAMPLES[0],
                            elem_id="question",
                            scale=5,
                            max_length=1000,
                        )
                        ask_button = gr.Button("Ask", variant="primary", scale=1, elem_id="ask")
                    backend = gr.Radio(
                        list(BACKENDS),
                        value=settings.backend,
                        label="Answer with",
                        info="extractive quotes the article; the others word the answer with a "
                        "language model, shown only when every claim is found in the sources",
                        elem_id="backend",
                    )
                    with gr.Accordion("Filters", open=False):
                        article_filter = gr.Dropdown(
                            label="Only these articles",
                            choices=article_choices(initial_rows),
                            multiselect=True,
                        )
                        with gr.Row():
                            since = gr.Textbox(label="From date", placeholder="YYYY-MM-DD")
                            until = gr.Textbox(label="To date", placeholder="YYYY-MM-DD")
                    gr.Examples(EXAMPLES, inputs=question, label="Example questions")
                    clear = gr.Button("Clear conversation", elem_id="clear")
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(SOURCES_EMPTY, elem_id="sources")
            chat_inputs = [question, chatbot, conversation, article_filter, since, until, backend]
            chat_outputs = [chatbot, conversation, sources, question]
            ask_button.click(respond, chat_inputs, chat_outputs, api_name="chat")
            question.submit(respond, chat_inputs, chat_outputs, api_name=False)
            clear.click(
                lambda: ([], [], SOURCES_EMPTY, ""),
                None,
                [chatbot, conversation, sources, question],
                api_name=False,
            )
            chatbot.clear(
                lambda: ([], SOURCES_EMPTY), None, [conversation, sources], api_name=False
            )
            gr.api(ask_api, api_name="ask")

        with gr.Tab("Articles", id="articles"):
            articles = gr.Dataframe(
                headers=["id", "title", "date", "chunks", "indexed at"],
                value=initial_rows,
                interactive=False,
                label="Articles in the index",
                elem_id="articles",
            )
            with gr.Row():
                with gr.Column():
                    uploads = gr.File(
                        label="Upload .md, .txt or .html articles",
                        file_count="multiple",
                        file_types=sorted(library.ARTICLE_SUFFIXES),
                        type="filepath",
                    )
                    add_files_button = gr.Button("Add files to the corpus")
                with gr.Column():
                    paste_title = gr.Textbox(label="Title")
                    paste_date = gr.Textbox(label="Date", placeholder="YYYY-MM-DD")
                    paste_text = gr.Textbox(label="Article text", lines=6, max_length=200_000)
                    add_text_button = gr.Button("Add pasted article to the corpus")
            corpus_message = gr.Markdown(elem_id="corpus-message")
            update_button = gr.Button("Update index", variant="primary", elem_id="update")
            update_message = gr.Markdown(elem_id="update-message")
            with gr.Row():
                to_delete = gr.Dropdown(
                    label="Delete an article (from the corpus and the index)",
                    choices=article_choices(initial_rows),
                    scale=3,
                )
                delete_button = gr.Button("Delete", variant="stop", scale=1)
            add_files_button.click(add_files, uploads, corpus_message, api_name="add_files")
            add_text_button.click(
                add_text, [paste_title, paste_date, paste_text], corpus_message, api_name="add_text"
            )
            # Index writes run one at a time (and under the writer lock against other processes).
            writes = {
                "outputs": [update_message, articles, article_filter, to_delete],
                "concurrency_limit": 1,
                "concurrency_id": "write",
            }
            update_button.click(update, None, api_name="update_index", **writes)
            delete_button.click(delete, to_delete, api_name="delete_article", **writes)

        with gr.Tab("Evaluate", id="evaluate"):
            gr.Markdown(
                "Runs the question set in the corpus folder (`questions.yaml`), or one you "
                "upload in the same format, against the current index."
            )
            questions_upload = gr.File(
                label="Question set (.yaml), optional", file_types=[".yaml", ".yml"]
            )
            run_button = gr.Button("Run evaluation", variant="primary", elem_id="run-eval")
            eval_summary = gr.Markdown(elem_id="eval-summary")
            metrics_table = gr.Dataframe(headers=["metric", "value"], label="Metrics")
            plots = gr.Gallery(label="Plots", columns=2, height=720, object_fit="contain")
            failing = gr.Dataframe(
                headers=["case", "turn", "question", "why", "answer", "confidence"],
                label="Failing turns",
                wrap=True,
            )
            report_file = gr.File(label="Report (zip: report.html, report.md, results.json)")
            run_button.click(
                evaluate,
                questions_upload,
                [eval_summary, metrics_table, plots, failing, report_file],
                api_name="evaluate",
                concurrency_limit=1,
            )
        app.load(choices_update, None, [articles, article_filter, to_delete], api_name=False)
    app.queue(max_size=settings.queue_size, default_concurrency_limit=2)
    return app


def launch(app: Any, settings: Settings, *, block: bool = True) -> Any:
    """Start the server on settings.host:port (loopback by default), never a public share."""
    import gradio as gr

    return app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        auth=parse_auth(settings.auth),
        auth_message="Sign in to ask about the articles.",
        enable_monitoring=False,
        prevent_thread_lock=not block,
        quiet=not block,
        footer_links=[],
        ssr_mode=False,
        max_file_size=settings.max_upload_bytes,
        blocked_paths=[str(settings.corpus_dir), str(settings.index_dir)],
        mcp_server=False,
        css=CSS,
        head=HEAD,
        # system fonts: the page fetches nothing beyond this server
        theme=gr.themes.Default(
            font=("ui-sans-serif", "system-ui", "sans-serif"),
            font_mono=("ui-monospace", "Consolas", "monospace"),
        ),
    )


def serve(settings: Settings, embedder: LocalEmbeddings) -> None:
    """Check the index, load the model, then serve until interrupted."""
    from assistant.index import open_index

    parse_auth(settings.auth)  # a malformed --auth fails before the model loads
    open_index(settings, embedder)
    # the first question should not wait for the model and caches to load
    launch(build_app(settings, embedder, warm=True), settings)
