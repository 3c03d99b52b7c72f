"""Search across a resolution's language versions (issue 14): "show English beside results" (`beside=`) and the
cross-language query (`show_in=`: an English query, the Chinese paragraphs aligned with its matches), on the page,
the API and the CSV export, on both engines (fixture `search_engine`).

Material: the Universal Declaration in Chinese (PDF) and English (udhr XML), aligned article by article, and a
misnumbered English version (test_versions._renumber_from_article_5: articles shifted from article 5 on); 78/190
(English only) and 67/161 (Chinese only) stand for resolutions held in one language.
"""
from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from django.utils.html import strip_tags

from resolutions.models import Paragraph, Resolution
from resolutions.search.engine import Filters
from resolutions.search.service import search_paragraphs
from resolutions.services import ingest_resolution
from resolutions.tests.search_fixtures import DATA, ingest_file, search_engine, search_index, search_index_dir  # noqa: F401
from resolutions.tests.search_reference import brute_force
from resolutions.tests.test_versions import (
    ARTICLE_5_EN,
    ARTICLE_5_ZH,
    ARTICLE_19_EN,
    ARTICLE_19_ZH,
    UDHR_EN,
    UDHR_ZH,
    _renumber_from_article_5,
    english_udhr,
)

pytestmark = pytest.mark.django_db
SYMBOL = "A/RES/217(III)"
ONE_LANGUAGE_TEXTS = ("A_RES_78_190.txt", "A_RES_67_161.txt")


@pytest.fixture
def declaration(search_engine):
    for name in (UDHR_ZH, UDHR_EN, *ONE_LANGUAGE_TEXTS):
        ingest_file(DATA / name)
    return search_engine


@pytest.fixture
def misnumbered(search_engine):
    ingest_file(DATA / UDHR_ZH)
    ingest_resolution(source=english_udhr(_renumber_from_article_5), filename=UDHR_EN)
    for name in ONE_LANGUAGE_TEXTS:
        ingest_file(DATA / name)
    return search_engine


def paragraph(language: str, text: str) -> Paragraph:
    return Paragraph.objects.get(resolution__symbol=SYMBOL, resolution__language=language, text=text)


def hits_of(page: str) -> list[str]:
    return re.findall(r'<li class="hit[^"]*".*?</li>', page, re.S)


def the_hit(page: str, path: str) -> str:
    [hit] = [hit for hit in hits_of(page) if f'class="permalink" href="{path}"' in hit]
    return hit


def article_link(article: Paragraph) -> str:
    """Where a hit that is a whole article of the Declaration leads: the article's own permanent link (issue 13)."""
    return article.division.get_absolute_url()


def text_of(fragment: str) -> str:
    return unescape(strip_tags(fragment)).strip()


def aligned_text(hit: str) -> str:
    return text_of(re.search(r'<p class="aligned-text" lang="[^"]+">(.*?)</p>', hit, re.S).group(1))


def paired_in(ids: set[int], language: str) -> set[int]:
    """The reference answer, straight from the stored alignment: which of these paragraphs have a sibling there."""
    return {p.pk for p in Paragraph.objects.filter(pk__in=ids, siblings__resolution__language=language)}


# --- Show English beside results --------------------------------------------------------------------------


def test_beside_en_shows_the_english_article_under_its_chinese_hit(declaration, client):
    zh = paragraph("zh", ARTICLE_5_ZH)
    en = paragraph("en", ARTICLE_5_EN)
    page = client.get("/search/", {"q": "酷刑", "beside": "en", "per_page": 100}).content.decode()
    hit = the_hit(page, article_link(zh))
    assert aligned_text(hit) == ARTICLE_5_EN
    assert re.search(r'<p class="aligned-where"><a href="([^"]+)" hreflang="en">', hit).group(1) == en.get_absolute_url()
    assert "English · " in text_of(re.search(r'<p class="aligned-where">(.*?)</p>', hit, re.S).group(1))
    # 67/161 is held in Chinese only: its hits say so, and show no English text.
    others = [h for h in hits_of(page) if "A/RES/67/161" in h]
    assert len(others) == len(brute_force("酷刑", Filters(symbol="A/RES/67/161")))
    assert all("no English version held" in h and "aligned-text" not in h for h in others)
    # Without the option, nothing is shown beside the hit.
    plain = the_hit(client.get("/search/", {"q": "酷刑", "per_page": 100}).content.decode(), article_link(zh))
    assert "hit-aligned" not in plain


