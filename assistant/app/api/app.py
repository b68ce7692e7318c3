"""The FastAPI app of the HTTP API over one Service: the JSON routes (/api) and the
OpenAI-compatible ones (/v1), guarded by the key, with the OpenAPI docs at /docs (served from
this process: nothing is fetched from elsewhere)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Query, UploadFile
from fastapi_offline import FastAPIOffline

from assistant.app.api import chat
from assistant.app.api.guard import ApiError, BodyLimit, Queue, install_errors, require_key
from assistant.app.api.schemas import (
    AnswerOut,
    ArticleOut,
    AskIn,
    DeletedOut,
    ErrorOut,
    Role,
    SyncOut,
    UploadOut,
    filters_of,
)
from assistant.app.service import Service
from assistant.errors import CorpusError
from assistant.roles import RoleRow
from assistant.types import Article

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut} for code in (400, 401, 404, 409, 413, 422, 503)
}


def history_of(history: list[Any]) -> list[dict[str, Any]]:
    """Earlier turns as the service reads them: chat messages or turn records (dicts)."""
    return [item.model_dump() for item in history]


def api_router(service: Service) -> APIRouter:
    """The /api routes: ask, articles (list, upload, delete), sync, people."""
    router = APIRouter(prefix="/api", dependencies=[Depends(require_key(service.settings))],
                       responses=ERRORS)  # fmt: skip

    # returned as Answer.as_dict() makes it (the fields of `ask --json`, in their order)
    @router.post("/ask", response_model=None, responses={200: {"model": AnswerOut}})
    def ask(body: AskIn) -> dict[str, Any]:
        """Answer one question: the answer as `assistant ask --json` prints it (claims with
        their verbatim quotes and offsets, or a refusal with its reason)."""
        service.check_index()
        history = history_of(body.history)
        answer = service.ask(body.question, history, filters_of(body.filters), body.backend)
        return answer.as_dict()

    @router.get("/articles", response_model=list[ArticleOut])
    def articles() -> list[dict[str, Any]]:
        """The articles in the index, newest first."""
        return [r.as_dict() for r in service.articles()]

    @router.post("/articles", response_model=UploadOut)
    def upload(files: Annotated[list[UploadFile], File(description="article files")]) -> Any:
        """Add article files to the corpus (each checked as `assistant index` would) and
        update the index; a refused file does not stop the others."""
        limit = service.settings.max_upload_bytes
        with tempfile.TemporaryDirectory(prefix="assistant-upload-") as folder:
            results: list[tuple[str, Article | str]] = []
            for n, upload in enumerate(files):
                name = Path(upload.filename or "").name.strip(". ") or f"upload-{n}"
                path = Path(folder) / str(n) / name
                path.parent.mkdir()
                with path.open("wb") as out:
                    shutil.copyfileobj(upload.file, out)
                if path.stat().st_size > limit:
                    results.append((name, f"{name}: over the upload limit of {limit:,} bytes"))
                    continue
                results.append(service.add_files([path])[0])
        added = [(name, got) for name, got in results if isinstance(got, Article)]
        refused = [{"file": name, "reason": got} for name, got in results
                   if not isinstance(got, Article)]  # fmt: skip
        if not added:
            reasons = "; ".join(r["reason"] for r in refused) or "no files sent"
            raise ApiError(400, f"no article added: {reasons}")
        report = service.sync()
        return {
            "added": [{"file": name, "id": a.id, "title": a.title} for name, a in added],
            "refused": refused,
            "sync": report.as_dict(),
        }

    @router.delete("/articles/{article_id}", response_model=DeletedOut)
    def delete(article_id: str) -> dict[str, Any]:
        """Remove an article's file from the corpus and the article from the index."""
        try:
            path, report = service.delete(article_id)
        except CorpusError:  # its message names the corpus folder: not for API clients
            raise ApiError(404, f"no article {article_id!r}", "not_found") from None
        return {"deleted": article_id, "file": path.name, "sync": report.as_dict()}

    @router.post("/index/sync", response_model=SyncOut)
    def sync() -> dict[str, Any]:
        """Bring the index in step with the corpus folder (as `assistant index`)."""
        return service.sync().as_dict()

    @router.get("/people", response_model=list[RoleRow])
    def people(event: str = "", role: Annotated[Role | None, Query()] = None) -> Any:
        """Who did what: the people table's rows (of an event whose name holds `event`, of
        one role), as `assistant people --json` prints them."""
        return [r.as_dict() for r in service.people(event, role or "")]

    return router


def build_api(service: Service) -> FastAPI:
    """The API app over one Service (the page is mounted on it by server.build_server)."""
    api = FastAPIOffline(
        title="assistant",
        summary="Answers about conference proceedings, each claim quoting its article.",
        version="1",
    )
    install_errors(api)
    api.include_router(api_router(service))
    api.include_router(chat.router(service))
    api.add_middleware(BodyLimit, upload_bytes=service.settings.max_upload_bytes)
    api.add_middleware(Queue, size=service.settings.queue_size)  # outermost: checked first
    return api
