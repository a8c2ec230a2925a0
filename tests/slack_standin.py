"""A stand-in for Slack at the process edge: its Web API, response URLs, and signed requests.

`SlackStandIn` is a small real HTTP server on 127.0.0.1 that answers the Web
API methods the bot calls (auth.test, chat.postMessage, chat.postEphemeral,
…) and the response_url posts, recording each one. It serves the external
file upload flow as Slack does: `files.getUploadURLExternal` hands out an
upload URL on this server and a file id, the bytes POSTed there are kept
(`uploaded`), and `files.completeUploadExternal` answers with the files it
completed. `SlackSender` sends the
bot what Slack sends: form-encoded slash commands and `payload=` interactions,
signed with the signing secret exactly as Slack signs them
(`v0=HMAC-SHA256(secret, "v0:" + timestamp + ":" + body)`).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TEAM = "T0TEST"
BOT_USER = "UBOT"


@dataclass(frozen=True)
class Call:
    """One request the bot made to the stand-in, when it came and whether it was taken."""

    method: str  # e.g. chat.postMessage, or respond:<name> for a response_url post
    params: dict[str, Any]
    token: str | None
    at: float = field(default_factory=time.monotonic)
    status: int = 200  # 429 when the stand-in said to slow down


class SlackStandIn:
    """A local Slack Web API that records calls. Use as a context manager."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.errors: dict[str, str] = {}  # method -> Slack error code to answer with
        # method -> Retry-After values: each call of the method is refused with HTTP 429 and
        # the next value, until none are left.
        self.throttle: dict[str, list[str]] = {}
        # When set, chat.postMessage keeps Slack's pace: a post to a channel sooner than this
        # many seconds after the last one taken there is refused with 429, Retry-After 1.
        self.post_interval: float | None = None
        self._last_post: dict[str, float] = {}
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._file_ids = itertools.count(1)
        #: file id -> the filename and length asked for at files.getUploadURLExternal
        self.upload_urls: dict[str, dict[str, Any]] = {}
        #: file id -> the bytes POSTed to its upload URL
        self.uploaded: dict[str, bytes] = {}
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path.startswith("/upload/"):
                    # The bytes of a file, as they are (not a form, whatever urllib says).
                    stand_in._upload(self.path.removeprefix("/upload/"), body)
                    self._send(200, b"OK - " + str(len(body)).encode(), "text/plain")
                    return
                raw = body.decode()
                kind = self.headers.get("Content-Type", "")
                if "json" in kind:
                    params = json.loads(raw or "{}")
                else:
                    params = {k: v[0] for k, v in urllib.parse.parse_qs(raw).items()}
                    if isinstance(params.get("blocks"), str):
                        params["blocks"] = json.loads(params["blocks"])
                auth = self.headers.get("Authorization", "")
                token = auth.removeprefix("Bearer ") or params.get("token")
                path = self.path.split("?")[0]
                if path.startswith("/respond/"):
                    stand_in._record(
                        Call("respond:" + path.removeprefix("/respond/"), params, None)
                    )
                    self._send(200, b"ok", "text/plain")
                    return
                method = path.removeprefix("/api/")
                retry_after = stand_in._limited(method, params)
                if retry_after is not None:
                    stand_in._record(Call(method, params, token, status=429))
                    limited = json.dumps({"ok": False, "error": "ratelimited"}).encode()
                    self._send(429, limited, "application/json", {"Retry-After": retry_after})
                    return
                stand_in._record(Call(method, params, token))
                body = stand_in._answer(method, params)
                self._send(200, json.dumps(body).encode(), "application/json")

            def _send(
                self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> SlackStandIn:
        self._thread.start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def api_url(self) -> str:
        """The base URL for MILESTONE_SLACK_API_URL."""
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str) -> str:
        """A response_url whose posts are recorded as `respond:<name>`."""
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    def _limited(self, method: str, params: dict[str, Any]) -> str | None:
        """The Retry-After to refuse this call with, or None to take it."""
        with self._changed:
            waits = self.throttle.get(method)
            if waits:
                return waits.pop(0)
            if method == "chat.postMessage" and self.post_interval is not None:
                channel, now = str(params.get("channel")), time.monotonic()
                last = self._last_post.get(channel)
                if last is not None and now - last < self.post_interval:
                    return "1"
                self._last_post[channel] = now
        return None

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method in self.errors:
            return {"ok": False, "error": self.errors[method]}
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://test.slack.com/",
                "team": "Test",
                "user": "bot",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": "BBOT",
            }
        if method == "chat.postMessage":
            ts = f"{time.time():.0f}.{next(self._ts):06d}"
            return {
                "ok": True,
                "channel": params.get("channel"),
                "ts": ts,
                "message": {"text": params.get("text")},
            }
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"{time.time():.6f}"}
        if method == "files.getUploadURLExternal":
            file_id = f"F{next(self._file_ids):08d}"
            with self._changed:
                self.upload_urls[file_id] = {
                    "filename": params.get("filename"),
                    "length": int(params.get("length") or 0),
                }
            return {
                "ok": True,
                "upload_url": f"http://127.0.0.1:{self.port}/upload/{file_id}",
                "file_id": file_id,
            }
        if method == "files.completeUploadExternal":
            files = json.loads(params.get("files") or "[]")
            with self._changed:
                unknown = [f["id"] for f in files if f.get("id") not in self.uploaded]
            if unknown:  # Slack refuses to complete a file whose bytes never came
                return {"ok": False, "error": "file_not_found"}
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": True}

    def _upload(self, file_id: str, data: bytes) -> None:
        with self._changed:
            self.uploaded[file_id] = data
            self._changed.notify_all()

    def _record(self, call: Call) -> None:
        with self._changed:
            self.calls.append(call)
            self._changed.notify_all()

    # --- looking at what was sent ------------------------------------------------------------

    def sent(self, method: str) -> list[dict[str, Any]]:
        """The params of every call of `method` taken so far (not those refused with 429)."""
        with self._changed:
            return [c.params for c in self.calls if c.method == method and c.status == 200]

    def posts(self) -> list[dict[str, Any]]:
        """Messages posted to channels (chat.postMessage)."""
        return self.sent("chat.postMessage")

    def post_calls(self) -> list[Call]:
        """Every chat.postMessage call, taken or refused, in order."""
        with self._changed:
            return [c for c in self.calls if c.method == "chat.postMessage"]

    def responses(self, name: str) -> list[dict[str, Any]]:
        """What was posted to the response_url `name`."""
        return self.sent("respond:" + name)

    def wait_for(
        self, check: Callable[[SlackStandIn], Any], *, timeout: float = 10.0, what: str = ""
    ) -> Any:
        """Wait (bounded) until `check(self)` is truthy; return its value."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                value = check(self)
                if value:
                    return value
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what or check}: {self.calls}")
                self._changed.wait(min(left, 0.1))


# --- the requests Slack sends -----------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """Slack's v0 request signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass
class Answer:
    """The bot's HTTP answer."""

    status: int
    body: bytes
    seconds: float
    response_name: str = ""

    @property
    def json(self) -> dict[str, Any]:
        """The body as JSON (an ack with a message)."""
        return json.loads(self.body or b"{}")

    @property
    def text(self) -> str:
        """Every text of the answer's message, blocks included, joined."""
        return message_text(self.json) if self.body else ""


