"""Relevance states the thing: the top hit of fixed queries is the paragraph about them, not the shortest lead-in.

The rule (resolutions/search/engine.py) is the same on both engines (fixture `search_engine`: Whoosh, then
OpenSearch on OPENSEARCH_URL): each clause's occurrences saturated, lengths under the reference counted as the
reference, ties newest first. The texts are the OpenSearch suite's: the two Chinese seed resolutions and six English
ones. Each row of TOP_HITS says which paragraph comes first and which one the old rule (shortest first) put there.
"""
from __future__ import annotations

import pytest

from resolutions.models import Paragraph
from resolutions.search.analysis import fold
from resolutions.search.engine import RANK_REFERENCE_BYTES, clause_score, length_factor
from resolutions.search.service import search_paragraphs
from resolutions.search.snippets import match_spans
from resolutions.tests.opensearch_fixtures import CHINESE_TEXTS, DATA, ENGLISH_TEXTS
from resolutions.tests.search_fixtures import ingest_file, search_engine, search_index, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db

# query -> (symbol, eid) of the top hit, the word that top hit holds several times, and the old top hit (shortest).
TOP_HITS = {
    "人权": (("A/HRC/RES/45/32", "pp3"), "人权", ("A/RES/67/161", "op38")),
    "教育": (("A/HRC/RES/45/32", "pp11"), "教育", ("A/HRC/RES/45/32", "pp7")),
    "防范": (("A/RES/67/161", "op3"), "防范", ("A/RES/67/161", "op13")),
    "机制": (("A/RES/67/161", "op4"), "机制", ("A/RES/67/161", "pp9")),
    "报告": (("A/RES/67/161", "op41"), "报告", ("A/RES/67/161", "op38")),
    "儿童": (("A/HRC/RES/45/32", "pp10"), "儿童", ("A/RES/67/161", "op28")),
    "酷刑": (("A/RES/67/161", "op39"), "酷刑", ("A/RES/67/161", "pp1")),
    "human rights": (("A/RES/79/184", "pp18"), "human rights", ("A/RES/79/157", "pp3")),
    "education": (("A/RES/78/179", "pp12"), "education", ("A/RES/78/179", "pp37")),
    "children": (("A/RES/79/184", "pp51"), "children", ("A/RES/78/171", "pp9")),
    "violence": (("A/RES/78/179", "pp26"), "violence", ("A/RES/78/190", "pp10")),
    "albinism": (("A/RES/78/171", "op3"), "albinism", ("A/RES/78/171", "pp9")),
    "journalists": (("A/RES/79/184", "pp43"), "journalists", ("A/RES/79/184", "op7(l)")),
}


@pytest.fixture
def archive(search_engine):
    for name in CHINESE_TEXTS + ENGLISH_TEXTS:
        ingest_file(DATA / name)
    return search_engine


def named(hit) -> tuple[str, str]:
    return hit.paragraph.resolution.symbol, hit.paragraph.eid


def date_key(paragraph: Paragraph) -> tuple:
    resolution = paragraph.resolution
    return (-resolution.adopted_on.toordinal(), resolution.symbol, resolution.language, paragraph.position)


def test_the_top_hit_of_each_fixed_query_is_the_paragraph_that_states_it_not_the_shortest(archive):
    wrong = []
    for query, (expected, word, old_top) in TOP_HITS.items():
        hits = search_paragraphs(query, per_page=100).hits
        if named(hits[0]) != expected:
            wrong.append(f"{query!r}: {named(hits[0])}, expected {expected}")
            continue
        # It says the thing: the word more than once. The old rule's top hit, the shortest paragraph holding the
        # query, is another one, which holds it fewer times.
        occurrences = fold(hits[0].paragraph.text).count(word)
        assert occurrences >= 2, query
        shortest = min(hits, key=lambda hit: (len(fold(hit.paragraph.text).encode()), *date_key(hit.paragraph)))
        assert named(shortest) == old_top != expected and fold(shortest.paragraph.text).count(word) < occurrences, query
    assert not wrong, wrong


def test_paragraphs_that_score_alike_come_newest_first(archive):
    # 决定: most hits hold it once in a paragraph of at most the reference length, in two resolutions (2012, 2020).
    hits = search_paragraphs("决定", per_page=100).hits
    tied = [hit.paragraph for hit in hits if hit.score == 1.0]
    assert len({p.resolution.adopted_on for p in tied}) == 2
    assert [p.pk for p in tied] == [p.pk for p in sorted(tied, key=date_key)]
    assert tied[0].resolution.symbol == "A/HRC/RES/45/32" and tied[-1].resolution.symbol == "A/RES/67/161"
    for paragraph in tied:
        text = fold(paragraph.text)
        assert text.count("决定") == 1 and len(text.encode()) <= RANK_REFERENCE_BYTES
    # And the whole list follows the rule: the score computed from the texts, then newest first.
    expected = sorted(
        (hit.paragraph for hit in hits),
        key=lambda p: (-round(clause_score(fold(p.text).count("决定"), length_factor(len(fold(p.text).encode()))), 4), *date_key(p)),
    )
    assert [hit.paragraph.pk for hit in hits] == [p.pk for p in expected]


def test_stop_words_must_match_but_neither_rank_nor_are_highlighted(archive):
    with_stop_words = search_paragraphs("the right to education", per_page=100).hits
    without = {hit.paragraph.pk: hit for hit in search_paragraphs("right education", per_page=100).hits}
    # Every hit holds "the" and "to" as well; each scores what it scores for "right education" alone.
    assert len(with_stop_words) == 9 < len(without) + 1
    assert all(hit.paragraph.pk in without and hit.score == without[hit.paragraph.pk].score for hit in with_stop_words)
    assert [hit.paragraph.pk for hit in with_stop_words] == [pk for pk in without if pk in {h.paragraph.pk for h in with_stop_words}]
    top = with_stop_words[0].paragraph.text
    marked = {top[start:end].lower() for start, end in match_spans(top, ["the", "right", "to", "education"], "en")}
    assert marked == {"rights", "right", "education"}
    # A query of stop words only still shows where it matched.
    assert {top[start:end] for start, end in match_spans(top, ["the"], "en")} == {"the"}
