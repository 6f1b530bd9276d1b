"""Who is reading: one local reader by default; behind a reverse proxy that authenticates,
the reader its trusted header names (``Remote-User``); and, for a small deployment without
a proxy, a shared token that every request must carry.

``ReaderGate`` (plain ASGI) refuses requests that do not say who they are when they must,
and leaves the reader in ``request.state.reader`` for ``deps.get_reader``.
"""

from __future__ import annotations

import hmac
import json
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from studynotes.config import Settings
from studynotes.db.models import LOCAL_READER

__all__ = ["LOCAL_READER", "TOKEN_COOKIE", "ReaderGate"]

TOKEN_COOKIE = "studynotes_token"
_MAX_NAME = 200


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", []):
        if key.lower() == wanted:
            return str(value.decode("latin-1"))
    return None


def _token_given(scope: Scope) -> str | None:
    auth = _header(scope, "authorization") or ""
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    cookies = SimpleCookie()
    try:
        cookies.load(_header(scope, "cookie") or "")
    except Exception:  # a malformed cookie header: as if none
        cookies = SimpleCookie()
    if TOKEN_COOKIE in cookies:
        return cookies[TOKEN_COOKIE].value
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    given: list[str] = query.get("token", [])
    return given[0] if given else None


class ReaderGate:
    def __init__(self, app: ASGIApp, *, settings: Settings) -> None:
        self.app = app
        self.header = settings.reader_header
        self.token = settings.token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reader = LOCAL_READER
        set_cookie = False
        if not scope["path"].startswith("/static/"):
            if self.token is not None:
                given = _token_given(scope)
                if given is None or not hmac.compare_digest(given.encode(), self.token.encode()):
                    await _refuse(send, 401, "a valid token is required")
                    return
                # Given in the address once: a cookie keeps it for the pages that follow.
                set_cookie = TOKEN_COOKIE not in (_header(scope, "cookie") or "")
            if self.header is not None:
                named = (_header(scope, self.header) or "").strip()
                if not named or len(named) > _MAX_NAME:
                    await _refuse(send, 401, f"no reader named in the {self.header} header")
                    return
                reader = named
        scope.setdefault("state", {})["reader"] = reader
        if not set_cookie:
            await self.app(scope, receive, send)
            return

        async def with_cookie(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))  # type: ignore[call-overload]
                cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                headers.append((b"set-cookie", cookie.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_cookie)  # type: ignore[arg-type]


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"detail": message}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"www-authenticate", b"Bearer"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
