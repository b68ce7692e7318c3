"""The Articles tab: the indexed articles, adding files or pasted text to the corpus, updating
the index and deleting an article. Index writes run one at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.app.service import Service
from assistant.app.web.render import (
    added_files_message,
    added_text_message,
    article_choices,
    article_rows,
    deleted_message,
    md_escape,
    update_message,
)
from assistant.errors import AssistantError
from assistant.ingest import library
from assistant.types import Article


def build(service: Service, initial_rows: list[list[Any]], article_filter: Any) -> Any:
    """The tab's components inside the current gr.Blocks; returns the function that refreshes
    the article lists (articles table, chat filter, delete choice) and its outputs."""
    import gradio as gr

    def choices_update() -> tuple[Any, Any, Any]:
        rows = article_rows(service.articles())
        choices = article_choices(rows)
        return rows, gr.update(choices=choices), gr.update(choices=choices, value=None)

    def add_files(files: list[str] | None) -> str:
        if not files:
            return "Choose one or more .md, .txt or .html files first."
        results: list[tuple[str, Article | str]] = []
        for name in (Path(str(f)) for f in files):
            try:
                results.append((name.name, service.add_file(name)))
            except AssistantError as exc:
                results.append((name.name, str(exc)))
        return added_files_message(results)

    def add_text(title: str, date: str, text: str) -> str:
        try:
            return added_text_message(service.add_text(title or "", date or "", text or ""))
        except AssistantError as exc:
            return f"**Refused:** {md_escape(str(exc))}"

    def update(progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (gradio's way)
        progress(0, desc="Reading the corpus")

        def embedded(done: int, total: int) -> None:
            progress((done, total), desc="Embedding new and changed articles", unit="texts")

        try:
            message = update_message(service.sync(progress=embedded))
        except AssistantError as exc:
            message = f"**Index not updated:** {md_escape(str(exc))}"
        return (message, *choices_update())

    def delete(article_id: str | None) -> tuple[Any, ...]:
        try:
            path, report = service.delete(article_id or "")
            message = deleted_message(article_id or "", path, report)
        except AssistantError as exc:
            message = f"**Not deleted:** {md_escape(str(exc))}"
        return (message, *choices_update())

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
    updated = gr.Markdown(elem_id="update-message")
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
    lists = [articles, article_filter, to_delete]
    # Index writes run one at a time (and under the writer lock against other processes).
    writes = {"outputs": [updated, *lists], "concurrency_limit": 1, "concurrency_id": "write"}
    update_button.click(update, None, api_name="update_index", **writes)
    delete_button.click(delete, to_delete, api_name="delete_article", **writes)
    return choices_update, lists
