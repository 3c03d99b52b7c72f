"""What a researcher does on the results page (issue 15): several values of a facet, cleared one by one, in the URL;
"show all" for long facets; a symbol the archive does not hold; ranking that states the thing first. Every test on
both engines (fixture `search_engine`)."""
from __future__ import annotations

import re
from pathlib import Path
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from resolutions import openers
from resolutions.models import Paragraph
from resolutions.search.engine import Filters, SearchRequest
from resolutions.search.query import parse_query
from resolutions.tests.search_fixtures import DATA, SEED_TEXTS, ingest_file, search_engine, search_index, search_index_dir  # noqa: F401
from resolutions.tests.search_reference import brute_force

pytestmark = pytest.mark.django_db
ENGLISH_TEXTS = ("A_RES_78_171.txt", "A_RES_78_190.txt", "A_RES_78_220.txt")


@pytest.fixture
def archive(search_engine):
    for name in (*SEED_TEXTS, *ENGLISH_TEXTS):
        ingest_file(DATA / name)
    return search_engine


def facet_section(page: str, name: str) -> str:
    return re.search(rf'<section class="facet" data-facet="{name}">(.*?)</section>', page, re.S).group(1)


def facet_values(section: str) -> dict[str, tuple[int, str]]:
    """label -> (count, address) of each value listed in a facet section."""
    return {
        unescape(re.sub(r"<[^>]+>", "", label)).replace("✓ ", "").split("（已选")[0].strip(): (int(count), unescape(address))
        for address, label, count in re.findall(r'<a href="([^"]+)">(.*?)</a> <span class="count">(\d+)</span>', section)
    }


def follow(client, address: str) -> str:
    """The page a link of the results page leads to (its addresses are relative: "?q=…&verb=…")."""
    response = client.get("/search/" + address if address.startswith("?") else address)
    assert response.status_code == 200
    return response.content.decode()


def result_count(page: str) -> int:
    return int(re.search(r'<p class="result-count">共 <strong>(\d+)</strong>', page).group(1))


def test_two_values_of_one_facet_give_their_union_with_right_counts_and_clear_one_by_one(archive, client):
    alone = {value: len(brute_force("States", Filters(verb=(value,)))) for value in ("urges", "calls upon")}
    assert all(alone.values())
    page = client.get("/search/", {"q": "States"}).content.decode()
    verbs = facet_values(facet_section(page, "verb"))
    assert verbs["urges 敦促"][0] == alone["urges"] and verbs["calls upon 吁请"][0] == alone["calls upon"]
    # Choose one, then the other, by following the facet's own links: the selection lives in the URL.
    first = follow(client, verbs["urges 敦促"][1])
    assert result_count(first) == alone["urges"]
    address = facet_values(facet_section(first, "verb"))["calls upon 吁请"][1]
    assert parse_qs(urlsplit(address).query)["verb"] == ["urges", "calls upon"]
    both = follow(client, address)
    union = brute_force("States", Filters(verb=("urges", "calls upon")))
    assert result_count(both) == len(union) == alone["urges"] + alone["calls upon"]
    # Disjunctive counts: each chosen value still shows its own count, the other facets count the union.
    chosen = facet_values(facet_section(both, "verb"))
    assert chosen["urges 敦促"][0] == alone["urges"] and chosen["calls upon 吁请"][0] == alone["calls upon"]
    kinds = facet_values(facet_section(both, "kind"))
    assert sum(count for count, _ in kinds.values()) == len(union)
    # Each filter in force has its own remove link, which keeps the other.
    removes = dict(re.findall(r'<li>(.*?) <a href="([^"]+)" aria-label="取消筛选', both))
    assert len(removes) == 2
    kept = [parse_qs(urlsplit(unescape(url)).query)["verb"] for url in removes.values()]
    assert sorted(kept) == [["calls upon"], ["urges"]]
    for url in removes.values():
        verb = parse_qs(urlsplit(unescape(url)).query)["verb"][0]
        assert result_count(follow(client, unescape(url))) == alone[verb]


