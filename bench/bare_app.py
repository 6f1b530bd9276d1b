"""The baseline server: a bare FastAPI endpoint returning a constant page of a given size.

It is served exactly as ``studynotes serve`` serves its app (``uvicorn.run`` on the app
object, one process, ``log_level="warning"``), and its endpoint is a plain ``def`` like the
note page, so studynotes / bare measures what studynotes adds, not the framework.

    python bench/bare_app.py --port 8001 --size 20000
"""

from __future__ import annotations

import argparse

import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse

_FILLER = "<p>The quick brown fox jumps over the lazy dog, again and again.</p>\n"


def page_of_size(size: int) -> str:
    """An HTML page of exactly ``size`` bytes (ASCII, so characters are bytes)."""
    head = "<!doctype html>\n<html><head><title>bare</title></head><body>\n"
    tail = "</body></html>\n"
    room = max(0, size - len(head) - len(tail))
    page = head + (_FILLER * (room // len(_FILLER) + 1))[:room] + tail
    return page[: max(size, 0)]  # a size below head + tail gets a cut page


def create_app(size: int) -> FastAPI:
    page = page_of_size(size)
    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/notes/{slug:path}", response_class=HTMLResponse)
    def note(slug: str) -> HTMLResponse:
        return HTMLResponse(page)

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A bare FastAPI baseline for the benchmark.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--size", type=int, default=20_000, help="bytes per response body")
    args = parser.parse_args(argv)
    uvicorn.run(create_app(args.size), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