def message_text(message: dict[str, Any]) -> str:
    """All the text of a message: its `text` and every text inside its blocks."""
    parts = [str(message.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return "\n".join(parts)


@dataclass
class SlackSender:
    """Sends the bot signed requests as Slack would, from a team's users."""

    url: str  # http://127.0.0.1:PORT/slack/events
    secret: str
    stand_in: SlackStandIn
    team: str = TEAM
    _count: itertools.count = field(default_factory=lambda: itertools.count(1))

    def post(
        self,
        body: bytes,
        *,
        content_type: str,
        headers: dict[str, str] | None = None,
        timestamp: str | None = None,
        secret: str | None = None,
    ) -> Answer:
        """POST a body signed with the secret (or another), at a timestamp (default: now)."""
        stamp = timestamp or str(int(time.time()))
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature(secret or self.secret, stamp, body),
            **(headers or {}),
        }
        parsed = urllib.parse.urlsplit(self.url)
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request("POST", parsed.path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        return Answer(response.status, data, time.perf_counter() - started)

    def command_body(
        self,
        text: str,
        *,
        user: str = "UALICE",
        trigger: str | None = None,
        name: str | None = None,
    ) -> tuple[bytes, str]:
        """The form body of `/milestone TEXT` and the name of its response_url."""
        n = next(self._count)
        name = name or f"cmd{n}"
        fields = {
            "token": "legacy-verification-token",
            "team_id": self.team,
            "team_domain": "test",
            "channel_id": "CWORK",
            "channel_name": "work",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/milestone",
            "text": text,
            "api_app_id": "AMILESTONE",
            "response_url": self.stand_in.response_url(name),
            "trigger_id": trigger or f"{n}.{time.time_ns()}.trigger",
        }
        return urllib.parse.urlencode(fields).encode(), name

    def command(
        self,
        text: str,
        *,
        user: str = "UALICE",
        trigger: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send `/milestone TEXT` as `user`."""
        body, name = self.command_body(text, user=user, trigger=trigger)
        answer = self.post(body, content_type="application/x-www-form-urlencoded", headers=headers)
        answer.response_name = name
        return answer

    def click(
        self,
        button: dict[str, Any],
        *,
        user: str = "UALICE",
        trigger: str | None = None,
        name: str | None = None,
    ) -> Answer:
        """Click a button (a block element from an earlier reply), as `user`."""
        n = next(self._count)
        name = name or f"click{n}"
        payload = {
            "type": "block_actions",
            "team": {"id": self.team, "domain": "test"},
            "user": {"id": user, "team_id": self.team, "username": user.lower()},
            "api_app_id": "AMILESTONE",
            "trigger_id": trigger or f"{n}.{time.time_ns()}.click",
            "container": {"type": "message", "message_ts": "1.1", "is_ephemeral": True},
            "channel": {"id": "CWORK", "name": "work"},
            "response_url": self.stand_in.response_url(name),
            "actions": [
                {
                    "type": "button",
                    "action_id": button["action_id"],
                    "block_id": "b1",
                    "value": button.get("value", ""),
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }
        return self.click_payload(payload, name=name)

    def click_payload(
        self, payload: dict[str, Any], *, name: str, timestamp: str | None = None
    ) -> Answer:
        """Send an interaction payload as it is (to send the same one twice), signed at
        `timestamp` (default: now)."""
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        answer = self.post(
            body, content_type="application/x-www-form-urlencoded", timestamp=timestamp
        )
        answer.response_name = name
        return answer


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The buttons of a message, by action_id."""
    found = {}
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("type") == "button":
                found[element["action_id"]] = element
    return found
