"""The web page (the only package that imports gradio): page.py puts together the Chat,
Articles and Evaluate tabs (one module each) over the Service; render.py holds what the page
shows as plain, testable functions."""

from assistant.app.web.page import build_app, launch, mount, page_options, parse_auth
from assistant.app.web.render import chat_markdown, claims_markdown, md_escape, render_sources

__all__ = [
    "build_app",
    "chat_markdown",
    "claims_markdown",
    "launch",
    "md_escape",
    "mount",
    "page_options",
    "parse_auth",
    "render_sources",
]
