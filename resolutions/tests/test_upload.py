"""The curators' upload page, driven through the real admin with the test client, on real documents."""
from __future__ import annotations

import gzip
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resolutions import services
from resolutions.models import Resolution, Revision, SourceFile
from resolutions.tests.admin_pages import archive_state, curator, curator_client, media_root, search_hits  # noqa: F401
from resolutions.tests.search_fixtures import search_index, search_index_dir  # noqa: F401 (fixtures)
from resolutions.tests.upload_files import (
    damaged_pdf,
    data_file,
    encrypted_pdf,
    scanned_pdf,
    word_document,
    word_paragraphs_of_45_32,
)
from resolutions.uploads import sha256_of

UPLOAD_URL = "/admin/resolutions/resolution/upload/"
CONFIRM_URL = "/admin/resolutions/resolution/upload/confirm/"


def upload(client, *files: tuple[str, bytes]):
    return client.post(UPLOAD_URL, {"files": [SimpleUploadedFile(name, data) for name, data in files]})


def confirm_all(client, preview_response):
    hashes = preview_response.context["confirm_form"].initial["uploads"]
    return client.post(CONFIRM_URL, {"uploads": hashes})


@dataclass(frozen=True)
class Case:
    filename: str
    source: bytes
    symbol: str
    language: str
    title: str
    counts: str  # as the preview prints them
    paragraph: tuple[str, str]  # (eid, start of its text)
    query: str  # words of that paragraph, searched after confirming


def _text(name: str) -> str:
    return data_file(name).decode("utf-8")


CASES = [
    Case(
        "A_HRC_RES_45_32.txt", data_file("A_HRC_RES_45_32.txt"), "A/HRC/RES/45/32", "zh",
        "加强人权领域的技术合作和能力建设",
        "15 preambular, 14 operative, 0 annex; 1 footnotes",
        ("op3", "特别指出，在促进和保护人权，包括与确保受教育权有关的人权的过程中，需要加强国际、区域和双边合作与对话；"),
        "双边合作与对话",
    ),
    Case(
        "A_RES_67_161-gb18030.txt", _text("A_RES_67_161.txt").encode("gb18030"), "A/RES/67/161", "zh",
        "酷刑和其他残忍、不人道或有辱人格的待遇或处罚",
        "10 preambular, 41 operative, 0 annex; 10 footnotes",
        ("op1", "谴责一切形式的酷刑和其他残忍、不人道或有辱人格待遇或处罚，包括恐吓行为"),
        "恐吓行为",
    ),
    Case(
        "A_HRC_RES_45_32-utf16.txt", _text("A_HRC_RES_45_32.txt").encode("utf-16"), "A/HRC/RES/45/32", "zh",
        "加强人权领域的技术合作和能力建设",
        "15 preambular, 14 operative, 0 annex; 1 footnotes",
        ("op3", "特别指出，在促进和保护人权"),
        "双边合作与对话",
    ),
    Case(
        "A_RES_79_163.pdf", data_file("A_RES_79_163.pdf"), "A/RES/79/163", "en",
        "The right of the Palestinian people to self-determination",
        "8 preambular, 2 operative, 0 annex; 7 footnotes",
        ("op1", (
            "Reaffirms the right of the Palestinian people to self-determination, including the right to their "
            "independent State of Palestine;"
        )),
        '"independent State of Palestine"',
    ),
    Case(
        "A_RES_78_194.pdf", data_file("A_RES_78_194.pdf"), "A/RES/78/194", "en",
        "Commemoration of the seventy-fifth anniversary of the Universal Declaration of Human Rights",
        "6 preambular, 3 operative, 0 annex; 3 footnotes",
        ("op3", "Urges States to redouble their efforts in fulfilling their duty to promote"),
        "redouble efforts",
    ),
    Case(
        # The OHCHR PDF whose text layer spaces out every glyph ("联 合 国 大 会").
        "A_RES_217_A_III.pdf", data_file("A_RES_217_A_III.pdf"), "A/RES/217(III)", "zh",
        "世界人权宣言",
        "8 preambular, 0 operative, 0 annex, 50 in articles; 0 footnotes",
        ("art_1/para_1", "人人生而自由，在尊严和权利上一律平等。他们赋有理性和良心，并应以兄弟关系的精神相对待。"),
        "生而自由",
    ),
    Case(
        # Word: one paragraph per printed paragraph; footnotes live outside the body text.
        "A_HRC_RES_45_32.docx", word_document(word_paragraphs_of_45_32()), "A/HRC/RES/45/32", "zh",
        "加强人权领域的技术合作和能力建设",
        "15 preambular, 14 operative, 0 annex; 0 footnotes",
        ("op3", "特别指出，在促进和保护人权，包括与确保受教育权有关的人权的过程中，需要加强国际、区域和双边合作与对话；"),
        "双边合作与对话",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.filename for c in CASES])
