"""A prefix after other words expands to every indexed word it starts: on a large index, thousands of clauses.

OpenSearch refuses a query of more than indices.query.bool.max_clause_count clauses (1024 by default), and the
archive would answer SearchUnavailable to `A/HRC/4*`. scripts/opensearch raises the limit on its nodes (and README
says what a production cluster needs); here an index holds 1,500 words starting with 4 and the prefix still answers
exactly what the scan of the texts answers.
"""
from __future__ import annotations

import uuid

import pytest

from resolutions.models import Paragraph, ParagraphKind
from resolutions.search.opensearch_engine import SearchRequest
from resolutions.search.query import parse_query
from resolutions.tests.opensearch_fixtures import brute_force, drop_engine, engine_for, opensearch_url  # noqa: F401
from resolutions.tests.search_fixtures import DATA, ingest_file

# Committed rows: the engine's bulk build reads the paragraphs in a thread of its own (another connection).
pytestmark = pytest.mark.django_db(transaction=True)

NUMBERS = range(40000, 41500)  # 1,500 words starting with 4: more clauses than OpenSearch's default limit


@pytest.fixture
def many_numbers_engine(opensearch_url, settings):  # noqa: F811
    settings.SEARCH_INDEX_DRAIN = "worker"
    resolution = ingest_file(DATA / "A_RES_78_171.txt")
    position = resolution.paragraphs.order_by("-position").values_list("position", flat=True).first()
    numbers = list(NUMBERS)
    texts = [f"The reports {' '.join(str(n) for n in numbers[start:start + 100])}." for start in range(0, len(numbers), 100)]
    texts += [f"Taking note of the report A/HRC/{n}/7 and of document A/HRC/{n + 1}." for n in (40, 41, 47)]
    texts += ["Recalling document A/HRC/39/7 and report 4 of the Council.", "Recalling document A/HRC/L.4."]
    Paragraph.objects.bulk_create(
        Paragraph(resolution=resolution, kind=ParagraphKind.OPERATIVE, position=position + i, number=900 + i, eid=f"op{900 + i}", text=text)
        for i, text in enumerate(texts, start=1)
    )
    engine = engine_for(opensearch_url, f"archive-test-clauses-{uuid.uuid4().hex[:10]}")
    engine.rebuild(Paragraph.objects.select_related("resolution").order_by("pk").iterator())
    yield engine
    drop_engine(engine)


def test_a_prefix_after_other_words_with_thousands_of_words_to_expand_answers_exactly(many_numbers_engine):
    expected = brute_force("A/HRC/4*")
    result = many_numbers_engine.search(SearchRequest(parse_query("A/HRC/4*"), limit=1000))
    texts = set(Paragraph.objects.filter(pk__in=[hit.paragraph_id for hit in result.hits]).values_list("text", flat=True))
    assert {hit.paragraph_id for hit in result.hits} == expected
    assert result.total == len(expected) == 3
    assert texts == {f"Taking note of the report A/HRC/{n}/7 and of document A/HRC/{n + 1}." for n in (40, 41, 47)}
    # A prefix that is the only run of its word is a plain prefix query (no clause limit): 1,000 words here.
    words = brute_force("reports 40*")
    assert {hit.paragraph_id for hit in many_numbers_engine.search(SearchRequest(parse_query("reports 40*"), limit=1000)).hits} == words
    assert len(words) == 10 + 1  # the ten paragraphs of 40000-40999 and the one citing A/HRC/40/7
