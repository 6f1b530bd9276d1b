"""HEAD wherever GET is: link checkers and caches ask with HEAD, and FastAPI's routes answer
only the methods they name. The request is served as GET and the body is dropped, so the
status and headers (length, type, ETag) are exactly GET's."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Answers that never end (server-sent events): HEAD gets their headers and nothing else.
_STREAMS = ("/api/events",)


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        if scope["path"] in _STREAMS:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream"),
                        (b"cache-control", b"no-cache"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        done = False

        async def headers_only(message: Message) -> None:
            nonlocal done
            if message["type"] != "http.response.body":
                await send(message)
            elif not done and not message.get("more_body", False):
                done = True
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await self.app(dict(scope, method="GET"), receive, headers_only)
