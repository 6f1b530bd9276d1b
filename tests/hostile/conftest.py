"""Hostile inputs: a structural check for unsafe HTML, and one indexed vault full of attacks."""

from __future__ import annotations

import re
import shutil
import signal
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from studynotes.config import Settings
from studynotes.db.session import open_database
from studynotes.ingest.pipeline import index_vault
from studynotes.web.app import create_app

FIXTURE_VAULT = Path(__file__).parents[1] / "fixtures" / "vault"

FindUnsafe = Callable[..., list[str]]

_URL_ATTRS = {
    "href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcset",
    "background", "cite", "longdesc", "ping", "srcdoc", "manifest", "codebase",
}  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x20]+")
_BAD_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
_NEVER = {"iframe", "frame", "frameset", "embed", "applet", "base", "style", "svg"}


class _Checker(HTMLParser):
    """Collects every element, attribute and URL a browser could run script from."""

    def __init__(self, *, page: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page  # a whole page: the template's own scripts, styles and forms are ours
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)}>"
        if tag in _NEVER:
            self.found.append(f"element {where}")
        if tag == "script" and not (
            self.page
            and (
                values.get("src", "").startswith("/static/")
                or values.get("type") == "application/json"
            )
        ):
            self.found.append(f"script {where}")
        if tag == "link" and not (self.page and values.get("href", "").startswith("/static/")):
            self.found.append(f"link {where}")
        if tag == "meta" and ("http-equiv" in values or not self.page):
            self.found.append(f"meta {where}")
        if tag == "form" and values.get("action") not in ("/search", "/graph"):
            self.found.append(f"form {where}")
        if tag == "object" and not (
            values.get("type") == "application/pdf" and values.get("data", "").startswith("/files/")
        ):
            self.found.append(f"object {where}")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"event handler {name} in {where}")
            if name in ("style", "srcdoc", "formaction"):
                self.found.append(f"attribute {name} in {where}")
            if name in _URL_ATTRS:
                url = _CONTROL.sub("", value).lower()
                if url.startswith(_BAD_SCHEMES) or (url.startswith("data:") and tag == "a"):
                    self.found.append(f"url {name}={value!r} in {where}")

    handle_startendtag = handle_starttag


def find_unsafe_html(html: str, *, page: bool = False) -> list[str]:
    """Everything in ``html`` that could run script; empty when the HTML is safe."""
    checker = _Checker(page=page)
    checker.feed(html)
    checker.close()
    if not page and re.search(r"<\s*(script|iframe)", html, re.IGNORECASE):
        checker.found.append("a <script or <iframe in the markup")
    return checker.found


@pytest.fixture(scope="session")
def find_unsafe() -> FindUnsafe:
    return find_unsafe_html


# --- one vault of attacks, indexed once -------------------------------------------------------

XSS = '"><script>alert(1)</script><img src=x onerror=alert(1)>'

