"""Fixtures for tests that touch the search index: each test gets its own index directory.

Import `search_index` into a conftest (or a test module) to use it. Inside a test transaction nothing
commits, so the fixture makes `schedule_reindex` drain at once (SEARCH_INDEX_DRAIN = "immediate");
`search_index_on_commit` keeps the production behaviour for tests that really commit
(transactional_db, several processes).
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from haystack import connections

OPENSEARCH_MISSING = "OPENSEARCH_URL is not set: start a cluster with scripts/opensearch start"
# One index name for the whole test session (each test empties it first): tests never touch the archive's own.
OPENSEARCH_TEST_INDEX = f"archive_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def use_index_dir(path: Path) -> None:
    """Point haystack's default connection (in this thread) at `path`."""
    connections.connections_info["default"]["PATH"] = str(path)
    connections.reload("default")


@pytest.fixture
def search_index_dir(tmp_path: Path, settings) -> Iterator[Path]:
    original = connections.connections_info["default"].get("PATH", str(settings.SEARCH_INDEX_DIR))
    path = tmp_path / "search-index"
    settings.SEARCH_INDEX_DIR = path
    use_index_dir(path)
    yield path
    close = getattr(connections["default"].get_backend(), "close_searcher", None)
    if close is not None:
        close()
    use_index_dir(Path(original))


@pytest.fixture(params=["whoosh", "opensearch"])
def search_engine(request, search_index: Path, settings):
    """The same test on each engine behind the seam: Whoosh in this test's directory, OpenSearch on OPENSEARCH_URL.

    The OpenSearch run needs a real cluster (scripts/opensearch start prints its OPENSEARCH_URL); without one it
    skips, saying so, except in CI (CI=true), where a missing cluster fails the run.
    """
    from archive.settings import search_connection
    from resolutions.search.engine import get_engine

    original = dict(connections.connections_info["default"])
    if request.param == "opensearch":
        url = os.environ.get("OPENSEARCH_URL", "").strip()
        if not url:
            if os.environ.get("CI") == "true":
                pytest.fail(f"{OPENSEARCH_MISSING} (CI=true: the exactness suite must run on OpenSearch too)")
            pytest.skip(OPENSEARCH_MISSING)
        settings.SEARCH_ENGINE = "opensearch"
        connections.connections_info["default"] = {
            **search_connection("opensearch", url=url, index_name=OPENSEARCH_TEST_INDEX),
            "PATH": str(search_index),  # the single-writer lock file lives beside it
        }
        connections.reload("default")
        get_engine().clear()
    engine = get_engine()
    assert engine.name == request.param
    yield engine
    if request.param == "opensearch":
        connections.connections_info["default"] = original
        connections.reload("default")


@pytest.fixture
def search_index(search_index_dir: Path, settings) -> Path:
    """A fresh, empty index for this test; changes reach it as soon as a service schedules them."""
    settings.SEARCH_INDEX_DRAIN = "immediate"
    return search_index_dir


@pytest.fixture
def search_index_on_commit(search_index_dir: Path, settings) -> Path:
    """A fresh index fed after each real commit, as in production."""
    settings.SEARCH_INDEX_DRAIN = "commit"
    return search_index_dir


DATA = Path(__file__).parent / "data"
SEED_TEXTS = ("A_HRC_RES_45_32.txt", "A_RES_67_161.txt")


def ingest_file(path: Path):
    """Ingest one test file through the archive's own service (parse, store, schedule the reindex)."""
    from resolutions.services import ingest_resolution

    return ingest_resolution(source=path.read_bytes(), filename=path.name).resolution
