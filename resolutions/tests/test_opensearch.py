"""The OpenSearch engine answers exactly what a scan of the texts answers: same paragraphs, same counts, same facets.

Against a real OpenSearch node or cluster (opensearch_fixtures.opensearch_url), on the Chinese seed texts and six
English resolutions ingested through the service.
"""
from __future__ import annotations

import random
import re

import pytest

from resolutions.models import Paragraph
from resolutions.search.analysis import CJK_RE
from resolutions.search.opensearch_engine import Filters, SearchRequest, phrase_tokens
from resolutions.search.query import parse_query
from resolutions.tests.opensearch_fixtures import (  # noqa: F401  (fixtures)
    archive_texts,
    brute_force,
    brute_force_facets,
    opensearch_url,
    os_engine,
)

pytestmark = pytest.mark.django_db

ALL = 100_000


def engine_ids(engine, query: str, filters: Filters = Filters(), **kwargs) -> tuple[set[int], int]:
    result = engine.search(SearchRequest(parse_query(query), filters, limit=ALL, **kwargs))
    ids = [hit.paragraph_id for hit in result.hits]
    assert len(ids) == len(set(ids)), "a paragraph came back twice"
    return set(ids), result.total


def assert_exact(engine, query: str, filters: Filters = Filters()) -> set[int]:
    expected = brute_force(query, filters)
    ids, total = engine_ids(engine, query, filters)
    missing, extra = expected - ids, ids - expected
    assert not missing and not extra, f"{query!r} {filters}: missing {sorted(missing)[:10]}, extra {sorted(extra)[:10]}"
    assert total == len(expected)
    return expected


def chinese_substrings(count_per_length: int = 6, seed: int = 11) -> list[str]:
    """Substrings of 1-8 characters of the seed texts' Chinese runs, chosen at random but always the same."""
    from resolutions.tests.opensearch_fixtures import CHINESE_TEXTS, DATA

    text = "".join((DATA / name).read_text(encoding="utf-8") for name in CHINESE_TEXTS)
    chinese_runs = [run for run in re.findall(f"{CJK_RE.pattern}+", text) if len(run) >= 8]
    rng = random.Random(seed)
    found = []
    for length in range(1, 9):
        for _ in range(count_per_length):
            run = rng.choice(chinese_runs)
            start = rng.randrange(0, len(run) - length + 1)
            found.append(run[start : start + length])
    return found


@pytest.mark.parametrize("query", chinese_substrings())
def test_chinese_words_of_one_to_eight_characters_find_exactly_the_paragraphs_holding_them(os_engine, query):
    assert assert_exact(os_engine, query)


@pytest.mark.parametrize(
    "query",
    [
        "受教育权", "能力建设", "国际人道主义法", "缔约国履行", "有辱人格", "国家防范机制", "人权理事会", "人", "权",
        # traditional script, folded as the texts are
        "國家防範機制", "聯合國人權事務高級專員", "受教育權", '"國際人道主義法"',
        # phrases and runs of several parts, in order with only punctuation between
        '"国际人权法"', '"酷刑和其他残忍"', "残忍、不人道", '"残忍、不人道或有辱人格"', "第1条", "60/251", "第60/251号决议", "人权理事会*",
        # AND, OR, exclusion
        "酷刑 公约", "教育 OR 培训", "酷刑 -公约", "人权 NOT 理事会", "酷刑 OR torture",
        # English: stems in English texts, exact words in Chinese ones
        "human rights", "urging", "urges States", "torture", '"Human Rights Council"', "Secretary-General",
        "capacity-building", "women OR girls", "discrimination -racial", "the", '"of the"',
        # prefixes
        "tort*", "discrimin*", "人权理*", "人权*", "禁止酷*", "60/2*", "capacity-build*",
    ],
)
def test_queries_find_the_same_paragraphs_as_a_scan_of_the_texts(os_engine, query):
    assert assert_exact(os_engine, query)


