"""The wheel, built from pyproject.toml alone, carries templates, static files and migrations,
and a normal (non-editable) install serves from those packaged copies."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import venv
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
VAULT = Path(__file__).parent / "fixtures" / "vault"
DATA_FOLDERS = ("alembic", "templates", "static")


def _checkout_files(folder: Path) -> dict[str, bytes]:
    """Files a wheel should carry from ``folder``: everything but bytecode caches."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _clean_env() -> dict[str, str]:
    """The environment minus anything that would put the checkout on a child's sys.path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built the way a user or CI builds it, from the build backend installed for tests."""
    out = tmp_path_factory.mktemp("wheel")
    cmd = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-index"]
    cmd += ["--no-build-isolation", "--disable-pip-version-check", "--wheel-dir", str(out)]
    subprocess.run([*cmd, str(REPO)], check=True, capture_output=True, env=_clean_env())
    (built,) = out.glob("studynotes-*.whl")
    return built


def test_wheel_carries_every_template_static_file_and_migration(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as zf:
        for folder in DATA_FOLDERS:
            expected = _checkout_files(REPO / folder)
            assert expected, folder
            prefix = f"studynotes/_data/{folder}/"
            packaged = {
                name.removeprefix(prefix): zf.read(name)
                for name in zf.namelist()
                if name.startswith(prefix)
            }
            assert packaged == expected, folder


def test_wheel_carries_every_module_of_the_package(wheel: Path) -> None:
    src = REPO / "src"
    modules = {p.relative_to(src).as_posix() for p in src.rglob("*.py")}
    with zipfile.ZipFile(wheel) as zf:
        assert modules <= set(zf.namelist())


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed, not editable; the test venv lends dependencies."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=False)
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # A path line in a .pth file adds that folder only; the .pth files inside it (among them
    # the editable install's, which points at src/) are not read, so studynotes comes from
    # the wheel alone.
    Path(site, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    cmd = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    cmd += ["--no-deps", "--no-index", "--disable-pip-version-check", str(wheel)]
    subprocess.run(cmd, check=True, capture_output=True, env=_clean_env())
    return env_dir


def test_installed_package_finds_its_resources_inside_itself(
    installed: Path, tmp_path: Path
) -> None:
    code = (
        "import studynotes.resources as r\n"
        "print(r.__file__)\n"
        "for name in ('alembic', 'templates', 'static'): print(r.resource_dir(name))\n"
    )
    out = subprocess.run(
        [str(installed / "bin" / "python"), "-c", code],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_clean_env(),
    ).stdout.split()
    module, *folders = (Path(line) for line in out)
    package = module.parent
    assert package.is_relative_to(installed)
    assert folders == [package / "_data" / name for name in DATA_FOLDERS]
    assert (folders[0] / "env.py").is_file()
    assert any((folders[0] / "versions").glob("0001_*.py"))
    assert (folders[1] / "base.html").is_file()
    assert (folders[2] / "js" / "app.js").is_file()


@pytest.fixture
def installed_server(installed: Path, tmp_path: Path) -> Iterator[str]:
    """`studynotes serve` from the installed wheel, outside the checkout."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    cmd = [str(installed / "bin" / "studynotes"), "serve", str(VAULT), "--port", str(port)]
    cmd += ["--no-watch", "--db", f"sqlite:///{tmp_path / 'index.sqlite3'}"]
    proc = subprocess.Popen(
        cmd, cwd=tmp_path, env=_clean_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[1]
            try:
                urllib.request.urlopen(base + "/api/notes", timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline
                time.sleep(0.1)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def test_installed_wheel_migrates_and_serves_pages_and_scripts(installed_server: str) -> None:
    script = (REPO / "static" / "js" / "app.js").read_bytes()
    version = hashlib.sha256(script).hexdigest()[:10]  # "0" when the file is missing
    with urllib.request.urlopen(installed_server + "/") as page:
        assert f'src="/static/js/app.js?v={version}"'.encode() in page.read()
    with urllib.request.urlopen(installed_server + "/static/js/app.js") as served:
        assert served.read() == script
