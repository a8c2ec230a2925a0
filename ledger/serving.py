"""An ASGI app under uvicorn on a socket bound up front: the web view and the bot both serve so.

The socket is bound and listening before uvicorn starts, so a port in use is refused
at once with a readable error, and connections made while uvicorn starts wait in the
backlog instead of being refused.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any, Literal, Self

from ledger.errors import InvalidInput


def listening(host: str, port: int) -> socket.socket:
    """A socket bound to host and port (0: any free port) and listening."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise InvalidInput(
            f"cannot listen on {host}:{port} ({error.strerror}); choose another --port or --host"
        ) from None
    return sock


class Serving:
    """One ASGI app served by uvicorn on a listening socket, in the foreground or on a thread."""

    def __init__(
        self,
        app: Any,
        *,
        host: str,
        port: int,
        name: str,
        lifespan: Literal["auto", "on", "off"] = "auto",
    ) -> None:
        import uvicorn  # only what serves pays for it

        self.name = name
        self.socket = listening(host, port)
        self.host, self.port = host, self.socket.getsockname()[1]
        self.server = uvicorn.Server(
            uvicorn.Config(
                app,
                lifespan=lifespan,
                access_log=False,
                log_config=None,
                timeout_graceful_shutdown=5,
            )
        )
        self._thread: threading.Thread | None = None

    @property
    def origin(self) -> str:
        """`http://host:port`, with an IPv6 host in brackets."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        """Serve in the foreground until interrupted (Ctrl-C, SIGTERM)."""
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self.socket.close()

    def start(self, timeout: float = 10.0) -> Self:
        """Serve on a background thread; return once connections are accepted."""
        self._thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.socket]}, name=self.name, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the {self.name} server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving (requests in hand finish) and release the socket."""
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.socket.close()
