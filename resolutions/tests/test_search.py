"""Search finds every paragraph containing the query, and only those, on the real Chinese texts."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from resolutions.models import Paragraph
from resolutions.search.engine import clause_score, length_factor
from resolutions.search.service import Filters, search_paragraphs
from resolutions.tests.search_fixtures import DATA, SEED_TEXTS, ingest_file, search_index, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(search_index):
    return [ingest_file(DATA / name) for name in SEED_TEXTS]


def all_eids(query: str, **kwargs) -> list[str]:
    outcome = search_paragraphs(query, per_page=100, **kwargs)
    assert outcome.num_pages == 1
    return sorted(f"{hit.resolution.symbol} {hit.paragraph.eid}" for hit in outcome.hits)


def brute_force(needle: str) -> list[str]:
    return sorted(
        f"{p.resolution.symbol} {p.eid}" for p in Paragraph.objects.select_related("resolution") if needle in p.text
    )


@pytest.mark.parametrize("query", ["受教育权", "能力建设", "国际人道主义法", "缔约国履行", "有辱人格", "国家防范机制", "人权理事会"])
def test_every_paragraph_containing_the_query_is_found_and_only_those(seeded, query):
    expected = brute_force(query)
    assert expected  # the seed texts contain each of these words
    assert all_eids(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # broken across a line in 45/32 (能力建\n设)
        ("能力建设", ["pp3", "pp4", "pp5", "pp8", "pp11", "pp15", "op1", "op2", "op4", "op6", "op9", "op10", "op11", "op14"]),
        # broken across a page and a footnote block in 67/161
        ("国际人道主义法", ["pp2", "pp6", "op15"]),
        # broken around a footnote marker
        ("缔约国履行", ["op3", "op20"]),
        ("国家防范机制", ["pp9", "op3", "op4", "op31", "op36"]),
    ],
)
def test_words_the_pdf_broke_are_found_in_the_paragraphs_that_hold_them(seeded, query, expected):
    outcome = search_paragraphs(query, sort="date", per_page=100)
    assert [hit.paragraph.eid for hit in outcome.hits] == expected


def test_quoted_traditional_query_is_folded_too(seeded):
    assert all_eids('"國際人道主義法"') == ["A/RES/67/161 op15", "A/RES/67/161 pp2", "A/RES/67/161 pp6"]


def test_traditional_script_query_finds_the_simplified_paragraphs(seeded):
    assert all_eids("國家防範機制") == brute_force("国家防范机制")


def test_quoted_phrase_finds_the_same_paragraphs_as_the_bare_word(seeded):
    assert all_eids('"国际人道主义法"') == brute_force("国际人道主义法")


def test_several_words_are_all_required(seeded):
    expected = sorted(set(brute_force("酷刑")) & set(brute_force("国家防范机制")))
    assert all_eids("酷刑 国家防范机制") == expected


def test_or_gives_either_and_minus_excludes(seeded):
    assert all_eids("受教育权 OR 国家防范机制") == sorted(set(brute_force("受教育权")) | set(brute_force("国家防范机制")))
    assert all_eids("酷刑 -国家防范机制") == sorted(set(brute_force("酷刑")) - set(brute_force("国家防范机制")))


def test_single_character_query_finds_every_paragraph_with_that_character(seeded):
    assert all_eids("刑") == brute_force("刑")


def test_facets_count_the_matching_paragraphs(seeded):
    paragraphs = [p for p in Paragraph.objects.select_related("resolution") if "人权" in p.text]
    outcome = search_paragraphs("人权", facets=True)
    facets = outcome.facets
    assert outcome.total == len(paragraphs)
    assert dict(facets["kind"]) == {k: sum(p.kind == k for p in paragraphs) for k in {p.kind for p in paragraphs}}
    assert dict(facets["body"]) == {b: sum(p.resolution.body == b for p in paragraphs) for b in {p.resolution.body for p in paragraphs}}
    assert dict(facets["language"]) == {"zh": len(paragraphs)}
    years = {str(p.resolution.adopted_on.year) for p in paragraphs}
    assert dict(facets["year"]) == {y: sum(str(p.resolution.adopted_on.year) == y for p in paragraphs) for y in years}


def test_filters_narrow_to_kind_body_and_years(seeded):
    operative = [e for e in brute_force("人权") if " op" in e]
    assert all_eids("人权", filters=Filters(kind="operative")) == operative
    hrc = [e for e in brute_force("人权") if e.startswith("A/HRC/")]
    assert all_eids("人权", filters=Filters(body="HRC")) == hrc
    year = seeded[1].adopted_on.year
    ga = [e for e in brute_force("人权") if e.startswith("A/RES/67/161")]
    assert all_eids("人权", filters=Filters(year_from=year, year_to=year)) == ga


def test_verb_facet_and_filter_use_the_opening_verb(seeded):
    decides = sorted(f"{p.resolution.symbol} {p.eid}" for p in Paragraph.objects.select_related("resolution") if "酷刑" in p.text and p.text.startswith("决定"))
    assert decides
    assert all_eids("酷刑", filters=Filters(verb="决定")) == decides


def test_sort_by_date_puts_the_newest_resolution_first(seeded):
    newest = max(seeded, key=lambda r: r.adopted_on)
    outcome = search_paragraphs("人权", sort="date", per_page=5)
    assert outcome.hits[0].resolution == newest
    assert [h.paragraph.position for h in outcome.hits] == sorted(h.paragraph.position for h in outcome.hits)


def test_pages_partition_the_results(seeded):
    expected = brute_force("酷刑")
    seen = []
    outcome = search_paragraphs("酷刑", per_page=7)
    for page in range(1, outcome.num_pages + 1):
        seen += [f"{h.resolution.symbol} {h.paragraph.eid}" for h in search_paragraphs("酷刑", per_page=7, page=page).hits]
    assert sorted(seen) == expected and len(seen) == len(set(seen))
    assert search_paragraphs("酷刑", per_page=7, page=999).page == outcome.num_pages


def test_grouped_results_list_each_resolution_once_with_its_paragraphs(seeded):
    outcome = search_paragraphs("人权理事会", group=True)
    expected = brute_force("人权理事会")
    assert sum(g.total for g in outcome.groups) == len(expected) == outcome.total
    assert outcome.total_groups == len({e.split()[0] for e in expected}) == len(outcome.groups)
    assert {f"{g.resolution.symbol} {h.paragraph.eid}" for g in outcome.groups for h in g.hits} <= set(expected)
    # Relevance: most matching paragraphs first; date: newest first; paragraphs in the order of the text.
    counts = {g.resolution.symbol: g.total for g in outcome.groups}
    assert [g.resolution.symbol for g in outcome.groups] == sorted(counts, key=lambda symbol: -counts[symbol])
    by_date = search_paragraphs("人权理事会", group=True, sort="date")
    newest = sorted(seeded, key=lambda r: r.adopted_on, reverse=True)
    assert [g.resolution.symbol for g in by_date.groups] == [r.symbol for r in newest if r.symbol in counts]
    for group in by_date.groups:
        assert [h.paragraph.position for h in group.hits] == sorted(h.paragraph.position for h in group.hits)


def test_english_queries_are_stemmed_in_english_texts(search_index):
    ingest_file(DATA / "A_RES_78_171.txt")
    stems = sorted(
        f"{p.resolution.symbol} {p.eid}" for p in Paragraph.objects.select_related("resolution")
        if re.search(r"\burg(e|es|ed|ing)\b", p.text, re.IGNORECASE)
    )
    assert stems
    assert all_eids("urging") == stems
    assert all_eids('"urging"') == []


def test_search_page_shows_paragraph_results_with_highlights_and_permalinks(seeded, client):
    response = client.get("/search/", {"q": "国家防范机制"})
    assert response.status_code == 200
    html = response.content.decode()
    first = search_paragraphs("国家防范机制").hits[0]
    assert first.paragraph.get_absolute_url() in html
    assert "<mark>国家防范机制</mark>" in html
    # Relevance puts the shortest paragraph first: 67/161 pp9, named as on its own page.
    assert (first.paragraph.resolution.symbol, first.paragraph.eid) == ("A/RES/67/161", "pp9")
    assert ">序言部分第 9 段</a>" in html
    assert f"共 <strong>{len(brute_force('国家防范机制'))}</strong> 段" in html


def test_api_lists_results_with_the_documented_fields(seeded, client):
    data = client.get("/api/search", {"q": "受教育权", "per_page": 2}).json()
    assert data["count"] == len(brute_force("受教育权"))
    assert data["per_page"] == 2 and data["page"] == 1
    first = data["results"][0]
    assert set(first) >= {"symbol", "language", "eid", "kind", "number", "url", "snippet", "score"}
    paragraph = Paragraph.objects.get(resolution__symbol=first["symbol"], eid=first["eid"])
    assert first["url"] == "http://testserver" + paragraph.get_absolute_url()
    assert "<mark>受教育权</mark>" in first["snippet"]
    assert client.get("/api/search", {"q": "受教育权", "per_page": 500}).json()["per_page"] == 100


@pytest.mark.parametrize("query", ["A/HRC/RES/45/32", "a/hrc/res/45/32", "45/32"])
def test_a_bare_symbol_goes_straight_to_the_resolution(seeded, client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == seeded[0].get_absolute_url()


ODD_INPUTS = ["", "人", "人" * 500, '"国家', "AND", "OR", "NOT", "*", "?", "~", "()", ":", "\x00\x01\x1b", "😀", "人权 OR", "-", "--人权", "NOT NOT"]


@pytest.mark.parametrize("query", ODD_INPUTS)
def test_odd_input_never_errors(seeded, client, query):
    for path in ("/search/", "/api/search"):
        response = client.get(path, {"q": query, "page": "99999", "per_page": "abc", "year_from": "x"})
        assert response.status_code == 200, (path, query)


def test_highlights_escape_markup_from_the_text(search_index, client):
    resolution = seeded_markup()
    response = client.get("/search/", {"q": "国家防范机制"})
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert resolution.paragraphs.get().get_absolute_url() in html


def seeded_markup():
    import datetime

    from resolutions.models import Resolution
    from resolutions.search.service import schedule_reindex

    resolution = Resolution.objects.create(symbol="A/RES/99/1", language="zh", body="GA", session="99", number="1", title="<b>t</b>", adopted_on=datetime.date(2024, 1, 1))
    Paragraph.objects.create(resolution=resolution, kind="operative", position=1, number=1, eid="op1", text="决定<script>alert(1)</script>设立国家防范机制 onerror=x &lt;")
    schedule_reindex(resolution.pk)
    return resolution


def test_check_command_reports_and_repairs_differences(seeded):
    from django.core.management import CommandError, call_command

    from resolutions.search.service import compare_index

    edited = Paragraph.objects.filter(text__contains="国家防范机制").first()
    Paragraph.objects.filter(pk=edited.pk).update(text="决定删除原有措辞。")  # bypasses the services: no index task
    removed = Paragraph.objects.exclude(pk=edited.pk).first()
    removed_id = removed.pk
    Paragraph.objects.filter(pk=removed_id).delete()
    difference, resolutions = compare_index()
    assert (difference.changed, difference.stale, difference.missing) == ({edited.pk}, {removed_id}, frozenset())
    with pytest.raises(CommandError, match="differs"):
        call_command("check_search_index")
    call_command("check_search_index", "--repair")
    assert not compare_index()[0]
    assert all_eids("国家防范机制") == brute_force("国家防范机制")
    assert all_eids("删除原有措辞") == [f"{edited.resolution.symbol} {edited.eid}"]


def test_rebuild_command_indexes_every_paragraph(seeded):
    from django.core.management import call_command

    from resolutions.search.service import compare_index

    call_command("rebuild_search_index")
    assert not compare_index()[0]
    assert search_paragraphs("酷刑").total == len(brute_force("酷刑"))


def test_a_rebuild_keeps_the_old_index_searchable_until_it_swaps_in_the_new_one(seeded):
    from resolutions.search.service import compare_index, rebuild_index

    expected = len(brute_force("国家防范机制"))
    seen_during_rebuild: list[int] = []
    rebuild_index(batch_size=10, progress=lambda count: seen_during_rebuild.append(search_paragraphs("国家防范机制").total))
    assert seen_during_rebuild and set(seen_during_rebuild) == {expected}
    assert search_paragraphs("国家防范机制").total == expected
    assert not compare_index()[0]


def test_a_rebuild_that_fails_leaves_the_live_index_untouched(seeded, search_index):
    from resolutions.search.service import rebuild_index

    def fail(count: int) -> None:
        raise RuntimeError("writer killed")

    with pytest.raises(RuntimeError):
        rebuild_index(batch_size=10, progress=fail)
    assert search_paragraphs("国家防范机制").total == len(brute_force("国家防范机制"))
    assert not search_index.with_name(f"{search_index.name}.rebuilding").exists()


def chinese_substrings(count: int, seed: int = 3) -> list[str]:
    """Runs of 1 to 8 Chinese characters cut from the seed texts at fixed pseudo-random places."""
    import random

    from resolutions.search.analysis import CJK_RE

    rng = random.Random(seed)
    texts = [p.text for p in Paragraph.objects.order_by("pk")]
    found: list[str] = []
    while len(found) < count:
        text = rng.choice(texts)
        start = rng.randrange(len(text))
        piece = text[start : start + rng.randint(1, 8)]
        if piece and all(CJK_RE.match(c) for c in piece):
            found.append(piece)
    return found


def test_any_chinese_substring_finds_exactly_the_paragraphs_that_contain_it(seeded):
    from resolutions.search.analysis import fold

    folded = {f"{p.resolution.symbol} {p.eid}": fold(p.text) for p in Paragraph.objects.select_related("resolution")}
    for query in chinese_substrings(150):
        expected = sorted(key for key, text in folded.items() if fold(query) in text)
        outcome = search_paragraphs(query, per_page=100, facets=False)
        assert outcome.total == len(expected), query
        if outcome.num_pages == 1:
            assert sorted(f"{h.resolution.symbol} {h.paragraph.eid}" for h in outcome.hits) == expected, query


def test_fast_posting_reader_agrees_with_whoosh_across_segments_and_deletions(seeded):
    from haystack import connections
    from whoosh import query as wq

    from resolutions.search.whoosh_fast import FAST

    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Paragraph)
    replaced = seeded[0]
    # Reindexed without merging: its old documents stay deleted in an older segment, the new ones in another.
    paragraphs = Paragraph.objects.filter(resolution=replaced).select_related("resolution")
    backend.replace_documents(index, "resolution_id", [replaced.pk], paragraphs, merge=False)
    searcher = backend.searcher()
    leaves = FAST.leaves(searcher)
    assert len(leaves) > 1 and searcher.reader().has_deletions()
    for term in ("人权", "酷刑", "机制", "制"):
        fast = {leaf.offset + d for leaf in leaves for d in FAST.postings(leaf, "text", term)}
        assert fast == set(searcher.docs_for_query(wq.Term("text", term)))
    fast = {leaf.offset + d for leaf in leaves for d in FAST.prefix_postings(leaf, "text", "刑")}
    assert fast == set(searcher.docs_for_query(wq.Prefix("text", "刑")))
    assert all_eids("国家防范机制") == brute_force("国家防范机制")


@pytest.mark.parametrize("query", ["残忍、不人道", "第1条", "A/HRC/44/37", "人权理事会第 5/1 号决议", '"Human Rights Council"', "禁止酷刑公约》第"])
def test_text_of_several_runs_finds_what_the_pattern_finds_in_every_paragraph(seeded, query):
    from resolutions.search.analysis import fold, runs
    from resolutions.search.matching import run_pattern

    ingest_file(DATA / "A_RES_78_171.txt")
    pattern = run_pattern(list(runs(fold(query.strip('"')))))
    expected = sorted(
        f"{p.resolution.symbol} {p.eid}" for p in Paragraph.objects.select_related("resolution") if pattern.search(fold(p.text))
    )
    assert all_eids(f'"{query.strip(chr(34))}"') == expected


def test_haystack_update_path_writes_the_folded_text_too(search_index):
    from haystack import connections

    resolution = seeded_markup()  # indexed through the outbox
    paragraph = resolution.paragraphs.get()
    Paragraph.objects.filter(pk=paragraph.pk).update(text="决定设立国家防范机制和有辱人格待遇问题小组")
    index = connections["default"].get_unified_index().get_index(Paragraph)
    connections["default"].get_backend().update(index, Paragraph.objects.filter(pk=paragraph.pk).select_related("resolution"))
    assert all_eids("有辱人格待遇问题") == ["A/RES/99/1 op1"]
    assert search_paragraphs("国家防范机制").total == 1


@pytest.mark.parametrize("query", ["人", "人权", "人权理事会", "残忍、不人道", "urging", '"Human Rights Council"', "capacity-building"])
def test_an_empty_index_answers_every_kind_of_query_with_nothing(search_index, client, query):
    assert search_paragraphs(query).total == 0
    assert client.get("/api/search", {"q": query}).json()["count"] == 0


def test_the_page_names_facet_values_for_readers_and_offers_the_results_as_csv(client, seeded):
    page = client.get("/search/", {"q": "国家防范机制", "page": 1}).content.decode()
    assert '大会 General Assembly</a> <span class="count">5</span>' in page
    assert '执行部分 operative</a> <span class="count">4</span>' in page
    assert '序言部分 preambular</a> <span class="count">1</span>' in page
    assert 'href="/search.csv?q=%E5%9B%BD%E5%AE%B6%E9%98%B2%E8%8C%83%E6%9C%BA%E5%88%B6" download' in page
    response = client.get("/search.csv", {"q": "国家防范机制"})
    csv_rows = b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(csv_rows) == 1 + 5


def test_matches_kept_per_segment_follow_deletions_and_new_segments(seeded):
    """A segment's cached matches lose the documents deleted from it later; a new segment is matched anew.

    Pages drawn from several segments come in one order: by the relevance rule (engine.py), newest first (date) or
    resolution by resolution (document).
    """
    from haystack import connections

    from resolutions.search.analysis import fold

    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Paragraph)
    gone, kept = seeded
    everything = brute_force("人权")
    assert search_paragraphs("人权", per_page=100, facets=False).total == len(everything)

    # Deleted from the index only (no merge): the segment's cached matches must drop them.
    backend.replace_documents(index, "resolution_id", [gone.pk], [], merge=False)
    outcome = search_paragraphs("人权", per_page=100)
    assert outcome.total == len(brute_force_in(kept, "人权"))
    assert {h.resolution.pk for h in outcome.hits} == {kept.pk}
    assert dict(outcome.facets["body"]) == {"HRC" if kept.symbol.startswith("A/HRC") else "GA": outcome.total}
    kinds = Counter(p.kind for p in kept.paragraphs.all() if "人权" in p.text)
    assert dict(outcome.facets["kind"]) == dict(kinds)
    operative = search_paragraphs("人权", filters=Filters(kind="operative"), per_page=100)
    assert sorted(h.paragraph.eid for h in operative.hits) == sorted(p.eid for p in kept.paragraphs.all() if "人权" in p.text and p.kind == "operative")
    # Disjunctive: the kind facet ignores its own selection (how many preambular paragraphs one more click would add),
    # the others count the selection (and lose the deleted documents too).
    assert dict(operative.facets["kind"]) == dict(kinds)
    assert sum(count for _, count in operative.facets["body"]) == kinds["operative"]

    # Indexed again into a segment of its own: found again, and pages merge both segments in one order.
    paragraphs = Paragraph.objects.filter(resolution=gone).select_related("resolution")
    backend.replace_documents(index, "resolution_id", [gone.pk], paragraphs, merge=False)
    assert len(backend.searcher().leaf_searchers()) > 1
    matching = [p for p in Paragraph.objects.select_related("resolution") if "人权" in p.text]
    by_date = sorted(matching, key=lambda p: (-p.resolution.adopted_on.toordinal(), p.resolution.symbol, p.resolution.language, p.position))
    # Relevance (engine.py's rule): occurrences of 人权 saturated, lengths under the reference counted as the reference.
    by_relevance = sorted(
        matching,
        key=lambda p: (
            -clause_score(fold(p.text).count("人权"), length_factor(len(fold(p.text).encode()))),
            -p.resolution.adopted_on.toordinal(), p.resolution.symbol, p.resolution.language, p.position,
        ),
    )
    by_document = sorted(matching, key=lambda p: (p.resolution.symbol, p.resolution.language, p.position))
    for sort, expected in (("date", by_date), ("relevance", by_relevance), ("document", by_document)):
        pages = search_paragraphs("人权", sort=sort, per_page=6).num_pages
        found = [h.paragraph.pk for page in range(1, pages + 1) for h in search_paragraphs("人权", sort=sort, per_page=6, page=page).hits]
        assert found == [p.pk for p in expected], sort


def brute_force_in(resolution, needle: str) -> list[str]:
    return [p.eid for p in resolution.paragraphs.all() if needle in p.text]


def test_warming_up_reads_the_columns_and_lets_go_of_the_index_files(seeded):
    """gunicorn's master warms up before forking: nothing of the index may stay open for the workers to share."""
    from resolutions.search import matching
    from resolutions.search.service import warm_up

    assert warm_up() == Paragraph.objects.count()
    assert matching._TEXTS == {}
    assert all_eids("国家防范机制") == brute_force("国家防范机制")


