"""manage.py fetch and the admin's "fetch by symbol", against a local stand-in for the UN document system
(resolutions/tests/fetch_server.py) that serves real PDFs from the test data and every kind of bad answer.
Nothing here touches the network."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from resolutions.fetching import CREATED, FAILED, Fetcher, document_url, read_symbols
from resolutions.models import FetchRecord, Paragraph, Resolution, SourceFile
from resolutions.services import ingest_resolution
from resolutions.tests.conftest import DATA
from resolutions.tests.fetch_server import Reply, document_system

pytestmark = pytest.mark.django_db

UDHR_PDF = (DATA / "A_RES_217_A_III.pdf").read_bytes()
PDF_78_171 = (DATA / "A_RES_78_171.pdf").read_bytes()
PDF_79_163 = (DATA / "A_RES_79_163.pdf").read_bytes()
PDF_78_194 = (DATA / "A_RES_78_194.pdf").read_bytes()
ERROR_PAGE = b"<!DOCTYPE html><html><head><title>Error</title></head><body>Document not available</body></html>"


@pytest.fixture
def system(settings):
    with document_system() as running:
        settings.UN_DOCUMENTS_URL = running.url
        settings.FETCH_DELAY_SECONDS = 0.0
        settings.FETCH_TIMEOUT_SECONDS = 0.5
        settings.FETCH_RETRIES = 1
        yield running


def media_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def run_fetch(*arguments: str) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("fetch", *arguments, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_fetch_handles_every_answer_keeps_the_successes_and_stores_nothing_of_the_failures(system, settings):
    system.serve_pdf("A/RES/217(III)", "zh", UDHR_PDF)
    system.serve_pdf("A/RES/78/171", "en", PDF_78_171, redirect=True)  # the endpoint redirects to the file
    system.answer("A/RES/79/163", "en", Reply(429, b"slow down", {"Retry-After": "1"}), Reply(200, PDF_79_163, {"Content-Type": "application/pdf"}))
    system.answer("A/RES/99/404", "en", Reply(404, ERROR_PAGE, {"Content-Type": "text/html"}))
    system.answer("A/RES/79/157", "en", Reply(200, b"%PDF-1.7 late", delay=2.0))  # slower than the 0.5 s timeout
    system.answer("A/RES/78/190", "en", Reply(200, ERROR_PAGE, {"Content-Type": "text/html; charset=utf-8"}))
    system.answer("A/RES/78/194", "en", Reply(200, PDF_78_194[: len(PDF_78_194) // 2], {"Content-Type": "application/pdf"}))
    system.answer("A/RES/78/201", "en", Reply(200, PDF_78_194[:5000], {"Content-Type": "application/pdf"}, declared_length=len(PDF_78_194)))
    system.answer("A/RES/79/999", "en", Reply(200, PDF_78_171, {"Content-Type": "application/pdf"}))  # another document

    out, err, error = run_fetch(
        "A/RES/217(III)", "--lang", "zh", "--timeout", "0.5",
    )
    assert error is None, err
    assert "[1/1] A/RES/217(III) zh: created A/RES/217(III) (zh): 8 preambular, 50 article, 0 footnotes (479,874 bytes)" in out

    symbols = ["A/RES/78/171", "A/RES/79/163", "A/RES/99/404", "A/RES/79/157", "A/RES/78/190", "A/RES/78/194", "A/RES/78/201", "A/RES/79/999"]
    out, err, error = run_fetch(*symbols, "--lang", "en")
    lines = out.splitlines() + err.splitlines()
    assert any(line.startswith("[1/8] A/RES/78/171 en: created A/RES/78/171 (en): ") for line in lines), lines
    assert any(line.startswith("[2/8] A/RES/79/163 en: created A/RES/79/163 (en): ") for line in lines), lines
    assert "[3/8] A/RES/99/404 en: FAILED not found (HTTP 404): the document system has no such PDF" in lines
    assert "[4/8] A/RES/79/157 en: FAILED timed out, 2 tries" in lines
    assert "[5/8] A/RES/78/190 en: FAILED an HTML page came instead of a PDF (text/html; charset=utf-8); nothing stored" in lines
    assert f"[6/8] A/RES/78/194 en: FAILED the PDF is truncated ({len(PDF_78_194) // 2:,} bytes, no %%EOF at its end); nothing stored" in lines
    assert "[7/8] A/RES/78/201 en: FAILED the connection broke while reading the PDF, 2 tries" in lines
    assert "[8/8] A/RES/79/999 en: FAILED the document system's PDF is A/RES/78/171 (en), not the A/RES/79/999 (en) asked for; nothing stored" in lines
    assert out.splitlines()[-1] == "8 fetches: 2 created, 6 failed"
    assert error is not None and str(error).startswith("6 of 8 not fetched:\n  A/RES/99/404 en: FAILED not found")
    assert f"<{document_url('A/RES/99/404', 'en')}>" in str(error)

    # The successes are kept, the failures left nothing behind: no row, no file.
    held = sorted(Resolution.objects.values_list("symbol", "language"))
    assert held == [("A/RES/217(III)", "zh"), ("A/RES/78/171", "en"), ("A/RES/79/163", "en")]
    assert sorted(FetchRecord.objects.values_list("symbol", "language", "size")) == [
        ("A/RES/217(III)", "zh", len(UDHR_PDF)),
        ("A/RES/78/171", "en", len(PDF_78_171)),
        ("A/RES/79/163", "en", len(PDF_79_163)),
    ]
    assert sorted(SourceFile.objects.values_list("filename", flat=True)) == [
        "A_RES_217(III)-zh.pdf",
        "A_RES_78_171-en.pdf",
        "A_RES_79_163-en.pdf",
    ]
    assert len(media_files(settings)) == 3
    assert Resolution.objects.get(symbol="A/RES/78/171").paragraphs.count() == Paragraph.objects.filter(
        resolution__symbol="A/RES/78/171"
    ).count() > 10

    # Politeness as the server saw it: the 429's Retry-After was waited out; the slow and the broken ones
    # were tried twice (FETCH_RETRIES = 1), every other answer once.
    asked_79_163 = system.requests_for("A/RES/79/163", "en")
    assert len(asked_79_163) == 2 and asked_79_163[1].at - asked_79_163[0].at >= 1.0
    assert [len(system.requests_for(s, "en")) for s in symbols] == [1, 2, 1, 2, 1, 1, 2, 1]
    assert all(entry.headers["user-agent"].startswith("resolution-archive-fetch/") for entry in system.log)


def test_a_second_run_asks_for_nothing_and_refresh_asks_only_whether_it_changed(system):
    system.serve_pdf("A/RES/78/171", "en", PDF_78_171, etag='"one"')
    assert run_fetch("A/RES/78/171", "--lang", "en")[2] is None
    assert len(system.log) == 1

    out, _, error = run_fetch("A/RES/78/171", "--lang", "en")
    assert error is None
    assert "[1/1] A/RES/78/171 en: held, fetched " in out and "--refresh asks for a newer text" in out
    assert len(system.log) == 1  # not asked again

    out, _, error = run_fetch("A/RES/78/171", "--lang", "en", "--refresh")
    assert "[1/1] A/RES/78/171 en: not modified since it was fetched" in out
    assert system.log[-1].headers["if-none-match"] == '"one"'
    assert system.log[-1].headers["if-modified-since"] == "Tue, 10 Dec 1948 10:00:00 GMT"

    # A new ETag but the same bytes: downloaded, recognised by its checksum, not stored again.
    system.serve_pdf("A/RES/78/171", "en", PDF_78_171, etag='"two"')
    out, _, _ = run_fetch("A/RES/78/171", "--lang", "en", "--refresh")
    assert "[1/1] A/RES/78/171 en: unchanged (the same PDF, sha256 " in out
    assert SourceFile.objects.count() == 1
    # One revision: the text as the first fetch stored it (a revision is each state a change left).
    assert list(Resolution.objects.get().revisions.values_list("origin", flat=True)) == ["fetch"]


def test_a_version_held_from_a_file_is_left_alone_unless_refreshed(system):
    ingest_resolution(source=(DATA / "A_RES_78_171.txt").read_bytes(), filename="A_RES_78_171.txt")
    system.serve_pdf("A/RES/78/171", "en", PDF_78_171)
    out, _, _ = run_fetch("A/RES/78/171", "--lang", "en")
    assert "[1/1] A/RES/78/171 en: held from A_RES_78_171.txt, not fetched; --refresh fetches the official PDF over it" in out
    assert system.log == []
    out, _, error = run_fetch("A/RES/78/171", "--lang", "en", "--refresh")
    assert error is None and len(system.log) == 1
    resolution = Resolution.objects.get()
    assert resolution.source_filename == "A_RES_78_171-en.pdf"
    assert FetchRecord.objects.get().resolution == resolution


def test_languages_the_parser_cannot_read_and_unknown_ones_are_refused_before_any_request(system):
    out, err, error = run_fetch("A/RES/78/171", "--lang", "fr")
    assert "[1/1] A/RES/78/171 fr: FAILED not fetched: the archive reads zh and en texts only" in err
    assert error is not None and system.log == []
    _, _, error = run_fetch("A/RES/78/171", "--lang", "de")
    assert str(error) == "unknown language de; use zh, en, fr, es, ru, ar"
    _, _, error = run_fetch()
    assert str(error) == "name at least one symbol, or --from-file"


def test_symbols_come_from_a_file_too(system, tmp_path):
    system.serve_pdf("A/RES/78/171", "en", PDF_78_171)
    listing = tmp_path / "symbols.txt"
    listing.write_text("# the sessions' resolutions\nA/RES/78/171\n\nA/RES/78/171  # twice: once\n", encoding="utf-8")
    out, _, error = run_fetch("--from-file", str(listing), "--lang", "en")
    assert error is None
    assert out.splitlines()[-1] == "1 fetches: 1 created"
    assert read_symbols(["A/RES/1/1 # x", "", "A/RES/1/1", " A/RES/2/2 "]) == ["A/RES/1/1", "A/RES/2/2"]


def test_back_off_and_retry_after_as_the_fetcher_waits_them(system):
    """With a clock of its own, the waits are exact: back-off 2, 4 s; a Retry-After of 7 s; one too long."""
    waits: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 3))
        now[0] += seconds

    fetcher = Fetcher(delay=1.0, retries=3, max_retry_after=60, sleep=sleep, clock=lambda: now[0])
    system.answer("A/RES/78/194", "en", Reply(503), Reply(502), Reply(200, PDF_78_194, {"Content-Type": "application/pdf"}))
    outcome = fetcher.fetch("A/RES/78/194", "en")
    assert outcome.status == CREATED
    assert waits == [2.0, 4.0]  # the back-off covers the pause between requests

    waits.clear()
    now[0] += 60  # time passes between two fetches: no pause is owed
    system.answer("A/RES/79/163", "en", Reply(429, headers={"Retry-After": "7"}), Reply(200, PDF_79_163, {"Content-Type": "application/pdf"}))
    assert fetcher.fetch("A/RES/79/163", "en").status == CREATED
    assert waits == [7.0]

    waits.clear()
    now[0] += 60
    system.answer("A/RES/78/171", "en", Reply(503, headers={"Retry-After": "3600"}))
    outcome = fetcher.fetch("A/RES/78/171", "en")
    assert (outcome.status, outcome.message) == (
        FAILED,
        "HTTP 503: the document system asks to wait 3600 s (more than the 60 s this fetch waits); try again later",
    )
    assert len(system.requests_for("A/RES/78/171", "en")) == 1 and waits == []

    now[0] += 60
    system.answer("A/RES/78/190", "en", Reply(500))
    outcome = fetcher.fetch("A/RES/78/190", "en")
    assert outcome.message == "HTTP 500 from the document system, 4 tries; try again later"
    assert waits == [2.0, 4.0, 8.0]

    # Between two requests, the pause: the second waits out the rest of the delay.
    waits.clear()
    now[0] += 60
    system.serve_pdf("A/RES/217(III)", "zh", UDHR_PDF)
    system.serve_pdf("A/RES/79/157", "en", (DATA / "A_RES_79_157.pdf").read_bytes())
    outcomes = list(fetcher.fetch_all(["A/RES/217(III)", "A/RES/79/157"], ["zh", "en"]))
    assert [o.status for o in outcomes] == [CREATED, FAILED, FAILED, CREATED]  # 79/157 has no zh, 217 no en here
    assert waits == [1.0, 1.0, 1.0]
    assert FetchRecord.objects.count() == 4  # 78/194, 79/163, 217(III) zh, 79/157 en


def test_fetch_by_symbol_in_the_admin(system, admin_client):
    system.serve_pdf("A/RES/217(III)", "zh", UDHR_PDF)
    system.answer("A/RES/99/404", "zh", Reply(404))
    page = admin_client.get("/admin/resolutions/resolution/fetch/")
    assert page.status_code == 200
    assert b"Fetch by symbol" in page.content
    response = admin_client.post(
        "/admin/resolutions/resolution/fetch/", {"symbols": "A/RES/217(III)\nA/RES/99/404", "languages": ["zh"]}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "A/RES/217(III) zh: created A/RES/217(III) (zh): 8 preambular, 50 article, 0 footnotes" in text
    assert "A/RES/99/404 zh: FAILED not found (HTTP 404)" in text
    assert list(Resolution.objects.values_list("symbol", "language")) == [("A/RES/217(III)", "zh")]
    # Again: nothing fetched twice.
    text = admin_client.post(
        "/admin/resolutions/resolution/fetch/", {"symbols": "A/RES/217(III)", "languages": ["zh"]}
    ).content.decode()
    assert "A/RES/217(III) zh: held, fetched" in text
    assert len(system.requests_for("A/RES/217(III)", "zh")) == 1


def test_the_admin_fetch_needs_the_upload_permission_and_a_symbol(system, client, django_user_model, admin_client):
    staff = django_user_model.objects.create_user("reader", password="pw-long-enough-1", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/resolutions/resolution/fetch/").status_code == 403
    response = admin_client.post("/admin/resolutions/resolution/fetch/", {"symbols": "# none", "languages": ["zh"]})
    assert "Name at least one symbol." in response.content.decode()
    assert system.log == []



def held_from_text_with_an_edit(user):
    """A/RES/78/171 (en) ingested from its .txt, then op1 corrected by `user`; returns (resolution, official op1)."""
    from resolutions.services import record_edit, snapshot

    resolution = ingest_resolution(source=(DATA / "A_RES_78_171.txt").read_bytes(), filename="A_RES_78_171.txt").resolution
    op1 = resolution.paragraphs.get(eid="op1")
    official = op1.text
    before = snapshot(resolution)
    op1.text = official.replace("Urges Member States", "Urges all Member States", 1)
    op1.save()
    record_edit(resolution, user=user, before=before)
    return resolution, official


def test_a_fetch_over_a_curator_s_edit_is_refused_then_stored_with_replace_edits_and_recorded(system, django_user_model):
    curator = django_user_model.objects.create_user("wang", password="a long curator password", is_staff=True)
    resolution, official = held_from_text_with_an_edit(curator)
    op1 = resolution.paragraphs.get(eid="op1")
    system.serve_pdf("A/RES/78/171", "en", PDF_78_171)

    _, err, error = run_fetch("A/RES/78/171", "--lang", "en", "--refresh")

    assert err.startswith(
        "[1/1] A/RES/78/171 en: FAILED not stored: A/RES/78/171 (en) has curator edits this file would replace: "
        "op1 edited by wang on "
    )
    assert err.rstrip().endswith("; --replace-edits stores the official text over them")
    assert "1 of 1 not fetched" in str(error)
    op1.refresh_from_db()
    assert op1.text.startswith("Urges all Member States")
    resolution.refresh_from_db()
    assert resolution.source_filename == "A_RES_78_171.txt"
    assert list(resolution.revisions.values_list("origin", flat=True)) == ["edit", "ingest"]
    assert FetchRecord.objects.count() == 0

    out, _, error = run_fetch("A/RES/78/171", "--lang", "en", "--refresh", "--replace-edits")

    assert error is None
    assert "[1/1] A/RES/78/171 en: replaced A/RES/78/171 (en): " in out and "; replaced curator edits: op1 edited by wang on " in out
    op1.refresh_from_db()
    assert op1.text == official
    latest = resolution.revisions.first()
    assert (latest.origin, latest.reason) == ("fetch", "replaced from A_RES_78_171-en.pdf; replaced curator edits: op1")
    assert FetchRecord.objects.get().resolution == resolution


def test_the_admin_fetch_over_a_curator_s_edit_is_refused_and_points_to_the_upload_preview(system, admin_client, admin_user):
    resolution, _ = held_from_text_with_an_edit(admin_user)
    system.serve_pdf("A/RES/78/171", "en", PDF_78_171)
    text = admin_client.post(
        "/admin/resolutions/resolution/fetch/", {"symbols": "A/RES/78/171", "languages": ["en"], "refresh": "on"}
    ).content.decode()
    assert (
        "A/RES/78/171 en: FAILED not stored: A/RES/78/171 (en) has curator edits this file would replace: op1 edited by admin on "
        in text
    )
    assert "; upload the PDF: its preview shows each change and asks before replacing them" in text
    assert resolution.paragraphs.get(eid="op1").text.startswith("Urges all Member States")
