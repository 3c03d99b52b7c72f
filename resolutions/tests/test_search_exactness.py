"""Every engine finds exactly what a brute-force scan of the clean texts finds: the same paragraphs, the same count,
the same facet counts, for every kind of query the archive takes (search_reference.py says what each means).

Each test runs on every engine (fixture `search_engine`: Whoosh always; OpenSearch where OPENSEARCH_URL names a
cluster, and in CI, which starts one). The real texts: two Chinese resolutions and two English ones.
"""
from __future__ import annotations

import pytest

from resolutions.models import Paragraph
from resolutions.search.engine import EngineResult, Filters, SearchRequest
from resolutions.search.query import QueryError, parse_query
from resolutions.tests.search_fixtures import (  # noqa: F401  (fixtures)
    DATA,
    SEED_TEXTS,
    ingest_file,
    search_engine,
    search_index,
    search_index_dir,
)
from resolutions.tests.search_reference import brute_force, documents, facet_counts

pytestmark = pytest.mark.django_db

ENGLISH_TEXTS = ("A_RES_78_171.txt", "A_RES_78_220.txt")

CHINESE = [
    "受教育权", "能力建设", "国际人道主义法", "缔约国履行", "有辱人格", "国家防范机制", "人权理事会", "人权", "酷刑",
    "联合国", "秘书长", "决定", "特别报告员", "不人道", "武装冲突", "技术援助", "非政府组织", "妇女", "儿童",
    "禁止酷刑委员会", "国家人权机构", "条约机构", "人", "权", "刑", "之",
]
TRADITIONAL = ["國家防範機制", '"國際人道主義法"', "聯合國人權理事會", "受教育權", "禁止酷刑", "酷刑和其他殘忍"]
PHRASES = ['"国际人道主义法"', '"国际人权法"', '"酷刑和其他残忍"', '"人权理事会"', '"Human Rights Council"', '"the right to education"']
BOOLEAN = [
    "酷刑 国家防范机制", "受教育权 OR 国家防范机制", "酷刑 -国家防范机制", "酷刑 NOT 公约", "教育 OR 培训", "酷刑 儿童",
    "谴责 OR 遗憾 -死刑", "人权 -人权", "women OR girls", "discrimination -racial", "human rights", "torture -prevention",
]
SEVERAL_RUNS = [
    "残忍、不人道", "第1条", "A/HRC/44/37", "A/HRC/24/57", "A/HRC/16/52", "A/78/481", "人权理事会第 5/1 号决议", '"禁止酷刑公约》第"', "Secretary-General",
    "capacity-building", '"capacity-building"', "第 1 条",
]
ENGLISH = ["urging", '"urging"', "urges States", "torture", "decides", "albinism", "education", "rights", "the", "of the"]
PREFIXES = ["tort*", "人权理*", "hum*", "hum* righ*", '"tort*"', "-tort* 人权", "酷刑 -人权理*", "A/HRC/44*", "A/HRC/4x*", "capacity-build*", "discriminat*", "国家防*"]
ODD = ["", " ", '"', '"国家', "AND", "OR", "NOT", "*", "**", "?", "~", "()", ":", "\x00\x01\x1b", "😀", "人权 OR", "-", "--人权",
       "NOT NOT", "人" * 500, "人权" * 150, "title:人权", "django_ct:*", "[1 TO 2]", "{!}", "<script>", "a" * 300]

FILTERS = [
    Filters(kind=("operative",)),
    Filters(body=("HRC",)),
    Filters(body=("GA", "HRC")),
    Filters(language=("en",)),
    Filters(kind=("preambular", "annex"), language=("zh",)),
    Filters(verb=("决定",)),
    Filters(verb=("决定", "请", "吁请")),
    Filters(verb=("decides", "urges")),
    Filters(year_from=2012, year_to=2012),
    Filters(year_from=2013),
    Filters(session_from=60, session_to=70),
    Filters(session_to=50, body=("HRC",), kind=("operative",)),
    Filters(symbol="A/RES/67/161"),
    Filters(symbol="A/RES/67/161", kind=("operative",), verb=("请", "决定")),
    Filters(body=("SC",)),
    Filters(change=("new", "changed"), language=("en",)),
    Filters(versions=("one",), kind=("operative",)),
]


