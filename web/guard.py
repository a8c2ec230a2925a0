"""What every response of the web view passes through: methods, access and headers.

Only GET and HEAD are answered (405 otherwise): nothing on the web writes.
Every response carries a strict Content-Security-Policy (no script at all,
styles and images from this server only, forms posting nowhere else, no
framing), `nosniff` and `no-referrer`. When a token or a trusted proxy
header is configured, a request without either is refused with 401.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode

from web.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
]
COOKIE = "milestone_web"
#: How long the cookie a `?token=` link leaves is kept (30 days).
COOKIE_AGE = 30 * 24 * 3600

Refusal = Callable[[str, int, str], tuple[bytes, bytes]]


class Guard:
    """ASGI middleware around the web app: see the module's docstring."""

    def __init__(self, app: ASGIApp, settings: Settings, *, refusal: Refusal) -> None:
        self.app = app
        self.token = settings.token
        header = settings.trust_header
        self.trust_header = header.lower().encode() if header else None
        # The cookie holds a digest of the token, not the token: it cannot be replayed as a
        # bearer token, and changing the token signs everyone out.
        self.cookie = (
            hmac.new(self.token.encode(), b"milestone-web-cookie", hashlib.sha256).hexdigest()
            if self.token
            else None
        )
        self.refusal = refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse what may not pass; add the security headers to whatever is answered."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_guarded(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        if scope["method"] not in ("GET", "HEAD"):
            message = f"{scope['method']} is not allowed: the web view only reads (GET, HEAD)"
            await self._refuse(scope, send_guarded, 405, message, [(b"allow", b"GET, HEAD")])
            return
        if self.token is not None or self.trust_header is not None:
            verdict = self._admit(scope)
            if verdict is False:
                await self._refuse(scope, send_guarded, 401, self._how_to_sign_in(), [])
                return
            if isinstance(verdict, str):
                await self._sign_in(scope, send_guarded, verdict)
                return
        await self.app(scope, receive, send_guarded)

    def _admit(self, scope: Scope) -> bool | str:
        """True to let in; False to refuse; the address to go to after setting the cookie."""
        headers = dict(scope.get("headers", []))
        if self.trust_header is not None and headers.get(self.trust_header, b"").strip():
            return True
        if self.token is None:
            return False
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), True)
        offered = [v for k, v in query if k == "token"]
        if offered:
            if not _same(offered[-1], self.token):
                return False
            rest = [(k, v) for k, v in query if k != "token"]
            path = quote(scope.get("path", "/"))
            return f"{path}?{urlencode(rest, quote_via=quote)}" if rest else path
        bearer = headers.get(b"authorization", b"").decode("latin-1")
        if bearer[:7].lower() == "bearer " and _same(bearer[7:].strip(), self.token):
            return True
        cookies = SimpleCookie()
        try:
            cookies.load(headers.get(b"cookie", b"").decode("latin-1"))
        except Exception:
            return False  # a malformed Cookie header is no credential
        morsel = cookies.get(COOKIE)
        return morsel is not None and self.cookie is not None and _same(morsel.value, self.cookie)

    def _how_to_sign_in(self) -> str:
        ways = []
        if self.token is not None:
            ways.append("open the link with ?token=… you were given, or send Authorization: Bearer")
        if self.trust_header is not None:
            ways.append("sign in through the proxy in front of this server")
        return "this view needs you to sign in: " + "; or ".join(ways)

    async def _sign_in(self, scope: Scope, send: Send, target: str) -> None:
        """Leave the cookie and go to the same address without the token in it."""
        secure = "; Secure" if scope.get("scheme") == "https" else ""
        cookie = (
            f"{COOKIE}={self.cookie}; Path=/; Max-Age={COOKIE_AGE}; HttpOnly; SameSite=Lax{secure}"
        )
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", target.encode("latin-1")),
                    (b"set-cookie", cookie.encode("latin-1")),
                    (b"cache-control", b"no-store"),
                    (b"content-length", b"0"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(
        self, scope: Scope, send: Send, status: int, message: str, extra: list[tuple[bytes, bytes]]
    ) -> None:
        body, media_type = self.refusal(scope.get("path", "/"), status, message)
        headers = [
            (b"content-type", media_type),
            (b"content-length", str(len(body)).encode()),
            *extra,
        ]
        if status == 401 and self.token is not None:
            headers.append((b"www-authenticate", b'Bearer realm="milestone ledger"'))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )


def _same(given: str, expected: str) -> bool:
    """Compare secrets in constant time."""
    return hmac.compare_digest(given.encode(), expected.encode())