def test_a_search_can_be_narrowed_to_one_resolution(seeded, client):
    hrc, ga = seeded
    outcome = search_paragraphs("人权", filters=Filters(symbol=ga.symbol), per_page=100)
    assert sorted(h.paragraph.eid for h in outcome.hits) == sorted(brute_force_in(ga, "人权"))
    assert dict(outcome.facets["body"]) == {"GA": outcome.total}
    data = client.get("/api/search", {"q": "人权", "symbol": hrc.symbol, "per_page": 100}).json()
    assert data["count"] == len(brute_force_in(hrc, "人权"))
    assert {row["symbol"] for row in data["results"]} == {hrc.symbol}


def test_grouped_results_show_the_first_paragraphs_of_each_resolution_and_link_to_all_of_them(seeded, client):
    from html import unescape

    from resolutions.search.service import GROUP_HITS

    outcome = search_paragraphs("人权", group=True)
    for group in outcome.groups:
        matching = [p for p in group.resolution.paragraphs.all() if "人权" in p.text]
        assert group.total == len(matching)
        assert [h.paragraph.eid for h in group.hits] == [p.eid for p in matching[:GROUP_HITS]]
    large = next(g for g in outcome.groups if g.total > GROUP_HITS)
    page = client.get("/search/", {"q": "人权", "group": "1"}).content.decode()
    link = re.search(r'<p class="group-more"><a href="([^"]+)">本决议全部 (\d+) 段', page.split(large.resolution.symbol, 1)[1])
    assert int(link.group(2)) == large.total
    everything = client.get("/search/" + unescape(link.group(1))).content.decode()
    assert f"共 <strong>{large.total}</strong> 段" in everything
    assert "决议 Resolution " + large.resolution.symbol in everything  # shown as a filter in force