@pytest.mark.parametrize("query", ["聯合國人權理事會", "A/HRC/44/37", "酷刑 儿童", "A/HRC/4*", "残忍不人道", "78/171"])
def test_queries_that_nothing_in_these_texts_matches_find_nothing(os_engine, query):
    assert assert_exact(os_engine, query) == set()


@pytest.mark.parametrize("query", ['"', "AND", "*", "", "   ", "-人权", "NOT torture", "OR", "()", "人权" * 250, "a" * 500, "**", '"人权'])
def test_odd_input_answers_what_the_scan_answers(os_engine, query):
    assert_exact(os_engine, query)


def test_a_query_with_nothing_positive_matches_nothing(os_engine):
    result = os_engine.search(SearchRequest(parse_query("-人权")))
    assert (result.total, result.hits) == (0, ())


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("人权", Filters(kind=("operative",))),
        ("人权", Filters(kind=("operative", "preambular"))),
        ("rights", Filters(body=("GA", "HRC"), language=("en",))),
        ("决定", Filters(verb=("决定",))),
        ("decides", Filters(verb=("decides", "requests"))),
        ("人权", Filters(year_from=2013, year_to=2020)),
        ("human rights", Filters(session_from=79)),
        ("人权", Filters(symbol="A/RES/67/161")),
        ("rights", Filters(language=("zh", "en"), kind=("operative",), year_to=2023)),
    ],
)
def test_filters_with_several_values_take_any_of_them_within_a_facet_and_all_facets_together(os_engine, query, filters):
    assert assert_exact(os_engine, query, filters)


@pytest.mark.parametrize(
    ("query", "filters"),
    [
        ("人权", Filters()),
        ("rights", Filters(kind=("operative",))),
        ("rights OR 人权", Filters(language=("en",), kind=("preambular",))),
        ("rights OR 人权", Filters(year_from=2024, verb=("recalls", "decides"))),
    ],
)
def test_each_facet_is_counted_under_the_other_facets_selections_only(os_engine, query, filters):
    facets = ("body", "language", "kind", "verb", "year", "session")
    result = os_engine.search(SearchRequest(parse_query(query), filters, limit=0, facets=facets))
    assert result.facets == brute_force_facets(query, filters, facets)
    assert result.total == len(brute_force(query, filters))


def test_a_facet_shows_its_other_values_while_one_is_selected(os_engine):
    all_kinds = dict(os_engine.search(SearchRequest(parse_query("rights"), limit=0)).facets["kind"])
    selected = os_engine.search(SearchRequest(parse_query("rights"), Filters(kind=("operative",)), limit=0))
    assert dict(selected.facets["kind"]) == all_kinds  # its own selection does not narrow it
    assert selected.total == all_kinds["operative"]


def test_sorted_by_date_newest_first_then_symbol_language_and_position(os_engine):
    result = os_engine.search(SearchRequest(parse_query("rights OR 人权"), sort="date", limit=ALL))
    paragraphs = Paragraph.objects.select_related("resolution").in_bulk([hit.paragraph_id for hit in result.hits])
    keys = [(-int(p.resolution.adopted_on.strftime("%Y%m%d")), p.resolution.symbol, p.resolution.language, p.position) for p in (paragraphs[h.paragraph_id] for h in result.hits)]
    assert keys == sorted(keys)
    assert all(hit.score is None for hit in result.hits)
    assert result.total == len(result.hits) == len(brute_force("rights OR 人权", Filters()))


def test_sorted_by_document_resolution_by_resolution_in_paragraph_order(os_engine):
    result = os_engine.search(SearchRequest(parse_query("States"), sort="document", limit=ALL))
    paragraphs = Paragraph.objects.select_related("resolution").in_bulk([hit.paragraph_id for hit in result.hits])
    keys = [(paragraphs[h.paragraph_id].resolution.symbol, paragraphs[h.paragraph_id].position) for h in result.hits]
    assert keys == sorted(keys)
    assert [h.resolution_id for h in result.hits] == [paragraphs[h.paragraph_id].resolution_id for h in result.hits]