def test_each_supported_format_is_previewed_then_stored_and_found_by_search(curator_client, curator, search_index, case):  # noqa: F811
    before = archive_state()

    preview = upload(curator_client, (case.filename, case.source))

    assert preview.status_code == 200, preview.content.decode()[:2000]
    [parsed] = [p.parsed for p in preview.context["previews"]]
    assert (parsed.symbol, parsed.language) == (case.symbol, case.language)
    page = preview.content.decode()
    assert case.symbol in page and "New to the archive." in page
    if case.title:
        assert parsed.title == case.title
    if case.counts:
        assert case.counts in page
    eid, start = case.paragraph
    text = next(p.text for p in parsed.paragraphs if p.eid == eid)
    assert text.startswith(start), text
    assert text in page  # the paragraph itself is shown
    # Previewing stores nothing but the staged bytes.
    after_preview = archive_state()
    assert after_preview["staged"] == [sha256_of(case.source)]
    assert {k: v for k, v in after_preview.items() if k != "staged"} == {k: v for k, v in before.items() if k != "staged"}

    done = confirm_all(curator_client, preview)

    assert done.status_code == 200
    resolution = Resolution.objects.get(symbol=case.symbol, language=case.language)
    assert resolution.get_absolute_url() in done.content.decode()
    assert resolution.paragraphs.get(eid=eid).text == text
    assert resolution.paragraphs.count() == len(parsed.paragraphs)
    source = SourceFile.objects.get(resolution=resolution)
    assert (source.sha256, source.size, source.uploaded_by, source.filename) == (
        sha256_of(case.source), len(case.source), curator, case.filename
    )
    assert source.file.read() == case.source
    assert archive_state()["staged"] == []
    assert (case.symbol, case.language, eid) in search_hits(curator_client, case.query)


def test_several_files_in_one_upload_are_previewed_and_stored_together(curator_client, search_index):  # noqa: F811
    preview = upload(
        curator_client,
        ("A_HRC_RES_45_32.txt", data_file("A_HRC_RES_45_32.txt")),
        ("A_RES_67_161.txt", data_file("A_RES_67_161.txt")),
        ("A_RES_78_194.pdf", data_file("A_RES_78_194.pdf")),
    )

    assert [p.parsed.symbol for p in preview.context["previews"]] == ["A/HRC/RES/45/32", "A/RES/67/161", "A/RES/78/194"]
    assert "Confirm and store 3 files" in preview.content.decode()
    done = confirm_all(curator_client, preview)
    assert sorted(r.status for r in done.context["results"]) == ["created", "created", "created"]
    assert sorted(Resolution.objects.values_list("symbol", flat=True)) == ["A/HRC/RES/45/32", "A/RES/67/161", "A/RES/78/194"]


def test_a_file_already_in_the_archive_is_recognised_by_its_checksum(curator_client, search_index):  # noqa: F811
    services.ingest_resolution(source=data_file("A_HRC_RES_45_32.txt"), filename="A_HRC_RES_45_32.txt")
    before = archive_state()

    preview = upload(curator_client, ("copy-of-45-32.txt", data_file("A_HRC_RES_45_32.txt")))

    page = preview.content.decode()
    assert "Already in the archive: this exact file" in page
    assert sha256_of(data_file("A_HRC_RES_45_32.txt")) in page
    assert "Confirm and store" not in page
    assert archive_state() == before


