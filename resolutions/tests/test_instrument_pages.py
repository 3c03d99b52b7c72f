"""Reading, citing and exporting instruments: 79/243 with the Convention against Cybercrime, the Universal
Declaration, and resolutions citing their articles (real texts from tests/data, see its README)."""
from __future__ import annotations

import html
import json
import re
from xml.etree import ElementTree as ET

import pytest
from django.utils.html import strip_tags

from resolutions.models import Paragraph, Resolution
from resolutions.services import ingest_resolution
from resolutions.reading import citation_en, citation_zh, paragraph_label_en, paragraph_label_zh
from resolutions.tests.conftest import DATA

pytestmark = pytest.mark.django_db
AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def ingest(name: str) -> Resolution:
    return ingest_resolution(source=(DATA / name).read_bytes(), filename=name).resolution


@pytest.fixture
def convention():
    return ingest("A_RES_79_243.txt")


@pytest.fixture
def udhr():
    return ingest("A_RES_217_A_III.pdf")


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", strip_tags(response.content.decode())))


def paragraph(resolution: Resolution, eid: str) -> Paragraph:
    return Paragraph.objects.select_related("division").get(resolution=resolution, eid=eid)


# -- Names and citations --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("eid", "zh", "en"),
    [
        ("annex_1/art_5/para_2", "第 5 条第 2 款", "article 5 (2)"),
        ("annex_1/art_10/para_1", "第 10 条", "article 10"),
        ("annex_1/art_2/para_1/subpara_e", "第 2 条(e)项", "article 2 (e)"),
        ("annex_1/art_2/para_1/subpara_e/point_ii", "第 2 条(e)项(ii)目", "article 2 (e) (ii)"),
        ("annex_1/art_11/para_1/subpara_a/point_ii", "第 11 条第 1 款(a)项(ii)目", "article 11 (1) (a) (ii)"),
        ("annex_1/preamble/para_3", "序言部分第 3 段", "preambular paragraph 3"),
        ("annex_1/conclusions/para_1", "附件结尾部分", "annex, closing words"),
        ("annex_2/para_4", "附件 2 第 4 段", "annex 2, paragraph 4"),
        ("op5", "执行部分第 5 段", "operative paragraph 5"),
    ],
)
def test_a_paragraph_of_the_convention_is_named_as_a_reader_names_it(convention, eid, zh, en):
    found = paragraph(convention, eid)
    assert (paragraph_label_zh(found), paragraph_label_en(found)) == (zh, en)


def test_citing_a_paragraph_of_the_convention_names_the_convention(convention):
    found = paragraph(convention, "annex_1/art_5/para_2")
    assert citation_zh(convention, found) == "《联合国打击网络犯罪公约》第 5 条第 2 款"
    assert citation_en(convention, found) == (
        "article 5 (2) of the United Nations Convention against Cybercrime, annexed to General Assembly resolution 79/243"
    )
    notes = paragraph(convention, "annex_2/para_4")
    assert citation_zh(convention, notes) == "大会第 79/243 号决议附件 2 第 4 段"
    assert citation_en(convention, notes) == "General Assembly resolution 79/243, annex 2, paragraph 4"


def test_the_declarations_articles_are_cited_as_articles(udhr):
    article_19 = paragraph(udhr, "art_19/para_1")
    assert citation_zh(udhr, article_19) == "《世界人权宣言》第十九条"
    assert citation_en(udhr, article_19) == "article 19 of the Universal Declaration of Human Rights"
    article_29 = paragraph(udhr, "art_29/para_2")
    assert (citation_zh(udhr, article_29), citation_en(udhr, article_29)) == (
        "《世界人权宣言》第二十九条第二款", "article 29 (2) of the Universal Declaration of Human Rights"
    )
    article_2 = paragraph(udhr, "art_2/para_2")  # two paragraphs, neither numbered
    assert (paragraph_label_zh(article_2), paragraph_label_en(article_2)) == ("第二条第二款", "article 2, second paragraph")


