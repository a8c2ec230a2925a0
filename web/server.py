"""Serving the web view alone under uvicorn, in the foreground or on a thread (for tests)."""

from __future__ import annotations

from typing import Any

from ledger.serving import Serving


class Server(Serving):
    """The web view under uvicorn on one host and port (0: any free port)."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 8000) -> None:
        super().__init__(app, host=host, port=port, name="web")

    @property
    def url(self) -> str:
        """The address of the front page."""
        return f"{self.origin}/"
