"""Starting the archive never changes its data: the README's own commands, run as an operator runs them.

Each test runs scripts/serve or scripts/start in a scratch folder of its own (SQLite, index, media, static
files), waits for gunicorn to answer, and stops it. Slow (about half a minute per start).
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

EDIT = """
from resolutions.models import Resolution
from resolutions.services import record_edit, snapshot
resolution = Resolution.objects.get(symbol="A/HRC/RES/45/32", language="zh")
before = snapshot(resolution)
op3 = resolution.paragraphs.get(eid="op3")
op3.text = op3.text.replace("双边合作与对话", "双边合作与独角兽对话")
op3.save()
record_edit(resolution, reason="a curator's correction", before=before)
"""
COUNT = """
from resolutions.models import Resolution, SourceFile
print(Resolution.objects.count(), SourceFile.objects.count())
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def scratch_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    var = tmp_path / "var"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_", "DATABASE_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "archive.settings",
        "ARCHIVE_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'archive.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(var / "media"),
        "SEARCH_INDEX_DIR": str(var / "search-index"),
        "DJANGO_CACHE_LOCATION": str(var / "cache"),
        "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "PORT": str(port),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "SEARCH_RATE_LIMIT": "off",
    })
    env.update(extra)
    return env


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 301 to https (production behind its proxy) is an answer, not a place to go


OPENER = urllib.request.build_opener(_NoRedirect)


class Running:
    """A start script running in its own process group until `stop()`."""

    def __init__(self, script: str, env: dict[str, str], *args: str) -> None:
        self.env = env
        self.base = f"http://127.0.0.1:{env['PORT']}"
        self.log = open(Path(env["ARCHIVE_VAR_DIR"]).parent / f"{script.replace('/', '_')}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(ROOT / script), *args], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"exited with {self.process.returncode}:\n{self.output()}")
            try:
                self.get("/")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.5)
        raise AssertionError(f"not serving after {timeout} s:\n{self.output()}")

    def get(self, path: str, **headers: str) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, headers=headers)
        try:
            with OPENER.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(ROOT / ".venv/bin/python"), "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def hits(server: Running, query: str) -> list[tuple[str, str]]:
    status, body = server.get("/api/search?" + urllib.parse.urlencode({"q": query}))
    assert status == 200, body
    return [(hit["symbol"], hit["eid"]) for hit in json.loads(body)["results"]]


def test_serve_loads_the_samples_once_and_a_restart_keeps_a_curator_s_edit(tmp_path):
    env = scratch_env(tmp_path)
    server = Running("scripts/serve", env)
    try:
        server.wait()
        status, page = server.get("/A/HRC/RES/45/32/zh/op3")
        assert status == 200 and "双边合作与对话" in page
    finally:
        server.stop()
    assert "sample resolutions" in server.output()

    manage(env, "shell", "--no-imports", "-c", EDIT)

    server = Running("scripts/serve", env)
    try:
        server.wait()
        status, page = server.get("/A/HRC/RES/45/32/zh/op3")
        assert status == 200 and "双边合作与独角兽对话" in page
        assert hits(server, "独角兽对话") == [("A/HRC/RES/45/32", "op3")]
        assert hits(server, '"双边合作与对话"') == []
    finally:
        server.stop()
    assert "the samples are not loaded" in server.output()

    # Asked to load the samples again, it keeps the edited one as the curator left it.
    server = Running("scripts/serve", env, "--load-samples")
    try:
        server.wait()
        assert "双边合作与独角兽对话" in server.get("/A/HRC/RES/45/32/zh/op3")[1]
    finally:
        server.stop()
    assert "A_HRC_RES_45_32.txt: kept the curators' edits of A/HRC/RES/45/32 (zh) (not replaced)" in server.output()


def test_the_production_start_loads_nothing_and_refuses_an_unsafe_configuration(tmp_path):
    production = {
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE": "1",
        "DJANGO_PROXY_SSL_HEADER": "1",
        "DJANGO_TRUSTED_PROXIES": "127.0.0.1",
    }
    env = scratch_env(tmp_path, **production)
    server = Running("scripts/start", env)
    try:
        server.wait()
        status, page = server.get("/", **{"X-Forwarded-Proto": "https"})
        assert status == 200
        assert server.get("/A/HRC/RES/45/32/zh/", **{"X-Forwarded-Proto": "https"})[0] == 404
    finally:
        server.stop()
    assert manage(env, "shell", "--no-imports", "-c", COUNT).split() == ["0", "0"]
    assert "sample" not in server.output()

    unsafe = scratch_env(tmp_path / "unsafe", DJANGO_ALLOWED_HOSTS="127.0.0.1")  # no DJANGO_SECURE: no HTTPS settings
    (tmp_path / "unsafe").mkdir()
    result = subprocess.run([str(ROOT / "scripts/start")], cwd=ROOT, env=unsafe, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "security.W008" in result.stderr or "security.W004" in result.stderr, result.stderr[-2000:]
