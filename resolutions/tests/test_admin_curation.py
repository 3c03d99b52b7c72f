"""The curators' admin keeps their work: uploads that ask before replacing edits, histories with restore,
a paragraph form that shows links and markers as readers see them, split/merge/move, clean characters."""
from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resolutions import services
from resolutions.models import Footnote, FormerEid, Paragraph, Resolution, Revision
from resolutions.tests.admin_pages import (  # noqa: F401
    curator,
    curator_client,
    media_root,
    read_form,
    search_hits,
)
from resolutions.tests.search_fixtures import search_index, search_index_dir  # noqa: F401 (fixtures)
from resolutions.tests.upload_files import data_file

UPLOAD_URL = "/admin/resolutions/resolution/upload/"
CONFIRM_URL = "/admin/resolutions/resolution/upload/confirm/"
OP3 = "特别指出，在促进和保护人权，包括与确保受教育权有关的人权的过程中，需要加强国际、区域和双边合作与对话；"


def ingest(name: str) -> Resolution:
    return services.ingest_resolution(source=data_file(name), filename=name).resolution


def upload(client, name: str, data: bytes):
    return client.post(UPLOAD_URL, {"files": [SimpleUploadedFile(name, data)]})


def paragraph_form(client, paragraph: Paragraph) -> tuple[str, dict[str, list[str]], str]:
    url = reverse("admin:resolutions_paragraph_change", args=[paragraph.pk])
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    return url, read_form(page, "paragraph_form"), page


def edit_op3(client, resolution: Resolution, text: str):
    op3 = resolution.paragraphs.get(eid="op3")
    url, data, _ = paragraph_form(client, op3)
    data["text"] = [text]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    return op3


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


# --- Uploads over curator edits ------------------------------------------------------------------------


