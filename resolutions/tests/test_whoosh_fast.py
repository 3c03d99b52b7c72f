"""The fence around Whoosh's internals: the self-check passes on the pinned version, fails loudly when an internal
changes, and search then answers exactly through Whoosh's public API."""
from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from resolutions.search import whoosh_engine, whoosh_fast
from resolutions.search.engine import Filters
from resolutions.search.service import search_paragraphs
from resolutions.tests.search_fixtures import DATA, SEED_TEXTS, ingest_file, search_index, search_index_dir  # noqa: F401
from resolutions.tests.search_reference import brute_force, documents, facet_counts
from resolutions.tests.test_search_exactness import BOOLEAN, CHINESE, ENGLISH, ENGLISH_TEXTS, PREFIXES, SEVERAL_RUNS, differences

SEARCH = Path(__file__).resolve().parent.parent / "search"
# What only whoosh_fast may touch: attributes and classes Whoosh-Reloaded does not promise to keep.
INTERNALS = {"_data", "_read_data", "_next_block", "deleted_docs_set", "leaf_searchers", "_offsets", "_lengths", "_basepos",
             "_dbfile", "W3LeafMatcher", "FilterMatcher", "subsearchers", "_perdoc", "_terms"}


@pytest.fixture
def fresh_check():
    """The self-check runs again at the next search, and the verdict of this test does not outlive it."""
    whoosh_fast.reset()
    whoosh_engine.forget_everything()
    yield
    whoosh_fast.reset()
    whoosh_engine.forget_everything()


@pytest.fixture
def seeded(search_index):
    for name in (*SEED_TEXTS, *ENGLISH_TEXTS):
        ingest_file(DATA / name)


def test_the_self_check_passes_on_the_pinned_whoosh(fresh_check, caplog):
    import whoosh

    assert whoosh.__version__ == whoosh_fast.WHOOSH_VERSION == (2, 7, 5)
    assert "Whoosh-Reloaded==2.7.5" in (Path(__file__).resolve().parents[2] / "requirements.txt").read_text()
    assert whoosh_fast.self_check() == []
    with caplog.at_level(logging.ERROR):
        assert whoosh_fast.active() is whoosh_fast.FAST
    assert caplog.records == [] and whoosh_fast.broken() == ""


@pytest.mark.django_db
def test_a_missing_internal_fails_the_self_check_loudly_and_search_stays_exact(fresh_check, seeded, monkeypatch, caplog):
    """As if a release renamed the per-segment searchers the fast path walks (Whoosh's public path does not use them)."""
    from whoosh.searching import Searcher

    monkeypatch.delattr(Searcher, "leaf_searchers")
    problems = whoosh_fast.self_check()
    assert problems and "leaf_searchers" in problems[0]
    with caplog.at_level(logging.ERROR, logger="resolutions.search.whoosh_fast"):
        outcome = search_paragraphs("国家防范机制", per_page=100)
    assert whoosh_fast.active() is whoosh_fast.PUBLIC
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    message = record.getMessage()
    assert "fast Whoosh path is OFF" in message and "leaf_searchers" in message and "requirements.txt" in message
    assert {h.paragraph.pk for h in outcome.hits} == brute_force("国家防范机制") and outcome.total == 5


@pytest.mark.django_db
def test_a_fast_path_that_answers_wrongly_is_caught_by_the_self_check(fresh_check, seeded, monkeypatch, caplog):
    """A changed posting format that loses a document (no exception, just fewer hits) must not reach a reader."""
    honest = whoosh_fast.FastPath.postings

    def loses_the_last_posting(self, leaf, fieldname, term):
        return honest(self, leaf, fieldname, term)[:-1]

    monkeypatch.setattr(whoosh_fast.FastPath, "postings", loses_the_last_posting)
    assert any("postings of" in problem for problem in whoosh_fast.self_check())
    with caplog.at_level(logging.ERROR, logger="resolutions.search.whoosh_fast"):
        for query in ("人权", "酷刑", "torture", "tort*", "国家防范机制"):
            outcome = search_paragraphs(query, per_page=100)
            assert outcome.total == len(brute_force(query)), query
    assert "postings of" in whoosh_fast.broken()
    assert sum(r.levelno == logging.ERROR for r in caplog.records) == 1  # said once, not at every search


