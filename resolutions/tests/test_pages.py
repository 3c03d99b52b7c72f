"""Reading pages, on real resolutions ingested through the archive's own service.

Texts (resolutions/tests/data, see its README): the two Chinese seed texts, 67/161 and 45/32, and two
English ones of one series, 78/190 and 79/160, where 79/160 operative paragraph 3 cites 78/190.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from django.utils.html import strip_tags

from resolutions.models import FormerEid, Paragraph, Resolution
from resolutions.reading import citation_en, citation_zh, paragraph_label_en, paragraph_label_zh
from resolutions.services import ingest_resolution

DATA = Path(__file__).parent / "data"

OP7_67_161 = (
    "强调指出对于一切有关酷刑或其他残忍、不人道或有辱人格待遇或处罚的指控，以及在有合理根据相信此类行为业已发生的情况下，"
    "必须由独立的本国主管当局进行迅速、有效而公正的调查，对于怂恿、煽动、下令实施、容忍、默许、同意或实施此类行为者，"
    "包括经确认发生了违禁行为的羁押地点或其他剥夺人身自由地点负责官员，必须追究其责任，移送司法，并按罪行轻重加以处罚；"
)
OP6_67_161 = (
    "鼓励各国考虑设立或保持适当的国家程序，以记录关于酷刑或其他残忍、不人道或有辱人格待遇或处罚行为的指控，"
    "并依照适用的法律确保提供此类信息；"
)
OP14_45_32 = (
    "吁请各国、国际人权机构和机制、相关国际组织、国家人权机构和民间社会交流最佳做法，并借助小组讨论会上提出的想法和问题，"
    "在促进和保护受教育权方面提高技术合作和能力建设工作的效率、效力和政策一致性并建立多利益攸关方伙伴关系。"
)
OP3_79_160 = (
    "Takes note of the report of the Special Rapporteur on contemporary forms of racism, racial discrimination, "
    "xenophobia and related intolerance, prepared in accordance with the request contained in its resolution 78/190;"
)


def ingest(name: str, source: bytes | None = None):
    path = DATA / name
    return ingest_resolution(source=path.read_bytes() if source is None else source, filename=name)


@pytest.fixture
def chinese(db):
    """The two Chinese seed texts, ingested."""
    return {name: ingest(name).resolution for name in ("A_RES_67_161.txt", "A_HRC_RES_45_32.txt")}


@pytest.fixture
def series(db):
    """79/160 first, then the 78/190 it cites: the reference waits, then links when 78/190 arrives."""
    later = ingest("A_RES_79_160.txt").resolution
    earlier = ingest("A_RES_78_190.txt").resolution
    return earlier, later


def paragraph_text(page: str, slug: str) -> str:
    """The visible text of paragraph `slug` on a page, without its footnote markers."""
    block = re.search(rf'<div class="para [^"]*" id="{re.escape(slug)}">(.*?)<div class="para-tools">', page, re.DOTALL)
    assert block is not None, f"no paragraph {slug} on the page"
    text = re.search(r'<p class="para-text"[^>]*>(.*?)</p>', block.group(1), re.DOTALL).group(1)
    text = re.sub(r'<sup class="fn-marker">.*?</sup>', "", text)
    return html.unescape(strip_tags(text))


def element_text(page: str, pattern: str) -> str:
    found = re.search(pattern, page, re.DOTALL)
    assert found is not None, pattern
    return html.unescape(strip_tags(found.group(1))).strip()


# --- Permanent links ---------------------------------------------------------------------------------


def test_paragraph_permalinks_keep_their_text_across_reingest_correction_and_a_third_text(client, chinese):
    op7 = Paragraph.objects.get(resolution=chinese["A_RES_67_161.txt"], eid="op7")

    def check() -> None:
        page = client.get("/A/RES/67/161/zh/op7").content.decode()
        assert paragraph_text(page, "op7") == OP7_67_161
        page = client.get("/A/HRC/RES/45/32/zh/op14").content.decode()
        assert paragraph_text(page, "op14") == OP14_45_32
        page = client.get("/A/RES/67/161/zh/").content.decode()
        assert paragraph_text(page, "op6") == OP6_67_161
        assert paragraph_text(page, "op7") == OP7_67_161

    check()
    assert ingest("A_RES_67_161.txt").status == "unchanged"
    # The same text arriving again as another file (a trailing newline changes the checksum) replaces it in place.
    source = (DATA / "A_RES_67_161.txt").read_bytes() + b"\n"
    assert ingest("A_RES_67_161.txt", source).status in {"replaced", "unchanged"}
    assert ingest("A_HRC_RES_45_32.txt", (DATA / "A_HRC_RES_45_32.txt").read_bytes() + b"\n").status in {
        "replaced",
        "unchanged",
    }
    check()
    ingest("A_RES_79_160.txt")
    check()
    assert Paragraph.objects.get(resolution__symbol="A/RES/67/161", eid="op7").pk == op7.pk
    assert Resolution.objects.count() == 3


def test_short_forms_redirect_to_the_permanent_link(client, chinese):
    assert client.get("/67/161").headers["Location"] == "/A/RES/67/161/zh/"
    assert client.get("/67/161/op7").headers["Location"] == "/A/RES/67/161/zh/op7"
    assert client.get("/45/32/zh/op3a").headers["Location"] == "/A/HRC/RES/45/32/zh/op3a"
    assert client.get("/a/res/67/161/zh/").headers["Location"] == "/A/RES/67/161/zh/"
    assert client.get("/a/hrc/res/45/32/zh/op12").headers["Location"] == "/A/HRC/RES/45/32/zh/op12"
    assert client.get("/A/RES/67/161/").headers["Location"] == "/A/RES/67/161/zh/"
    assert client.get("/A/RES/67/161/op7").headers["Location"] == "/A/RES/67/161/zh/op7"
    assert client.get("/A/RES/67/161/ZH/OP7/").headers["Location"] == "/A/RES/67/161/zh/op7"
    # A missing slash: Django's APPEND_SLASH, then the language.
    response = client.get("/A/RES/67/161", follow=True)
    assert response.redirect_chain[-1][0] == "/A/RES/67/161/zh/"
    assert paragraph_text(response.content.decode(), "op7") == OP7_67_161
    # A language the archive does not hold leads to the one it holds, saying so.
    response = client.get("/A/RES/67/161/en/op7", follow=True)
    assert response.redirect_chain == [("/A/RES/67/161/zh/op7", 302)]
    assert "The archive holds no English text of A/RES/67/161" in response.content.decode()


def test_a_paragraph_removed_by_a_correction_answers_410_with_its_last_text(client, chinese):
    source = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")
    start = source.index(" 14. 吁请各国")
    end = source.rindex("2020 年 10 月 7 日")
    corrected = (source[:start] + source[end:]).encode("utf-8")
    assert ingest("A_HRC_RES_45_32.txt", corrected).status == "replaced"

    response = client.get("/A/HRC/RES/45/32/zh/op14")
    assert response.status_code == 410
    page = response.content.decode()
    assert "op14 段已不在现行文本中" in page
    assert element_text(page, r"<blockquote[^>]*>(.*?)</blockquote>") == OP14_45_32
    assert 'href="/A/HRC/RES/45/32/zh/"' in page
    assert client.get("/A/HRC/RES/45/32/zh/op13").status_code == 200

    response = client.get("/A/HRC/RES/45/32/zh/op99")
    assert response.status_code == 404
    assert "A/HRC/RES/45/32 没有 op99 段" in response.content.decode()
    assert 'href="/A/HRC/RES/45/32/zh/"' in response.content.decode()


def test_a_renamed_paragraph_s_former_address_redirects_permanently_to_it(client, chinese):
    resolution = chinese["A_RES_67_161.txt"]
    op7 = resolution.paragraphs.get(eid="op7")
    FormerEid.objects.create(resolution=resolution, eid="op6(b)", paragraph=op7)

    response = client.get("/A/RES/67/161/zh/op6b")
    assert (response.status_code, response["Location"]) == (301, "/A/RES/67/161/zh/op7")
    # An address no paragraph ever had is still the helpful 404.
    assert client.get("/A/RES/67/161/zh/op6c").status_code == 404


def test_unknown_symbol_page_points_to_the_un_document_system(client, db):
    response = client.get("/A/RES/99/999/zh/")
    assert response.status_code == 404
    assert "https://documents.un.org/api/symbol/access?s=A/RES/99/999&amp;l=C&amp;t=pdf" in response.content.decode()


# --- The resolution page ---------------------------------------------------------------------------


def test_resolution_page_header_title_and_canonical_link(client, chinese):
    page = client.get("/A/RES/67/161/zh/").content.decode()
    assert (
        element_text(page, r"<title>(.*?)</title>")
        == "A/RES/67/161 · 酷刑和其他残忍、不人道或有辱人格的待遇或处罚 · 人权决议档案"
    )
    assert '<link rel="canonical" href="http://testserver/A/RES/67/161/zh/">' in page
    assert '<h1 class="res-title" lang="zh-Hans">酷刑和其他残忍、不人道或有辱人格的待遇或处罚</h1>' in page
    assert '<time datetime="2012-12-20">2012-12-20</time>' in page
    assert ">A/67/457/Add.1</a>" in page
    assert 'href="https://documents.un.org/api/symbol/access?s=A/RES/67/161&amp;l=C&amp;t=pdf"' in page
    assert '<p class="opening-formula">大会，</p>' in page
    assert 'href="/A/RES/67/161/zh/akn.xml"' in page
    assert page.count('class="para para-preambular') == 10
    assert page.count('class="para para-operative') == 41


def test_every_paragraph_has_anchor_permalink_and_citations_in_both_languages(client, chinese):
    page = client.get("/A/RES/67/161/zh/").content.decode()
    assert '<a class="para-num" href="/A/RES/67/161/zh/op7"' in page
    assert '<a class="anchor" href="#op7"' in page
    assert 'data-copy="http://testserver/A/RES/67/161/zh/op7"' in page
    cite = r'<div class="cite-box" id="cite-op7">.*?<p class="cite-{}" lang="[^"]+">(.*?)</p>'
    assert (
        element_text(page, cite.format("zh"))
        == "大会第 67/161 号决议，执行部分第 7 段，http://testserver/A/RES/67/161/zh/op7"
    )
    assert element_text(page, cite.format("en")) == (
        "General Assembly resolution 67/161, operative paragraph 7, http://testserver/A/RES/67/161/zh/op7"
    )
    page = client.get("/A/HRC/RES/45/32/zh/").content.decode()
    assert element_text(page, cite.format("zh").replace("op7", "pp2")) == (
        "人权理事会第 45/32 号决议，序言部分第 2 段，http://testserver/A/HRC/RES/45/32/zh/pp2"
    )


def test_footnote_markers_link_to_their_footnotes(client, chinese):
    page = client.get("/A/RES/67/161/zh/").content.decode()
    # Operative paragraph 3: marker 5 sits right after the Optional Protocol's title.
    assert '任择议定书》<sup class="fn-marker"><a href="#fn5" id="fn5-ref"' in page
    assert (
        element_text(page, r'<li id="fn5" value="5">(.*?)<a class="fn-back"')
        == "5 联合国，《条约汇编》，第 2375 卷，第 24841 号。"
    )
    assert paragraph_text(page, "op3").startswith("欢迎各国建立防范机制以防范酷刑")
    assert "任择议定书》的缔约国履行义务" in paragraph_text(page, "op3")


def test_references_to_resolutions_not_held_link_to_the_un_document_system(client, chinese):
    page = client.get("/A/HRC/RES/45/32/zh/").content.decode()
    op12 = re.search(r'id="op12">(.*?)<div class="para-tools">', page, re.DOTALL).group(1)
    link = re.search(r'<a class="ref ref-external" href="([^"]+)"[^>]*>(.*?)</a>', op12)
    assert html.unescape(link.group(1)) == "https://documents.un.org/api/symbol/access?s=A/HRC/RES/18/18&l=C&t=pdf"
    assert "18/18" in link.group(2)
    # A reference inside a footnote: 67/161 footnote 4 is "第 61/177 号决议，附件。"
    page = client.get("/A/RES/67/161/zh/").content.decode()
    footnote = re.search(r'<li id="fn4" value="4">(.*?)</li>', page, re.DOTALL).group(1)
    assert 'href="https://documents.un.org/api/symbol/access?s=A/RES/61/177&amp;l=C&amp;t=pdf"' in footnote


def test_reference_to_a_held_resolution_links_to_it_and_the_cited_one_lists_it_under_cited_by(client, series):
    page = client.get("/A/RES/79/160/en/").content.decode()
    assert paragraph_text(page, "op3") == OP3_79_160
    assert '78/190</a>;<sup class="fn-marker"><a href="#fn11" id="fn11-ref"' in page
    op3 = re.search(r'id="op3">(.*?)<div class="para-tools">', page, re.DOTALL).group(1)
    assert re.search(r'<a class="ref" href="/A/RES/78/190/en/" title="A/RES/78/190">[^<]*78/190</a>', op3)

    page = client.get("/A/RES/78/190/en/").content.decode()
    cited_by = re.search(r'<section class="cited-by-section".*?</section>', page, re.DOTALL).group(0)
    assert 'href="/A/RES/79/160/en/op3" lang="en">A/RES/79/160 · operative paragraph 3</a>' in cited_by
    assert (
        '<p class="citing-text" lang="en"><strong class="opening">Takes note</strong>'
        "…with the request contained in its <mark>resolution 78/190</mark>;</p>"
    ) in cited_by
    # The list form of the preamble ("… 77/204 of 15 December 2022 and 78/190 of …") is a citation too.
    assert 'href="/A/RES/79/160/en/pp2" lang="en">A/RES/79/160 · preambular paragraph 2</a>' in cited_by
    assert '<strong class="opening">Recalling</strong>' in cited_by
    assert "<mark>78/190</mark> of 19 December 2023 on this issue" in cited_by
    assert cited_by.index("/A/RES/79/160/en/pp2") < cited_by.index("/A/RES/79/160/en/op3")


def test_a_series_links_previous_and_next(client, series):
    page = client.get("/A/RES/79/160/en/").content.decode()
    assert '<a rel="prev" class="series-prev" href="/A/RES/78/190/en/">' in page
    assert 'rel="next"' not in page.split('class="series"')[1].split("</nav>")[0]
    page = client.get("/A/RES/78/190/en/").content.decode()
    assert '<a rel="next" class="series-next" href="/A/RES/79/160/en/">' in page


def test_paragraph_page_shows_its_neighbours_and_a_link_into_the_whole_text(client, chinese):
    response = client.get("/A/RES/67/161/zh/op7")
    page = response.content.decode()
    assert element_text(page, r"<title>(.*?)</title>") == "A/RES/67/161 op7 · 执行部分第 7 段 · 人权决议档案"
    assert '<link rel="canonical" href="http://testserver/A/RES/67/161/zh/op7">' in page
    assert paragraph_text(page, "op6") == OP6_67_161
    assert paragraph_text(page, "op7") == OP7_67_161
    assert paragraph_text(page, "op8").startswith("在这方面回顾《有效调查和记录酷刑")
    assert 'id="op5"' not in page and 'id="op9"' not in page
    assert 'href="/A/RES/67/161/zh/#op7"' in page


def test_english_paragraph_pages_declare_their_language(client, series):
    page = client.get("/A/RES/79/160/en/op3").content.decode()
    assert '<div class="res-text" lang="en">' in page
    assert '<p class="para-text" lang="en">' in page


# --- Exports, feed, browsing -----------------------------------------------------------------------

AKN = "{http://docs.oasis-open.org/legaldocml/ns/akn/3.0}"


def test_akoma_ntoso_export_has_preface_preamble_and_numbered_paragraphs(client, chinese):
    response = client.get("/A/RES/67/161/zh/akn.xml")
    assert response["Content-Type"] == "application/akn+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    statement = root.find(f"{AKN}statement")
    assert statement.get("name") == "resolution"
    assert statement.find(f"{AKN}preface//{AKN}docNumber").text == "A/RES/67/161"
    assert statement.find(f"{AKN}preface//{AKN}docDate").get("date") == "2012-12-20"
    assert statement.find(f".//{AKN}FRBRWork/{AKN}FRBRthis").get("value") == (
        "/akn/un/statement/deliberation/unga/2012-12-20/67-161/!main"
    )
    assert statement.find(f".//{AKN}FRBRExpression/{AKN}FRBRlanguage").get("language") == "zho"
    assert len(statement.findall(f"{AKN}preamble/{AKN}container")) == 10
    paragraphs = statement.findall(f"{AKN}mainBody/{AKN}paragraph")
    assert [p.get("eId") for p in paragraphs][:3] == ["para_1", "para_2", "para_3"]
    assert len(paragraphs) == 41
    para_7 = statement.find(f"{AKN}mainBody/{AKN}paragraph[@eId='para_7']")
    assert para_7.find(f"{AKN}num").text == "7."
    assert "".join(para_7.find(f"{AKN}content/{AKN}p").itertext()) == OP7_67_161
    note = statement.find(f"{AKN}mainBody/{AKN}paragraph[@eId='para_3']//{AKN}authorialNote")
    assert note.get("marker") == "5"
    assert "".join(note.itertext()) == "联合国，《条约汇编》，第 2375 卷，第 24841 号。"


def test_akoma_ntoso_references_point_where_the_page_does(client, series):
    root = ET.fromstring(client.get("/A/RES/79/160/en/akn.xml").content)
    para_3 = root.find(f".//{AKN}mainBody/{AKN}paragraph[@eId='para_3']")
    refs = para_3.findall(f".//{AKN}ref")
    assert [ref.get("href") for ref in refs] == ["http://testserver/A/RES/78/190/en/"]


def test_search_results_as_csv_one_row_per_paragraph_with_its_permanent_link(client, search_index, chinese):
    import csv
    import io

    response = client.get("/search.csv", {"q": "国家防范机制"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    expected = Paragraph.objects.filter(text__contains="国家防范机制").order_by("resolution__symbol", "position")
    assert sorted((row["symbol"], row["eid"]) for row in rows) == sorted((p.resolution.symbol, p.eid) for p in expected)
    assert len(rows) == expected.count() > 1
    op3 = next(row for row in rows if row["eid"] == "op3" and row["symbol"] == "A/RES/67/161")
    assert op3["url"] == "http://testserver/A/RES/67/161/zh/op3"
    assert op3["citation_zh"] == "大会第 67/161 号决议，执行部分第 3 段"
    assert op3["citation_en"] == "General Assembly resolution 67/161, operative paragraph 3"
    assert op3["adopted_on"] == "2012-12-20"
    assert op3["text"] == Paragraph.objects.get(resolution__symbol="A/RES/67/161", eid="op3").text


def test_atom_feed_lists_new_resolutions_newest_first(client, chinese):
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = feed.findall(f"{atom}entry")
    assert [e.find(f"{atom}link").get("href") for e in entries] == [
        "http://testserver/A/HRC/RES/45/32/zh/",
        "http://testserver/A/RES/67/161/zh/",
    ]
    assert entries[1].find(f"{atom}title").text == "A/RES/67/161 (zh) 酷刑和其他残忍、不人道或有辱人格的待遇或处罚"


def test_home_page_counts_by_body_language_and_session(client, chinese, series):
    page = client.get("/").content.decode()
    assert '<a href="/browse/ga/">General Assembly</a> <span class="count">3</span>' in page
    assert '<a href="/browse/hrc/">Human Rights Council</a> <span class="count">1</span>' in page
    assert '<li>English <span class="count">2</span></li>' in page
    assert '<li>中文 <span class="count">2</span></li>' in page
    assert '<a href="/browse/ga/67/">67 <span class="count">1</span></a>' in page
    assert '<a href="/browse/year/2012/">2012 <span class="count">1</span></a>' in page
    latest = re.findall(r'class="res-list-symbol" href="([^"]+)"', page)
    assert latest == ["/A/RES/78/190/en/", "/A/RES/79/160/en/", "/A/HRC/RES/45/32/zh/", "/A/RES/67/161/zh/"]


def test_lists_by_body_session_and_year_paginate(client, chinese, series, monkeypatch):
    from resolutions import views

    page = client.get("/browse/ga/").content.decode()
    assert re.findall(r'class="res-list-symbol" href="([^"]+)"', page) == [
        "/A/RES/79/160/en/",
        "/A/RES/78/190/en/",
        "/A/RES/67/161/zh/",
    ]
    page = client.get("/browse/hrc/45/").content.decode()
    assert re.findall(r'class="res-list-symbol" href="([^"]+)"', page) == ["/A/HRC/RES/45/32/zh/"]
    assert client.get("/browse/GA/").headers["Location"] == "/browse/ga/"
    assert client.get("/browse/ga/12/").status_code == 404

    monkeypatch.setattr(views, "PER_PAGE", 2)
    first = client.get("/browse/ga/").content.decode()
    second = client.get("/browse/ga/?page=2").content.decode()
    assert re.findall(r'class="res-list-symbol" href="([^"]+)"', first) == ["/A/RES/79/160/en/", "/A/RES/78/190/en/"]
    assert re.findall(r'class="res-list-symbol" href="([^"]+)"', second) == ["/A/RES/67/161/zh/"]
    assert 'href="?page=2"' in first
    page = client.get("/browse/year/2024/").content.decode()
    assert re.findall(r'class="res-list-symbol" href="([^"]+)"', page) == ["/A/RES/79/160/en/"]


def test_document_text_is_escaped_on_the_pages(client, chinese):
    paragraph = Paragraph.objects.get(resolution__symbol="A/RES/67/161", eid="op7")
    paragraph.text = '<script>alert(1)</script> onerror="x" &lt;'
    paragraph.save()
    for url in ("/A/RES/67/161/zh/", "/A/RES/67/161/zh/op7", "/A/RES/67/161/zh/op8"):
        page = client.get(url).content.decode()
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; onerror=&quot;x&quot; &amp;lt;" in page


def test_every_paragraph_offers_its_permanent_link_names_and_citation(client, chinese, series):
    """The number, the ¶ anchor, the copy button and the cite box of each paragraph name that paragraph."""
    for resolution in (chinese["A_RES_67_161.txt"], series[0]):
        page = client.get(resolution.get_absolute_url()).content.decode()
        paragraphs = list(resolution.paragraphs.all())
        assert len(paragraphs) == page.count('<div class="para para-')
        for paragraph in paragraphs:
            url = paragraph.get_absolute_url()
            title = f"{paragraph_label_zh(paragraph)} · {paragraph_label_en(paragraph)}"
            assert f'<a class="para-num" href="{url}" title="{title}">' in page
            assert f'<a class="anchor" href="#{paragraph.slug}" title="{title}">' in page
            assert f'data-copy="http://testserver{url}"' in page
            box = element_text(page, rf'<div class="cite-box" id="cite-{re.escape(paragraph.slug)}">(.*?)<button')
            assert box == (
                f"{citation_zh(resolution, paragraph)}，http://testserver{url}\n"
                f"    {citation_en(resolution, paragraph)}, http://testserver{url}"
            )
    item = Paragraph.objects.get(resolution=series[0], eid="op54(a)")
    assert '<a class="para-num" href="/A/RES/78/190/en/op54a" title="执行部分第 54 段(a)分段 · operative paragraph 54 (a)">' in (
        client.get("/A/RES/78/190/en/").content.decode()
    )
    assert item.get_absolute_url() == "/A/RES/78/190/en/op54a"
