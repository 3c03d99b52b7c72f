"""Search finds every paragraph containing the query, and only those, on the real Chinese texts."""
from __future__ import annotations

import pytest

from resolutions.models import Paragraph
from resolutions.search.results import search_paragraphs
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