def test_beside_zh_shows_the_chinese_article_under_its_english_hit_and_stays_in_the_links(declaration, client):
    en = paragraph("en", ARTICLE_19_EN)
    page = client.get("/search/", {"q": "freedom", "beside": "zh", "per_page": 5, "language": "en"}).content.decode()
    matches = brute_force("freedom", Filters(language=("en",)))
    assert len(matches) > 5  # more than one page
    found = client.get("/search/", {"q": "freedom", "beside": "zh", "per_page": 100, "language": "en"}).content.decode()
    assert aligned_text(the_hit(found, article_link(en))) == ARTICLE_19_ZH
    # The option is kept by the next page, the facet links, the form and the CSV link; the toggle turns it off.
    next_page = unescape(re.search(r'<a rel="next" href="([^"]+)"', page).group(1))
    assert "beside=zh" in next_page and "page=2" in next_page
    facet_links = [unescape(a) for a in re.findall(r'<section class="facet" data-facet="kind">.*?</section>', page, re.S)]
    assert facet_links and all("beside=zh" in link for link in re.findall(r'href="([^"]+)"', facet_links[0]))
    assert '<input type="hidden" name="beside" value="zh">' in page
    assert "beside=zh" in unescape(re.search(r'href="(/search\.csv[^"]+)"', page).group(1))
    toggle = re.search(r'<a class="toggle-beside" data-language="zh" href="([^"]+)" aria-current="true">', page)
    assert "beside" not in unescape(toggle.group(1))


def test_a_misnumbered_version_gives_no_aligned_paragraph_beside_the_shifted_articles(misnumbered, client):
    article_5 = paragraph("zh", ARTICLE_5_ZH)
    article_19 = paragraph("zh", ARTICLE_19_ZH)
    page = client.get("/search/", {"q": "酷刑", "beside": "en", "per_page": 100}).content.decode()
    hit = the_hit(page, article_link(article_5))
    assert "aligned-text" not in hit
    assert "no aligned paragraph in the English text" in text_of(hit)
    page = client.get("/search/", {"q": "发表意见", "beside": "en", "per_page": 100}).content.decode()
    assert "no aligned paragraph in the English text" in text_of(the_hit(page, article_link(article_19)))
    # The preamble, numbered alike, stays paired: its English text is shown.
    preamble = Paragraph.objects.filter(resolution__symbol=SYMBOL, resolution__language="zh", kind="preambular").first()
    english = preamble.siblings.get()
    outcome = search_paragraphs(preamble.text[:6], beside="en", filters=Filters(symbol=SYMBOL), per_page=100)
    shown = {hit.paragraph.pk: (hit.aligned_state, hit.aligned) for hit in outcome.hits}
    assert shown[preamble.pk] == ("paired", english)


