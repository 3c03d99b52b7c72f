"""Security: headers and CSP, rate limits, deploy settings, error pages, media, CSRF, and escaping everywhere."""
from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import include, path

from resolutions import middleware
from resolutions.middleware import CONTENT_SECURITY_POLICY, Rate, client_ip, parse_rate
from resolutions.models import Resolution, SourceFile
from resolutions.services import ingest_resolution

from .conftest import DATA

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIRS = [ROOT / "templates", ROOT / "resolutions" / "templates"]


def boom(request):
    raise RuntimeError("secret detail that must not reach the reader")


# ROOT_URLCONF for the 500 test: the archive's URLs plus one view that fails.
urlpatterns = [path("boom/", boom), path("", include("archive.urls"))]


# --- Headers and CSP ---


@pytest.mark.django_db
def test_every_page_carries_a_csp_without_inline_code_and_the_other_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Permissions-Policy"].startswith("camera=(), microphone=(), geolocation=()")


@pytest.mark.django_db
def test_the_policy_can_be_replaced_or_switched_off_by_settings(client, settings):
    settings.CONTENT_SECURITY_POLICY = "default-src 'none'"
    assert client.get("/").headers["Content-Security-Policy"] == "default-src 'none'"
    settings.CONTENT_SECURITY_POLICY = ""
    assert "Content-Security-Policy" not in client.get("/").headers


INLINE_CODE_RES = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    'style="" attribute': re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "on* event attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
}


def test_no_template_uses_inline_script_style_or_event_handlers():
    # The CSP would block them in the browser; this names the file and line instead.
    found = []
    for directory in TEMPLATE_DIRS:
        for template in sorted(directory.rglob("*.html")):
            for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
                for what, pattern in INLINE_CODE_RES.items():
                    if pattern.search(line):
                        found.append(f"{template.relative_to(ROOT)}:{number}: {what}")
    assert found == []


# --- Rate limit ---


def test_rates_are_read_as_count_per_period():
    assert parse_rate("60/min") == Rate(60, 60)
    assert parse_rate("1000/hour") == Rate(1000, 3600)
    assert parse_rate("10/5s") == Rate(10, 5)
    assert parse_rate(" 5 / second ") == Rate(5, 1)
    assert parse_rate("20000/day") == Rate(20000, 86400)
    assert parse_rate("off") is None
    assert parse_rate("") is None
    assert parse_rate(None) is None
    with pytest.raises(ValueError, match="60/min"):
        parse_rate("plenty")


@pytest.fixture
def frozen_time(monkeypatch):
    """The rate limiter's clock, set by the test: window [1_000_020, 1_000_080) for a 60 s rate."""
    clock = SimpleNamespace(now=1_000_030.0)
    monkeypatch.setattr(middleware, "time", SimpleNamespace(time=lambda: clock.now))
    cache.clear()
    yield clock
    cache.clear()