def test_filters_in_force_are_listed_each_with_a_link_that_removes_it(seeded, client):
    from html import unescape
    from urllib.parse import parse_qs

    page = client.get("/search/", {"q": "人权", "body": "GA", "kind": "operative", "year_from": "2010", "page": "2"}).content.decode()
    chips = dict(re.findall(r'<li>([^<]+) <a href="([^"]+)" aria-label="取消筛选', page))
    assert set(chips) == {"机构：大会 General Assembly", "段落：执行部分 operative", "年份 Year 2010–"}
    assert parse_qs(unescape(chips["机构：大会 General Assembly"])[1:]) == {"q": ["人权"], "kind": ["operative"], "year_from": ["2010"]}
    assert parse_qs(unescape(chips["年份 Year 2010–"])[1:]) == {"q": ["人权"], "body": ["GA"], "kind": ["operative"]}
    # A new query keeps the filters: they ride along in the form.
    assert '<input type="hidden" name="year_from" value="2010">' in page


def test_repeated_facet_parameters_select_either_value_on_the_page_the_api_and_the_csv(seeded, client):
    from html import unescape
    from urllib.parse import parse_qs

    everything = brute_force("人权")
    operative = [e for e in everything if " op" in e]
    page = client.get("/search/", {"q": "人权", "body": ["GA", "HRC"], "kind": "operative"}).content.decode()
    assert f"共 <strong>{len(operative)}</strong> 段" in page
    chips = dict(re.findall(r'<li>([^<]+) <a href="([^"]+)" aria-label="取消筛选', page))
    assert set(chips) == {"机构：大会 General Assembly", "机构：人权理事会 Human Rights Council", "段落：执行部分 operative"}
    # Removing one body keeps the other.
    assert parse_qs(unescape(chips["机构：大会 General Assembly"])[1:]) == {"q": ["人权"], "body": ["HRC"], "kind": ["operative"]}
    assert page.count('<input type="hidden" name="body"') == 2
    data = client.get("/api/search", {"q": "人权", "body": ["GA", "HRC"], "kind": "operative", "per_page": 100}).json()
    assert data["count"] == len(operative)
    assert sorted(f"{r['symbol']} {r['eid']}" for r in data["results"]) == operative
    csv_rows = b"".join(client.get("/search.csv", {"q": "人权", "body": ["GA", "HRC"], "kind": "operative"}).streaming_content)
    assert len(csv_rows.decode("utf-8-sig").strip().splitlines()) == 1 + len(operative)
    # An unknown value is dropped on its own, the others kept.
    assert client.get("/api/search", {"q": "人权", "body": ["GA", "XX"]}).json()["count"] == len([e for e in everything if e.startswith("A/RES/")])


