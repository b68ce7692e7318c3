"""The web page (the only module that imports gradio): ask a question, get a cited answer."""

from __future__ import annotations

import html
import os
from typing import Any

from assistant.answer import Answerer
from assistant.config import Settings
from assistant.embeddings import LocalEmbeddings
from assistant.errors import AssistantError
from assistant.index import Index
from assistant.types import Answer, Passage

EXAMPLES = [
    "Who chaired the session on pharmaceutical drugs?",
    "Where was the BIMSTEC conference held?",
    "Which session discussed the dark net?",
]


def render_passages(passages: tuple[Passage, ...] | list[Passage]) -> str:
    """Passages as HTML; every piece of article text is escaped."""
    items = []
    for p in passages:
        date = html.escape(p.date or "no date")
        items.append(
            f'<div class="passage"><div class="meta"><b>{html.escape(p.title)}</b>, '
            f"{date} <code>{html.escape(p.chunk.article_id)}</code></div>"
            f"<p>{html.escape(p.chunk.text)}</p></div>"
        )
    return "\n".join(items)


def render_answer(answer: Answer) -> str:
    """The answer, its citations with the quote, and (for a refusal) the nearest passages."""
    out = [f'<div class="answer"><p>{html.escape(answer.text)}</p>']
    note = f"confidence {answer.confidence:.2f}"
    if answer.rewritten_question != answer.question:
        note += f"; read as: {html.escape(answer.rewritten_question)}"
    out.append(f'<p class="note"><small>{note}</small></p></div>')
    for c in answer.citations:
        quote = html.escape(c.quote)
        if answer.short_answer:
            short = html.escape(answer.short_answer)
            quote = quote.replace(short, f"<b>{short}</b>", 1)
        out.append(
            f'<div class="citation">[{c.n}] <b>{html.escape(c.title)}</b>, '
            f"{html.escape(c.date or 'no date')} <code>{html.escape(c.article_id)}</code>"
            f"<blockquote><mark>{quote}</mark></blockquote></div>"
        )
    if answer.refused and answer.passages:
        out.append("<p>Closest passages:</p>" + render_passages(answer.passages[:3]))
    return "\n".join(out)


def build_app(settings: Settings, embedder: LocalEmbeddings) -> Any:
    """The Gradio Blocks app over the index in settings.index_dir."""
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    import gradio as gr

    answerer = Answerer(Index(settings, embedder))

    def ask(question: str) -> str:
        if not question.strip():
            return "<p>Type a question about the articles.</p>"
        try:
            return render_answer(answerer.ask(question))
        except AssistantError as exc:
            return f'<p class="error">{html.escape(str(exc))}</p>'

    with gr.Blocks(title="assistant: ask the proceedings", analytics_enabled=False) as app:
        gr.Markdown("## Ask about the conference articles")
        question = gr.Textbox(label="Question", placeholder=EXAMPLES[0], elem_id="question")
        button = gr.Button("Ask", variant="primary")
        results = gr.HTML(elem_id="results")
        gr.Examples(EXAMPLES, inputs=question)
        button.click(ask, inputs=question, outputs=results, api_name="ask")
        question.submit(ask, inputs=question, outputs=results, api_name=False)
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
