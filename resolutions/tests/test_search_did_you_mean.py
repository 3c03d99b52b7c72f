"""Did-you-mean (issue 15): a query that finds nothing gets the near form that finds something, with its count,
computed through the seam on both engines (fixture `search_engine`), on the real texts."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from resolutions.models import Paragraph
from resolutions.search.analysis import fold, runs
from resolutions.search.engine import Filters, get_engine
from resolutions.search.service import Suggestion, did_you_mean
from resolutions.search.suggest import correctable_words, join_chinese, replace_words, within_one_edit
from resolutions.tests.search_fixtures import DATA, SEED_TEXTS, ingest_file, search_engine, search_index, search_index_dir  # noqa: F401
from resolutions.tests.search_reference import brute_force

ENGLISH_TEXTS = ("A_RES_78_171.txt", "A_RES_78_190.txt", "A_RES_78_220.txt")


@pytest.fixture
def archive(search_engine, db):
    for name in (*SEED_TEXTS, *ENGLISH_TEXTS):
        ingest_file(DATA / name)
    return search_engine


def suggestion_on_page(client, params: dict) -> tuple[str, dict, int] | None:
    """(the suggested query, the link's parameters, the count shown) of the results page, or None."""
    page = client.get("/search/", params).content.decode()
    found = re.search(r'<p class="did-you-mean">.*?<a href="([^"]+)">(.*?)</a>（(\d+) 段', page)
    if found is None:
        return None
    link = parse_qs(urlsplit(unescape(found.group(1))).query)
    return unescape(found.group(2)), link, int(found.group(3))


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("tortue", "torture"),  # a letter dropped
        ("persons with albinsim", "persons with albinism"),  # two letters swapped, among words that are right
        ("Situaton of humna rights", "Situation of human rights"),  # two misspelt words; the capital kept
        ('"禁止 酷刑"', '"禁止酷刑"'),  # a stray space inside a Chinese phrase
        ("人权，理事会", "人权理事会"),  # a full-width comma inside a Chinese word
    ],
)
def test_a_query_that_finds_nothing_suggests_the_near_form_that_does_with_its_count(archive, client, typed, meant):
    assert brute_force(typed) == set()
    found = brute_force(meant)
    assert found
    assert did_you_mean(typed) == Suggestion(meant, len(found))
    query, link, count = suggestion_on_page(client, {"q": typed})
    assert (query, link["q"], count) == (meant, [meant], len(found))
    page = client.get("/search/", link).content.decode()
    assert int(re.search(r'<p class="result-count">共 <strong>(\d+)</strong>', page).group(1)) == len(found)
    answer = client.get("/api/search", {"q": typed}).json()
    assert (answer["count"], answer["did_you_mean"]) == (0, {"query": meant, "count": len(found)})


def test_the_suggestion_keeps_the_filters_and_counts_under_them(archive, client):
    operative = brute_force("torture", Filters(kind=("operative",)))
    assert len(operative) == 4
    query, link, count = suggestion_on_page(client, {"q": "tortue", "kind": "operative"})
    assert (query, link, count) == ("torture", {"q": ["torture"], "kind": ["operative"]}, 4)
    # No Chinese paragraph names torture in English: under language=zh the correction finds nothing, so none is offered.
    assert brute_force("torture", Filters(language=("zh",))) == set()
    assert suggestion_on_page(client, {"q": "tortue", "language": "zh"}) is None


def test_no_suggestion_when_nothing_near_finds_anything_or_the_query_finds_something(archive, client):
    assert suggestion_on_page(client, {"q": "xyzzyq"}) is None
    assert suggestion_on_page(client, {"q": "tortue -Iran"}) is None  # torture is named only in the text on Iran
    assert len(brute_force("禁止 酷刑")) == 11
    assert suggestion_on_page(client, {"q": "禁止 酷刑"}) is None  # unquoted: both words, found


@pytest.mark.parametrize("word", ["stats", "tortue", "humna", "rigths", "nazsim", "albinsim"])
def test_each_engine_lists_the_indexed_words_one_edit_away(archive, word):
    """words_near against every folded word of the database's texts (a scan the engines must not need)."""
    words = {run.text for p in Paragraph.objects.all() for run in runs(fold(p.text)) if not run.cjk}
    expected = sorted(w for w in words if w[0] == word[0] and within_one_edit(word, w))
    assert get_engine().words_near(word) == expected
    if word == "stats":
        assert expected == ["seats", "state", "states", "status"]


def test_one_edit_is_an_insertion_a_deletion_a_substitution_or_a_swap():
    assert within_one_edit("tortue", "torture") and within_one_edit("torture", "tortue")
    assert within_one_edit("albinsim", "albinism") and within_one_edit("humna", "human")
    assert within_one_edit("stats", "state") and not within_one_edit("stats", "stats")
    assert not within_one_edit("tortue", "tortured") and not within_one_edit("abcd", "badc")


def test_operators_negations_and_prefixes_are_left_as_typed():
    text = 'tortue OR albinsim -situaton NOT humna tort* "禁止 酷刑" NOT "人权 理事会"'
    assert [w.folded for w in correctable_words(text)] == ["tortue", "albinsim"]
    assert join_chinese(text) == 'tortue OR albinsim -situaton NOT humna tort* "禁止酷刑" NOT "人权 理事会"'
    words = correctable_words("TORTUE Albinsim")
    assert replace_words("TORTUE Albinsim", dict(zip(words, ["torture", "albinism"]))) == "TORTURE Albinism"