@pytest.fixture
def archive(search_engine):
    for name in (*SEED_TEXTS, *ENGLISH_TEXTS):
        ingest_file(DATA / name)
    return search_engine


def everything(engine, query: str, filters: Filters = Filters()) -> EngineResult:
    return engine.search(SearchRequest(parse_query(query), filters, limit=10_000))


def differences(engine, cases) -> list[str]:
    """What the engine answers differently from the scan, one line per (query, filters) that differs."""
    scanned = documents()
    found = []
    for query, filters in cases:
        expected = brute_force(query, filters, scanned=scanned)
        result = everything(engine, query, filters)
        got = {hit.paragraph_id for hit in result.hits}
        if got != expected or result.total != len(expected) or len(result.hits) != result.total:
            found.append(
                f"{query!r} {filters}: total {result.total}, {len(result.hits)} hits, expected {len(expected)}; "
                f"missing {sorted(expected - got)[:5]}, extra {sorted(got - expected)[:5]}"
            )
            continue
        counts = {name: dict(values) for name, values in result.facets.items() if values}
        wanted = {name: values for name, values in facet_counts(query, filters, scanned=scanned).items() if values}
        if counts != wanted:
            found.append(f"{query!r} {filters}: facets {counts} expected {wanted}")
    return found


def test_the_texts_hold_what_the_suite_needs(archive):
    """The suite means something only where the queries find something: check they do (and some find nothing)."""
    scanned = documents()
    assert len(scanned) == Paragraph.objects.count() > 100
    for query in ("国家防范机制", "國家防範機制", "tort*", "人权理*", "urging", "Secretary-General", "残忍、不人道", "酷刑 -国家防范机制"):
        assert brute_force(query, scanned=scanned), query
    assert brute_force('"urging"', scanned=scanned) == set()
    # Stems reach further than the exact word, a prefix further than the stem.
    assert brute_force('"state"', scanned=scanned) < brute_force("states", scanned=scanned)
    assert brute_force("torture", scanned=scanned) <= brute_force("tort*", scanned=scanned)


@pytest.mark.parametrize(
    ("kind", "queries"),
    [("chinese", CHINESE), ("traditional", TRADITIONAL), ("phrases", PHRASES), ("boolean", BOOLEAN),
     ("several_runs", SEVERAL_RUNS), ("english", ENGLISH), ("prefixes", PREFIXES), ("odd", ODD)],
)
def test_every_kind_of_query_finds_what_the_scan_finds(archive, kind, queries):
    assert differences(archive, [(query, Filters()) for query in queries]) == []


def test_any_chinese_substring_finds_exactly_the_paragraphs_that_contain_it(archive):
    import random

    from resolutions.search.analysis import CJK_RE

    rng = random.Random(3)
    texts = [p.text for p in Paragraph.objects.order_by("pk")]
    pieces: list[str] = []
    while len(pieces) < 150:
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randint(1, 8)]
        if piece and all(CJK_RE.match(c) for c in piece):
            pieces.append(piece)
    assert differences(archive, [(piece, Filters()) for piece in pieces]) == []


def test_filters_and_disjunctive_facets_count_what_the_scan_counts(archive):
    cases = [(query, filters) for query in ("人权", "酷刑", "决定", "human rights", "tort*", "the") for filters in FILTERS]
    assert differences(archive, cases) == []


def test_choosing_a_facet_value_keeps_the_counts_of_its_siblings(archive):
    """Disjunctive counts, stated plainly: after choosing GA, the body facet still says how many HRC would add."""
    everything_found = dict(everything(archive, "人权").facets["body"])
    chosen = everything(archive, "人权", Filters(body=("GA",)))
    assert set(everything_found) == {"GA", "HRC"}
    assert dict(chosen.facets["body"]) == everything_found
    assert chosen.total == everything_found["GA"]
    assert sum(count for _, count in chosen.facets["kind"]) == everything_found["GA"]
    both = everything(archive, "人权", Filters(body=("GA", "HRC")))
    assert both.total == everything_found["GA"] + everything_found["HRC"]