def test_the_api_and_the_csv_carry_the_aligned_paragraph(declaration, client):
    zh = paragraph("zh", ARTICLE_5_ZH)
    en = paragraph("en", ARTICLE_5_EN)
    found = client.get("/api/search", {"q": "酷刑", "beside": "en", "per_page": 100}).json()
    assert found["beside"] == "en"
    by_path = {result["path"]: result for result in found["results"]}
    assert by_path[zh.get_absolute_url()]["aligned"] == {
        "language": "en", "state": "paired", "eid": en.eid, "label": "article 5", "text": ARTICLE_5_EN,
        "path": en.get_absolute_url(), "url": f"http://testserver{en.get_absolute_url()}",
    }
    assert {r["aligned"]["state"] for r in found["results"] if r["symbol"] == "A/RES/67/161"} == {"not_held"}

    response = client.get("/search.csv", {"q": "酷刑", "beside": "en"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-2:] == ["aligned_text_en", "aligned_url_en"]
    [row] = [row for row in rows[1:] if row[0] == SYMBOL]
    assert row[-2:] == [ARTICLE_5_EN, f"http://testserver{en.get_absolute_url()}"]
    assert {tuple(row[-2:]) for row in rows[1:] if row[0] == "A/RES/67/161"} == {("no version held", "")}


# --- Cross-language search: an English query, the Chinese wording ------------------------------------------


def test_an_english_phrase_finds_the_chinese_articles_with_exact_counts(declaration, client):
    english = Resolution.objects.get(symbol=SYMBOL, language="en")
    matches = brute_force("freedom", Filters(symbol=SYMBOL, language=("en",)))
    assert len(matches) > 5
    assert len(brute_force("freedom", Filters(language=("en",)))) > len(matches)  # 78/190 matches too: English only
    page = client.get("/search/", {"q": "freedom", "show_in": "zh"}).content.decode()
    counts = text_of(re.search(r'<p class="cross-count">(.*?)</p>', page, re.S).group(1))
    assert f"{len(matches)} English paragraphs match" in counts and f"{len(matches)} of them have an aligned Chinese paragraph" in counts
    # Article 19: the Chinese text as the hit, the English it matched beneath, highlighted.
    article_19_en = paragraph("en", ARTICLE_19_EN)
    article_19_zh = paragraph("zh", ARTICLE_19_ZH)
    hit = the_hit(page, article_19_zh.get_absolute_url())
    assert aligned_text(hit) == ARTICLE_19_ZH
    assert re.search(r'<a class="permalink" href="([^"]+)"', hit).group(1) == article_19_zh.get_absolute_url()
    reason = re.search(r'<div class="cross-reason">(.*?)</div>', hit, re.S).group(1)
    assert f'href="{article_19_en.get_absolute_url()}"' in reason
    assert re.findall(r"<mark>(.*?)</mark>", reason) == ["freedom"] * ARTICLE_19_EN.count("freedom")
    # Paging is exact: every match once, page after page.
    seen = []
    for number in range(1, -(-len(matches) // 3) + 1):
        outcome = search_paragraphs("freedom", show_in="zh", page=number, per_page=3)
        assert (outcome.total, outcome.aligned_total, outcome.matched_in) == (len(matches), len(matches), "en")
        seen += [hit.paragraph.pk for hit in outcome.hits]
        assert all(hit.aligned.resolution.language == "zh" and hit.aligned in hit.paragraph.siblings.all() for hit in outcome.hits)
    assert len(seen) == len(set(seen)) == len(matches) and set(seen) == matches
    assert {Paragraph.objects.get(pk=pk).resolution_id for pk in seen} == {english.pk}


def test_a_chinese_query_finds_the_english_wording(declaration, client):
    found = client.get("/api/search", {"q": "酷刑", "show_in": "en"}).json()
    # Only the Declaration is held in both languages: 67/161's Chinese matches are not crossed.
    assert (found["show_in"], found["matched_in"], found["count"], found["aligned_count"]) == ("en", "zh", 1, 1)
    [result] = found["results"]
    assert (result["path"], result["aligned"]["text"]) == (paragraph("zh", ARTICLE_5_ZH).get_absolute_url(), ARTICLE_5_EN)


def test_a_misnumbered_version_is_counted_and_said_not_paired(misnumbered, client):
    english = Resolution.objects.get(symbol=SYMBOL, language="en")
    matches = brute_force("freedom", Filters(symbol=SYMBOL, language=("en",)))
    paired = paired_in(matches, "zh")
    assert 0 < len(paired) < len(matches)  # article 2 (numbered alike) pairs; the shifted articles do not
    for engine_page in (1, 2):
        outcome = search_paragraphs("freedom", show_in="zh", page=engine_page, per_page=len(matches) // 2 + 1)
        assert (outcome.total, outcome.aligned_total) == (len(matches), len(paired))
    every = search_paragraphs("freedom", show_in="zh", per_page=100)
    assert {h.paragraph.pk for h in every.hits if h.aligned_state == "paired"} == paired
    assert {h.paragraph.pk for h in every.hits if h.aligned_state == "unaligned"} == matches - paired
    page = client.get("/search/", {"q": "torture", "show_in": "zh"}).content.decode()
    article_5 = english.paragraphs.get(text=ARTICLE_5_EN)
    # No Chinese paragraph to lead to: the hit links the English paragraph it matched in.
    [hit] = [hit for hit in hits_of(page) if f'href="{article_5.get_absolute_url()}"' in hit]
    assert "no aligned paragraph in the Chinese text" in text_of(hit) and "aligned-text" not in hit
    assert "1 English paragraph matches" in page and "0 of them have an aligned Chinese paragraph" in page


def test_odd_language_options_fall_back_to_a_plain_search(declaration, client):
    plain = client.get("/api/search", {"q": "酷刑"}).json()
    for odd in ({"beside": "xx"}, {"show_in": "fr"}, {"beside": "<b>"}, {"show_in": ""}):
        response = client.get("/api/search", {"q": "酷刑", **odd})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == plain["count"] and "beside" not in body and "show_in" not in body
        assert client.get("/search/", {"q": "酷刑", **odd}).status_code == 200
