"""Reading a resolution's language versions: the per-paragraph switch, sibling permanent links, the page with
two languages side by side, the notice when the numbering differs, the JSON view and the AKN export, and
cross-references landing in the reader's language.

Material: the Universal Declaration, Chinese PDF and English udhr XML (resolutions/tests/data); 79/160 citing
78/190 (English texts) with Chinese stand-ins stored through the same service, labelled as such.
"""
from __future__ import annotations

import html
import re
from xml.etree import ElementTree as ET

import pytest
from django.utils.html import strip_tags

from resolutions.models import Reference, Resolution
from resolutions.parsing import Body, Kind, ParsedParagraph, ParsedReference, ParsedResolution
from resolutions.services import delete_resolution, ingest_resolution
from resolutions.tests.conftest import DATA
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


def ingest(name: str, source: bytes | None = None):
    return ingest_resolution(source=source if source is not None else (DATA / name).read_bytes(), filename=name)


@pytest.fixture
def declaration():
    """The declaration in Chinese and English; returns (zh, en) and the address of article 19 in each."""
    chinese = ingest(UDHR_ZH).resolution
    english = ingest(UDHR_EN).resolution
    return chinese, english


@pytest.fixture
def misnumbered():
    chinese = ingest(UDHR_ZH).resolution
    english = ingest(UDHR_EN, english_udhr(_renumber_from_article_5)).resolution
    return chinese, english


def text_of(fragment: str) -> str:
    return html.unescape(strip_tags(fragment)).strip()


def block(page: str, element_id: str) -> str:
    """The HTML of the paragraph whose element id is `element_id`, up to the next paragraph."""
    found = re.search(rf'<div class="para [^"]*" id="{re.escape(element_id)}">(.*?)(?=<div class="para |</section>)', page, re.DOTALL)
    assert found is not None, f"no paragraph {element_id} on the page"
    return found.group(1)


def own_text(fragment: str) -> str:
    return text_of(re.search(r'<p class="para-text" lang="[^"]+">(.*?)</p>', fragment, re.DOTALL).group(1))


# --- One language, with a switch on every paragraph ---------------------------------------------------


def test_every_paragraph_carries_its_sibling_text_and_permanent_link(client, declaration):
    chinese, english = declaration
    article_19 = chinese.paragraphs.get(text=ARTICLE_19_ZH)
    page = client.get(f"/{SYMBOL}/zh/").content.decode()
    assert len(re.findall(r'<details class="para-sibling" data-language="en"[^>]*>', page)) == 58  # 8 preambular, 50 in the articles
    here = block(page, article_19.slug)
    assert own_text(here) == ARTICLE_19_ZH
    sibling = re.search(r'<details class="para-sibling" data-language="en"[^>]*>(.*?)</details>', here, re.DOTALL).group(1)
    assert text_of(re.search(r'<p class="para-text sibling-text" lang="en">(.*?)</p>', sibling, re.DOTALL).group(1)) == (
        ARTICLE_19_EN
    )
    assert f'<a href="/{SYMBOL}/en/{article_19.slug}" hreflang="en" lang="en">{SYMBOL}/en/{article_19.slug}</a>' in sibling
    assert "not paired" not in page  # every paragraph pairs: no notice, no unpaired mark
    assert 'id="alignment-notice"' not in page
    # The header offers the English text beside this one.
    assert f'<a class="beside-link" href="/{SYMBOL}/zh/?beside=en" hreflang="en">' in page


def test_a_paragraph_page_links_its_siblings_both_ways(client, declaration):
    chinese, english = declaration
    eid = chinese.paragraphs.get(text=ARTICLE_19_ZH).slug
    zh_page = client.get(f"/{SYMBOL}/zh/{eid}").content.decode()
    en_page = client.get(f"/{SYMBOL}/en/{eid}").content.decode()
    assert f'<link rel="alternate" hreflang="en" href="http://testserver/{SYMBOL}/en/{eid}">' in zh_page
    assert f'<link rel="alternate" hreflang="zh-Hans" href="http://testserver/{SYMBOL}/zh/{eid}">' in en_page
    assert f'<a class="lang-other" lang="en" hreflang="en" href="/{SYMBOL}/en/{eid}">English</a>' in zh_page
    assert f'<a class="lang-other" lang="zh-Hans" hreflang="zh-Hans" href="/{SYMBOL}/zh/{eid}">中文</a>' in en_page
    focus = re.search(r'<div class="para para-[a-z]+ para-focus" id="[^"]+">(.*?)(?=<div class="para |<p class="in-context")', en_page, re.DOTALL).group(1)
    assert own_text(focus) == ARTICLE_19_EN
    assert ARTICLE_19_ZH in text_of(re.search(r'<details class="para-sibling" data-language="zh"[^>]*>(.*?)</details>', focus, re.DOTALL).group(1))


