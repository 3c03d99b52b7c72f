"""The load script's smoke run: gunicorn, readers and a curator at once, then the index checked against the database."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from resolutions.tests.conftest import DATA

PROJECT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_smoke_load_has_no_errors_and_leaves_the_index_equal_to_the_database(tmp_path):
    figures_path = tmp_path / "figures.json"
    run = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "load.py"), str(DATA), "--smoke", "--scratch", str(tmp_path / "archive"),
         "--json", str(figures_path)],
        cwd=PROJECT, capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    figures = json.loads(figures_path.read_text())
    summary = run.stdout.strip().splitlines()[-2]

    assert summary.startswith("load rps=")
    assert figures["resolutions"] == 50 and figures["workers"] == 2
    assert len(figures["workers_memory_mb"]["rss"]) == 2 and all(mb > 10 for mb in figures["workers_memory_mb"]["rss"])
    assert figures["errors"] == 0, figures["per_kind"]
    assert figures["curator_errors"] == []
    assert figures["index"] == {"missing": 0, "stale": 0, "changed": 0, "returncode": 0, "pending_tasks": 0}
    # Every kind of request was made, and the curator really created, replaced and deleted while they ran.
    assert all(row["requests"] > 0 for row in figures["per_kind"].values()), figures["per_kind"]
    assert figures["requests"] >= 100
    assert set(figures["curator"]) == {"created", "replaced", "deleted"}
    assert all(n > 0 for n in figures["curator"].values())