def test_each_facet_value_is_a_link_that_adds_it_or_removes_it(seeded, client):
    from html import unescape
    from urllib.parse import parse_qs

    def links(page: str) -> dict[str, str]:
        return {label: unescape(href) for href, label in re.findall(r'<li(?: class="selected")?><a href="([^"]+)">(?:<span aria-hidden="true">✓ </span>)?([^<]+)', page)}

    first = client.get("/search/", {"q": "人权"}).content.decode()
    add_ga = links(first)["大会 General Assembly"]
    assert parse_qs(add_ga[1:]) == {"q": ["人权"], "body": ["GA"]}
    chosen = client.get("/search/" + add_ga).content.decode()
    assert '<li class="selected"><a href="' in chosen and "（已选，再点取消 selected, select again to remove）" in chosen
    # Disjunctive counts: the HRC link still says how many it would add, and adds it beside GA.
    hrc_count = len([e for e in brute_force("人权") if e.startswith("A/HRC/")])
    assert f'人权理事会 Human Rights Council</a> <span class="count">{hrc_count}</span>' in chosen
    assert parse_qs(links(chosen)["人权理事会 Human Rights Council"][1:]) == {"q": ["人权"], "body": ["GA", "HRC"]}
    # The chosen value's link takes it away again.
    assert parse_qs(links(chosen)["大会 General Assembly"][1:]) == {"q": ["人权"]}
    # A year is one choice: another year replaces it, the same year removes it.
    year = str(seeded[1].adopted_on.year)
    by_year = client.get("/search/" + links(first)[year]).content.decode()
    assert parse_qs(links(by_year)[year][1:]) == {"q": ["人权"]}