# --- Two languages side by side ------------------------------------------------------------------------


def test_side_by_side_puts_each_paragraph_beside_its_sibling(client, declaration):
    chinese, english = declaration
    response = client.get(f"/{SYMBOL}/zh/?beside=en")
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<link rel="canonical" href="http://testserver/{SYMBOL}/zh/">' in page  # the permanent link stays
    pairs = re.findall(
        r'<div class="para [^"]*" id="([^"]+)">.*?<p class="para-text" lang="zh-Hans">(.*?)</p>.*?'
        r'<div class="para [^"]*" id="en-([^"]+)">.*?<p class="para-text" lang="en">(.*?)</p>',
        page,
        re.DOTALL,
    )
    assert len(pairs) == 58
    assert all(zh_id == en_id for zh_id, _, en_id, _ in pairs)
    by_text = {text_of(zh): text_of(en) for _, zh, _, en in pairs}
    assert by_text[ARTICLE_19_ZH] == ARTICLE_19_EN
    assert by_text[ARTICLE_5_ZH] == ARTICLE_5_EN
    assert 'class="no-counterpart"' not in page
    # The English column's element ids never collide with the Chinese ones.
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    # From here the header switches to the English page with the Chinese beside it, or back to one language.
    assert f'href="/{SYMBOL}/en/?beside=zh">English</a>' in page
    assert f'<a class="beside-single" href="/{SYMBOL}/zh/">' in page
    assert '<div class="parallel-toggle" role="group" aria-label="显示的语文 Languages shown" hidden>' in page


def test_side_by_side_with_a_language_not_held_returns_to_the_page_saying_so(client, declaration):
    response = client.get(f"/{SYMBOL}/zh/?beside=fr", follow=True)
    assert response.redirect_chain == [(f"/{SYMBOL}/zh/", 302)]
    assert "The archive holds no French text of A/RES/217(III) to show beside it." in response.content.decode()
    assert client.get(f"/{SYMBOL}/zh/?beside=zh")["Location"] == f"/{SYMBOL}/zh/"
    assert client.get(f"/{SYMBOL}/zh/?beside=xx")["Location"] == f"/{SYMBOL}/zh/"


# --- Numbered differently: said on both pages, not mispaired --------------------------------------------


def test_a_misnumbered_version_is_flagged_on_both_pages_and_side_by_side_pairs_nothing_wrong(client, misnumbered):
    chinese, english = misnumbered
    zh_article_5 = chinese.paragraphs.get(text=ARTICLE_5_ZH)
    en_article_5 = english.paragraphs.get(text=ARTICLE_5_EN)
    zh_articles = [p.eid for p in chinese.paragraphs.exclude(kind="preambular")]
    for language in ("zh", "en"):
        page = client.get(f"/{SYMBOL}/{language}/").content.decode()
        notice = re.search(r'<section class="alignment-notice".*?</section>', page, re.DOTALL)
        assert notice is not None, language
        assert "The language versions are numbered differently" in notice.group(0)
    zh_page = client.get(f"/{SYMBOL}/zh/").content.decode()
    notice = text_of(re.search(r'<ul class="alignment-unpaired">(.*?)</ul>', zh_page, re.DOTALL).group(1))
    assert notice == "未与英文本配对 Not paired with the English text: " + ", ".join(zh_articles[5:])
    here = block(zh_page, zh_article_5.slug)
    assert 'class="para-sibling"' not in here
    assert "未与英文本配对 Not paired with the English text" in text_of(here)

    page = client.get(f"/{SYMBOL}/zh/?beside=en").content.decode()
    rows = re.findall(r'<div class="parallel-row[^"]*">(.*?)(?=<div class="parallel-row|</section>)', page, re.DOTALL)
    beside = {}
    for row in rows:
        zh = re.search(r'<p class="para-text" lang="zh-Hans">(.*?)</p>', row, re.DOTALL)
        en = re.search(r'<p class="para-text" lang="en">(.*?)</p>', row, re.DOTALL)
        if zh:
            beside[text_of(zh.group(1))] = text_of(en.group(1)) if en else None
        elif en:
            assert "no-counterpart" in row
    assert beside[ARTICLE_5_ZH] is None
    assert beside[chinese.paragraphs.get(eid=en_article_5.eid).text] is None  # article 6 not beside article 5's text
    assert beside[chinese.paragraphs.get(kind="preambular", number=1).text].startswith("Whereas recognition")
    assert sum(1 for value in beside.values() if value is not None) == 13  # 8 preambular + articles 1-4 (5 paragraphs)


