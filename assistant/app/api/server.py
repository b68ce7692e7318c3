"""The server of `assistant serve`: the HTTP API with the page mounted at /, in one process
over one Service, run by uvicorn (loopback by default; beyond it only with a key or a login,
or when told --insecure)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from assistant.app.api.app import build_api
from assistant.app.api.guard import check_exposure, is_loopback
from assistant.app.service import Service
from assistant.errors import AssistantError


def build_server(service: Service, *, warm: bool = False) -> Any:
    """The API app with the page (Gradio Blocks over the same Service) mounted at /."""
    from assistant.app.web import build_app, mount

    api = build_api(service)
    return mount(api, build_app(service, warm=warm), service.settings)


def _uvicorn(app: Any, service: Service, started: threading.Event) -> Any:
    import uvicorn

    settings = service.settings

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:  # listening: say where (a log line tests and scripts wait for)
                print(f"Running on local URL: http://{settings.host}:{settings.port}", flush=True)
                started.set()

    config = uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning",
                            server_header=False, timeout_graceful_shutdown=5)  # fmt: skip
    return Server(config)


def serve(service: Service, insecure: bool = False) -> None:
    """Check the exposure and the index, load the model, then serve the page and the API
    until interrupted."""
    settings = service.settings
    check_exposure(settings, insecure)  # before the model loads
    service.check_index()
    if not is_loopback(settings.host) and not settings.auth:
        print(f"warning: the page (and its Gradio API) is open to anyone who reaches "
              f"{settings.host}: add --auth USER:PASS", flush=True)  # fmt: skip
    # the first question should not wait for the model and caches to load
    server = _uvicorn(build_server(service, warm=True), service, threading.Event())
    server.run()
    if not server.started:
        raise AssistantError(f"could not serve on {settings.host}:{settings.port} (in use?)")


@dataclass
class Served:
    """A server running in a thread of this process (tests, benchmarks): its URL; stop()."""

    url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def start(service: Service, *, warm: bool = False, timeout: float = 120) -> Served:
    """Serve the page and the API in a thread; returns once it listens."""
    started = threading.Event()
    server = _uvicorn(build_server(service, warm=warm), service, started)
    thread = threading.Thread(target=server.run, name="assistant-server", daemon=True)
    thread.start()
    if not started.wait(timeout):
        server.should_exit = True
        raise AssistantError("the server did not start")
    settings = service.settings
    return Served(f"http://{settings.host}:{settings.port}", server, thread)
