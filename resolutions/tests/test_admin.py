"""The curators' admin beyond uploads: access, login throttling, edits with revisions, deletes."""
from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from resolutions import services
from resolutions.management.commands.create_curator_group import CURATOR_PERMISSIONS, ensure_curator_group
from resolutions.models import Footnote, Paragraph, Reference, Resolution, Revision, official_document_url
from resolutions.tests.admin_pages import curator, curator_client, media_root, read_form, search_hits  # noqa: F401
from resolutions.tests.search_fixtures import search_index, search_index_dir  # noqa: F401 (fixtures)
from resolutions.tests.upload_files import data_file

LOGIN_URL = "/admin/login/"
PASSWORD = "a long curator password"


@pytest.fixture
def locmem_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle-tests"}}
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


def ingest(name: str) -> Resolution:
    return services.ingest_resolution(source=data_file(name), filename=name).resolution


def login(client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


# Access


def test_curator_group_grants_exactly_the_curator_permissions(db):
    call_command("create_curator_group")
    group = ensure_curator_group()  # idempotent
    assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(CURATOR_PERMISSIONS)
    assert "delete_revision" not in CURATOR_PERMISSIONS and "change_sourcefile" not in CURATOR_PERMISSIONS


def test_create_curator_group_makes_a_user_a_staff_curator(django_user_model, db):
    user = django_user_model.objects.create_user("wang", password=PASSWORD)
    call_command("create_curator_group", "--add-user", "wang")
    user.refresh_from_db()
    assert user.is_staff and list(user.groups.values_list("name", flat=True)) == ["curators"]
    assert user.has_perm("resolutions.add_resolution") and user.has_perm("resolutions.change_paragraph")
    assert not user.has_perm("resolutions.delete_revision")


def test_non_staff_users_never_reach_the_admin(client, django_user_model, db):
    user = django_user_model.objects.create_user("reader", password=PASSWORD)
    user.groups.add(ensure_curator_group())
    response = login(client, "reader", PASSWORD)
    assert response.status_code == 200 and "Please enter the correct username and password for a staff account" in response.content.decode()
    assert client.get("/admin/resolutions/resolution/")["Location"].startswith(LOGIN_URL)


def test_staff_without_the_curator_group_cannot_edit(client, django_user_model, media_root, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    staff = django_user_model.objects.create_user("visitor", password=PASSWORD, is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:resolutions_resolution_change", args=[resolution.pk])).status_code == 403
    assert client.get(reverse("admin:resolutions_resolution_delete", args=[resolution.pk])).status_code == 403


# Login throttling


def test_repeated_failed_logins_are_throttled_per_username_and_address(client, curator, locmem_cache, settings):  # noqa: F811
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert "Please enter the correct username" in login(client, "curator", "wrong").content.decode()

    refused = login(client, "curator", PASSWORD)

    assert "Too many failed logins. Try again in 15 minute(s)." in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address is not blocked by these failures, and a success clears them.
    assert login(client, "curator", PASSWORD, address="203.0.113.9")["Location"] == "/admin/"


def test_behind_a_trusted_proxy_the_forwarded_client_is_throttled_not_the_proxy(client, curator, locmem_cache, settings):  # noqa: F811
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.TRUSTED_PROXIES = ["10.0.0.1"]

    def via_proxy(password: str, client_address: str):
        return client.post(
            LOGIN_URL,
            {"username": "curator", "password": password, "next": "/admin/"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=client_address,
            HTTP_ACCEPT_LANGUAGE="en",
        )

    via_proxy("wrong", "198.51.100.7")
    via_proxy("wrong", "198.51.100.7")
    assert "Too many failed logins" in via_proxy(PASSWORD, "198.51.100.7").content.decode()
    assert via_proxy(PASSWORD, "203.0.113.9")["Location"] == "/admin/"


def test_a_successful_login_clears_earlier_failures(client, curator, locmem_cache, settings):  # noqa: F811
    settings.LOGIN_FAILURE_LIMIT = 3
    login(client, "curator", "wrong")
    login(client, "curator", "wrong")
    assert login(client, "curator", PASSWORD)["Location"] == "/admin/"
    client.logout()
    login(client, "curator", "wrong")
    login(client, "curator", "wrong")
    assert login(client, "curator", PASSWORD)["Location"] == "/admin/"


def test_one_address_trying_many_usernames_is_throttled(client, curator, locmem_cache, settings):  # noqa: F811
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_ADDRESS_LIMIT = 5
    for n in range(5):
        login(client, f"guess{n}", "wrong")
    assert "Too many failed logins" in login(client, "curator", PASSWORD).content.decode()


def test_throttle_lifts_when_the_window_has_passed(curator, locmem_cache, settings, monkeypatch):  # noqa: F811
    from resolutions import throttle

    settings.LOGIN_FAILURE_LIMIT = 2
    clock = [1_000_000.0]
    monkeypatch.setattr(throttle.time, "time", lambda: clock[0])
    limiter = throttle.LoginThrottle.from_settings()
    limiter.record_failure("curator", "198.51.100.7")
    clock[0] += 60
    limiter.record_failure("curator", "198.51.100.7")
    assert limiter.seconds_until_allowed("curator", "198.51.100.7") == 15 * 60 - 60
    clock[0] += 15 * 60 - 60
    assert limiter.seconds_until_allowed("curator", "198.51.100.7") == 0


# The resolution list


def test_resolution_list_filters_by_body_language_session_and_searches_symbol_and_title(curator_client):  # noqa: F811
    ingest("A_HRC_RES_45_32.txt")
    ingest("A_RES_67_161.txt")
    url = "/admin/resolutions/resolution/"

    def symbols(**params):
        return [r.symbol for r in curator_client.get(url, params).context["cl"].result_list]

    assert symbols(body__exact="HRC") == ["A/HRC/RES/45/32"]
    assert symbols(session__exact="67") == ["A/RES/67/161"]
    assert sorted(symbols(language__exact="zh")) == ["A/HRC/RES/45/32", "A/RES/67/161"]
    assert symbols(q="67/161") == ["A/RES/67/161"]
    assert symbols(q="技术合作") == ["A/HRC/RES/45/32"]
    page = curator_client.get(url).content.decode()
    assert "加强人权领域的技术合作和能力建设" in page and '<td class="field-paragraph_count">29</td>' in page


# Edits


def change_form(client, resolution: Resolution) -> tuple[str, dict[str, list[str]]]:
    url = reverse("admin:resolutions_resolution_change", args=[resolution.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, read_form(response.content.decode(), "resolution_form")


def inline_prefix(data: dict[str, list[str]], resolution: Resolution, eid: str) -> str:
    paragraph = resolution.paragraphs.get(eid=eid)
    [key] = [k for k, v in data.items() if k.startswith("paragraphs-") and k.endswith("-id") and v == [str(paragraph.pk)]]
    return key[: -len("-id")]


def test_editing_a_paragraph_keeps_a_revision_and_reaches_search(curator_client, curator, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    op3 = resolution.paragraphs.get(eid="op3")
    old_text, url = op3.text, op3.get_absolute_url()
    form_url, data = change_form(curator_client, resolution)
    prefix = inline_prefix(data, resolution, "op3")
    data[f"{prefix}-text"] = [old_text + "（更正：独角兽条款）"]

    response = curator_client.post(form_url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    op3.refresh_from_db()
    assert op3.text == old_text + "（更正：独角兽条款）" and op3.get_absolute_url() == url
    revision, earlier = Revision.objects.filter(resolution=resolution)
    assert (revision.created_by, revision.origin) == (curator, "edit")
    assert revision.reason.startswith("admin edit: paragraphs: A/HRC/RES/45/32 op3")
    assert next(p["text"] for p in earlier.snapshot["paragraphs"] if p["eid"] == "op3") == old_text
    assert next(p["text"] for p in revision.snapshot["paragraphs"] if p["eid"] == "op3") == old_text + "（更正：独角兽条款）"
    assert search_hits(curator_client, "独角兽条款") == {("A/HRC/RES/45/32", "zh", "op3")}


def test_a_paragraph_added_in_the_inline_gets_its_eid_permalink_and_search(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    form_url, data = change_form(curator_client, resolution)
    n = int(data["paragraphs-TOTAL_FORMS"][0])
    data["paragraphs-TOTAL_FORMS"] = [str(n + 1)]
    data.update({
        f"paragraphs-{n}-position": ["30"],
        f"paragraphs-{n}-kind": ["operative"],
        f"paragraphs-{n}-number": ["15"],
        f"paragraphs-{n}-item": [""],
        f"paragraphs-{n}-text": ["决定继续处理这一问题（独角兽补遗）。"],
        f"paragraphs-{n}-resolution": [str(resolution.pk)],
        f"paragraphs-{n}-id": [""],
    })

    response = curator_client.post(form_url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    added = resolution.paragraphs.get(eid="op15")
    assert (added.position, added.text) == (30, "决定继续处理这一问题（独角兽补遗）。")
    assert added.get_absolute_url() == "/A/HRC/RES/45/32/zh/op15"
    assert search_hits(curator_client, "独角兽补遗") == {("A/HRC/RES/45/32", "zh", "op15")}


def test_editing_metadata_keeps_the_old_title_in_a_revision(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    form_url, data = change_form(curator_client, resolution)
    data["title"] = ["加强人权领域的技术合作和能力建设（订正）"]

    assert curator_client.post(form_url, data).status_code == 302

    resolution.refresh_from_db()
    assert resolution.title == "加强人权领域的技术合作和能力建设（订正）"
    revision, earlier = Revision.objects.filter(resolution=resolution)
    assert earlier.snapshot["title"] == "加强人权领域的技术合作和能力建设"
    assert revision.snapshot["title"] == "加强人权领域的技术合作和能力建设（订正）"
    assert (revision.reason, revision.changes["fields"]) == ("admin edit: title", ["title"])


def test_saving_without_changes_keeps_no_revision(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    form_url, data = change_form(curator_client, resolution)
    assert curator_client.post(form_url, data).status_code == 302
    assert list(Revision.objects.filter(resolution=resolution).values_list("origin", flat=True)) == ["ingest"]


def test_editing_a_footnote_in_its_own_admin_keeps_a_revision(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_RES_67_161.txt")
    footnote = resolution.footnotes.get(number=1)
    url = reverse("admin:resolutions_footnote_change", args=[footnote.pk])
    data = read_form(curator_client.get(url).content.decode(), "footnote_form")
    old_text = footnote.text
    data["text"] = [old_text + " (corrected)"]

    assert curator_client.post(url, data).status_code == 302

    footnote.refresh_from_db()
    assert footnote.text == old_text + " (corrected)"
    revision, earlier = Revision.objects.filter(resolution=resolution)
    assert (earlier.snapshot["footnotes"][0]["number"], earlier.snapshot["footnotes"][0]["text"]) == (1, old_text)
    assert revision.snapshot["footnotes"][0]["text"] == old_text + " (corrected)"
    assert revision.changes["footnotes"] == [1]


def test_changing_a_paragraph_number_renames_its_eid(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    paragraph = resolution.paragraphs.get(eid="op14")
    url = reverse("admin:resolutions_paragraph_change", args=[paragraph.pk])
    data = read_form(curator_client.get(url).content.decode(), "paragraph_form")
    data["number"] = ["15"]

    assert curator_client.post(url, data).status_code == 302

    paragraph.refresh_from_db()
    assert (paragraph.number, paragraph.eid) == (15, "op15")
    assert paragraph.get_absolute_url() == "/A/HRC/RES/45/32/zh/op15"


# Deletes


def test_deleting_a_resolution_asks_first_then_removes_it_and_its_citations_fall_back_to_ods(curator_client, search_index):  # noqa: F811
    cited = ingest("A_HRC_RES_45_32.txt")
    citing_paragraph = Paragraph.objects.create(
        resolution=ingest("A_RES_67_161.txt"), kind="operative", position=999, number=99, eid="op99",
        text="回顾人权理事会第 45/32 号决议",
    )
    reference = Reference.objects.create(paragraph=citing_paragraph, target_symbol=cited.symbol, target=cited)
    url = reverse("admin:resolutions_resolution_delete", args=[cited.pk])

    confirm_page = curator_client.get(url).content.decode()

    assert "Are you sure you want to delete" in confirm_page
    assert "1 reference from other resolutions cites this one" in confirm_page
    assert "A/RES/67/161 op99" in confirm_page
    assert Resolution.objects.filter(pk=cited.pk).exists()
    assert ("A/HRC/RES/45/32", "zh", "op1") in search_hits(curator_client, "能力建设")

    response = curator_client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not Resolution.objects.filter(pk=cited.pk).exists()
    reference.refresh_from_db()
    assert reference.target is None
    assert reference.get_absolute_url() == official_document_url("A/HRC/RES/45/32", "zh")
    assert not any(symbol == "A/HRC/RES/45/32" for symbol, _, _ in search_hits(curator_client, "能力建设"))


def test_deleting_a_paragraph_keeps_a_revision_and_leaves_the_index(curator_client, search_index):  # noqa: F811
    resolution = ingest("A_HRC_RES_45_32.txt")
    paragraph = resolution.paragraphs.get(eid="op14")
    text = paragraph.text
    url = reverse("admin:resolutions_paragraph_delete", args=[paragraph.pk])

    assert curator_client.post(url, {"post": "yes"}).status_code == 302

    assert not resolution.paragraphs.filter(eid="op14").exists()
    revision, earlier = Revision.objects.filter(resolution=resolution)
    assert next(p["text"] for p in earlier.snapshot["paragraphs"] if p["eid"] == "op14") == text
    assert revision.changes["paragraphs"] == {"op14": "removed"}
    assert Footnote.objects.filter(resolution=resolution).count() == 1