def test_a_new_version_replaces_the_text_keeps_permalinks_and_the_old_text_as_a_revision(curator_client, search_index):  # noqa: F811
    original = data_file("A_HRC_RES_45_32.txt")
    services.ingest_resolution(source=original, filename="A_HRC_RES_45_32.txt")
    resolution = Resolution.objects.get(symbol="A/HRC/RES/45/32")
    op3 = resolution.paragraphs.get(eid="op3")
    old_text, url = op3.text, op3.get_absolute_url()
    corrected = original.decode("utf-8").replace("双边合作与对话", "双边合作与建设性对话").encode("utf-8")

    preview = upload(curator_client, ("A_HRC_RES_45_32-corrected.txt", corrected))
    assert "A new version of" in preview.content.decode()
    done = confirm_all(curator_client, preview)

    assert [r.status for r in done.context["results"]] == ["replaced"]
    op3.refresh_from_db()  # the same row: its permanent link did not move
    assert op3.text == old_text.replace("双边合作与对话", "双边合作与建设性对话")
    assert op3.get_absolute_url() == url == "/A/HRC/RES/45/32/zh/op3"
    assert "双边合作与建设性对话" in curator_client.get(url).content.decode()
    revision, earlier = Revision.objects.filter(resolution=resolution)
    assert next(p["text"] for p in earlier.snapshot["paragraphs"] if p["eid"] == "op3") == old_text
    assert (revision.origin, revision.changes["paragraphs"]) == ("upload", {"op3": "edited"})
    assert search_hits(curator_client, "建设性对话") == {("A/HRC/RES/45/32", "zh", "op3")}
    assert SourceFile.objects.filter(resolution=resolution).count() == 2


