"""The page: the four tabs put together over one Service, and what it is served with
(optional login, no public share, nothing fetched from elsewhere): by Gradio's own server, or
mounted beside the HTTP API (`assistant serve`, api/server.py)."""

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


def page_options(settings: Settings) -> dict[str, Any]:
    """What the page is served with, by Gradio's own server or mounted beside the HTTP API:
    optional login, no file from the corpus or the index, no analytics or monitoring, system
    fonts (the page fetches nothing beyond this server)."""
    import gradio as gr

    return {
        "auth": parse_auth(settings.auth),
        "auth_message": "Sign in to ask about the articles.",
        "enable_monitoring": False,
        "footer_links": [],
        "ssr_mode": False,
        "max_file_size": settings.max_upload_bytes,
        "blocked_paths": [str(settings.corpus_dir), str(settings.index_dir)],
        "mcp_server": False,
        "css": CSS,
        "head": HEAD,
        "theme": gr.themes.Default(
            font=("ui-sans-serif", "system-ui", "sans-serif"),
            font_mono=("ui-monospace", "Consolas", "monospace"),
        ),
    }


def launch(app: Any, settings: Settings, *, block: bool = True) -> Any:
    """Start Gradio's own server for the page alone on settings.host:port (loopback by
    default), never a public share. `assistant serve` mounts the page beside the HTTP API
    instead (mount)."""
    return app.launch(
        server_name=settings.host,
        server_port=settings.port,
        share=False,
        prevent_thread_lock=not block,
        quiet=not block,
        **page_options(settings),
    )


def mount(api: Any, app: Any, settings: Settings) -> Any:
    """The page mounted at / of a FastAPI app (the HTTP API's), with the same options."""
    import gradio as gr

    return gr.mount_gradio_app(
        api, app, path="/", server_name=settings.host, server_port=settings.port,
        **page_options(settings),
    )  # fmt: skip