EVIL_NOTE = f"""---
title: '{XSS}'
tags: ['{XSS}', 'x" onmouseover="alert(1)', plain]
aliases: ['<img src=x onerror=alert(1)>', 'javascript:alert(1)']
cssclasses: ['" onclick="alert(1)']
banner: 'javascript:alert(1)'
banner_icon: '<img src=x onerror=alert(1)>'
"<script>key": '<iframe src="javascript:alert(1)"></iframe>'
nested: {{a: '<script>alert(1)</script>', b: ['<svg onload=alert(1)>']}}
link: 'javascript:alert(1)'
glossary: true
---
# <script>alert("h1")</script> heading" onmouseover="x

[[Target|{XSS}]] [[Target|x" onmouseover="alert(1)]] [[Target#Sec|<img src=x onerror=alert(1)>]]
[[javascript:alert(1)]] [[Target#"><svg onload=alert(1)>]] [[Target#^blk|" onfocus="alert(1)" x="]]
[[javascript:alert(1)|click]] [[data:text/html,<script>alert(1)</script>|data]]
![[pic.png|{XSS}]] ![[evil.svg]] ![[evil.html]] ![[Target#^blk]] ![[javascript:alert(1)]]

[md](javascript:alert(1)) [md2](data:text/html;base64,PHNjcmlwdD4=) [md3](JaVaScRiPt:alert(1))
[md4](java&#x09;script:alert(1)) [md5](<javascript:alert(1)>) ![img](javascript:alert(1))
<javascript:alert(1)> <a href="javascript:alert(1)">a</a> <a href="data:text/html,x">d</a>
<img src=x onerror=alert(1)> <svg onload=alert(1)></svg> <iframe src="x"></iframe>
<object data="x"></object> <embed src="x"> <style>*{{color:red}}</style>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>
</mtext></math>
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>
<a href="  javascript:alert(1)">sp</a> <img src="data:text/html,x"> <a href="vbscript:x">v</a>
<details open ontoggle=alert(1)>d</details> <div style="background:url(javascript:alert(1))">s</div>
<meta http-equiv="refresh" content="0;url=javascript:alert(1)"> <base href="javascript:/">
<input autofocus onfocus=alert(1)> <video poster="javascript:alert(1)"></video>
<a href="jav&#x0A;ascript:alert(1)">nl</a> <a href="&#106;avascript:alert(1)">ent</a>
<scr<script>ipt>alert(1)</script> <!--<script>alert(1)</script>--> <![CDATA[<script>]]>

> [!x"onmouseover="alert(1)] <script>alert("title")</script>
> body

> [!"><img src=x onerror=alert(1)>]- fold
> b

> [!note] " onclick="alert(1) <img src=x onerror=alert(1)>
> x

#tag"onmouseover=alert(1) #ok/<script> #a'b

**<script>Evil</script>**: a term whose definition has <img src=x onerror=alert(1)>.

Term ^"onmouseover=x

$\\href{{javascript:alert(1)}}{{x}}$ $<script>alert(1)</script>$
$$\\text{{<img src=x onerror=alert(1)>}}$$

```"><script>alert(1)</script>
code
```

Footnote[^1] and inline^[<img src=x onerror=alert(1)>].

[^1]: <script>alert(1)</script>
"""

HOSTILE_NOTES = {
    "Target.md": "# Target\n\n## Sec\n\npara ^blk\n",
    "Evil.md": EVIL_NOTE,
    '"><img src=x onerror=alert(1)>.md': "# odd name\n\nMentions Target.\n",
    "Glossary/<script>alert(1)<!--.md": (
        "---\ntags: [glossary]\n---\n<b>bold</b> <img src=x onerror=1>\n"
    ),
    "Uses.md": "Uses Evil and <script>alert(1)</script> and [[Evil]].\n",
}
HOSTILE_FILES = {
    "evil.svg": (
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
    ),
    "evil.html": "<script>alert(document.cookie)</script>",
    "evil.xhtml": '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "evil.xml": "<x><script xmlns='http://www.w3.org/1999/xhtml'>alert(1)</script></x>",
    "evil.js": "alert(1)",
    "evil.css": "body{background:red}",
}


@pytest.fixture(scope="session")
def hostile_vault(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "vault"
    shutil.copytree(FIXTURE_VAULT, root)
    for name, text in {**HOSTILE_NOTES, **HOSTILE_FILES}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "pic.png").write_bytes((FIXTURE_VAULT / "assets" / "Pasted image 1.png").read_bytes())
    (root / ".obsidian").mkdir()
    (root / ".obsidian" / "workspace.json").write_text('{"secret": true}')
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.png").write_bytes(b"\x89PNG TOP-SECRET-BYTES")
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "secret.png").symlink_to(outside / "secret.png")
    (root / "config").symlink_to(root / ".obsidian", target_is_directory=True)
    return root


@pytest.fixture(scope="session")
def hostile_settings(hostile_vault: Path, session_database: Callable[[str], str]) -> Settings:
    """The hostile vault indexed once per engine: every test over it runs on both."""
    settings = Settings(vault=hostile_vault, db=session_database("hostile"), workers=1)
    engine = open_database(settings.database_url())
    index_vault(settings, engine)
    engine.dispose()
    return settings


@pytest.fixture(scope="session")
def hostile_client(hostile_settings: Settings) -> Iterator[TestClient]:
    engine = open_database(hostile_settings.database_url())
    app = create_app(hostile_settings, engine=engine)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    engine.dispose()


# --- a hard time limit for code that could hang -----------------------------------------------

TimeLimit = Callable[[float], AbstractContextManager[None]]


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeoutError in the main thread after ``seconds``, so a regression fails, not hangs."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="session")
def time_limit() -> TimeLimit:
    return _time_limit
