"""Browser libraries are fetched at install time, pinned and checked, never trusted blindly."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from studynotes.vendor import LIBRARIES, Library, fetch


def _package(tmp_path: Path) -> tuple[Path, str]:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in [
            ("package/dist/lib.min.js", "window.lib = 1;"),
            ("package/LICENSE", "MIT"),
        ]:
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    path = tmp_path / "lib.tgz"
    path.write_bytes(buffer.getvalue())
    digest = base64.b64encode(hashlib.sha512(buffer.getvalue()).digest()).decode()
    return path, f"sha512-{digest}"


def test_a_pinned_download_is_unpacked_and_a_changed_one_refused(tmp_path: Path) -> None:
    archive, integrity = _package(tmp_path)
    members = {"package/dist/lib.min.js": "lib.min.js", "package/LICENSE": "lib.LICENSE"}
    good = Library("lib", "1.0.0", archive.as_uri(), integrity, members)
    written = fetch(good, tmp_path / "vendor")
    assert [p.name for p in written] == ["lib.min.js", "lib.LICENSE"]
    assert (tmp_path / "vendor" / "lib.version").read_text() == "1.0.0\n"
    other = "sha512-" + base64.b64encode(b"\0" * 64).decode()
    tampered = Library("lib", "1.0.1", archive.as_uri(), other, members)
    with pytest.raises(ValueError, match="not the one pinned"):
        fetch(tampered, tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()


def test_mermaid_is_pinned_to_one_version_and_checksum() -> None:
    [mermaid] = [lib for lib in LIBRARIES if lib.name == "mermaid"]
    assert mermaid.version in mermaid.url and mermaid.integrity.startswith("sha512-")


def test_only_the_diagram_frame_may_use_inline_styles(client: TestClient) -> None:
    frame = client.get("/diagram-frame")
    page = client.get("/")
    assert "'unsafe-inline'" in frame.headers["content-security-policy"]
    assert "script-src 'self'" in frame.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in frame.headers["content-security-policy"]
    assert "unsafe-inline" not in page.headers["content-security-policy"]