@pytest.mark.django_db
def test_search_page_answers_429_with_retry_after_and_a_friendly_page_after_the_limit(client, settings, frozen_time):
    settings.SEARCH_RATE_LIMIT = "3/min"
    codes = [client.get("/search/", REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = client.get("/search/", {"q": "人权"}, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert response["Retry-After"] == "50"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.content.decode()
    assert "<h1>请求过多 <span lang=\"en\">Too many requests</span></h1>" in html
    assert "请在 50 秒后再试" in html
    assert "more than 3 requests in 60 seconds" in html
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY  # the 429 page is a page like the others

    # Another client is not affected; the first one may search again when the window ends.
    assert client.get("/search/", REMOTE_ADDR="198.51.100.8").status_code == 200
    frozen_time.now = 1_000_080.0
    assert client.get("/search/", REMOTE_ADDR="198.51.100.7").status_code == 200


@pytest.mark.django_db
def test_api_answers_429_as_json_and_counts_apart_from_the_search_page(client, settings, frozen_time, search_index):
    settings.SEARCH_RATE_LIMIT = "2/min"
    settings.API_RATE_LIMIT = "1/10s"
    assert client.get("/api/search", {"q": "人权"}, REMOTE_ADDR="203.0.113.5").status_code == 200
    response = client.get("/api/resolutions/A/RES/67/161", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    assert response["Retry-After"] == "10"  # 1_000_030 is the start of a 10 s window
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": "rate_limited",
        "detail": "Too many requests: at most 1 per 10 s. Retry after 10 s.",
        "retry_after": 10,
    }
    # The search page has its own count.
    assert client.get("/search/", REMOTE_ADDR="203.0.113.5").status_code == 200


@pytest.mark.django_db
def test_pages_outside_search_and_the_api_are_not_limited(client, settings, frozen_time):
    settings.SEARCH_RATE_LIMIT = "1/min"
    assert [client.get("/", REMOTE_ADDR="192.0.2.1").status_code for _ in range(3)] == [200, 200, 200]


@pytest.mark.django_db
def test_the_rate_limit_is_off_when_set_to_off(client, settings, frozen_time):
    settings.SEARCH_RATE_LIMIT = "off"
    assert {client.get("/search/", REMOTE_ADDR="192.0.2.2").status_code for _ in range(5)} == {200}


@pytest.mark.django_db
def test_x_forwarded_for_cannot_dodge_the_limit_unless_the_peer_is_a_trusted_proxy(client, settings, frozen_time):
    settings.SEARCH_RATE_LIMIT = "2/min"
    # Untrusted peer: a new X-Forwarded-For each time changes nothing.
    codes = [
        client.get("/search/", REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}").status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]

    # Behind a trusted proxy, each forwarded client has its own count.
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    codes = [
        client.get("/search/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 200]


def request_from(remote: str, forwarded: str = "") -> SimpleNamespace:
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return SimpleNamespace(META=meta)


def test_the_client_is_the_rightmost_forwarded_address_that_is_not_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("127.0.0.1", "198.51.100.1")) == "127.0.0.1"
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # The client wrote "6.6.6.6" itself; the proxies appended the address they saw.
    assert client_ip(request_from("127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3")) == "198.51.100.1"
    assert client_ip(request_from("192.0.2.1", "198.51.100.1")) == "192.0.2.1"  # peer is not a proxy
    assert client_ip(request_from("127.0.0.1", "")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_ip(request_from("::1", "2001:db8::1")) == "::1"


# --- Deployment settings ---


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEARCH_RATE", "API_RATE"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


COUNT_REQUESTS = """
from django.conf import settings
from resolutions.middleware import Rate, RateLimitMiddleware
assert settings.CACHES["default"]["BACKEND"] == "diskcache.DjangoCache", settings.CACHES
limiter = RateLimitMiddleware(lambda request: None)
waits = [limiter.seconds_to_wait("/search/", "203.0.113.7", Rate(150, 3600)) for _ in range(50)]
print(sum(1 for wait in waits if wait))
"""


def test_the_default_cache_counts_every_workers_requests_exactly(tmp_path):
    """Four processes counting at once, as gunicorn workers do: no count is lost, the limit holds across them."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEARCH_RATE", "API_RATE"))}
    env = {**clean, "ARCHIVE_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    workers = [
        subprocess.Popen([sys.executable, "manage.py", "shell", "-c", COUNT_REQUESTS], cwd=ROOT, env=env, text=True,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    refused = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        refused.append(int(out.split()[-1]))
    # 200 requests against a limit of 150: exactly 50 refused, whichever worker saw them.
    assert sum(refused) == 50
    assert (tmp_path / "cache").is_dir()


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
    "DJANGO_SECURE": "1",
}


def test_check_deploy_is_clean_with_the_documented_production_variables(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_names_what_is_missing_without_them(tmp_path):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env={"ARCHIVE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    found = set(re.findall(r"\((\w+\.\w+)\)", result.stderr))
    # No HSTS, no HTTPS redirect, cookies not secure (the key is this machine's var/secret_key, not a public one).
    assert found == {"security.W004", "security.W008", "security.W012", "security.W016"}
    # With DEBUG the built-in key is allowed, and named.
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        env={"ARCHIVE_VAR_DIR": str(tmp_path), "DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY_FILE": str(tmp_path / "none")},
    )
    assert "archive.W001" in set(re.findall(r"\((\w+\.\w+)\)", result.stderr))


def test_https_without_a_secret_key_refuses_to_start(tmp_path):
    env = {**PRODUCTION, "ARCHIVE_VAR_DIR": str(tmp_path)}
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", env=env)
    assert result.returncode == 1
    assert "DJANGO_SECURE=1 needs DJANGO_SECRET_KEY" in result.stderr


def test_a_malformed_rate_limit_is_a_check_error(tmp_path):
    result = run_manage("check", env={"SEARCH_RATE_LIMIT": "lots", "ARCHIVE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "(archive.E001) A rate limit reads like '60/min' or '1000/hour', not 'lots'" in result.stderr


@pytest.mark.django_db
def test_behind_https_plain_http_is_redirected_and_https_gets_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/browse/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/browse/"
    response = client.get("/browse/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# --- Error pages, media, CSRF ---


@pytest.mark.django_db
def test_a_missing_page_answers_with_the_archives_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>未找到 <span lang=\"en\">Not found</span></h1>" in html
    assert 'class="site-name"' in html  # the archive's own layout
    assert "Traceback" not in html and "URLconf" not in html


@pytest.mark.django_db
def test_an_exception_answers_with_the_archives_500_page_and_no_stack_trace(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>服务器错误 <span lang=\"en\">Server error</span></h1>" in html
    for leak in ("Traceback", "RuntimeError", "secret detail", "boom", "settings"):
        assert leak not in html
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_uploaded_files_are_never_served_by_the_app(client, settings):
    # An uploaded "PDF" that is really a page with a script: if MEDIA were served, a browser could run it.
    stored = Path(settings.MEDIA_ROOT) / "sources" / "2026" / "01"
    stored.mkdir(parents=True)
    (stored / "evil.html").write_text("<script>alert(1)</script>", encoding="utf-8")
    (stored / "evil.pdf").write_text("<script>alert(1)</script>", encoding="utf-8")
    for url in ("/media/sources/2026/01/evil.html", "/media/sources/2026/01/evil.pdf", "/sources/2026/01/evil.html"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"alert(1)" not in response.content


@pytest.mark.django_db
def test_links_the_admin_shows_to_original_files_never_serve_them(admin_client, search_index):
    ingest_resolution(source=(DATA / "A_HRC_RES_45_32.txt").read_bytes(), filename="A_HRC_RES_45_32.txt")
    source = SourceFile.objects.get()
    assert source.file.read().startswith(" 人权理事会".encode())  # the original is kept …
    links = []
    for url in (
        f"/admin/resolutions/sourcefile/{source.pk}/change/",
        f"/admin/resolutions/resolution/{source.resolution_id}/change/",
    ):
        html = admin_client.get(url).content.decode()
        assert "A_HRC_RES_45_32.txt" in html
        links += re.findall(r'href="(/media/[^"]+)"', html)
    for link in links:  # … and no URL the admin shows serves it (a browser could render it as HTML)
        response = admin_client.get(link)
        assert response.status_code == 404, link
        assert "人权理事会".encode() not in response.content


@pytest.mark.django_db
def test_forms_that_change_anything_refuse_a_post_without_the_csrf_token(django_user_model, settings):
    user = django_user_model.objects.create_superuser("root", password="a long admin password")
    csrf_client = Client(enforce_csrf_checks=True)
    assert csrf_client.post("/admin/login/", {"username": "root", "password": "a long admin password"}).status_code == 403
    csrf_client.force_login(user)
    upload = csrf_client.post(
        "/admin/resolutions/resolution/upload/",
        {"files": SimpleUploadedText("a.txt", (DATA / "A_HRC_RES_45_32.txt").read_bytes())},
    )
    assert upload.status_code == 403
    confirm = csrf_client.post("/admin/resolutions/resolution/upload/confirm/", {"uploads": ["0" * 64]})
    assert confirm.status_code == 403
    assert Resolution.objects.count() == 0


def SimpleUploadedText(name: str, data: bytes):  # noqa: N802 (reads like the class it returns)
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/plain")


# --- Escaping: markup inside a real resolution, on every page that shows it ---

PAYLOAD = "<script>alert(document.domain)</script>恶意标记<img src=x onerror=alert(document.cookie)>&lt;b&gt;<b>粗体</b>"
TITLE_PAYLOAD = "<script>alert('title')</script>"


def hostile_45_32() -> bytes:
    text = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")
    replacements = [
        (" 45/32. 加强人权领域的技术合作和能力建设 ", f" 45/32. 加强人权领域的技术合作和能力建设{TITLE_PAYLOAD} "),
        (" 遵循《联合国宪章》", f" 遵循{PAYLOAD}《联合国宪章》"),
        (" 7. 吁请各国按照人权法律", f" 7. 吁请各国{PAYLOAD}按照人权法律"),
    ]
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.encode("utf-8")


class PageReader(HTMLParser):
    """The text a reader sees, and every element that could run code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.dangerous: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        values = {name: value or "" for name, value in attrs}
        # The archive's and the admin's own scripts come from files (src="/…"); JSON data never runs.
        if tag == "script" and not values.get("src", "").startswith("/") and values.get("type") != "application/json":
            self.dangerous.append(f"<script {attrs}>")
        if tag == "img" and not values.get("src", "").startswith("/static/") or tag in {"iframe", "object", "embed", "style"}:
            self.dangerous.append(f"<{tag} {attrs}>")
        self.dangerous.extend(f"<{tag} {name}=…>" for name in names if name.startswith("on"))
        if tag == "b":
            self.dangerous.append("<b>")  # the archive never prints <b>: one would come from the text

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def read_page(html: str) -> tuple[str, list[str]]:
    reader = PageReader()
    reader.feed(html)
    return "".join(reader.text), reader.dangerous


@pytest.mark.django_db
def test_markup_in_a_resolutions_text_is_escaped_on_every_page_that_shows_it(client, django_user_model, search_index):
    result = ingest_resolution(source=hostile_45_32(), filename="A_HRC_RES_45_32.txt")
    resolution = result.resolution
    assert resolution.title == f"加强人权领域的技术合作和能力建设{TITLE_PAYLOAD}"
    pp1 = resolution.paragraphs.get(eid="pp1")
    op7 = resolution.paragraphs.get(eid="op7")
    assert pp1.text.startswith(f"遵循{PAYLOAD}《联合国宪章》的宗旨和原则")
    assert op7.text.startswith(f"吁请各国{PAYLOAD}按照人权法律和标准执行")

    pages = {
        "resolution": ("/A/HRC/RES/45/32/zh/", [PAYLOAD, TITLE_PAYLOAD]),
        "paragraph pp1": ("/A/HRC/RES/45/32/zh/pp1", [PAYLOAD]),
        "paragraph op7": ("/A/HRC/RES/45/32/zh/op7", [PAYLOAD]),
        "home": ("/", [TITLE_PAYLOAD]),
        "list": ("/browse/hrc/45/", [TITLE_PAYLOAD]),
        "search": ("/search/?q=恶意标记", ["<script>alert(document.domain)</script>", "<img src=x onerror=alert(document.cookie)>&lt;b&gt;"]),
        "search grouped": ("/search/?q=恶意标记&group=1", ["<script>alert(document.domain)</script>", "&lt;b&gt;<b>粗体</b>"]),
        "search for the markup": ("/search/?q=" + "<script>", ["<script>"]),
    }
    for name, (url, payloads) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text, dangerous = read_page(response.content.decode())
        assert dangerous == [], name
        for payload in payloads:
            assert payload in text, (name, payload)
        assert "&lt;script&gt;alert(" in response.content.decode(), name

    # The search snippets: escaped first, then the match marked.
    api = client.get("/api/search", {"q": "恶意标记"}).json()
    assert api["count"] == 2
    assert sorted(hit["eid"] for hit in api["results"]) == ["op7", "pp1"]
    for hit in api["results"]:
        assert "&lt;script&gt;alert(document.domain)&lt;/script&gt;<mark>恶意标记</mark>&lt;img src=x onerror=alert(document.cookie)&gt;" in hit["snippet"]
        assert "&amp;lt;b&amp;gt;&lt;b&gt;粗体&lt;/b&gt;" in hit["snippet"]
        assert hit["title"] == resolution.title  # JSON carries the text itself; JSON is not HTML

    # JSON is served as JSON (never sniffed as HTML) and keeps the text as it is.
    response = client.get("/api/resolutions/A/HRC/RES/45/32")
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    paragraphs = {p["eid"]: p["text"] for p in json.loads(response.content)["paragraphs"]}
    assert paragraphs["pp1"] == pp1.text and paragraphs["op7"] == op7.text

    # Atom feed and Akoma Ntoso: XML that parses, with the markup as text and no element made from it.
    feed = client.get("/feed/")
    root = ET.fromstring(feed.content)
    atom = "{http://www.w3.org/2005/Atom}"
    assert root.find(f"{atom}entry/{atom}title").text == f"A/HRC/RES/45/32 (zh) {resolution.title}"
    assert not any(el.tag.endswith("script") for el in root.iter())
    assert b"<script>" not in feed.content

    akn = client.get("/A/HRC/RES/45/32/zh/akn.xml")
    root = ET.fromstring(akn.content)
    assert not any(el.tag.rsplit("}", 1)[-1] in {"script", "img", "b"} for el in root.iter())
    texts = ["".join(el.itertext()) for el in root.iter() if el.get("eId") in {"preamble__para_1", "para_7"}]
    assert len(texts) == 2 and all(PAYLOAD in t for t in texts)
    assert b"<script>" not in akn.content

    # The admin shows it escaped too (change page with the paragraph inline, and the paragraph list).
    admin = django_user_model.objects.create_superuser("root", password="a long admin password")
    client.force_login(admin)
    for url in (
        f"/admin/resolutions/resolution/{resolution.pk}/change/",
        f"/admin/resolutions/paragraph/{op7.pk}/change/",
        "/admin/resolutions/paragraph/?q=恶意标记",
        "/admin/resolutions/resolution/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        text, dangerous = read_page(html)
        assert dangerous == [], url
        assert "<script>alert(" in text, url
        assert "&lt;script&gt;alert(" in html, url


def test_the_reader_would_notice_markup_that_is_not_escaped():
    # The checker itself: raw markup is found, escaped markup is text.
    assert read_page("<p>x<script>alert(1)</script></p>")[1] == ["<script []>"]
    assert read_page('<p><img src=x onerror="alert(2)"></p>')[1] == [
        "<img [('src', 'x'), ('onerror', 'alert(2)')]>",
        "<img onerror=…>",
    ]
    assert read_page("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == ("<script>alert(1)</script>", [])


@pytest.mark.django_db
def test_a_lost_database_answers_503_with_retry_after_on_pages_and_in_json(client):
    from unittest import mock

    from django.db import OperationalError

    from resolutions.models import ResolutionQuerySet

    with mock.patch.object(ResolutionQuerySet, "by_symbol", side_effect=OperationalError("database is locked")):
        page = client.get("/A/RES/67/161/")
        api = client.get("/api/resolutions/A/RES/67/161")
    assert page.status_code == 503 and page["Retry-After"] == "30"
    assert "数据库暂时无法访问" in page.content.decode()
    assert "Traceback" not in page.content.decode()
    assert api.status_code == 503 and api["Retry-After"] == "30"
    assert api.json()["error"] == "database_unavailable"