def test_the_upload_preview_shows_what_the_file_changes_and_the_curator_edit_it_would_replace(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    edit_op3(curator_client, resolution, OP3.replace("双边合作与对话", "双边合作与建设性对话"))
    new_version = data_file("A_HRC_RES_45_32.txt").decode().replace("包容性进程", "包容的进程").encode()

    preview = upload(curator_client, "A_HRC_RES_45_32-v2.txt", new_version)

    [shown] = preview.context["previews"]
    assert [(c.eid, c.status) for c in shown.comparison.changed] == [("op3", "changed"), ("op5", "changed")]
    assert [(e.part, e.what, e.by) for e in shown.replaced_edits] == [("op3", "edited", "curator")]
    page = preview.content.decode()
    assert "What confirming changes: 2 paragraphs (27 paragraphs the same)" in page
    assert '包容<del class="diff-del">性</del><ins class="diff-ins">的</ins>进程' in page
    assert '双边合作与<del class="diff-del">建设性</del>对话' in page
    assert "replaces a curator's edit (edited by curator," in page
    assert f'name="replace_edits" value="{shown.sha256}" form="confirm-form"' in page

    # Confirmed without ticking the box: nothing stored, the edit stays.
    done = curator_client.post(CONFIRM_URL, {"uploads": [shown.sha256]})
    assert "Not stored, to keep curators' edits" in done.content.decode()
    assert resolution.paragraphs.get(eid="op3").text == OP3.replace("双边合作与对话", "双边合作与建设性对话")

    # Ticked: stored, the edit replaced and recorded.
    done = curator_client.post(CONFIRM_URL, {"uploads": [shown.sha256], "replace_edits": [shown.sha256]})
    assert [r.status for r in done.context["results"]] == ["replaced"]
    assert resolution.paragraphs.get(eid="op3").text == OP3
    latest = Revision.objects.filter(resolution=resolution).first()
    assert (latest.origin, latest.reason) == ("upload", "replaced from A_HRC_RES_45_32-v2.txt; replaced curator edits: op3")
    assert "replaced the curator edit: op3 edited by curator" in done.content.decode()


def test_the_official_file_again_after_a_paragraph_was_deleted_offers_to_bring_it_back(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    op14 = resolution.paragraphs.get(eid="op14")
    text = op14.text
    assert curator_client.post(reverse("admin:resolutions_paragraph_delete", args=[op14.pk]), {"post": "yes"}).status_code == 302

    preview = upload(curator_client, "A_HRC_RES_45_32.txt", data_file("A_HRC_RES_45_32.txt"))

    page = preview.content.decode()
    assert "Nothing to store" not in page
    assert "This is the file the current text of" in page
    [shown] = preview.context["previews"]
    assert [(c.eid, c.status, c.new_text) for c in shown.comparison.changed] == [("op14", "added", text)]
    assert [(e.part, e.what) for e in shown.replaced_edits] == [("op14", "deleted")]
    done = curator_client.post(CONFIRM_URL, {"uploads": [shown.sha256], "replace_edits": [shown.sha256]})
    assert [r.status for r in done.context["results"]] == ["replaced"]
    assert resolution.paragraphs.get(eid="op14").text == text


# --- Histories and restore -----------------------------------------------------------------------------


def test_the_history_lists_every_change_with_who_when_where_and_restores_a_revision(curator_client, curator, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    edit_op3(curator_client, resolution, OP3.replace("双边合作与对话", "独角兽合作"))
    history_url = reverse("admin:resolutions_resolution_history", args=[resolution.pk])

    page = curator_client.get(history_url).content.decode()

    rows = re.findall(r'<tr class="origin-(\w+)">(.*?)</tr>', page, re.S)
    assert [origin for origin, _ in rows] == ["edit", "ingest"]
    assert "curator" in rows[0][1] and "admin edit" in rows[0][1] and "op3 edited" in rows[0][1]
    assert "no account" in rows[1][1] and "ingest command" in rows[1][1] and "created from A_HRC_RES_45_32.txt" in rows[1][1]
    first = Revision.objects.filter(resolution=resolution).last()
    compare = curator_client.get(reverse("admin:resolutions_resolution_revision", args=[resolution.pk, first.pk])).content.decode()
    assert '区域和<del class="diff-del">双边</del><ins class="diff-ins">独角兽</ins>合作<del class="diff-del">与对话</del>；' in compare
    assert search_hits(curator_client, "独角兽合作") == {("A/HRC/RES/45/32", "zh", "op3")}

    response = curator_client.post(reverse("admin:resolutions_resolution_restore", args=[resolution.pk, first.pk]))

    assert response.status_code == 302
    assert resolution.paragraphs.get(eid="op3").text == OP3
    latest = Revision.objects.filter(resolution=resolution).first()
    assert (latest.origin, latest.created_by) == ("restore", curator)
    assert search_hits(curator_client, "独角兽合作") == set()


def test_a_paragraph_s_history_shows_its_versions_and_restores_one(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    op3 = edit_op3(curator_client, resolution, OP3 + "（一）")
    edit_op3(curator_client, resolution, OP3 + "（二）")

    page = curator_client.get(reverse("admin:resolutions_paragraph_history", args=[op3.pk])).content.decode()

    assert page.count('value="Restore this text"') == 2  # the two earlier texts; the current one is not offered
    assert "<strong>current</strong>" in page
    assert '<del class="diff-del">一</del><ins class="diff-ins">二</ins>' in page
    middle = Revision.objects.filter(resolution=resolution)[1]
    response = curator_client.post(
        reverse("admin:resolutions_resolution_restore_paragraph", args=[resolution.pk, middle.pk]), {"eid": "op3"}
    )
    assert response.status_code == 302
    op3.refresh_from_db()
    assert op3.text == OP3 + "（一）"


def test_a_deleted_paragraph_is_listed_and_restored_from_the_history(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    op12 = resolution.paragraphs.get(eid="op12")
    text = op12.text
    curator_client.post(reverse("admin:resolutions_paragraph_delete", args=[op12.pk]), {"post": "yes"})
    assert curator_client.get("/A/HRC/RES/45/32/zh/op12").status_code == 410

    page = curator_client.get(reverse("admin:resolutions_resolution_history", args=[resolution.pk])).content.decode()
    assert "Removed paragraphs" in page and 'value="Restore op12"' in page
    kept_in = Revision.objects.filter(resolution=resolution)[1]
    curator_client.post(reverse("admin:resolutions_resolution_restore_paragraph", args=[resolution.pk, kept_in.pk]), {"eid": "op12"})

    restored = resolution.paragraphs.get(eid="op12")
    assert restored.text == text
    reference = restored.references.get()
    assert (reference.target_symbol, reference.target_paragraphs, text[reference.start : reference.end]) == (
        "A/HRC/RES/18/18", [3, 4], "第 18/18 号决议第 3 和第 4 段"
    )
    assert curator_client.get("/A/HRC/RES/45/32/zh/op12").status_code == 200


def test_a_deleted_resolution_is_listed_and_restored_in_one_step(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    pk_of_op3 = resolution.paragraphs.get(eid="op3").pk
    curator_client.post(reverse("admin:resolutions_resolution_delete", args=[resolution.pk]), {"post": "yes"})
    assert curator_client.get("/A/HRC/RES/45/32/zh/").status_code == 410

    listing = curator_client.get(reverse("admin:resolutions_resolution_withdrawn")).content.decode()
    [tombstone] = Revision.objects.filter(resolution=None, origin="delete")
    assert "A/HRC/RES/45/32 (zh)" in listing and reverse("admin:resolutions_resolution_withdrawn_detail", args=[tombstone.pk]) in listing
    response = curator_client.post(reverse("admin:resolutions_resolution_withdrawn_detail", args=[tombstone.pk]))

    restored = Resolution.objects.get(symbol="A/HRC/RES/45/32")
    assert response["Location"] == reverse("admin:resolutions_resolution_change", args=[restored.pk])
    assert restored.paragraphs.get(eid="op3").pk == pk_of_op3
    assert curator_client.get("/A/HRC/RES/45/32/zh/op3").status_code == 200
    assert ("A/HRC/RES/45/32", "zh", "op3") in search_hits(curator_client, "双边合作与对话")
    assert "No deleted resolutions." in curator_client.get(reverse("admin:resolutions_resolution_withdrawn")).content.decode()


# --- The paragraph form ---------------------------------------------------------------------------------


def test_the_paragraph_form_shows_links_and_markers_as_readers_see_them_without_offsets(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_RES_67_161.txt")
    pp8 = resolution.paragraphs.get(eid="pp8")

    url, data, page = paragraph_form(curator_client, pp8)

    assert {"position", "start", "end", "offset", "eid"}.isdisjoint(data)
    assert set(data) >= {"kind", "number", "item", "text"}
    preview = re.search(r'<p class="preview-text">(.*?)</p>', page, re.S).group(1)
    assert '<sup class="fn-marker"><a href="#fn4"' in preview
    assert text_of(preview).startswith("欢迎《保护所有人免遭强迫失踪国际公约》4生效")
    assert '<span class="preview-number">pp8</span> <span class="preview-name">序言部分第 8 段 · preambular paragraph 8</span>' in page
    [marker_field] = [name for name in data if name.startswith("marker_")]
    assert data[marker_field] == ["人免遭强迫失踪国际公约》"]  # the 12 characters before the marker
    assert 'src="/static/js/admin-paragraph.js"' in page


def test_the_live_preview_carries_links_and_markers_to_the_words_being_typed(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    pp4 = resolution.paragraphs.get(eid="pp4")
    url = reverse("admin:resolutions_paragraph_preview", args=[pp4.pk])

    response = curator_client.post(url, {
        "text": "（新）" + pp4.text.replace("第 16/21 号决议", "第 16/22 号决议"), "kind": "operative", "number": "20", "item": "",
    })

    data = response.json()
    assert (data["eid"], data["printed"], data["label_zh"]) == ("op20", "20.", "执行部分第 20 段")
    assert [(r["symbol"], r["words"]) for r in data["references"]][:1] == [("A/RES/60/251", "第 60/251 号决议")]
    assert ("A/HRC/RES/16/22", "第 16/22 号决议") in [(r["symbol"], r["words"]) for r in data["references"]]
    assert data["flagged"] == [
        "A/HRC/RES/16/21: an edit changed the cited words «第 16/21 号决议»; A/HRC/RES/16/21 is no longer cited in the text as it was"
    ]
    assert ">第 60/251 号决议</a>" in data["html"] and ">第 16/22 号决议</a>" in data["html"]
    pp4.refresh_from_db()
    assert not pp4.text.startswith("（新）")  # a preview saves nothing


def test_moving_a_marker_by_its_words_in_the_form(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_RES_67_161.txt")
    pp8 = resolution.paragraphs.get(eid="pp8")
    url, data, _ = paragraph_form(curator_client, pp8)
    [marker_field] = [name for name in data if name.startswith("marker_")]
    data[marker_field] = ["生效"]

    response = curator_client.post(url, data)

    assert response.status_code == 302
    note = Footnote.objects.get(resolution=resolution, number=4)
    assert pp8.text[note.offset - 2 : note.offset] == "生效"

    data[marker_field] = ["不在文中的词"]
    response = curator_client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[marker_field] == ["«不在文中的词» is not in the text."]


def test_a_flagged_link_is_shown_to_the_curator_and_placed_again_by_its_words(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    pp4 = resolution.paragraphs.get(eid="pp4")
    url, data, _ = paragraph_form(curator_client, pp4)
    data["text"] = [pp4.text.replace("第 60/251 号决议", "该决议")]
    assert curator_client.post(url, data).status_code == 302

    url, data, page = paragraph_form(curator_client, pp4)
    flagged = pp4.references.get(target_symbol="A/RES/60/251")
    assert flagged.review_note.startswith("an edit changed the cited words «第 60/251 号决议»")
    assert 'class="needs-review">A/RES/60/251: an edit changed the cited words' in page
    data[f"reference_{flagged.pk}"] = ["该决议"]
    assert curator_client.post(url, data).status_code == 302

    flagged.refresh_from_db()
    pp4.refresh_from_db()
    assert (pp4.text[flagged.start : flagged.end], flagged.review_note) == ("该决议", "")


def test_split_merge_and_move_are_one_step_each_with_a_revision(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    pp4 = resolution.paragraphs.get(eid="pp4")
    original = pp4.text
    revisions = Revision.objects.filter(resolution=resolution).count()
    split_url = reverse("admin:resolutions_paragraph_split", args=[pp4.pk])
    assert "并铭记理事会" in curator_client.get(split_url).content.decode()
    response = curator_client.post(split_url, {
        "before_words": "并铭记理事会", "kind": "preambular", "number": "5", "item": "", "renumber_following": "on",
    })
    assert response.status_code == 302, response.context["form"].errors

    first, second = resolution.paragraphs.get(eid="pp4"), resolution.paragraphs.get(eid="pp5")
    assert first.text == original[: original.index("并铭记理事会")].rstrip()
    assert second.text.startswith("并铭记理事会 2007 年 6 月 18 日第 5/1 号")
    assert {r.target_symbol: second.text[r.start : r.end] for r in second.references.all()}["A/HRC/RES/16/21"] == "第 16/21 号决议"
    assert resolution.paragraphs.filter(kind="preambular").count() == 16
    assert curator_client.get("/A/HRC/RES/45/32/zh/pp16").status_code == 200  # the last one, renumbered
    assert Revision.objects.filter(resolution=resolution).count() == revisions + 1
    assert Revision.objects.filter(resolution=resolution).first().reason == "split pp4 into pp4 and pp5"

    merge_url = reverse("admin:resolutions_paragraph_merge", args=[first.pk])
    assert curator_client.post(merge_url, {"renumber_following": "on"}).status_code == 302
    merged = resolution.paragraphs.get(eid="pp4")
    assert merged.text == original[: original.index("并铭记理事会")].rstrip() + second.text
    assert {r.target_symbol: merged.text[r.start : r.end] for r in merged.references.all()}["A/HRC/RES/16/21"] == "第 16/21 号决议"
    assert resolution.paragraphs.filter(kind="preambular").count() == 15
    response = curator_client.get("/A/HRC/RES/45/32/zh/pp16")
    assert (response.status_code, response["Location"]) == (301, "/A/HRC/RES/45/32/zh/pp15")

    op1 = resolution.paragraphs.get(eid="op1")
    position = op1.position
    assert curator_client.post(reverse("admin:resolutions_paragraph_move", args=[op1.pk, "down"])).status_code == 302
    op1.refresh_from_db()
    assert (op1.position, op1.eid) == (position + 1, "op1")
    assert resolution.paragraphs.get(position=position).eid == "op2"
    assert Revision.objects.filter(resolution=resolution).first().reason == "moved op1 after op2"


# --- Control characters -------------------------------------------------------------------------------


def test_admin_forms_strip_characters_xml_forbids_and_say_so(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    url = reverse("admin:resolutions_resolution_change", args=[resolution.pk])
    data = read_form(curator_client.get(url).content.decode(), "resolution_form")
    data["title"] = ["加强人权领域的技术合作\x1b和能力建设\x01"]

    response = curator_client.post(url, data, follow=True)

    resolution.refresh_from_db()
    assert resolution.title == "加强人权领域的技术合作和能力建设"
    [warning] = [str(m) for m in response.context["messages"] if "XML" in str(m)]
    assert warning == (
        "Removed characters that XML does not allow (control characters; a feed or export could not carry them) from: "
        "title (U+0001, U+001B)"
    )
    assert curator_client.get("/feed/").status_code == 200

    op3 = edit_op3(curator_client, resolution, OP3 + "\x0b\x1f")
    op3.refresh_from_db()
    assert op3.text == OP3

    # A page break (the readers' form feed, in text copied from a read PDF) becomes a line end, never nothing.
    cut = OP3.index("需要")
    url, data, _ = paragraph_form(curator_client, op3)
    data["text"] = [OP3[:cut] + "\f" + OP3[cut:]]
    response = curator_client.post(url, data, follow=True)
    op3.refresh_from_db()
    assert op3.text == OP3[:cut] + "\n" + OP3[cut:]
    assert [str(m) for m in response.context["messages"] if "XML" in str(m)] == [
        "Removed characters that XML does not allow (control characters; a feed or export could not carry them) from: "
        "text (U+000C page break, made a line end)"
    ]


def test_footnote_and_inline_paragraph_texts_are_cleaned_too(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_RES_67_161.txt")
    footnote = resolution.footnotes.get(number=1)
    url = reverse("admin:resolutions_footnote_change", args=[footnote.pk])
    data = read_form(curator_client.get(url).content.decode(), "footnote_form")
    data["text"] = [footnote.text + "\x08"]
    assert curator_client.post(url, data).status_code == 302
    footnote.refresh_from_db()
    assert "\x08" not in footnote.text and footnote.text.endswith("第 24841 号。")
    assert FormerEid.objects.count() == 0


def test_every_curation_page_opens(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    op12 = resolution.paragraphs.get(eid="op12")
    reference = op12.references.get()
    footnote = resolution.footnotes.get(number=1)
    pages = [
        reverse("admin:resolutions_paragraph_add"),
        reverse("admin:resolutions_paragraph_split", args=[op12.pk]),
        reverse("admin:resolutions_paragraph_merge", args=[op12.pk]),
        reverse("admin:resolutions_paragraph_history", args=[op12.pk]),
        reverse("admin:resolutions_resolution_history", args=[resolution.pk]),
        reverse("admin:resolutions_resolution_withdrawn"),
        reverse("admin:resolutions_revision_changelist"),
        reverse("admin:resolutions_footnote_change", args=[footnote.pk]),
    ]
    assert [curator_client.get(url).status_code for url in pages] == [200] * len(pages)
    page = curator_client.get(reverse("admin:resolutions_reference_change", args=[reference.pk])).content.decode()
    assert 'name="cited_words" value="第 18/18 号决议第 3 和第 4 段"' in page
    assert 'name="start"' not in page and 'name="end"' not in page
    footnote_page = curator_client.get(reverse("admin:resolutions_footnote_change", args=[footnote.pk])).content.decode()
    assert 'name="marker_after"' in footnote_page and 'name="offset"' not in footnote_page
