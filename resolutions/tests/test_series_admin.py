"""Curators join and split series in the admin; what detection finds is shown, never edited by hand."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from resolutions.models import Series, SeriesDecision, SeriesMember
from resolutions.services import ingest_resolution
from resolutions.tests.admin_pages import curator  # noqa: F401 (fixture)

SERIES = Path(__file__).parent / "corpus" / "en"


@pytest.fixture
def two_series(db):
    for name in ("A_RES_78_198.txt", "A_RES_79_171.txt", "A_RES_78_212.txt", "A_RES_79_174.txt"):
        ingest_resolution(source=(SERIES / name).read_bytes(), filename=name)


@pytest.fixture
def curator_site(client, curator):  # noqa: F811
    client.force_login(curator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def joined() -> set[tuple[str, str]]:
    return set(SeriesMember.objects.exclude(previous_symbol="").values_list("previous_symbol", "symbol"))


def test_a_curator_sees_a_series_with_its_members_and_a_link_to_split_it(curator_site, two_series):
    food = SeriesMember.objects.get(symbol="A/RES/79/171").series
    page = curator_site.get(reverse("admin:resolutions_series_change", args=[food.pk])).content.decode()
    assert '<a href="/A/RES/78/198/en/">A/RES/78/198 (en)</a>' in page
    assert '<a href="/admin/resolutions/seriesdecision/add/?symbol=A/RES/79/171&amp;previous_symbol=">split: start a new series here</a>' in page
    assert '<a href="/A/RES/79/171/en/series/">/A/RES/79/171/en/series/</a>' in page
    listing = curator_site.get(reverse("admin:resolutions_series_changelist") + "?q=79/174").content.decode()
    assert "Freedom of religion and belief" in listing and "The right to food" not in listing
    # Derived data: no adding, editing or deleting series by hand.
    assert curator_site.get(reverse("admin:resolutions_series_add")).status_code == 403
    assert curator_site.post(reverse("admin:resolutions_series_delete", args=[food.pk]), {"post": "yes"}).status_code == 403
    assert Series.objects.filter(pk=food.pk).exists()


def test_a_curator_splits_joins_and_withdraws_through_decisions(curator_site, two_series, curator):  # noqa: F811
    add = reverse("admin:resolutions_seriesdecision_add")
    form = curator_site.get(add + "?symbol=A/RES/79/171&previous_symbol=").content.decode()
    assert 'name="symbol" value="A/RES/79/171"' in form

    response = curator_site.post(add, {"symbol": "A/RES/79/171", "previous_symbol": "", "note": "new mandate"})
    assert response.status_code == 302
    assert joined() == {("A/RES/78/212", "A/RES/79/174")}
    decision = SeriesDecision.objects.get(symbol="A/RES/79/171")
    assert (decision.previous_symbol, decision.decided_by, decision.note) == ("", curator, "new mandate")

    # A second decision on the same symbol replaces the first, and says so.
    response = curator_site.post(add, {"symbol": "A/RES/79/171", "previous_symbol": "A/RES/78/212", "note": ""}, follow=True)
    assert "This replaces the earlier decision on A/RES/79/171: A/RES/79/171 follows nothing." in response.content.decode()
    assert joined() == {("A/RES/78/212", "A/RES/79/174"), ("A/RES/78/212", "A/RES/79/171")}
    assert SeriesDecision.objects.count() == 1

    decision = SeriesDecision.objects.get(symbol="A/RES/79/171")
    response = curator_site.post(reverse("admin:resolutions_seriesdecision_delete", args=[decision.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert joined() == {("A/RES/78/198", "A/RES/79/171"), ("A/RES/78/212", "A/RES/79/174")}


def test_a_decision_that_cannot_stand_is_refused_in_the_form(curator_site, two_series):
    add = reverse("admin:resolutions_seriesdecision_add")
    response = curator_site.post(add, {"symbol": "A/RES/78/198", "previous_symbol": "A/RES/79/174", "note": ""})
    assert response.status_code == 200
    assert "A/RES/78/198 cannot follow A/RES/79/174, adopted after it." in response.content.decode()
    response = curator_site.post(add, {"symbol": "A/RES/79/999", "previous_symbol": "", "note": ""})
    assert "The archive holds no resolution A/RES/79/999." in response.content.decode()
    assert SeriesDecision.objects.count() == 0
    assert joined() == {("A/RES/78/198", "A/RES/79/171"), ("A/RES/78/212", "A/RES/79/174")}


def test_staff_outside_the_curators_group_cannot_decide(client, django_user_model, two_series):
    visitor = django_user_model.objects.create_user("visitor", password="a long password here", is_staff=True)
    client.force_login(visitor)
    response = client.post(reverse("admin:resolutions_seriesdecision_add"), {"symbol": "A/RES/79/171", "previous_symbol": ""})
    assert response.status_code == 403
    assert SeriesDecision.objects.count() == 0