# -- The reading page ------------------------------------------------------------------------------


def test_the_reading_page_of_79_243_has_contents_of_its_chapters_and_article_titles(client, convention):
    response = client.get("/A/RES/79/243/en/")
    assert response.status_code == 200
    page = response.content.decode()
    contents = page[page.index('<details class="contents"') : page.index("</details>", page.index('<details class="contents"'))]
    chapters = re.findall(r'<a href="#annex_1/chp_(\d+)"><span class="contents-num">([^<]+)</span> <span class="contents-heading">([^<]+)</span>', contents)
    assert chapters[0] == ("1", "Chapter I", "General provisions") and chapters[8] == ("9", "Chapter IX", "Final provisions")
    assert len(chapters) == 9
    articles = re.findall(r'<a href="#annex_1/art_(\d+)"><span class="contents-num">Article \1</span> <span class="contents-heading">([^<]+)</span>', contents)
    assert [int(n) for n, _ in articles] == list(range(1, 69))
    assert dict(articles)["5"] == "Protection of sovereignty"
    # Article headings are anchors on the page, each linking to the article's own page.
    assert '<div class="division-heading division-article" id="annex_1/art_5">' in page
    assert '<a class="division-link" href="/A/RES/79/243/en/annex_1/art_5"><span class="division-num" lang="en">Article 5</span> <span class="division-title" lang="en">Protection of sovereignty</span></a>' in page
    assert 'id="annex_1/art_5/para_2"' in page
    # The text of the Convention comes after the resolution's closing lines, in order.
    text = text_of(response)
    assert text.index("55th (resumed) plenary meeting") < text.index("Article 1 Statement of purpose") < text.index("Article 68 Depositary")


def test_every_article_permalink_resolves_to_its_article(client, convention):
    for article in convention.divisions.filter(kind="article"):
        response = client.get(article.get_absolute_url())
        assert response.status_code == 200, article.eid
        assert f'data-eid="{article.eid}"' in response.content.decode()
    page = text_of(client.get("/A/RES/79/243/en/annex_1/art_5"))
    assert "Article 5 Protection of sovereignty" in page
    assert "2. Nothing in this Convention shall entitle a State Party" in page
    assert "article 5 of the United Nations Convention against Cybercrime, annexed to General Assembly resolution 79/243" in page
    assert "《联合国打击网络犯罪公约》第 5 条" in page


def test_an_article_paragraphs_permalink_shows_it_with_its_article(client, convention):
    response = client.get("/A/RES/79/243/en/annex_1/art_5/para_2")
    assert response.status_code == 200
    page = text_of(response)
    assert "第 5 条第 2 款 article 5 (2)" in page
    assert "Article 5 · Protection of sovereignty" in page
    assert "article 5 (2) of the United Nations Convention against Cybercrime" in page
    assert client.get("/A/RES/79/243/en/annex_1/art_5/para_3").status_code == 404
    assert client.get("/A/RES/79/243/annex_1/art_5/para_2").url == "/A/RES/79/243/en/annex_1/art_5/para_2"
    assert client.get("/79/243/annex_1/art_5").url == "/A/RES/79/243/en/annex_1/art_5"


def test_the_declarations_old_article_links_answer_301_with_the_article(client):
    from resolutions.tests.test_instrument_services import store_as_before

    store_as_before("A_RES_217_A_III_before_articles.json")
    ingest("A_RES_217_A_III.pdf")
    response = client.get("/A/RES/217(III)/zh/op19")
    assert (response.status_code, response["Location"]) == (301, "/A/RES/217(III)/zh/art_19/para_1")
    article = text_of(client.get("/A/RES/217(III)/zh/art_19"))
    assert "第十九条" in article and "人人有权享有主张和发表意见的自由" in article
    assert "《世界人权宣言》第十九条" in article