# --- JSON and Akoma Ntoso ----------------------------------------------------------------------------------


def test_the_json_view_shows_each_paragraphs_siblings_and_the_alignment(client, declaration):
    chinese, english = declaration
    data = client.get(f"/api/resolutions/{SYMBOL}?lang=zh").json()
    assert data["languages"] == ["en", "zh"]
    assert data["work"] == {
        "symbol": SYMBOL,
        "url": f"http://testserver/{SYMBOL}/",
        "versions": {"zh": f"http://testserver/{SYMBOL}/zh/", "en": f"http://testserver/{SYMBOL}/en/"},
        "alignment": "aligned",
        "mismatches": [],
    }
    article_19 = next(p for p in data["paragraphs"] if p["text"] == ARTICLE_19_ZH)
    assert article_19["siblings"] == {
        "en": {"eid": article_19["eid"], "url": f"http://testserver/{SYMBOL}/en/{chinese.paragraphs.get(text=ARTICLE_19_ZH).slug}"}
    }
    assert all(set(p["siblings"]) == {"en"} for p in data["paragraphs"])
    english_data = client.get(f"/api/resolutions/{SYMBOL}?lang=en").json()
    assert next(p for p in english_data["paragraphs"] if p["text"] == ARTICLE_19_EN)["siblings"]["zh"]["eid"] == (
        article_19["eid"]
    )
    assert client.get(f"/api/resolutions/{SYMBOL}?lang=fr").status_code == 404
    assert client.get(f"/api/resolutions/{SYMBOL}?lang=xx").json()["error"] == (
        "unknown language 'xx'; use one of zh, en, fr, es, ru, ar"
    )


def test_the_json_view_of_a_misnumbered_work_lists_the_mismatches(client, misnumbered):
    data = client.get(f"/api/resolutions/{SYMBOL}?lang=en").json()
    assert data["work"]["alignment"] == "mismatched"
    only_in = next(m for m in data["work"]["mismatches"] if m["problem"] == "only_in")
    assert only_in["description"]["en"].startswith("article paragraphs: only in the Chinese text: art_5/para_1, ")
    article_5 = next(p for p in data["paragraphs"] if p["text"] == ARTICLE_5_EN)
    assert article_5["siblings"] == {}


