"""A real OpenSearch for the tests, the archive's texts in it, and the brute-force scan its answers must equal.

`opensearch_url` (session): OPENSEARCH_URL when set (CI starts a 2-node cluster with scripts/opensearch), else a
1-node cluster this session starts with scripts/opensearch on free ports in a temporary folder and stops at the
end, where Java and Maven are installed; otherwise the tests skip saying why, or FAIL when CI=true.

`brute_force(query_text, filters)` is the exactness reference both engines are held to (search_reference.py):
every paragraph's clean text folded and matched by the rules of SEARCH_CONTRACT.md, with nothing from any index.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.test import override_settings
from haystack import connections

from archive.settings import search_connection
from resolutions.models import Paragraph, Resolution
from resolutions.tests import search_reference

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
CHINESE_TEXTS = ("A_HRC_RES_45_32.txt", "A_RES_67_161.txt")
ENGLISH_TEXTS = ("A_RES_78_171.txt", "A_RES_78_179.txt", "A_RES_78_190.txt", "A_RES_79_157.txt", "A_RES_79_173.txt", "A_RES_79_184.txt")
TEST_ALIAS = "opensearch_test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_cluster(directory: Path, nodes: int, *, cluster_name: str) -> tuple[str, list[int]]:
    """Start `nodes` nodes with scripts/opensearch on free ports; (OPENSEARCH_URL, http ports)."""
    http = free_port_block(nodes)
    transport = free_port_block(nodes, avoid=set(http))
    command = [
        sys.executable, str(ROOT / "scripts" / "opensearch"), "start", "--nodes", str(nodes), "--dir", str(directory),
        "--http-port", str(http[0]), "--transport-port", str(transport[0]), "--cluster-name", cluster_name, "--heap", "384m",
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=900)
    if result.returncode != 0:
        raise RuntimeError(f"scripts/opensearch start failed:\n{result.stdout}\n{result.stderr}")
    line = next(line for line in result.stdout.splitlines() if line.startswith("OPENSEARCH_URL="))
    return line.split("=", 1)[1], http


def stop_cluster(directory: Path) -> None:
    subprocess.run([sys.executable, str(ROOT / "scripts" / "opensearch"), "stop", "--dir", str(directory)], capture_output=True, timeout=120)


def free_port_block(count: int, avoid: set[int] = frozenset()) -> list[int]:
    """`count` consecutive free ports (node i of scripts/opensearch listens on base + i)."""
    for _ in range(200):
        base = free_port()
        ports = list(range(base, base + count))
        if ports[-1] < 65535 and not avoid & set(ports) and all(_is_free(port) for port in ports):
            return ports
    raise RuntimeError("no free ports")


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def cluster_unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"OpenSearch is required in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory) -> Iterator[str]:
    url = os.environ.get("OPENSEARCH_URL")
    if url:
        yield url
        return
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        cluster_unavailable(f"OPENSEARCH_URL is not set and {' and '.join(missing)} not installed to start a node (Java 17, Maven)")
    directory = tmp_path_factory.mktemp("opensearch")
    try:
        url, _ = start_cluster(directory, 1, cluster_name="archive-test")
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        stop_cluster(directory)
        cluster_unavailable(f"could not start a node: {error}")
    yield url
    stop_cluster(directory)


def engine_for(url: str, index_name: str, alias: str = TEST_ALIAS):
    """An OpenSearchEngine on its own haystack connection and index (the default connection stays Whoosh)."""
    from resolutions.search.opensearch_engine import OpenSearchEngine

    connections.connections_info[alias] = search_connection("opensearch", url=url, index_name=index_name)
    connections.reload(alias)
    return OpenSearchEngine(connections[alias].get_backend())


def drop_engine(engine, alias: str = TEST_ALIAS) -> None:
    conn = engine.conn
    for name in engine.backend.live_indices():
        conn.indices.delete(index=name, ignore=404)
    conn.indices.delete(index=f"{engine.index_name}-*", ignore=404)
    connections.connections_info.pop(alias, None)


@pytest.fixture(scope="module")
def archive_texts(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[list[Resolution]]:
    """The Chinese seed texts and six English resolutions, ingested through the service and committed for this module.

    Nothing is drained into any index here (SEARCH_INDEX_DRAIN=worker): the module's engine builds its own.
    """
    from resolutions.services import ingest_resolution

    media = tmp_path_factory.mktemp("media")
    models = list(apps.get_app_config("resolutions").get_models())
    with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DRAIN="worker", MEDIA_ROOT=media):
        before = {model: set(model.objects.values_list("pk", flat=True)) for model in models}
        resolutions = [ingest_resolution(source=(DATA / name).read_bytes(), filename=name).resolution for name in CHINESE_TEXTS + ENGLISH_TEXTS]
    yield resolutions
    # Committed outside any test's transaction: every row the ingest made goes, so no other test sees it.
    with django_db_blocker.unblock():
        Resolution.objects.filter(pk__in=[r.pk for r in resolutions]).delete()
        for model in models:
            model.objects.exclude(pk__in=before[model]).delete()


@pytest.fixture(scope="module")
def os_engine(opensearch_url, archive_texts, django_db_blocker):
    """An index of its own for this module, built from `archive_texts` through engine.rebuild."""
    engine = engine_for(opensearch_url, f"archive-test-{uuid.uuid4().hex[:10]}")
    with django_db_blocker.unblock():
        count = engine.rebuild(Paragraph.objects.select_related("resolution").order_by("pk").iterator())
        assert count == Paragraph.objects.count() > 300
    yield engine
    drop_engine(engine)


# ---- the brute-force scan: the one reference both engines are held to (search_reference.py) ---------------------

brute_force = search_reference.brute_force


def brute_force_facets(query_text: str, filters, names: Iterable[str]) -> dict[str, list[tuple[str, int]]]:
    """search_reference.facet_counts in the engine's order: years and sessions newest first, others by count."""
    counts = search_reference.facet_counts(query_text, filters)
    facets = {}
    for name in names:
        values = list(counts[name].items())
        if name in ("year", "session"):
            facets[name] = sorted(values, key=lambda item: (-int(item[0]) if item[0].isdigit() else 0, item[0]))
        else:
            facets[name] = sorted(values, key=lambda item: (-item[1], item[0]))
    return facets