@pytest.mark.django_db
def test_the_public_path_answers_the_whole_exactness_suite(fresh_check, seeded, monkeypatch):
    """With the fast path off, every query, filter and facet count is still what the scan finds."""
    from resolutions.search.engine import get_engine

    monkeypatch.setattr(whoosh_fast, "self_check", lambda: ["switched off by the test"])
    cases = [(q, Filters()) for q in CHINESE + BOOLEAN + SEVERAL_RUNS + ENGLISH + PREFIXES]
    cases += [(q, f) for q in ("人权", "tort*") for f in (Filters(body=("GA", "HRC"), kind=("operative",)), Filters(year_from=2013), Filters(language=("en",)))]
    assert differences(get_engine(), cases) == []
    assert whoosh_fast.active() is whoosh_fast.PUBLIC


@pytest.mark.django_db
def test_the_public_path_follows_commits_and_deletions(fresh_check, seeded, monkeypatch):
    from resolutions.models import Resolution
    from resolutions.services import delete_resolution

    monkeypatch.setattr(whoosh_fast, "self_check", lambda: ["switched off by the test"])
    before = search_paragraphs("人权", per_page=100)
    assert before.total == len(brute_force("人权"))
    delete_resolution(resolution=Resolution.objects.get(symbol="A/RES/67/161"))
    after = search_paragraphs("人权", per_page=100)
    assert after.total == len(brute_force("人权")) < before.total
    assert {name: dict(values) for name, values in after.facets.items() if values} == {
        name: counts for name, counts in facet_counts("人权").items() if counts
    }


@pytest.mark.django_db
def test_a_fast_path_failing_during_a_search_falls_back_for_good(fresh_check, seeded, monkeypatch, caplog):
    assert whoosh_fast.active() is whoosh_fast.FAST

    def gone(self, leaf):
        raise AttributeError("'SegmentReader' object has no attribute 'deleted_docs_set'")

    monkeypatch.setattr(whoosh_fast.FastPath, "deleted", gone)
    whoosh_engine.forget_everything()
    with caplog.at_level(logging.ERROR, logger="resolutions.search.whoosh_fast"):
        outcome = search_paragraphs("酷刑", per_page=100)
    assert outcome.total == len(brute_force("酷刑"))
    assert whoosh_fast.active() is whoosh_fast.PUBLIC
    assert "deleted_docs_set" in caplog.text


def test_the_self_check_is_cheap_enough_to_run_at_every_start():
    import time

    start = time.perf_counter()
    assert whoosh_fast.self_check() == []
    assert time.perf_counter() - start < 5  # measured ~0.1 s; generous for a busy machine


def test_only_the_fenced_module_touches_whoosh_internals():
    offenders = []
    for path in sorted(SEARCH.glob("*.py")):
        if path.name == "whoosh_fast.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else None
            if isinstance(node, ast.alias):
                name = node.name.rsplit(".", 1)[-1]
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                name = node.value  # getattr(column, "_offsets")
            if name in INTERNALS:
                offenders.append(f"{path.name}:{node.lineno} {name}")
    assert offenders == []
    # And the fence really holds them (the list above is not stale).
    tree = ast.parse((SEARCH / "whoosh_fast.py").read_text(encoding="utf-8"))
    fenced = {getattr(n, "attr", None) for n in ast.walk(tree)} | {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert {"_data", "_next_block", "deleted_docs_set", "leaf_searchers", "_offsets"} <= fenced


@pytest.mark.django_db
def test_warming_up_runs_the_self_check_before_the_workers_fork(fresh_check, seeded):
    from resolutions.models import Paragraph
    from resolutions.search.service import warm_up

    assert warm_up() == Paragraph.objects.count()
    assert whoosh_fast.active() is whoosh_fast.FAST and whoosh_fast._active is whoosh_fast.FAST
    assert len(documents()) == Paragraph.objects.count()
