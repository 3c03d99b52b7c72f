"""The scale-out script's smoke run: two hosts on one PostgreSQL database and one 2-node cluster, a node killed.

Needs PostgreSQL (the suite on DATABASE_URL=postgres://…, as CI's second run) and Java with Maven (scripts/opensearch
builds and starts the nodes); elsewhere it skips saying which is missing.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from resolutions.tests.conftest import DATA
from resolutions.tests.opensearch_fixtures import free_port_block

PROJECT = Path(__file__).resolve().parents[2]


def smoke_database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the scale-out run needs PostgreSQL: run the suite with DATABASE_URL=postgres://… (CI's second run does)")
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{parts.path.lstrip('/')}_scaleout_smoke"))


@pytest.mark.slow
def test_two_hosts_on_one_database_and_cluster_survive_a_killed_node_with_the_index_exact(tmp_path):
    database_url = smoke_database_url()
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the scale-out run starts OpenSearch nodes: {' and '.join(missing)} not installed (Java 17, Maven)")
    http = free_port_block(2)
    transport = free_port_block(2, avoid=set(http))
    figures_path = tmp_path / "figures.json"
    run = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "scaleout.py"), str(DATA), "--smoke", "--scratch", str(tmp_path / "run"),
         "--database-url", database_url, "--http-port", str(http[0]), "--transport-port", str(transport[0]),
         "--json", str(figures_path)],
        cwd=PROJECT, capture_output=True, text=True, timeout=900,
    )
    assert figures_path.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(figures_path.read_text())
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]

    assert figures["errors_outside_kill"] == 0, figures["errors_by_phase"]
    assert figures["curator_errors"] == []
    assert figures["node_back"] is True
    assert figures["index"]["missing"] == figures["index"]["stale"] == figures["index"]["changed"] == 0
    assert figures["index"]["pending_tasks"] == 0
    # Both hosts served readers, and both curators really wrote while a node was killed.
    assert all(host["requests"] > 20 for host in figures["hosts"].values()), figures["hosts"]
    assert set(figures["curator"]) == {"created", "replaced", "deleted"} and all(n > 0 for n in figures["curator"].values())
    assert figures["resolutions"] == 30 and figures["paragraphs"] > 1000
