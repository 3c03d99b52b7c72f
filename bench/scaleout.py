"""Scale-out proof: two archive hosts share one PostgreSQL database and one 2-node OpenSearch cluster, and a node dies.

    .venv/bin/python bench/scaleout.py /work/shared/corpus                       # 300 resolutions, 3 minutes
    .venv/bin/python bench/scaleout.py resolutions/tests/data --smoke            # 30 resolutions, 45 seconds

Loopback only. The hosts are two gunicorn processes, each with settings and a var directory of its own (its own
media, logs and rate-limit state), both on DATABASE_URL's server in a database this script creates afresh
(--database-url, default postgres://archive:archive@127.0.0.1:5432/archive_scaleout_bench) and on one cluster
this script starts with scripts/opensearch (2 nodes, 1 replica, HTTP --http-port and +1). The archive is built with
bench/load.py's builder (the real texts re-numbered), then for the run's length:

- readers (bench/load.py's client and mix) search and open pages through both hosts, half of them on each;
- one curator per host creates, replaces and deletes resolutions through the services (bench/load.py's curator),
  each change draining the index outbox after its commit as a gunicorn worker does, the writer lock being the
  PostgreSQL advisory lock the two hosts share;
- at 35 % of the run a node is killed (SIGKILL): by default the one that is not the elected cluster manager
  (--kill manager: the one that is), and after --down seconds started again (scripts/opensearch start-node: it
  rejoins with its data and the replica recovers).

Afterwards the outbox is drained and `manage.py check_search_index` (through the seam) compares the index with the
database. Errors are counted by when they happened: in flight at the kill (started before it, answered after it),
while the node was down, and at any other time. The last line printed is the summary:

    scaleout requests=… errors=… errors_in_flight_at_kill=… errors_outside=… p50_ms=… p95_ms=… index_missing=0 …

Targets: no error except requests in flight at the kill, 0 differences; exit status 1 when missed.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))

from bench.load import (  # noqa: E402  (after the path is set)
    HOST,
    PYTHON,
    Readers,
    Server,
    archive_env,
    build_archive,
    check_index,
    curate,
    manage,
    pending_tasks,
    percentile,
    worker_memory,
)

DEFAULT_DATABASE_URL = "postgres://archive:archive@127.0.0.1:5432/archive_scaleout_bench"
OPENSEARCH_SCRIPT = PROJECT / "scripts" / "opensearch"


def recreate_database(url: str) -> None:
    """Drop and create the database `url` names (on its server, through the `postgres` maintenance database)."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing the database name {name!r}: letters, digits and _ only")
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    maintenance = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


class Cluster:
    """A 2-node OpenSearch cluster started by scripts/opensearch in `directory`; node 1 can be killed and restarted."""

    def __init__(self, directory: Path, *, http_port: int, transport_port: int, heap: str):
        self.directory, self.http_port, self.transport_port, self.heap = directory, http_port, transport_port, heap
        self.url = ""

    def start(self) -> Cluster:
        result = self._script("start", "--nodes", "2", "--http-port", str(self.http_port),
                              "--transport-port", str(self.transport_port), "--heap", self.heap,
                              "--cluster-name", "archive-scaleout")
        line = next((line for line in result.stdout.splitlines() if line.startswith("OPENSEARCH_URL=")), None)
        if result.returncode or not line:
            raise SystemExit(f"scripts/opensearch start failed:\n{result.stdout}\n{result.stderr}")
        self.url = line.split("=", 1)[1]
        return self

    def node_to_kill(self, which: str) -> int:
        """The node that is (`manager`) or is not (`other`) the elected cluster manager now."""
        state = json.loads((self.directory / "cluster.json").read_text())
        with urllib.request.urlopen(f"http://{HOST}:{self.http_port}/_cat/cluster_manager?h=node", timeout=30) as response:
            manager = response.read().decode().strip()
        names = [node["name"] for node in state["nodes"]]
        if manager not in names:
            raise SystemExit(f"the cluster manager {manager!r} is none of {names}")
        chosen = names.index(manager)
        return chosen if which == "manager" else 1 - chosen

    def kill(self, node: int) -> int:
        pid = json.loads((self.directory / "cluster.json").read_text())["nodes"][node]["pid"]
        os.kill(pid, signal.SIGKILL)
        return pid

    def restart(self, node: int) -> subprocess.CompletedProcess:
        return self._script("start-node", "--node", str(node))

    def stop(self) -> None:
        self._script("stop")

    def _script(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(PYTHON), str(OPENSEARCH_SCRIPT), args[0], "--dir", str(self.directory), *args[1:]],
                              cwd=PROJECT, capture_output=True, text=True, timeout=900)


