"""Serving the web view alone under uvicorn, in the foreground or on a thread (for tests)."""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn

from ledger.errors import InvalidInput


class Server:
    """An ASGI app under uvicorn on one host and port (0: any free port)."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 8000) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind((host, port))
            # Listen now: connections made before uvicorn is up wait in the backlog.
            self.socket.listen(2048)
        except OSError as error:
            self.socket.close()
            raise InvalidInput(
                f"cannot listen on {host}:{port} ({error.strerror}); choose another --port "
                "or --host"
            ) from None
        self.host, self.port = host, self.socket.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                access_log=False,
                log_config=None,
                timeout_graceful_shutdown=5,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address of the front page."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    def run(self) -> None:
        """Serve in the foreground until interrupted (Ctrl-C, SIGTERM)."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()

    def start(self, timeout: float = 10.0) -> Server:
        """Serve on a background thread; return once connections are accepted."""
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, name="web", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving (requests in hand finish) and release the socket."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.socket.close()