def test_the_preview_shows_the_parsers_warnings(curator_client, search_index):  # noqa: F811
    lines = data_file("A_HRC_RES_45_32.txt").decode("utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(" 8. 鼓励需要援助的国家"))
    end = next(i for i, line in enumerate(lines) if line.startswith(" 9. 强调必须加强"))
    without_op8 = "".join(lines[:start] + lines[end:]).encode("utf-8")

    preview = upload(curator_client, ("A_HRC_RES_45_32.txt", without_op8))

    [shown] = preview.context["previews"]
    assert shown.warnings == ("operative numbering jumps from 7 to 9",)
    assert '<li class="warning">operative numbering jumps from 7 to 9</li>' in preview.content.decode()
    assert "13 operative" in preview.content.decode()


def test_the_preview_lists_footnotes_and_cross_references(curator_client, search_index):  # noqa: F811
    preview = upload(curator_client, ("A_HRC_RES_45_32.txt", data_file("A_HRC_RES_45_32.txt")))

    [shown] = preview.context["previews"]
    page = preview.content.decode()
    footnote = shown.parsed.footnotes[0]
    assert f"<td>{footnote.number}</td><td>{footnote.text}</td>" in page
    cited = {(where, ref.symbol, ref.paragraphs) for where, ref in shown.references}
    assert ("pp4", "A/RES/60/251", ()) in cited
    assert ("op12", "A/HRC/RES/18/18", (3, 4)) in cited
    assert "<td>op12</td><td>A/HRC/RES/18/18</td><td>3, 4</td>" in page


NOT_A_RESOLUTION = (
    b"Real UN resolution texts for tests and benchmarks\n\nOfficial United Nations documents, as published. "
    b"Read them; do not edit them.\n"
)


BAD_INPUTS = [
    ("empty", "A_RES_67_161.txt", b"", "is empty"),
    ("binary named .pdf", "A_RES_67_161.pdf", gzip.compress(data_file("A_RES_67_161.txt"), mtime=0), "not a PDF"),
    ("binary named .txt", "A_RES_67_161.txt", gzip.compress(data_file("A_RES_67_161.txt"), mtime=0), "binary"),
    ("damaged PDF", "A_RES_79_163.pdf", damaged_pdf(data_file("A_RES_79_163.pdf")), "The PDF is damaged"),
    ("encrypted PDF", "A_RES_79_163.pdf", encrypted_pdf("Resolution adopted by the General Assembly"), "encrypted"),
    ("scanned PDF", "A_RES_79_163.pdf", scanned_pdf(data_file("A_RES_79_163.pdf")), "no text layer"),
    ("not a resolution", "README.txt", NOT_A_RESOLUTION, "README.txt: "),
]


@pytest.mark.parametrize("label, filename, data, message", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(curator_client, search_index, label, filename, data, message):  # noqa: F811
    services.ingest_resolution(source=data_file("A_HRC_RES_45_32.txt"), filename="A_HRC_RES_45_32.txt")
    before = archive_state()

    response = upload(curator_client, (filename, data))

    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert len(errors) == 1 and errors[0].startswith(f"{filename}: ") and message in errors[0], errors
    assert "Nothing was stored." in response.content.decode()
    assert archive_state() == before


def test_a_file_over_the_size_limit_is_refused_while_it_arrives(curator_client, search_index, settings):  # noqa: F811
    settings.UPLOAD_MAX_BYTES = 100_000
    before = archive_state()

    response = upload(curator_client, ("A_RES_217_A_III.pdf", data_file("A_RES_217_A_III.pdf")))

    assert response.context["form"].errors["files"] == [
        "A_RES_217_A_III.pdf: The file is larger than the 97.7\xa0KB limit."
    ]
    assert archive_state() == before


def test_a_pdf_that_takes_too_long_to_read_is_refused(curator_client, search_index, settings):  # noqa: F811
    settings.PDF_TIME_LIMIT_SECONDS = 0.001
    before = archive_state()

    response = upload(curator_client, ("A_RES_217_A_III.pdf", data_file("A_RES_217_A_III.pdf")))

    [error] = response.context["form"].errors["files"]
    assert error.startswith("A_RES_217_A_III.pdf: Reading the PDF took longer than"), error
    assert archive_state() == before


def test_one_bad_file_in_a_batch_stores_none_of_them(curator_client, search_index):  # noqa: F811
    before = archive_state()

    response = upload(
        curator_client,
        ("A_HRC_RES_45_32.txt", data_file("A_HRC_RES_45_32.txt")),
        ("empty.txt", b""),
    )

    assert response.context["form"].errors["files"] == ["empty.txt: The file is empty."]
    assert archive_state() == before


@pytest.mark.parametrize("forged", ["../../../etc/passwd", "0" * 64, sha256_of(b"never uploaded")])
def test_confirm_accepts_only_files_staged_in_this_session(curator_client, search_index, forged):  # noqa: F811
    before = archive_state()

    response = curator_client.post(CONFIRM_URL, {"uploads": [forged]}, follow=True)

    assert "This upload has expired or was already stored" in response.content.decode()
    assert archive_state() == before


def test_confirming_twice_stores_once(curator_client, search_index):  # noqa: F811
    preview = upload(curator_client, ("A_HRC_RES_45_32.txt", data_file("A_HRC_RES_45_32.txt")))
    confirm_all(curator_client, preview)
    state = archive_state()

    again = confirm_all(curator_client, preview)

    assert again.status_code == 302
    assert archive_state() == state


def test_upload_needs_the_curator_permissions(client, django_user_model, media_root, search_index):  # noqa: F811
    staff = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    client.force_login(staff)
    assert client.get(UPLOAD_URL).status_code == 403
    client.logout()
    assert client.get(UPLOAD_URL)["Location"] == f"{reverse('admin:login')}?next={UPLOAD_URL}"


def test_the_resolution_list_links_to_the_upload_page(curator_client):  # noqa: F811
    page = curator_client.get("/admin/resolutions/resolution/").content.decode()
    assert f'href="{UPLOAD_URL}" class="addlink">Upload resolutions</a>' in page
    assert curator_client.get("/admin/resolutions/resolution/add/")["Location"] == UPLOAD_URL


# Issue 18, item 6: long file names and the size of a whole request.


@pytest.mark.parametrize(
    "filename",
    [
        "A_HRC_RES_45_32-" + "x" * 250 + ".txt",
        "人权理事会第45号决议" + "加强人权领域的技术合作和能力建设" * 15 + ".txt",
        # The last dot early: everything after it looks like the extension and cannot be shortened.
        "A.HRC.RES.45.32 Strengthening technical cooperation and capacity-building in the field of human rights"
        " (adopted by the Human Rights Council on 7 October 2020, forty-fifth session, agenda item 10, without a vote)"
        " - the Chinese text as published by the United Nations",
    ],
    ids=["ascii", "chinese", "dot-early"],
)
def test_a_file_name_of_250_characters_and_more_previews_confirms_and_is_kept_shortened(curator_client, search_index, filename):  # noqa: F811
    assert len(filename) >= 250
    preview = upload(curator_client, (filename, data_file("A_HRC_RES_45_32.txt")))
    assert preview.status_code == 200
    [shown] = preview.context["previews"]

    done = confirm_all(curator_client, preview)

    assert done.status_code == 200, done.content.decode()[:500]
    assert [r.status for r in done.context["results"]] == ["created"]
    source = SourceFile.objects.get()
    stem, dot, extension = filename.rpartition(".")
    # Django keeps a name of at most 255 characters, cutting before the extension.
    kept = filename if len(filename) <= 255 else stem[: 255 - len(dot + extension)] + dot + extension
    assert source.filename == shown.filename == kept
    stored = source.file.name.rsplit("/", 1)[-1]
    assert len(stored.encode()) <= 170, stored  # time, checksum and at most 120 bytes of the name
    assert stored.endswith(".txt") == filename.endswith(".txt")
    assert source.file.read() == data_file("A_HRC_RES_45_32.txt")


def test_a_request_over_the_upload_limit_is_refused_before_any_file_is_read(curator_client, search_index, settings, monkeypatch):  # noqa: F811
    import tracemalloc

    settings.UPLOAD_MAX_BYTES = 15 * 1024 * 1024 + 1024
    settings.UPLOAD_MAX_REQUEST_BYTES = 20 * 1024 * 1024
    parsed = []
    monkeypatch.setattr(services, "parse_source", lambda **kwargs: parsed.append(kwargs["filename"]))
    from django.test.client import BOUNDARY, encode_multipart

    files = [SimpleUploadedFile(f"big-{n}.txt", bytes([65 + n]) * (15 * 1024 * 1024)) for n in range(3)]
    body = encode_multipart(BOUNDARY, {"files": files})
    del files
    before = archive_state()

    tracemalloc.start()
    response = curator_client.post(UPLOAD_URL, body, content_type=f"multipart/form-data; boundary={BOUNDARY}")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert response.status_code == 413
    assert response.context["form"].errors["files"] == [
        "This upload is 45.0\xa0MB; at most 20.0\xa0MB can be sent at once. Upload fewer files at a time."
    ]
    assert parsed == []
    # The test client holds the whole body (45 MB); the view must not read the files into memory again.
    assert peak < 60 * 1024 * 1024, peak
    assert archive_state() == before


def test_several_files_within_the_limit_each_are_read_one_at_a_time(curator_client, search_index, settings):  # noqa: F811
    settings.UPLOAD_MAX_REQUEST_BYTES = 10 * 1024 * 1024
    preview = upload(
        curator_client,
        ("A_HRC_RES_45_32.txt", data_file("A_HRC_RES_45_32.txt")),
        ("A_RES_67_161.txt", data_file("A_RES_67_161.txt")),
    )
    assert preview.status_code == 200
    assert [p.parsed.symbol for p in preview.context["previews"]] == ["A/HRC/RES/45/32", "A/RES/67/161"]


def test_the_declaration_as_udhr_xml_is_uploaded_as_its_english_version(curator_client, search_index):  # noqa: F811
    services.ingest_resolution(source=data_file("A_RES_217_A_III.pdf"), filename="A_RES_217_A_III.pdf")
    preview = upload(curator_client, ("A_RES_217_A_III_en.xml", data_file("A_RES_217_A_III_en.xml")))
    assert [(p.parsed.symbol, p.parsed.language) for p in preview.context["previews"]] == [("A/RES/217(III)", "en")]
    done = confirm_all(curator_client, preview)
    assert [r.status for r in done.context["results"]] == ["created"]
    english = Resolution.objects.get(symbol="A/RES/217(III)", language="en")
    assert english.work.alignment == "aligned"
    assert english.paragraphs.get(eid="pp1").siblings.get().resolution.language == "zh"