def test_a_long_facet_shows_its_top_values_and_the_rest_behind_show_all(archive, client):
    page = client.get("/search/", {"q": "the"}).content.decode()
    section = facet_section(page, "verb")
    top, more = section.split('<details class="facet-more">')
    counts = archive.search(SearchRequest(parse_query("the"), limit=0)).facets["verb"]
    assert len(counts) > 15
    assert len(facet_values(top)) == 15 and len(facet_values(more)) == len(counts) - 15
    assert f"显示全部 {len(counts)} 项" in more
    # The least frequent value, behind "show all", once chosen is shown at the top with its tick.
    rare_value, rare_count = counts[-1]
    rare_label = openers.label(rare_value)
    chosen = follow(client, facet_values(more)[rare_label][1])
    top = facet_section(chosen, "verb").split('<details class="facet-more">')[0]
    assert rare_label in facet_values(top) and 'class="selected"' in top
    assert result_count(chosen) == rare_count


def test_a_symbol_the_archive_does_not_hold_says_so_and_lists_the_paragraphs_citing_it(search_engine, client):
    for name in (*SEED_TEXTS, "A_RES_79_157.txt"):
        ingest_file(DATA / name)
    citing = sorted(
        (p for p in Paragraph.objects.select_related("resolution") if "60/251" in p.text),
        key=lambda p: (-p.resolution.adopted_on.toordinal(), p.resolution.symbol),
    )
    assert {p.resolution.language for p in citing} == {"zh", "en"} and len(citing) == 2
    for query in ("A/RES/60/251", "a/res/60/251", "60/251"):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200, query  # not held: no redirect
        page = response.content.decode()
        assert "本档案未收录 A/RES/60/251" in page or "本档案未收录 60/251" in page
        assert "2 paragraphs in the archive cite" in page
        listed = re.findall(r'<ol class="citing">.*?</ol>', page, re.S)[0]
        assert re.findall(r'<li><a href="([^"]+)">', listed) == [p.get_absolute_url() for p in citing]
        assert "https://documents.un.org/api/symbol/access?s=A/RES/60/251&amp;l=C&amp;t=pdf" in page
        assert "https://documents.un.org/api/symbol/access?s=A/RES/60/251&amp;l=E&amp;t=pdf" in page
    nothing = client.get("/search/", {"q": "A/RES/59/999"}).content.decode()
    assert "The archive does not hold A/RES/59/999" in nothing and "No paragraph in the archive cites A/RES/59/999" in nothing
    # A held symbol still opens its resolution.
    held = client.get("/search/", {"q": "A/RES/67/161"})
    assert held.status_code == 302 and "67/161" in held["Location"]


def test_new_this_year_keeps_the_paragraphs_with_no_match_in_the_previous_member_of_their_series(search_engine, client):
    from resolutions.models import ParagraphLineage
    from resolutions.tests.search_reference import facet_counts

    for name in ("A_RES_78_224.txt", "A_RES_79_187.txt"):  # one series: 79/187 follows 78/224
        ingest_file(Path(__file__).parent / "corpus" / "en" / name)
    lineage = {row.paragraph_id: row.change for row in ParagraphLineage.objects.select_related("paragraph__resolution")}
    new = {pid for pid, change in lineage.items() if change == "new"}
    changed = {pid for pid, change in lineage.items() if change == "changed"}
    assert new and changed
    assert {p.resolution.symbol for p in Paragraph.objects.filter(pk__in=new)} == {"A/RES/79/187"}
    matching = brute_force("the")
    result = search_engine.search(SearchRequest(parse_query("the"), Filters(change=("new",)), limit=1000))
    assert {h.paragraph_id for h in result.hits} == new & matching
    both = search_engine.search(SearchRequest(parse_query("the"), Filters(change=("new", "changed")), limit=1000))
    assert {h.paragraph_id for h in both.hits} == (new | changed) & matching
    assert dict(both.facets["change"]) == facet_counts("the", Filters(change=("new", "changed")))["change"]
    assert dict(both.facets["change"])["new"] == len(new & matching)
    page = client.get("/search/", {"q": "the", "change": "new"}).content.decode()
    assert result_count(page) == len(new & matching)
    assert "今年新增 new this year" in page and "系列中 In its series" in page


