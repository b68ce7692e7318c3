"""The page: the four tabs put together over one Service, and the server that serves it
(loopback by default, optional login, no public share, nothing fetched from elsewhere)."""

from __future__ import annotations

from typing import Any

from assistant.app.service import Service
from assistant.app.web import articles_tab, chat_tab, evaluate_tab, people_tab
from assistant.app.web.render import CSS, HEAD, article_rows
from assistant.config import Settings
from assistant.errors import AssistantError


def parse_auth(value: str) -> tuple[str, str] | None:
    """ "user:password" -> ("user", "password"); "" -> None (no login)."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise AssistantError("--auth must be USER:PASSWORD (both non-empty)")
    return user, password


def build_app(service: Service, *, warm: bool = False) -> Any:
    """The Gradio Blocks app over one Service (a test may pass a fake one)."""
    import gradio as gr

    settings = service.settings
    initial_rows = article_rows(service.articles())
    if warm:
        service.warm()
    with gr.Blocks(title="assistant: ask the proceedings", analytics_enabled=False) as app:
        gr.Markdown("## Ask about the conference articles")
        with gr.Tab("Chat", id="chat"):
            article_filter = chat_tab.build(service, initial_rows)
        with gr.Tab("Articles", id="articles"):
            refresh, lists = articles_tab.build(service, initial_rows, article_filter)
        with gr.Tab("People", id="people"):
            show_people, people = people_tab.build(service)
        with gr.Tab("Evaluate", id="evaluate"):
            evaluate_tab.build(service)
        app.load(refresh, None, lists, api_name=False)
        app.load(show_people, None, people, api_name=False)
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


def serve(service: Service) -> None:
    """Check the index, load the model, then serve until interrupted."""
    parse_auth(service.settings.auth)  # a malformed --auth fails before the model loads
    service.check_index()
    # the first question should not wait for the model and caches to load
    launch(build_app(service, warm=True), service.settings)