def test_an_article_page_lists_the_paragraphs_that_cite_it(client, udhr):
    ingest("A_RES_79_175.txt")
    ingest("A_RES_79_243.txt")  # cites no article of the Declaration
    page = client.get("/A/RES/217(III)/zh/art_12").content.decode()
    cited = page[page.index('id="cited-by-heading"') :]
    assert re.findall(r'<a class="citing" href="([^"]+)" lang="en">([^<]+)</a>', cited) == [
        ("/A/RES/79/175/en/pp9", "A/RES/79/175 · preambular paragraph 9"),
        ("/A/RES/79/175/en/op1", "A/RES/79/175 · operative paragraph 1"),
    ]
    assert "<mark>article 12 of the Universal Declaration of Human Rights</mark>" in cited
    assert '<span class="count">2</span>' in cited
    # The citing paragraph links its words to the article.
    citing = client.get("/A/RES/79/175/en/pp9").content.decode()
    assert re.search(r'<a class="ref" href="/A/RES/217\(III\)/zh/art_12" title="[^"]+">article 12 of the Universal Declaration of Human Rights</a>', citing)
    assert re.search(r'<a class="ref ref-external" href="https://documents.un.org/api/symbol/access\?s=A/RES/2200\(XXI\)&amp;l=E&amp;t=pdf" title="[^"]+">article 17 of the International Covenant on Civil and Political Rights</a>', citing)
    # The Declaration's page says how often each article is cited.
    assert '被引用 2 次 <span lang="en">cited by 2</span>' in client.get("/A/RES/217(III)/zh/").content.decode()


def test_a_chinese_sentence_links_the_article_it_cites_by_the_instruments_name(client):
    ingest("A_RES_67_161.txt")  # 《禁止酷刑…公约》第 1 条: the Convention against Torture is not held
    page = client.get("/A/RES/67/161/zh/pp4").content.decode()
    assert re.search(r'<a class="ref ref-external" href="https://documents.un.org/api/symbol/access\?s=A/RES/39/46&amp;l=C&amp;t=pdf" title="[^"]*">《禁止酷刑和其他残忍、不人道或有辱人格的待遇或处罚公约》第 1 条</a>', page)
    ingest("A_RES_79_243.txt")
    ingest("annexed_convention_zh.txt")  # 本公约第 5 条第 2 款: held, in Chinese
    page = client.get("/A/RES/79/243/zh/annex_1/art_7/para_2").content.decode()
    assert '<a class="ref" href="/A/RES/79/243/zh/annex_1/art_5/para_2"' in page


# -- Exports ---------------------------------------------------------------------------------------


def test_the_json_view_carries_the_structure_and_the_article_citations(client, convention):
    data = json.loads(client.get("/api/resolutions/A/RES/79/243").content)
    divisions = {d["eid"]: d for d in data["divisions"]}
    assert divisions["annex_1/art_5"] == {
        "eid": "annex_1/art_5", "kind": "article", "number": 5, "num": "Article 5",
        "heading": "Protection of sovereignty", "parent": "annex_1/chp_1",
        "url": "http://testserver/A/RES/79/243/en/annex_1/art_5",
    }
    assert sum(1 for d in data["divisions"] if d["kind"] == "article") == 68
    paragraphs = {p["eid"]: p for p in data["paragraphs"]}
    para = paragraphs["annex_1/art_5/para_2"]
    assert (para["kind"], para["num"], para["division"], para["article"], para["url"]) == (
        "article", "2.", "annex_1/art_5", "annex_1/art_5", "http://testserver/A/RES/79/243/en/annex_1/art_5/para_2"
    )
    assert [(c["eid"], c["paragraph"], c["item"], c["in_archive"], c["url"]) for c in paragraphs["op5"]["article_citations"]] == [
        ("annex_1/art_57", 5, "g", True, "http://testserver/A/RES/79/243/en/annex_1/art_57/para_5"),
        ("annex_1/art_61", None, "", True, "http://testserver/A/RES/79/243/en/annex_1/art_61"),
        ("annex_1/art_62", None, "", True, "http://testserver/A/RES/79/243/en/annex_1/art_62"),
    ]