def test_held_in_both_languages_keeps_the_resolutions_of_which_the_archive_has_both_versions(search_engine, client):
    from resolutions.services import delete_resolution

    query = "的 OR the OR everyone"
    ingest_file(DATA / "A_RES_67_161.txt")  # Chinese only
    chinese = ingest_file(DATA / "A_RES_217_A_III.pdf")  # the Universal Declaration in Chinese
    assert search_engine.search(SearchRequest(parse_query(query), Filters(versions=("both",)), limit=0)).total == 0
    # Its English version arrives: both versions of it, and only those, are now "held in both languages".
    english = ingest_file(DATA / "A_RES_217_A_III_en.xml")
    expected = {p.pk for p in Paragraph.objects.filter(resolution__symbol=chinese.symbol)} & brute_force(query)
    assert {p.resolution.language for p in Paragraph.objects.filter(pk__in=expected)} == {"zh", "en"}
    both = search_engine.search(SearchRequest(parse_query(query), Filters(versions=("both",)), limit=1000))
    assert {h.paragraph_id for h in both.hits} == expected
    assert dict(both.facets["versions"]) == {"both": len(expected), "one": len(brute_force(query, Filters(symbol="A/RES/67/161")))}
    page = client.get("/search/", {"q": query, "versions": "both"}).content.decode()
    assert result_count(page) == len(expected) and "中英文均有 held in both languages" in page
    # The English version deleted: the Chinese one is held alone again.
    delete_resolution(english)
    assert search_engine.search(SearchRequest(parse_query(query), Filters(versions=("both",)), limit=0)).total == 0
    alone = search_engine.search(SearchRequest(parse_query(query), Filters(versions=("one",)), limit=0)).total
    assert alone == len(brute_force(query))


def test_each_hit_leads_to_the_same_paragraph_in_the_other_language_and_to_both_side_by_side(search_engine, client):
    """The per-hit language switch (issue 14): a Chinese hit of the Declaration's article 5 links the English
    article 5 (its aligned sibling) and the side-by-side page at that paragraph; the API lists the same sibling."""
    from resolutions.tests.test_versions import ARTICLE_5_EN, ARTICLE_5_ZH

    chinese = ingest_file(DATA / "A_RES_217_A_III.pdf")
    ingest_file(DATA / "A_RES_217_A_III_en.xml")
    ingest_file(DATA / "A_RES_67_161.txt")  # Chinese only: its hits have no switch
    zh = Paragraph.objects.get(resolution=chinese, text=ARTICLE_5_ZH)
    en = Paragraph.objects.get(resolution__symbol=chinese.symbol, resolution__language="en", text=ARTICLE_5_EN)

    # One page for every hit: article 5 of 1948 is not among the first 20 by relevance (67/161 says 酷刑 more often).
    page = client.get("/search/", {"q": "酷刑", "per_page": 100}).content.decode()
    hits = re.findall(r'<li class="hit".*?</li>', page, re.S)
    # The hit is the article itself: it leads to the article's permanent link (issue 13), …/art_5.
    article_5 = [hit for hit in hits if f'class="permalink" href="{zh.division.get_absolute_url()}"' in hit]
    assert len(article_5) == 1
    assert re.findall(r'class="hit-sibling" lang="en" hreflang="en" href="([^"]+)"', article_5[0]) == [en.get_absolute_url()]
    assert re.findall(r'class="hit-beside" href="([^"]+)"', article_5[0]) == [f"{chinese.get_absolute_url()}?beside=en#{zh.slug}"]
    others = [hit for hit in hits if hit is not article_5[0]]
    assert others and not any("hit-sibling" in hit for hit in others if "A/RES/67/161" in hit)

    found = client.get("/api/search", {"q": "酷刑", "per_page": 100}).json()
    by_path = {result["path"]: result["siblings"] for result in found["results"]}
    assert [s["path"] for s in by_path[zh.get_absolute_url()]] == [en.get_absolute_url()]
    assert by_path[zh.get_absolute_url()][0]["language"] == "en"
