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
    try:
        from resolutions.services import ingest_resolution
    except ImportError:  # TEMPORARY until resolutions.parsing.parse_resolution lands
        return _rough_ingest(path)
    return ingest_resolution(source=path.read_bytes(), filename=path.name).resolution


def _rough_ingest(path: Path):
    import datetime
    import re
    import sys

    from django.db import transaction

    from resolutions.models import Paragraph, Resolution
    from resolutions.search.indexing import schedule_reindex

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from bench.corpus import _rough

    language = "zh" if re.search("[\u4e00-\u9fff]", path.read_text(encoding="utf-8")[:2000]) else "en"
    symbol = path.stem.replace("_", "/").replace("/A/III", " A (III)")
    parts = symbol.split("/")
    with transaction.atomic():
        resolution = Resolution.objects.create(
            symbol=symbol, language=language, body="HRC" if "HRC" in symbol else "GA", session=parts[-2],
            number=parts[-1], title=path.stem, adopted_on=datetime.date(2000 + int(parts[-2]) % 100, 1, 1),
        )
        counters = {"preambular": 0, "operative": 0}
        for position, paragraph in enumerate(_rough(path, language), start=1):
            counters[paragraph.kind] += 1
            eid = ("pp" if paragraph.kind == "preambular" else "op") + str(counters[paragraph.kind])
            Paragraph.objects.create(resolution=resolution, kind=paragraph.kind, position=position,
                                     number=counters[paragraph.kind], eid=eid, text=paragraph.text)
        schedule_reindex(resolution.pk)
    return resolution
