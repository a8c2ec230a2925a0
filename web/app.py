"""The web view as an ASGI application: `create_app(settings)`.

The composition root of the pages: it opens the ledger's readers, puts the
pages, the JSON API, the downloads and the stylesheet on their routes, turns
every error into a one-line answer with its status (never a traceback), and
wraps it all in the guard (`web.guard`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ledger.errors import ChainBroken, LedgerError, NotFound, NotInitialised, PermissionDenied
from web import api, pages, render
from web.access import Readers
from web.answers import Answers
from web.guard import Guard, Receive, Scope, Send
from web.settings import Settings

#: The HTTP status of each kind of refusal (the first that matches); anything else is 400.
STATUS: tuple[tuple[type[LedgerError], int], ...] = (
    (NotFound, 404),
    (NotInitialised, 503),
    (ChainBroken, 500),
    (PermissionDenied, 403),
)


class WebApp:
    """The guarded Starlette app, and the readers it closes when it is done."""

    def __init__(self, settings: Settings) -> None:
        self.readers = Readers(db_url=settings.db_url, size=settings.readers)
        self.answers = Answers(self.readers)

        @asynccontextmanager
        async def lifespan(_app: Starlette) -> AsyncIterator[None]:
            yield
            self.close()

        app = Starlette(
            routes=[
                *pages.routes(),
                *api.routes(),
                Mount("/static", app=StaticFiles(packages=[("web", "static")]), name="static"),
            ],
            exception_handlers={
                LedgerError: _ledger_error,
                HTTPException: _http_error,
                Exception: _server_error,
            },
            lifespan=lifespan,
        )
        app.state.answers = self.answers
        self.guard = Guard(app, settings, refusal=refusal)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ASGI connection."""
        await self.guard(scope, receive, send)

    def close(self) -> None:
        """Release the ledger's database connections."""
        self.readers.close()


def create_app(settings: Settings) -> WebApp:
    """The read-only web view of the ledger `settings` names (fails now if there is none)."""
    return WebApp(settings)


def refusal(path: str, status: int, message: str) -> tuple[bytes, bytes]:
    """An error's body and content type: JSON under /api/, else the one-line page."""
    if path.startswith("/api/"):
        import json

        return json.dumps({"error": message}).encode(), b"application/json"
    return render.error_page(status, message).encode(), b"text/html; charset=utf-8"


def _respond(request: Request, status: int, message: str) -> Response:
    body, media_type = refusal(request.url.path, status, message)
    return Response(body, status_code=status, media_type=media_type.decode())


def _status(error: LedgerError) -> int:
    return next((status for kind, status in STATUS if isinstance(error, kind)), 400)


async def _ledger_error(request: Request, error: Any) -> Response:
    assert isinstance(error, LedgerError)
    return _respond(request, _status(error), str(error))


async def _http_error(request: Request, error: Any) -> Response:
    assert isinstance(error, HTTPException)
    if error.status_code == 404:
        message = f"there is nothing at {request.url.path}; the plan is at /plan"
    else:
        message = str(error.detail)
    return _respond(request, error.status_code, message)


async def _server_error(request: Request, error: Exception) -> Response:
    # The traceback goes to the server's log (Starlette re-raises after this), never out.
    return _respond(
        request, 500, "something went wrong on the server's side (it is logged); try again"
    )