def test_facet_values_come_most_frequent_first_years_and_sessions_newest_first(archive):
    facets = everything(archive, "的").facets
    for name, values in facets.items():
        if name in ("year", "session"):
            assert [int(v) for v, _ in values] == sorted((int(v) for v, _ in values), reverse=True), name
        else:
            assert values == sorted(values, key=lambda vc: (-vc[1], vc[0])), name
    assert len(facets["verb"]) > 3 and len(facets["year"]) >= 2


def test_pages_partition_the_results_in_each_order(archive):
    expected = brute_force("人权")
    for sort in ("relevance", "date", "document"):
        seen: list[int] = []
        for offset in range(0, len(expected) + 7, 7):
            result = archive.search(SearchRequest(parse_query("人权"), sort=sort, offset=offset, limit=7))
            assert result.total == len(expected)
            seen += [hit.paragraph_id for hit in result.hits]
        assert len(seen) == len(set(seen)) and set(seen) == expected, sort
        scores = [hit.score for hit in archive.search(SearchRequest(parse_query("人权"), sort=sort, limit=50)).hits]
        assert all(s is None for s in scores) == (sort != "relevance"), sort


def test_document_and_date_orders_follow_the_resolutions(archive):
    paragraphs = Paragraph.objects.select_related("resolution").in_bulk(brute_force("人权"))
    document = archive.search(SearchRequest(parse_query("人权"), sort="document", limit=10_000))
    keys = [(paragraphs[h.paragraph_id].resolution.symbol, paragraphs[h.paragraph_id].resolution.language, paragraphs[h.paragraph_id].position) for h in document.hits]
    assert keys == sorted(keys)
    date = archive.search(SearchRequest(parse_query("人权"), sort="date", limit=10_000))
    dates = [paragraphs[h.paragraph_id].resolution.adopted_on for h in date.hits]
    assert dates == sorted(dates, reverse=True)


def test_grouped_results_count_every_resolution_and_its_paragraphs(archive):
    expected = brute_force("人权")
    paragraphs = Paragraph.objects.in_bulk(expected)
    per_resolution: dict[int, int] = {}
    for paragraph in paragraphs.values():
        per_resolution[paragraph.resolution_id] = per_resolution.get(paragraph.resolution_id, 0) + 1
    result = archive.search(SearchRequest(parse_query("人权"), group_by_resolution=True, limit=10))
    assert result.total == len(expected)
    assert result.total_groups == len(per_resolution)
    assert {g.resolution_id: g.total for g in result.groups} == per_resolution
    for group in result.groups:
        positions = [paragraphs[h.paragraph_id].position for h in group.hits]
        assert len(positions) == min(5, group.total) and positions == sorted(positions)
        assert all(paragraphs[h.paragraph_id].resolution_id == group.resolution_id for h in group.hits)


def test_a_limit_of_zero_gives_the_total_and_facets_only(archive):
    result = archive.search(SearchRequest(parse_query("酷刑"), limit=0))
    assert result.hits == () and result.total == len(brute_force("酷刑"))
    assert dict(result.facets["kind"]) == facet_counts("酷刑")["kind"]


def test_a_prefix_under_two_characters_is_refused_with_a_message(archive, client):
    for query in ("t*", "人*", "A/HRC/4 x*"):
        with pytest.raises(QueryError, match="至少要有 2 个字符"):
            parse_query(query)
    # A prefix of several runs is as long as all of them: 60/2* is 60/2 followed by anything.
    assert parse_query("60/2*").clauses[0].alternatives == ("60/2*",)
    page = client.get("/search/", {"q": "t*"})
    assert page.status_code == 200
    assert "前缀“t*”太短" in page.content.decode() and "The prefix “t*” is too short" in page.content.decode()
    api = client.get("/api/search", {"q": "人*"})
    assert api.status_code == 400 and "人*" in api.json()["detail"]
    assert client.get("/search.csv", {"q": "t*"}).status_code == 400


def test_an_empty_index_answers_every_kind_of_query_with_nothing(search_engine):
    for query in ("人", "人权", "人权理事会", "残忍、不人道", "urging", '"Human Rights Council"', "capacity-building", "tort*"):
        result = everything(search_engine, query)
        assert (result.total, result.hits) == (0, ()), query