def test_an_engine_that_cannot_answer_is_a_503_with_retry_after_never_an_empty_result(seeded, client, monkeypatch):
    from resolutions.search.engine import SearchUnavailable
    from resolutions.search.whoosh_engine import WhooshEngine

    def down(self, request):
        raise SearchUnavailable("node down")

    monkeypatch.setattr(WhooshEngine, "search", down)
    page = client.get("/search/", {"q": "人权"})
    assert page.status_code == 503 and page["Retry-After"] == "10"
    assert "搜索暂时无法使用" in page.content.decode() and "共 <strong>" not in page.content.decode()
    api = client.get("/api/search", {"q": "人权"})
    assert (api.status_code, api.json()["error"], api["Retry-After"]) == (503, "search_unavailable", "10")
    # The files (CSV, RIS, BibTeX, the Atom feed) say it in plain text, never as an empty file.
    for path in ("/search.csv", "/search.ris", "/search.bib", "/search/feed/"):
        response = client.get(path, {"q": "人权"})
        assert (response.status_code, response["Retry-After"], response["Content-Type"]) == (503, "10", "text/plain; charset=utf-8"), path
        assert response.content.decode().startswith("搜索暂时无法使用"), path
    # Pages that do not search are unaffected.
    assert client.get(seeded[0].get_absolute_url()).status_code == 200


