"""Fixtures for tests that touch the search index: each test gets its own index directory.

Import `search_index` into a conftest (or a test module) to use it. Inside a test transaction nothing
commits, so the fixture makes `schedule_reindex` drain at once (SEARCH_INDEX_DRAIN = "immediate");
`search_index_on_commit` keeps the production behaviour for tests that really commit
(transactional_db, several processes).
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from haystack import connections


def use_index_dir(path: Path) -> None:
    """Point haystack's default connection (in this thread) at `path`."""
    connections.connections_info["default"]["PATH"] = str(path)
    connections.reload("default")


@pytest.fixture
def search_index_dir(tmp_path: Path, settings) -> Iterator[Path]:
    original = connections.connections_info["default"]["PATH"]
    path = tmp_path / "search-index"
    settings.SEARCH_INDEX_DIR = path
    use_index_dir(path)
    yield path
    connections["default"].get_backend().close_searcher()
    use_index_dir(Path(original))


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
