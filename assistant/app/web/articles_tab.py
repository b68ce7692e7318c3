"""The Articles tab: the indexed articles; files dropped (or an article pasted) are added to
the corpus and indexed in one step; updating the index by hand and deleting an article. Index
writes run one at a time. The list follows every commit, including the corpus watcher's."""

from __future__ import annotations

import functools
from collections.abc import Callable
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
    synced_message,
    update_message,
)
from assistant.errors import AssistantError
from assistant.ingest import library
from assistant.types import Article, IndexReport

FOLLOW_SECONDS = 2.0  # how often an open page checks for a new commit (a stat, no loading)


def build(service: Service, initial_rows: list[list[Any]], article_filter: Any) -> Any:
    """The tab's components inside the current gr.Blocks; returns the function that refreshes
    the article lists (articles table, chat filter, delete choice) and its outputs."""
    import gradio as gr

    def choices_update() -> tuple[Any, Any, Any]:
        rows = article_rows(service.articles())
        choices = article_choices(rows)
        return rows, gr.update(choices=choices), gr.update(choices=choices, value=None)

    def progress_of(progress: Any) -> Any:
        def embedded(done: int, total: int) -> None:
            progress((done, total), desc="Embedding new and changed articles", unit="texts")

        return embedded

    def add_files(
        files: list[str] | None,
        progress: Any = gr.Progress(),  # noqa: B008 (gradio's way)
    ) -> tuple[Any, ...]:
        if not files:
            return ("Drop one or more .md, .txt, .html, .pdf or .docx files.", *choices_update(),
                    None)  # fmt: skip
        progress(0, desc="Checking the files")
        results = service.add_files([Path(str(f)) for f in files])
        report: IndexReport | str | None = None
        if any(isinstance(got, Article) for _, got in results):
            try:
                report = service.sync(progress=progress_of(progress))
            except AssistantError as exc:
                report = str(exc)
        return (added_files_message(results, report), *choices_update(), None)

    def add_text(
        title: str, date: str, text: str,
        progress: Any = gr.Progress(),  # noqa: B008 (gradio's way)
    ) -> tuple[Any, ...]:  # fmt: skip
        try:
            article = service.add_text(title or "", date or "", text or "")
        except AssistantError as exc:
            return (f"**Refused:** {md_escape(str(exc))}", *choices_update())
        try:
            report: IndexReport | str = service.sync(progress=progress_of(progress))
        except AssistantError as exc:
            report = str(exc)
        return (added_text_message(article, report), *choices_update())

    def follow(seen: str) -> tuple[Any, ...]:
        """On each tick: the lists again when the index changed since the page last looked."""
        version = service.version()
        if version == seen:
            return (gr.skip(), gr.skip(), gr.skip(), gr.skip(), seen)
        return (synced_message(service.last_sync, version), *choices_update(), version)

    def update(progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 (gradio's way)
        progress(0, desc="Reading the corpus")
        try:
            message = update_message(service.sync(progress=progress_of(progress)))
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
                label="Drop .md, .txt, .html, .pdf or .docx articles: they are added and indexed",
                file_count="multiple",
                file_types=sorted(library.ARTICLE_SUFFIXES),
                type="filepath",
                elem_id="uploads",
            )
        with gr.Column():
            paste_title = gr.Textbox(label="Title")
            paste_date = gr.Textbox(label="Date", placeholder="YYYY-MM-DD")
            paste_text = gr.Textbox(label="Article text", lines=6, max_length=200_000)
            add_text_button = gr.Button("Add pasted article", elem_id="add-text")
    updated = gr.Markdown(elem_id="update-message")
    update_button = gr.Button("Update index", elem_id="update")
    with gr.Row():
        to_delete = gr.Dropdown(
            label="Delete an article (from the corpus and the index)",
            choices=article_choices(initial_rows),
            scale=3,
        )
        delete_button = gr.Button("Delete", variant="stop", scale=1)
    lists = [articles, article_filter, to_delete]
    # The list follows commits made elsewhere (the corpus watcher, another process); a write
    # from this page says which build it left, so its own message stays on the page.
    seen = gr.State(service.version())

    def seeing(handler: Callable[..., tuple[Any, ...]]) -> Callable[..., tuple[Any, ...]]:
        @functools.wraps(handler)
        def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, ...]:
            return (*handler(*args, **kwargs), service.version())

        return wrapped

    # Index writes run one at a time (and under the writer lock against other processes).
    writes = {"concurrency_limit": 1, "concurrency_id": "write"}
    uploads.upload(seeing(add_files), uploads, [updated, *lists, uploads, seen],
                   api_name="add_files", **writes)  # fmt: skip
    add_text_button.click(seeing(add_text), [paste_title, paste_date, paste_text],
                          [updated, *lists, seen], api_name="add_text", **writes)  # fmt: skip
    update_button.click(seeing(update), None, [updated, *lists, seen], api_name="update_index",
                        **writes)  # fmt: skip
    delete_button.click(seeing(delete), to_delete, [updated, *lists, seen],
                        api_name="delete_article", **writes)  # fmt: skip
    gr.Timer(FOLLOW_SECONDS).tick(follow, seen, [updated, *lists, seen], api_name=False,
                                  show_progress="hidden", queue=False)  # fmt: skip
    return choices_update, lists
