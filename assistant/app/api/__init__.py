"""The HTTP API beside the page, in the same process over the same Service: JSON routes
(/api), an OpenAI-compatible chat endpoint (/v1), the key that guards both, and the server
that serves them with the page mounted at /."""

from assistant.app.api.app import build_api
from assistant.app.api.guard import check_exposure
from assistant.app.api.server import Served, build_server, serve, start

__all__ = ["Served", "build_api", "build_server", "check_exposure", "serve", "start"]