def test_a_prefix_finds_and_marks_every_word_it_starts(search_index, client):
    from resolutions.search.snippets import highlight

    ingest_file(DATA / "A_RES_78_220.txt")
    torture = sorted(
        f"{p.resolution.symbol} {p.eid}" for p in Paragraph.objects.select_related("resolution") if re.search(r"\btortur", p.text, re.IGNORECASE)
    )
    assert torture and all_eids("tortur*") == torture
    data = client.get("/api/search", {"q": "tortur*", "per_page": 100}).json()
    assert data["count"] == len(torture) and all("<mark>" in row["snippet"] for row in data["results"])
    assert str(highlight("Torture, torturers and a tort", ["tort*"], "en")) == "<mark>Torture</mark>, <mark>torturers</mark> and a <mark>tort</mark>"
    assert str(highlight("人权理事会和人权理念", ["人权理*"], "zh")) == "<mark>人权理</mark>事会和<mark>人权理</mark>念"


def test_sort_by_document_reads_resolution_by_resolution(seeded, client):
    outcome = search_paragraphs("人权", sort="document", per_page=100)
    keys = [(h.resolution.symbol, h.paragraph.position) for h in outcome.hits]
    assert keys == sorted(keys) and len({k[0] for k in keys}) == 2
    page = client.get("/search/", {"q": "人权", "sort": "document"}).content.decode()
    assert '<option value="document" selected>' in page
