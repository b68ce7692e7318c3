"""The web page (the only module that imports gradio): search the index, see the passages."""

from __future__ import annotations

import html
import os
from typing import Any

from assistant.config import Settings
from assistant.embeddings import LocalEmbeddings
from assistant.errors import AssistantError
from assistant.index import Index
from assistant.retrieve import Retriever
from assistant.types import Passage

EXAMPLES = [
    "Who chaired the session on pharmaceutical drugs?",
    "Where was the BIMSTEC conference held?",
    "Which session discussed the dark net?",
]


def render_passages(question: str, passages: list[Passage]) -> str:
    """Passages as HTML; every piece of article text is escaped."""
    if not question.strip():
        return "<p>Type a question to search the articles.</p>"
    if not passages:
        return "<p>No passage in the articles matches that question.</p>"
    items = []
    for n, p in enumerate(passages, start=1):
        date = html.escape(p.date or "no date")
        items.append(
            f'<div class="passage"><div class="meta">[{n}] <b>{html.escape(p.title)}</b>, '
            f"{date} <code>{html.escape(p.chunk.article_id)}</code></div>"
            f"<p>{html.escape(p.chunk.text)}</p></div>"
        )
    return "\n".join(items)


def build_app(settings: Settings, embedder: LocalEmbeddings) -> Any:
    """The Gradio Blocks app over the index in settings.index_dir."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    retriever = Retriever(Index(settings, embedder))

    def search(question: str) -> str:
        try:
            return render_passages(question, retriever.search(question, k=5))
        except AssistantError as exc:
            return f'<p class="error">{html.escape(str(exc))}</p>'

    with gr.Blocks(title="assistant: search the proceedings", analytics_enabled=False) as app:
        gr.Markdown("## Search the conference articles")
        question = gr.Textbox(label="Question", placeholder=EXAMPLES[0], elem_id="question")
        button = gr.Button("Search", variant="primary")
        results = gr.HTML(elem_id="results")
        gr.Examples(EXAMPLES, inputs=question)
        button.click(search, inputs=question, outputs=results, api_name="search")
        question.submit(search, inputs=question, outputs=results, api_name=False)
    app.queue(max_size=32, default_concurrency_limit=2)
    return app


def launch(app: Any, settings: Settings, *, block: bool = True) -> Any:
    """Start the server on settings.host:port (loopback by default), never a public share."""
    return app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        enable_monitoring=False,
        prevent_thread_lock=not block,
        quiet=not block,
        footer_links=[],
        ssr_mode=False,
    )


def serve(settings: Settings, embedder: LocalEmbeddings) -> None:
    """Check the index, load the model, then serve until interrupted."""
    from assistant.index import open_index

    open_index(settings, embedder)
    embedder.model()  # the first question should not wait for the model to load
    launch(build_app(settings, embedder), settings)
