"""Fixtures shared by every test: nothing a test does reaches the real index or media folder in var/."""
from pathlib import Path

import pytest

from resolutions.tests.search_fixtures import (  # noqa: F401  (fixtures re-exported for every test module)
    search_index,
    search_index_dir,
    search_index_on_commit,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _isolated_storage(search_index_dir, tmp_path, settings):
    """Each test gets its own search index directory and media root."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # A cache of its own, so rate-limit and login-throttle counts never leak from one test to the next.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": str(tmp_path)}
    }
    settings.SEARCH_RATE_LIMIT = settings.API_RATE_LIMIT = "off"  # test_security.py turns it on


@pytest.fixture
def data_file():
    """Bytes of a file in resolutions/tests/data."""

    def read(name: str) -> bytes:
        return (DATA / name).read_bytes()

    return read
