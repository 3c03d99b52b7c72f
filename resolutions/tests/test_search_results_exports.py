"""A results page a researcher can keep (issue 15): its Atom feed of the newest matching paragraphs, and its
resolutions as RIS and BibTeX records for citation managers. On the real texts, both engines (`search_engine`)."""
from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from xml.etree import ElementTree as ET

import pytest

from resolutions.models import Paragraph, Resolution
from resolutions.search.engine import Filters
from resolutions.tests.search_fixtures import DATA, SEED_TEXTS, ingest_file, search_engine, search_index, search_index_dir  # noqa: F401
from resolutions.tests.search_reference import brute_force

pytestmark = pytest.mark.django_db
ATOM = {"a": "http://www.w3.org/2005/Atom"}
ENGLISH_TEXTS = ("A_RES_78_171.txt", "A_RES_78_190.txt", "A_RES_78_220.txt")
SITE = "http://testserver"


@pytest.fixture
def archive(search_engine):
    for name in (*SEED_TEXTS, *ENGLISH_TEXTS):
        ingest_file(DATA / name)
    return search_engine


def newest_first(ids: set[int]) -> list[Paragraph]:
    """The contract's date order, computed here from the database: newest adopted, then symbol, language, position."""
    paragraphs = Paragraph.objects.filter(pk__in=ids).select_related("resolution")
    return sorted(paragraphs, key=lambda p: (-p.resolution.adopted_on.toordinal(), p.resolution.symbol, p.resolution.language, p.position))


def feed(client, params: dict) -> ET.Element:
    response = client.get("/search/feed/", params)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_feed_of_a_query_lists_its_newest_paragraphs_with_absolute_ids_and_dates(archive, client):
    expected = newest_first(brute_force("torture"))
    assert [p.eid for p in expected] == ["op9", "op12", "op13", "op28"]  # of 78/220, the one text naming torture
    root = feed(client, {"q": "torture", "page": "2", "sort": "relevance"})
    entries = root.findall("a:entry", ATOM)
    assert [e.findtext("a:id", namespaces=ATOM) for e in entries] == [SITE + p.get_absolute_url() for p in expected]
    assert [e.find("a:link", ATOM).get("href") for e in entries] == [SITE + p.get_absolute_url() for p in expected]
    assert [e.findtext("a:summary", namespaces=ATOM) for e in entries] == [p.text for p in expected]
    first = expected[0]
    assert entries[0].findtext("a:title", namespaces=ATOM).startswith(f"{first.resolution.symbol} · operative paragraph {first.number}")
    for entry, paragraph in zip(entries, expected):
        updated = datetime.fromisoformat(entry.findtext("a:updated", namespaces=ATOM))
        assert updated >= datetime.fromisoformat(f"{paragraph.resolution.adopted_on.isoformat()}T00:00:00+00:00")
        assert entry.findtext("a:published", namespaces=ATOM).startswith(paragraph.resolution.adopted_on.isoformat())
    # The feed itself: its id and self link are this feed's absolute address (the page and sort left out), its
    # alternate link the results page, its updated date the newest entry's.
    assert root.findtext("a:id", namespaces=ATOM) == SITE + "/search/feed/?q=torture"
    links = {link.get("rel"): link.get("href") for link in root.findall("a:link", ATOM)}
    assert links == {"self": SITE + "/search/feed/?q=torture", "alternate": SITE + "/search/?q=torture"}
    newest = max(datetime.fromisoformat(e.findtext("a:updated", namespaces=ATOM)) for e in entries)
    assert datetime.fromisoformat(root.findtext("a:updated", namespaces=ATOM)) == newest
    assert "torture" in root.findtext("a:title", namespaces=ATOM)


def test_feed_keeps_the_filters_and_gives_the_newest_fifty(archive, client):
    expected = newest_first(brute_force("rights", Filters(kind=("operative",))))
    assert len(expected) == 59  # more than the feed holds: it gives the newest 50
    root = feed(client, {"q": "rights", "kind": "operative"})
    ids = [e.findtext("a:id", namespaces=ATOM) for e in root.findall("a:entry", ATOM)]
    assert ids == [SITE + p.get_absolute_url() for p in expected[:50]]
    assert ids[0] == SITE + "/A/RES/78/171/en/op1"  # three texts of one day: by symbol, then in the text's order


def test_feed_of_a_chinese_query_names_the_paragraph_in_chinese(archive, client):
    expected = newest_first(brute_force("人权理事会"))
    root = feed(client, {"q": "人权理事会"})
    entries = root.findall("a:entry", ATOM)
    assert [e.findtext("a:id", namespaces=ATOM) for e in entries] == [SITE + p.get_absolute_url() for p in expected]
    assert len(entries) == 10 and expected[0].resolution.symbol == "A/HRC/RES/45/32"
    assert entries[0].findtext("a:title", namespaces=ATOM).startswith(f"A/HRC/RES/45/32 · {'序言部分' if expected[0].kind == 'preambular' else '执行部分'}第 {expected[0].number} 段 · 加强人权领域")


def test_results_page_links_its_feed_and_exports(archive, client):
    page = client.get("/search/", {"q": "torture", "kind": "operative", "page": "1"}).content.decode()
    alternate = re.search(r'<link rel="alternate" type="application/atom\+xml" title="此搜索的最新段落[^"]*" href="([^"]+)">', page)
    assert unescape(alternate.group(1)) == "/search/feed/?q=torture&kind=operative"
    assert unescape(re.search(r'<a class="search-feed" href="([^"]+)"', page).group(1)) == "/search/feed/?q=torture&kind=operative"
    assert unescape(re.search(r'<a class="export-ris" href="([^"]+)"', page).group(1)) == "/search.ris?q=torture&kind=operative"
    assert unescape(re.search(r'<a class="export-bibtex" href="([^"]+)"', page).group(1)) == "/search.bib?q=torture&kind=operative"