def classify(failures: list[tuple[float, float, str, str]], kill_at: float, back_at: float) -> dict[str, list[str]]:
    """Failed requests by when they happened relative to the kill and the node's return."""
    phases: dict[str, list[str]] = {"in_flight_at_kill": [], "node_down": [], "other": []}
    for started, ended, kind, problem in failures:
        if started <= kill_at <= ended:
            phases["in_flight_at_kill"].append(f"{kind}: {problem}")
        elif kill_at < started < back_at:
            phases["node_down"].append(f"{kind}: {problem}")
        else:
            phases["other"].append(f"{kind}: {problem}")
    return phases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of real .txt resolutions (e.g. /work/shared/corpus)")
    parser.add_argument("--resolutions", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=180.0, help="length of the run (readers and curators)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument("--clients", type=int, default=8, help="reader connections, half on each host")
    parser.add_argument("--curator-pause", type=float, default=0.5, help="seconds between a curator's changes")
    parser.add_argument("--down", type=float, default=10.0, help="seconds node 1 stays dead before it is started again")
    parser.add_argument("--kill", choices=("other", "manager"), default="other",
                        help="kill the node that is not the elected cluster manager (default) or the one that is")
    parser.add_argument("--database-url", default=os.environ.get("SCALEOUT_DATABASE_URL", DEFAULT_DATABASE_URL),
                        help="PostgreSQL database to create afresh for the run (dropped at the end unless --keep)")
    parser.add_argument("--http-port", type=int, default=9210, help="HTTP port of node 0 (node 1: +1)")
    parser.add_argument("--transport-port", type=int, default=9310, help="transport port of node 0 (node 1: +1)")
    parser.add_argument("--heap", default="512m", help="heap of each OpenSearch node")
    parser.add_argument("--smoke", action="store_true", help="30 resolutions, 1 worker per host, 4 clients, 45 s")
    parser.add_argument("--scratch", type=Path, help="keep the hosts' folders and the cluster here")
    parser.add_argument("--keep", action="store_true", help="keep the database and leave the cluster running")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.resolutions, args.workers, args.clients, args.seconds, args.down, args.curator_pause = 30, 1, 4, 45, 4, 0.3
        args.heap = "384m"

    holder = None
    if args.scratch:
        args.scratch.mkdir(parents=True, exist_ok=True)
        scratch = args.scratch.resolve()
    else:
        holder = tempfile.TemporaryDirectory(prefix="archive-scaleout-")
        scratch = Path(holder.name)
    print(f"==> load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    recreate_database(args.database_url)
    cluster = Cluster(scratch / "opensearch", http_port=args.http_port, transport_port=args.transport_port, heap=args.heap)
    print(f"==> starting a 2-node OpenSearch cluster in {cluster.directory}", flush=True)
    cluster.start()
    try:
        return run(args, scratch, cluster)
    finally:
        if not args.keep:
            cluster.stop()
            drop_database(args.database_url)
        if holder:
            holder.cleanup()


def host_env(scratch: Path, name: str, args, cluster: Cluster) -> dict[str, str]:
    """One host's settings: its own var directory, the shared database and cluster (the same index alias)."""
    directory = scratch / name
    directory.mkdir(parents=True, exist_ok=True)
    env = archive_env(directory, database_url=args.database_url)
    env.update(SEARCH_ENGINE="opensearch", OPENSEARCH_URL=cluster.url, OPENSEARCH_INDEX="archive-scaleout",
               OPENSEARCH_SHARDS="1")
    return env


def run(args, scratch: Path, cluster: Cluster) -> int:
    hosts = {name: host_env(scratch, name, args, cluster) for name in ("host-a", "host-b")}
    # bench.load's builder sets Django up in this process from the host's variables; the engine's come from os.environ.
    for key in ("SEARCH_ENGINE", "OPENSEARCH_URL", "OPENSEARCH_INDEX", "OPENSEARCH_SHARDS"):
        os.environ[key] = hosts["host-a"][key]
    corpus = args.corpus.resolve()
    print(f"==> building {args.resolutions} resolutions from {corpus} (database {urllib.parse.urlsplit(args.database_url).path[1:]}, "
          f"index on {cluster.url})", flush=True)
    targets = build_archive(hosts["host-a"], corpus, args.resolutions, log=lambda line: print(line, flush=True))

    servers = {name: Server(env, scratch / name, workers=args.workers) for name, env in hosts.items()}
    for server in servers.values():
        server.start(timeout=60)
    try:
        print(f"==> hosts on {', '.join(f'{HOST}:{s.port}' for s in servers.values())} ({args.workers} worker(s) each); "
              f"{args.clients} readers, 2 curators for {args.seconds:.0f} s; a node ({args.kill}) killed at "
              f"{0.35 * args.seconds:.0f} s for {args.down:.0f} s", flush=True)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        curators = [
            context.Process(target=curate, args=(env, str(corpus), time.time() + args.seconds, args.curator_pause, queue, number))
            for number, env in enumerate(hosts.values())
        ]
        for curator in curators:
            curator.start()
        started = time.monotonic()
        deadline = started + args.seconds
        per_host = max(1, args.clients // 2)
        readers = {name: Readers(server.port, targets, clients=per_host, deadline=deadline, seed=7 + i)
                   for i, (name, server) in enumerate(servers.items())}
        threads = [threading.Thread(target=r.run, daemon=True) for r in readers.values()]
        for thread in threads:
            thread.start()

        time.sleep(max(0.0, started + 0.35 * args.seconds - time.monotonic()))
        killed = cluster.node_to_kill(args.kill)
        kill_at = time.monotonic()
        pid = cluster.kill(killed)
        print(f"    {kill_at - started:.1f} s: node-{killed} ({'the' if args.kill == 'manager' else 'not the'} cluster "
              f"manager) killed (SIGKILL, pid {pid})", flush=True)
        time.sleep(args.down)
        restarted = cluster.restart(killed)
        back_at = time.monotonic()
        if restarted.returncode:
            print(f"    node-{killed} did not come back:\n{restarted.stdout}\n{restarted.stderr}", flush=True)
        else:
            print(f"    {back_at - started:.1f} s: node-{killed} back in the cluster", flush=True)

        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()) + 90)
        elapsed = time.monotonic() - started
        reports = [queue.get(timeout=180) for _ in curators]
        for curator in curators:
            curator.join(timeout=30)
        memory = {name: worker_memory(server.worker_pids()) for name, server in servers.items()}
    finally:
        for server in servers.values():
            server.stop()

    health = cluster._script("status").stdout.strip().splitlines()
    outbox = pending_tasks(hosts["host-a"])
    drained = manage(hosts["host-b"], "index_worker")
    index = check_index(hosts["host-a"])
    index["outbox_after_run"] = outbox
    index["pending_tasks"] = pending_tasks(hosts["host-a"])
    figures = summarize(readers, reports, index, targets, args, elapsed=elapsed, kill_at=kill_at, back_at=back_at,
                        started=started, restarted=restarted.returncode == 0, memory=memory)
    figures["drain_after_run"] = drained.stdout.strip() or drained.stderr.strip()[-500:]
    figures["cluster_status"] = health
    print("cluster at the end: " + " | ".join(health))
    print(f"==> load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(
        f"scaleout requests={figures['requests']} errors={figures['errors']} "
        f"errors_in_flight_at_kill={len(figures['errors_by_phase']['in_flight_at_kill'])} "
        f"errors_outside={figures['errors_outside_kill']} p50_ms={figures['p50_ms']} p95_ms={figures['p95_ms']} "
        f"curator_ops={figures['curator_ops']} curator_errors={len(figures['curator_errors'])} "
        f"outbox_after_run={outbox} index_missing={index['missing']} index_stale={index['stale']} "
        f"index_changed={index['changed']} node_back={figures['node_back']}",
        flush=True,
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    correct = (figures["errors_outside_kill"] == 0 and not figures["curator_errors"] and figures["node_back"]
               and index["missing"] == index["stale"] == index["changed"] == 0 and index["pending_tasks"] == 0)
    print(f"targets: no error outside the requests in flight at the kill, 0 index differences: {'met' if correct else 'MISSED'}")
    return 0 if correct else 1


def summarize(readers: dict[str, Readers], reports: list[dict], index: dict, targets: dict, args, *, elapsed: float,
              kill_at: float, back_at: float, started: float, restarted: bool, memory: dict) -> dict:
    print(f"\n{'host':<8}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    everything, failures, hosts = [], [], {}
    for name, reader in readers.items():
        values = [v for vs in reader.latencies.values() for v in vs]
        everything += values
        failures += reader.failures
        row = {"requests": len(values), "errors": len(reader.failures), "p50_ms": round(percentile(values, 50), 1),
               "p95_ms": round(percentile(values, 95), 1), "p99_ms": round(percentile(values, 99), 1),
               "max_ms": round(max(values, default=0), 1)}
        hosts[name] = row
        print(f"{name:<8}{row['requests']:>9}{row['errors']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}{row['max_ms']:>9}")
    phases = classify(failures, kill_at, back_at)
    for phase, problems in phases.items():
        print(f"errors {phase.replace('_', ' ')}: {len(problems)}")
        for problem in problems[:5]:
            print(f"    {problem}")
    counts: dict[str, int] = {}
    curator_errors: list[str] = []
    for report in reports:
        for key, n in report["counts"].items():
            counts[key] = counts.get(key, 0) + n
        curator_errors += report["errors"]
    for problem in curator_errors[:5]:
        print(f"  curator error: {problem}")
    print(f"curators (2 hosts): {counts.get('created', 0)} created, {counts.get('replaced', 0)} replaced, "
          f"{counts.get('deleted', 0)} deleted, {len(curator_errors)} errors")
    print(f"index after the run: outbox={index['outbox_after_run']} (drained before the check) missing={index['missing']} "
          f"stale={index['stale']} changed={index['changed']}")
    print(f"gunicorn workers' memory at the end (MB): " + ", ".join(f"{n} rss={m['rss']} pss={m['pss']}" for n, m in memory.items()))
    return {
        "resolutions": args.resolutions, "paragraphs": targets["paragraph_count"], "workers_per_host": args.workers,
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(everything), "errors": len(failures),
        "errors_by_phase": phases, "errors_outside_kill": len(phases["node_down"]) + len(phases["other"]),
        "killed": args.kill, "kill_at_s": round(kill_at - started, 1), "back_at_s": round(back_at - started, 1), "node_back": restarted,
        "p50_ms": round(percentile(everything, 50), 1), "p95_ms": round(percentile(everything, 95), 1),
        "hosts": hosts, "curator": counts, "curator_ops": sum(counts.values()), "curator_errors": curator_errors,
        "index": index, "build": {"store_s": targets["store_s"], "index_s": targets["index_s"]},
        "workers_memory_mb": memory,
    }


if __name__ == "__main__":
    sys.exit(main())
