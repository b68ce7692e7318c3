"""What keeps the API safe to expose: the key (or the page's login) every call must carry,
bodies cut off at a size limit, errors as JSON in one shape, and the refusal to serve beyond
loopback with nothing guarding it."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from assistant.app.web.page import parse_auth
from assistant.config import Settings
from assistant.errors import AssistantError, IndexBusyError, IndexMissingError

log = logging.getLogger("assistant.api")

MAX_JSON_BYTES = 1_000_000  # a question and its conversation; uploads have their own limit
MULTIPART_OVERHEAD = 64_000  # the form's own headers and boundaries around an upload
GUARDED = ("/api/", "/v1/")  # the page and its own Gradio API keep the page's login


def is_loopback(host: str) -> bool:
    """Whether a bind address is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve anywhere
        return False


def check_exposure(settings: Settings, insecure: bool = False) -> None:
    """Refuse to serve beyond loopback unless the page has a login (which then guards the API
    too, or the API key does), unless told --insecure: a key alone leaves the page open."""
    parse_auth(settings.auth)  # a malformed --auth fails here, before anything starts
    if is_loopback(settings.host) or settings.auth or insecure:
        return
    raise AssistantError(
        f"serving on {settings.host} would let anyone who reaches it ask, upload and delete "
        "articles: set a login for the page (--auth USER:PASS; it guards the API too, or an "
        "API key does: --api-key KEY or ASSISTANT_API_KEY), or pass --insecure to serve it open"
    )


def _same(given: str, wanted: str) -> bool:
    """A constant-time comparison of any text (compare_digest refuses non-ASCII str)."""
    return secrets.compare_digest(given.encode("utf-8"), wanted.encode("utf-8"))


class ApiError(HTTPException):
    """An error the API returns as {"error": {"message", "type"}}."""

    def __init__(self, status: int, message: str, kind: str = "invalid_request_error",
                 headers: dict[str, str] | None = None) -> None:  # fmt: skip
        super().__init__(status, message, headers)
        self.kind = kind


def require_key(settings: Settings) -> Callable[[Request], None]:
    """The dependency every API route has: with a key set, `Authorization: Bearer KEY`; with
    only the page's login set, that login (HTTP Basic); with neither, nothing (loopback)."""
    key = settings.api_key
    login = parse_auth(settings.auth)

    def check(request: Request) -> None:
        if not key and not login:
            return
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        value = value.strip()
        if key and scheme.lower() == "bearer" and _same(value, key):
            return
        given = _basic(value) if login and scheme.lower() == "basic" else None
        if login and given and _same(given[0], login[0]) & _same(given[1], login[1]):
            return
        wanted = "Authorization: Bearer KEY" if key else "the page's login (HTTP Basic)"
        raise ApiError(401, f"missing or wrong credentials: send {wanted}", "authentication_error",
                       {"WWW-Authenticate": "Bearer" if key else "Basic"})  # fmt: skip

    return check


def _basic(value: str) -> tuple[str, str] | None:
    try:
        user, sep, password = base64.b64decode(value, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def error(status: int, message: str, kind: str = "invalid_request_error", **extra: Any) -> Any:
    """A JSON error response in the API's one shape."""
    return JSONResponse({"error": {"message": message, "type": kind, **extra}}, status_code=status)


def install_errors(app: FastAPI) -> None:
    """Every failure as a JSON error: bad input 4xx with what is wrong, a bug 500 (logged)."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Any:
        response = error(exc.status_code, str(exc.detail), getattr(exc, "kind", _kind(exc)))
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Any:
        problems = "; ".join(_problem(e) for e in exc.errors())
        return error(422, problems or "invalid request")

    @app.exception_handler(AssistantError)
    async def refused(request: Request, exc: AssistantError) -> Any:
        if isinstance(exc, IndexBusyError):
            return error(409, str(exc), "conflict")
        if isinstance(exc, IndexMissingError):
            return error(503, str(exc), "unavailable")
        return error(400, str(exc))

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Any:
        log.exception("unexpected error on %s", request.url.path)
        return error(500, f"unexpected error: {type(exc).__name__} (see the server's log)",
                     "server_error")  # fmt: skip


def _kind(exc: HTTPException) -> str:
    return {404: "not_found", 413: "request_too_large"}.get(exc.status_code,
                                                           "invalid_request_error")  # fmt: skip


def _problem(e: dict[str, Any]) -> str:
    where = ".".join(str(part) for part in e.get("loc", ()) if part != "body")
    message = str(e.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


class BodyLimit:
    """ASGI middleware: an API request whose body passes its limit gets 413 (JSON bodies
    MAX_JSON_BYTES, uploads the upload limit), whether it says its length or not."""

    def __init__(self, app: Any, upload_bytes: int) -> None:
        self.app, self.upload_bytes = app, upload_bytes

    def limit(self, scope: dict[str, Any]) -> int | None:
        path = scope.get("path", "")
        if not path.startswith(GUARDED):
            return None
        if path.rstrip("/") == "/api/articles" and scope.get("method") == "POST":
            return self.upload_bytes + MULTIPART_OVERHEAD
        return MAX_JSON_BYTES

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:  # fmt: skip
        limit = self.limit(scope) if scope["type"] == "http" else None
        if limit is None:
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"").decode()
        if length.isdigit() and int(length) > limit:
            response = error(413, _too_large(limit), "request_too_large")
            return await response(scope, receive, send)
        received = 0

        async def counted() -> Any:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:  # an HTTPException: FastAPI passes it on as it is
                raise ApiError(413, _too_large(limit), "request_too_large")
            return message

        await self.app(scope, counted, send)


def _too_large(limit: int) -> str:
    return f"the request body is over {limit:,} bytes"


class Queue:
    """ASGI middleware: at most `size` API requests in progress (answering, waiting for a
    thread or streaming); one more is told at once that the queue is full (503), instead of
    waiting behind them. The page's requests have the page's own queue."""

    def __init__(self, app: Any, size: int) -> None:
        self.app, self.size, self.busy = app, size, 0  # one event loop: no lock needed

    async def __call__(self, scope: dict[str, Any], receive: Callable[[], Awaitable[Any]],
                       send: Callable[[Any], Awaitable[None]]) -> None:  # fmt: skip
        if scope["type"] != "http" or not scope.get("path", "").startswith(GUARDED):
            return await self.app(scope, receive, send)
        if self.busy >= self.size:
            response = error(503, f"queue is full ({self.size} requests): retry", "overloaded")
            response.headers["Retry-After"] = "1"
            return await response(scope, receive, send)
        self.busy += 1
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self.busy -= 1

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                release()  # before the last bytes go: a client that has them may ask again
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            release()
