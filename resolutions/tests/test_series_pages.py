"""Series pages and JSON, on real texts ingested through the archive's own service.

English: 78/224 and 79/187 (Reducing reoffending), whose pairing is written down by hand in
data/series_expected/; 78/223 and 79/186 (a softened verb). Chinese: the corpus holds no Chinese pair, so
the Chinese series is Human Rights Council resolution 45/32 and a successor made from it in the test the way
negotiators would make one (a new paragraph recalling 45/32, 吁请 hardened to 敦促, a recorded vote).
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.utils.html import strip_tags

from resolutions.models import SeriesMember
from resolutions.services import ingest_resolution

DATA = Path(__file__).parent / "data"
SERIES = Path(__file__).parent / "corpus" / "en"  # the whole English corpus (its README)
EXPECTED = DATA / "series_expected"


def ingest(path: Path, source: bytes | None = None, name: str | None = None):
    return ingest_resolution(source=path.read_bytes() if source is None else source, filename=name or path.name).resolution


@pytest.fixture
def reoffending(db):
    return ingest(SERIES / "A_RES_78_224.txt"), ingest(SERIES / "A_RES_79_187.txt")


def successor_of_45_32() -> bytes:
    text = (DATA / "A_HRC_RES_45_32.txt").read_text(encoding="utf-8")
    text = text.replace("45/32.", "48/32.").replace("第四十五届会议", "第四十八届会议")
    text = text.replace("2020 年 9 月 14 日至 10 月 7 日", "2021 年 9 月 13 日至 10 月 11 日")
    text = text.replace("2020 年 10 月 7 日通过的决议", "2021 年 10 月 8 日通过的决议").replace("2020 年 10 月 7 日 \n", "2021 年 10 月 8 日 \n")
    text = text.replace(
        " 回顾人权理事会关于加强人权领域的技术合作和能力建设",
        " 回顾理事会 2020 年 10 月 7 日第 45/32 号决议， \n\n 回顾人权理事会关于加强人权领域的技术合作和能力建设",
    )
    text = text.replace("14. 吁请各国、国际人权机构", "14. 敦促各国、国际人权机构")
    text = text.replace("[未经表决获得通过。]", "[以 30 票对 0 票、17 票弃权的记录表决通过。]")
    return text.encode("utf-8")


@pytest.fixture
def chinese_series(db):
    earlier = ingest(DATA / "A_HRC_RES_45_32.txt")
    later = ingest(DATA / "A_HRC_RES_45_32.txt", successor_of_45_32(), "A_HRC_RES_48_32.txt")
    return earlier, later


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(strip_tags(fragment)).split())


def rows_of(page: str) -> list[tuple[str, str]]:
    """(class, id) of every row of the comparison, in order."""
    return re.findall(r'<li class="change change-(\w+)[^"]*" id="([^"]+)">', page)


def row_html(page: str, row_id: str) -> str:
    found = re.search(rf'<li class="change [^"]*" id="{re.escape(row_id)}">(.*?)</li>', page, re.DOTALL)
    assert found is not None, row_id
    return found.group(1)


def test_the_what_changed_page_pairs_summarises_and_links_both_texts(client, reoffending):
    page = client.get("/A/RES/79/187/en/changes/").content.decode()
    assert text_of(re.search(r'<div class="changes-summary".*?</div>', page, re.DOTALL).group()) == (
        "新增序言部分段落 3 段，新增执行部分段落 2 段，删除 10 段，修改 4 段，移动 1 段，未改动 5 段。 "
        "3 new preambular paragraphs, 2 new operative paragraphs, 10 dropped, 4 changed, 1 moved, 5 unchanged."
    )
    written = json.loads((EXPECTED / "A_RES_78_224__A_RES_79_187.json").read_text(encoding="utf-8"))["rows"]
    assert rows_of(page) == [(row["change"], row["new"] or f"was-{row['old']}") for row in written]

    moved = row_html(page, "pp8")
    assert "原 <span lang=\"en\">was</span> pp6" in moved and "移动 <span lang=\"en\">moved</span>" in moved
    assert '<a class="change-old" href="/A/RES/78/224/en/pp6">A/RES/78/224 pp6</a>' in moved
    assert '<a class="change-new" href="/A/RES/79/187/en/pp8">A/RES/79/187 pp8</a>' in moved
    assert "<del>its resolution 77/232 of 15 December 2022, in which it requested the United Nations Office on Drugs and Crime </del>" in moved
    assert "<ins>on the topic, </ins>" in moved
    assert "held in Kyoto, <del>Japan</del><ins>Japa</ins>, from 7 to 12 March 2021" in row_html(page, "pp1")
    assert "<del>Encourages Member States to develop comprehensive strategies" in row_html(page, "was-op1")
    assert "<ins>Authorizes the open-ended intergovernmental expert group" in row_html(page, "op1")
    # Compared with the text just before: "first appeared" would only repeat the old link.
    assert "first appeared" not in row_html(page, "op3")


def test_the_resolution_page_links_previous_next_and_the_series_pages(client, reoffending):
    later = client.get("/A/RES/79/187/en/").content.decode()
    nav = re.search(r'<nav class="series".*?</nav>', later, re.DOTALL).group()
    assert '<a rel="prev" class="series-prev" href="/A/RES/78/224/en/">' in nav
    assert 'rel="next"' not in nav
    assert '<a class="series-changes" href="/A/RES/79/187/en/changes/">' in nav
    assert '<a class="series-timeline" href="/A/RES/79/187/en/series/">' in nav
    earlier = client.get("/A/RES/78/224/en/").content.decode()
    nav = re.search(r'<nav class="series".*?</nav>', earlier, re.DOTALL).group()
    assert '<a rel="next" class="series-next" href="/A/RES/79/187/en/">' in nav
    assert "series-changes" not in nav  # nothing earlier to compare with


def test_the_json_twin_gives_the_pairing_and_change_of_each_paragraph(client, reoffending):
    response = client.get("/api/resolutions/A/RES/79/187/changes?lang=en")
    assert response.status_code == 200
    body = response.json()
    assert (body["old"]["symbol"], body["new"]["symbol"]) == ("A/RES/78/224", "A/RES/79/187")
    written = json.loads((EXPECTED / "A_RES_78_224__A_RES_79_187.json").read_text(encoding="utf-8"))["rows"]
    assert [{k: row[k] for k in ("old", "new", "change", "moved")} for row in body["rows"]] == [
        {k: row[k] for k in ("old", "new", "change", "moved")} for row in written
    ]
    moved = next(row for row in body["rows"] if row["new"] == "pp8")
    assert moved["old_url"] == "http://testserver/A/RES/78/224/en/pp6"
    assert moved["new_url"] == "http://testserver/A/RES/79/187/en/pp8"
    assert {"op": "insert", "text": "on the topic, "} in moved["diff"]
    assert body["counts"]["new"] == 5 and body["counts_by_kind"]["operative"]["dropped"] == 9
    assert body["summary"]["en"].startswith("3 new preambular paragraphs, 2 new operative paragraphs, 10 dropped")


def test_a_softened_verb_is_named_on_the_page_and_in_the_json(client, db):
    ingest(SERIES / "A_RES_78_223.txt")
    ingest(SERIES / "A_RES_79_186.txt")
    page = client.get("/A/RES/79/186/en/changes/").content.decode()
    assert '<span class="verb-change verb-softened"><span lang="en">encourages → invites</span> 减弱 <span lang="en">softened</span></span>' in row_html(page, "op16")
    assert "1 softened verb" in page
    body = client.get("/api/resolutions/A/RES/79/186/changes").json()
    row = next(r for r in body["rows"] if r["new"] == "op16")
    assert (row["old"], row["verb"]) == ("op19", {"before": "encourages", "after": "invites", "direction": "softened"})


def test_any_two_texts_of_a_series_can_be_compared(client, reoffending):
    third = (SERIES / "A_RES_79_187.txt").read_text(encoding="utf-8")
    third = third.replace("A/RES/79/187", "A/RES/80/187").replace("79/187.", "80/187.").replace("17 December 2024", "15 December 2025")
    third = third.replace("Seventy-ninth session", "Eightieth session")
    ingest(SERIES / "A_RES_79_187.txt", third.encode(), "A_RES_80_187.txt")
    page = client.get("/A/RES/80/187/en/changes/?from=A/RES/78/224").content.decode()
    assert "<a href=\"/A/RES/78/224/en/\">A/RES/78/224</a> (2023)" in page
    assert '<option value="A/RES/78/224" selected>A/RES/78/224</option>' in page
    # Asked from the older text's page, the comparison lives at the newer one's.
    response = client.get("/A/RES/78/224/en/changes/?from=A/RES/80/187")
    assert (response.status_code, response["Location"]) == (302, "/A/RES/80/187/en/changes/?from=A/RES/78/224")
    # The default is the text just before, whose unchanged paragraphs first appeared earlier.
    page = client.get("/A/RES/80/187/en/changes/").content.decode()
    assert "A/RES/79/187</a> (2024)" in page and len(re.findall(r"change-unchanged", page)) == 14
    assert '<a class="change-first" href="/A/RES/78/224/en/op10">A/RES/78/224 op10</a>' in row_html(page, "op3")


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("/A/RES/78/224/en/changes/", 404, "A/RES/78/224 is the first of its series: there is no earlier text to compare it with."),
        ("/A/RES/79/187/en/changes/?from=A/RES/67/161", 404, "A/RES/67/161 is not another member of the series of A/RES/79/187."),
        ("/A/RES/79/187/en/changes/?from=A/RES/79/187", 404, "A/RES/79/187 is not another member of the series of A/RES/79/187."),
        ("/A/RES/99/1/en/changes/", 404, "The archive does not hold A/RES/99/1"),
        ("/A/RES/99/1/en/series/", 404, "The archive does not hold A/RES/99/1"),
    ],
)
def test_what_cannot_be_compared_is_a_404_that_says_why(client, reoffending, url, status, says):
    response = client.get(url)
    assert response.status_code == status
    assert says in text_of(response.content.decode())


def test_the_json_twin_answers_404_and_400_with_a_reason(client, reoffending):
    assert client.get("/api/resolutions/A/RES/78/224/changes").json() == {
        "error": "A/RES/78/224 is the first of its series: there is no earlier text to compare it with.",
        "symbol": "A/RES/78/224",
    }
    assert client.get("/api/resolutions/A/RES/99/1/changes").status_code == 404
    assert client.get("/api/resolutions/A/RES/79/187/changes?lang=xx").status_code == 400
    assert client.get("/api/resolutions/A/RES/79/187/changes?lang=fr").json() == {
        "error": "no resolution 'A/RES/79/187' in the archive", "symbol": "A/RES/79/187",
    }


def test_a_resolution_not_in_a_series_has_no_series_pages(client, db):
    ingest(DATA / "A_RES_67_161.txt")
    response = client.get("/A/RES/67/161/zh/series/")
    assert response.status_code == 404
    assert "A/RES/67/161 不属于档案中的任何系列。" in response.content.decode()
    assert 'class="series"' not in client.get("/A/RES/67/161/zh/").content.decode()
    assert client.get("/api/resolutions/A/RES/67/161").json()["series"] == {
        "previous": None, "next": None, "title": None, "members": [],
    }


def test_the_timeline_lists_members_adoption_changes_and_first_appearances(client, reoffending):
    page = client.get("/A/RES/79/187/en/series/").content.decode()
    rows = re.findall(r'<tr class="timeline-member[^"]*"[^>]*>(.*?)</tr>', page, re.DOTALL)
    assert [text_of(row) for row in rows] == [
        "A/RES/78/224 2023-12-19 案文未说明 not stated in the text 本系列第一项 first in the series",
        (
            "A/RES/79/187 2024-12-17 案文未说明 not stated in the text 新增 5 new · 删除 10 dropped · 修改 4 changed · "
            "未改动 5 unchanged 有何变化 What changed 引用前一项且标题相近 cites it, similar title"
        ),
    ]
    assert '<a class="timeline-compare" href="/A/RES/79/187/en/changes/">' in rows[1]
    pp2 = re.search(r'<li class="appearance" id="pp2">(.*?)</li>', page, re.DOTALL).group(1)
    assert '首次出现于 <span lang="en">first appeared in</span> <a href="/A/RES/78/224/en/pp2">A/RES/78/224 pp2</a> (2023)' in pp2
    pp6 = re.search(r'<li class="appearance" id="pp6">(.*?)</li>', page, re.DOTALL).group(1)
    assert "本项新增 <span lang=\"en\">new in this text</span>" in pp6


def test_the_resolution_json_carries_its_series_and_what_is_new_this_year(client, reoffending):
    later = client.get("/api/resolutions/A/RES/79/187").json()
    assert {k: later["series"][k] for k in ("previous", "next", "members")} == {
        "previous": "A/RES/78/224", "next": None, "members": ["A/RES/78/224", "A/RES/79/187"],
    }
    assert later["series"]["changes_url"] == "http://testserver/A/RES/79/187/en/changes/"
    by_eid = {p["eid"]: p for p in later["paragraphs"]}
    assert [eid for eid, p in by_eid.items() if p["new_in_series"]] == ["pp6", "pp7", "pp9", "op1", "op2"]
    assert by_eid["op3"]["first_appeared"] == {
        "symbol": "A/RES/78/224", "eid": "op10", "url": "http://testserver/A/RES/78/224/en/op10",
    }
    earlier = client.get("/api/resolutions/A/RES/78/224").json()
    assert (earlier["series"]["previous"], earlier["series"]["next"]) == (None, "A/RES/79/187")
    assert {p["new_in_series"] for p in earlier["paragraphs"]} == {None}


def test_a_chinese_series_is_compared_character_by_character(client, chinese_series):
    _, later = chinese_series
    assert later.symbol == "A/HRC/RES/48/32"
    assert SeriesMember.objects.get(symbol="A/HRC/RES/48/32").link == "citation"
    page = client.get("/A/HRC/RES/48/32/zh/changes/").content.decode()
    assert '<p class="summary-zh">新增序言部分段落 1 段，修改 1 段，措辞加强 1 处，未改动 28 段。</p>' in page
    op14 = row_html(page, "op14")
    assert '<del>吁请</del><ins>敦促</ins>各国、国际人权机构和机制' in op14
    assert '<span lang="zh-Hans">吁请 → 敦促</span> 加强 <span lang="en">strengthened</span>' in op14
    assert "<ins>回顾理事会 2020 年 10 月 7 日第 45/32 号决议，</ins>" in page
    timeline = client.get("/A/HRC/RES/48/32/zh/series/").content.decode()
    rows = [text_of(r) for r in re.findall(r'<tr class="timeline-member[^"]*"[^>]*>(.*?)</tr>', timeline, re.DOTALL)]
    assert rows[0].startswith("A/HRC/RES/45/32 2020-10-07 未经表决 without a vote")
    assert rows[1].startswith("A/HRC/RES/48/32 2021-10-08 记录表决 recorded vote: 30–0–17 新增 1 new · 删除 0 dropped · 修改 1 changed")