@pytest.mark.parametrize("q", ["", '"', "-人权", "人" * 500, "torture " * 70, "\x00<&>"])
def test_feed_of_an_odd_query_is_a_valid_feed(archive, client, q):
    root = feed(client, {"q": q})
    assert root.findtext("a:id", namespaces=ATOM).startswith(SITE + "/search/feed/")
    assert root.findtext("a:updated", namespaces=ATOM)
    expected = newest_first(brute_force(q))[:50]
    assert [e.findtext("a:id", namespaces=ATOM) for e in root.findall("a:entry", ATOM)] == [SITE + p.get_absolute_url() for p in expected]


def test_feed_of_a_refused_prefix_is_a_clear_400(archive, client):
    response = client.get("/search/feed/", {"q": "t*"})
    assert response.status_code == 400
    assert "The prefix “t*” is too short" in response.content.decode()


def ris_records(content: bytes) -> list[dict[str, list[str]]]:
    records, current = [], {}
    for line in content.decode().split("\r\n"):
        if not line:
            continue
        tag, value = line[:2], line[6:]
        if tag == "ER":
            records.append(current)
            current = {}
        else:
            current.setdefault(tag, []).append(value)
    return records


def test_ris_has_one_record_per_resolution_with_its_citation(archive, client):
    response = client.get("/search.ris", {"q": "人权"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="search-results.ris"'
    records = ris_records(b"".join(response.streaming_content))
    # 人权 is in both Chinese texts (33 paragraphs), newest first; the English ones hold no Chinese.
    assert [r["M1"] for r in records] == [["A/HRC/RES/45/32"], ["A/RES/67/161"]]
    hrc, ga = (Resolution.objects.get(symbol=s, language="zh") for s in ("A/HRC/RES/45/32", "A/RES/67/161"))
    assert records[0] == {
        "TY": ["GOVDOC"], "TI": [hrc.title], "AU": ["United Nations. Human Rights Council"], "PB": ["United Nations"],
        "PY": [f"{hrc.adopted_on:%Y}"], "DA": [f"{hrc.adopted_on:%Y/%m/%d}/"], "LA": ["zh"], "M1": ["A/HRC/RES/45/32"],
        "UR": [SITE + hrc.get_absolute_url()], **({"AN": [hrc.job_number]} if hrc.job_number else {}),
    }
    assert records[1]["AU"] == ["United Nations. General Assembly"] and records[1]["TI"] == [ga.title] == ["酷刑和其他残忍、不人道或有辱人格的待遇或处罚"]
    assert records[1]["DA"] == ["2012/12/20/"] and records[1]["UR"] == [SITE + "/A/RES/67/161/zh/"] and records[1]["AN"] == ["12-48825"]


def test_ris_of_an_english_query_lists_each_resolution_once_though_many_paragraphs_match(archive, client):
    matched = newest_first(brute_force("States"))
    symbols = list(dict.fromkeys(p.resolution.symbol for p in matched))
    assert len(matched) > 3 * len(symbols)
    records = ris_records(b"".join(client.get("/search.ris", {"q": "States"}).streaming_content))
    assert [r["M1"][0] for r in records] == symbols == ["A/RES/78/171", "A/RES/78/190", "A/RES/78/220"]
    assert {r["LA"][0] for r in records} == {"en"}


def test_bibtex_keys_are_stable_and_unique_and_fields_escaped(archive, client):
    response = client.get("/search.bib", {"q": "States OR 人权"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    keys = re.findall(r"^@misc\{([^,]+),$", text, re.M)
    assert keys == ["un_a_res_78_171_en", "un_a_res_78_190_en", "un_a_res_78_220_en", "un_a_hrc_res_45_32_zh", "un_a_res_67_161_zh"]
    entry = text.split("@misc{un_a_res_78_220_en,\n", 1)[1].split("\n}\n", 1)[0]
    resolution = Resolution.objects.get(symbol="A/RES/78/220", language="en")
    fields = dict(re.findall(r"^  (\w+) = \{(.*)\},?$", entry, re.M))
    assert fields["author"] == "{United Nations. General Assembly}"
    assert fields["title"] == "{" + resolution.title + "}"
    assert fields["number"] == "A/RES/78/220" and fields["date"] == "2023-12-19" and fields["year"] == "2023"
    assert fields["language"] == "en" and fields["url"] == SITE + "/A/RES/78/220/en/"
    assert fields["note"] == "UN document 23-25993"
    # The same search gives the same keys (they are the symbol's, not a counter's).
    again = b"".join(client.get("/search.bib", {"q": "States OR 人权"}).streaming_content).decode()
    assert re.findall(r"^@misc\{([^,]+),$", again, re.M) == keys


def test_bibtex_escapes_what_latex_would_read_as_commands():
    from resolutions.exports import bibtex_text

    assert bibtex_text("Rights & duties: 100% {of} #1_a $x\\y ~z^") == r"Rights \& duties: 100\% \{of\} \#1\_a \$x\textbackslash{}y \~{}z\^{}"


def test_exports_of_a_refused_prefix_are_a_clear_400(archive, client):
    for address in ("/search.ris", "/search.bib"):
        response = client.get(address, {"q": "t*"})
        assert response.status_code == 400
        assert "The prefix “t*” is too short" in response.content.decode()