def test_the_akoma_ntoso_export_has_the_conventions_chapters_articles_and_paragraphs(client, convention):
    root = ET.fromstring(client.get("/A/RES/79/243/en/akn.xml").content)
    [attachments] = root.iter(f"{AKN}attachments")
    annexes = attachments.findall(f"{AKN}attachment")
    assert [a.get("eId") for a in annexes] == ["att_1", "att_2"]
    doc = annexes[0].find(f"{AKN}doc")
    assert [child.tag.removeprefix(AKN) for child in doc] == ["meta", "preface", "preamble", "mainBody", "conclusions"]
    chapters = doc.find(f"{AKN}mainBody").findall(f"{AKN}chapter")
    assert [(c.get("eId"), c.findtext(f"{AKN}num"), c.findtext(f"{AKN}heading")) for c in chapters][:2] == [
        ("att_1__chp_1", "Chapter I", "General provisions"), ("att_1__chp_2", "Chapter II", "Criminalization"),
    ]
    assert sum(len(c.findall(f"{AKN}article")) for c in chapters) == 68
    article = next(a for a in chapters[0].findall(f"{AKN}article") if a.get("eId") == "att_1__art_5")
    assert (article.findtext(f"{AKN}num"), article.findtext(f"{AKN}heading")) == ("Article 5", "Protection of sovereignty")
    paragraphs = article.findall(f"{AKN}paragraph")
    assert [(p.get("eId"), p.findtext(f"{AKN}num")) for p in paragraphs] == [("att_1__art_5__para_1", "1."), ("att_1__art_5__para_2", "2.")]
    assert "".join(paragraphs[1].find(f"{AKN}content").itertext()).startswith("Nothing in this Convention shall entitle")
    article_2 = next(a for a in chapters[0].findall(f"{AKN}article") if a.get("eId") == "att_1__art_2")
    [intro_paragraph] = article_2.findall(f"{AKN}paragraph")
    assert intro_paragraph.find(f"{AKN}intro") is not None
    e = next(s for s in intro_paragraph.findall(f"{AKN}subparagraph") if s.get("eId") == "att_1__art_2__para_1__subpara_e")
    assert [p.get("eId") for p in e.findall(f"{AKN}point")] == [
        "att_1__art_2__para_1__subpara_e__point_i", "att_1__art_2__para_1__subpara_e__point_ii"
    ]
    notes = annexes[1].find(f"{AKN}doc").find(f"{AKN}mainBody").findall(f"{AKN}section")
    assert [(s.get("eId"), s.findtext(f"{AKN}heading")) for s in notes][:2] == [("att_2__sec_1", "Article 2"), ("att_2__sec_2", "Article 17")]


def test_the_akoma_ntoso_export_of_the_declaration_has_its_articles_in_the_main_body(client, udhr):
    root = ET.fromstring(client.get("/A/RES/217(III)/zh/akn.xml").content)
    main = next(root.iter(f"{AKN}mainBody"))
    articles = main.findall(f"{AKN}article")
    assert [a.get("eId") for a in articles] == [f"art_{n}" for n in range(1, 31)]
    article_29 = articles[28]
    assert article_29.findtext(f"{AKN}num") == "第二十九条"
    assert [p.get("eId") for p in article_29.findall(f"{AKN}paragraph")] == ["art_29__para_1", "art_29__para_2", "art_29__para_3"]
    assert len(next(root.iter(f"{AKN}preamble")).findall(f"{AKN}container")) == 8


def test_search_results_name_an_article_paragraph_as_the_reading_page_does(client, search_index):
    ingest("A_RES_79_243.txt")
    response = client.get("/api/search", {"q": '"shall entitle a State Party to undertake in the territory"'})
    [hit] = response.json()["results"]
    assert (hit["eid"], hit["label"]) == ("annex_1/art_5/para_2", "article 5 (2)")
    assert hit["url"].endswith("/A/RES/79/243/en/annex_1/art_5/para_2")