def test_the_akn_export_carries_the_alignment(client, declaration):
    chinese, _ = declaration
    response = client.get(f"/{SYMBOL}/zh/akn.xml")
    root = ET.fromstring(response.content)
    ns = {"akn": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0", "arc": "urn:resolution-archive:versions"}
    versions = root.find("akn:statement/akn:meta/akn:proprietary/arc:versions", ns)
    assert (versions.get("work"), versions.get("alignment")) == (SYMBOL, "aligned")
    assert [(v.get("language"), v.get("href")) for v in versions.findall("arc:version", ns)] == [
        ("zho", f"http://testserver/{SYMBOL}/zh/akn.xml"),
        ("eng", f"http://testserver/{SYMBOL}/en/akn.xml"),
    ]
    paragraphs = versions.findall("arc:paragraph", ns)
    assert len(paragraphs) == 58
    slug = chinese.paragraphs.get(text=ARTICLE_19_ZH).slug
    article_19 = next(p for p in paragraphs if p.get("href").endswith(f"/zh/{slug}"))
    sibling = article_19.find("arc:sibling", ns)
    assert (sibling.get("language"), sibling.get("eid"), sibling.get("href")) == (
        "eng",
        article_19.get("eid"),
        f"http://testserver/{SYMBOL}/en/{slug}",
    )


# --- Cross-references land in the reader's language ---------------------------------------------------------


def _chinese_stand_in(symbol: str, number: str, title: str, cites: str | None = None) -> ParsedResolution:
    """A stand-in Chinese version (the corpus holds these resolutions in English only), one paragraph."""
    cited = f"第 {cites.split('/', 2)[2]} 号决议" if cites else ""
    text = f"替代文本：注意到其{cited}；" if cites else "替代文本。"
    start = text.find(cited)
    references = (ParsedReference(symbol=cites, start=start, end=start + len(cited)),) if cites else ()
    return ParsedResolution(
        symbol=symbol,
        language="zh",
        body=Body.GENERAL_ASSEMBLY,
        session=number.split("/")[0],
        number=number.split("/")[1],
        title=title,
        opening="大会，",
        paragraphs=(ParsedParagraph(Kind.OPERATIVE, 3, text, references=references),),
    )


def test_cross_references_land_in_the_readers_language_when_held_else_in_the_one_that_is(client):
    ingest("A_RES_78_190.txt")
    ingest("A_RES_79_160.txt")
    ingest_resolution(source=b"stand-in 79/160", filename="79_160_zh.txt",
                      parsed=_chinese_stand_in("A/RES/79/160", "79/160", "替代", cites="A/RES/78/190"))
    link = r'<a class="ref" href="([^"]+)" title="A/RES/78/190">'
    # Only the English 78/190 is held: the Chinese reader lands there.
    assert re.search(link, client.get("/A/RES/79/160/zh/").content.decode()).group(1) == "/A/RES/78/190/en/"
    chinese_78_190 = ingest_resolution(source=b"stand-in 78/190", filename="78_190_zh.txt",
                                       parsed=_chinese_stand_in("A/RES/78/190", "78/190", "替代")).resolution
    assert re.search(link, client.get("/A/RES/79/160/zh/").content.decode()).group(1) == "/A/RES/78/190/zh/"
    assert re.search(link, client.get("/A/RES/79/160/en/").content.decode()).group(1) == "/A/RES/78/190/en/"
    # Even a reference whose stored target is the other version lands in the reader's language.
    Reference.objects.filter(paragraph__resolution__language="zh", target_symbol="A/RES/78/190").update(
        target=Resolution.objects.get(symbol="A/RES/78/190", language="en")
    )
    assert re.search(link, client.get("/A/RES/79/160/zh/").content.decode()).group(1) == "/A/RES/78/190/zh/"
    delete_resolution(chinese_78_190)
    assert re.search(link, client.get("/A/RES/79/160/zh/").content.decode()).group(1) == "/A/RES/78/190/en/"


def test_citations_of_an_article_land_in_the_readers_language_when_held_else_in_the_one_that_is(client):
    """79/175 (English) cites article 12 of the Declaration: the Chinese article while only it is held, the English
    one once it is, the Chinese again when the English is withdrawn; the citation of the whole Declaration too."""
    ingest("A_RES_79_175.txt")
    ingest(UDHR_ZH)
    article = r'<a class="ref" href="([^"]+)" title="《世界人权宣言》第 12 条 · Universal Declaration of Human Rights, article 12">'
    whole = r'<a class="ref" href="([^"]+)" title="A/RES/217\(III\)">'

    def links() -> tuple[set[str], set[str]]:
        page = client.get("/A/RES/79/175/en/").content.decode()
        return set(re.findall(article, page)), set(re.findall(whole, page))

    assert links() == ({f"/{SYMBOL}/zh/art_12"}, {f"/{SYMBOL}/zh/"})
    english = ingest(UDHR_EN).resolution
    assert links() == ({f"/{SYMBOL}/en/art_12"}, {f"/{SYMBOL}/en/"})
    delete_resolution(english)
    assert links() == ({f"/{SYMBOL}/zh/art_12"}, {f"/{SYMBOL}/zh/"})