def test_relevance_pages_follow_each_other_without_gap_or_repeat(os_engine):
    query = parse_query("States")
    whole = os_engine.search(SearchRequest(query, limit=ALL))
    pages = [os_engine.search(SearchRequest(query, offset=offset, limit=7)).hits for offset in range(0, whole.total, 7)]
    assert [hit.paragraph_id for page in pages for hit in page] == [hit.paragraph_id for hit in whole.hits]
    scores = [hit.score for hit in whole.hits]
    assert scores == sorted(scores, reverse=True) and all(score > 0 for score in scores)


def test_grouped_by_resolution_counts_every_resolution_and_its_matches(os_engine):
    query = parse_query("rights OR 人权")
    expected = brute_force("rights OR 人权", Filters())
    by_resolution: dict[int, set[int]] = {}
    for paragraph in Paragraph.objects.filter(pk__in=expected):
        by_resolution.setdefault(paragraph.resolution_id, set()).add(paragraph.pk)
    result = os_engine.search(SearchRequest(query, limit=3, group_by_resolution=True, sort="relevance"))
    assert result.total == len(expected)
    assert result.total_groups == len(by_resolution)
    counts = sorted((len(ids) for ids in by_resolution.values()), reverse=True)
    assert [group.total for group in result.groups] == counts[:3]
    for group in result.groups:
        assert group.total == len(by_resolution[group.resolution_id])
        first = sorted(Paragraph.objects.filter(pk__in=by_resolution[group.resolution_id]), key=lambda p: p.position)[:5]
        assert [hit.paragraph_id for hit in group.hits] == [p.pk for p in first]  # its first five, in text order
    second = os_engine.search(SearchRequest(query, offset=3, limit=3, group_by_resolution=True))
    assert [group.total for group in second.groups] == counts[3:6]
    assert not {g.resolution_id for g in second.groups} & {g.resolution_id for g in result.groups}


def test_grouped_by_document_orders_resolutions_by_symbol(os_engine, archive_texts):
    result = os_engine.search(SearchRequest(parse_query("rights OR 人权"), limit=100, group_by_resolution=True, sort="document"))
    symbols = {r.pk: (r.symbol, r.language) for r in archive_texts}
    assert [symbols[g.resolution_id] for g in result.groups] == sorted(symbols[g.resolution_id] for g in result.groups)
    for group in result.groups:
        positions = [Paragraph.objects.get(pk=hit.paragraph_id).position for hit in group.hits]
        assert positions == sorted(positions)


def test_a_phrase_of_runs_asks_for_the_end_of_each_chinese_run_but_the_last():
    from resolutions.search.analysis import fold, runs

    assert phrase_tokens(list(runs(fold("残忍、不人道")))) == ["残忍", "忍", "_e_", "不人", "人道"]
    assert phrase_tokens(list(runs(fold("第1条")))) == ["第", "_e_", "1", "条"]
    assert phrase_tokens(list(runs(fold("國家防範")))) == ["国家", "家防", "防范"]


def test_indexed_state_lists_every_paragraph_with_what_check_search_index_compares(os_engine, archive_texts):
    from resolutions.openers import opener
    from resolutions.search_indexes import indexed_text, paragraph_instruments, text_hash

    state = os_engine.indexed_state()
    expected = {
        p.pk: (p.resolution_id, p.kind, p.position, opener(p.text, p.resolution.language), p.resolution.symbol, text_hash(indexed_text(p)),
               ",".join(paragraph_instruments(p)))
        for p in Paragraph.objects.select_related("resolution", "division")
    }
    assert state == expected
    assert state[Paragraph.objects.get(resolution__symbol="A/RES/67/161", eid="pp4").pk][6] == "cat"
