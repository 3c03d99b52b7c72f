"""Search benchmark on OpenSearch: the corpus and the 50 queries of bench/search.py, through the OpenSearch engine.

    scripts/opensearch start [--nodes 2]
    .venv/bin/python bench/opensearch_bench.py --paragraphs 100000 [--url http://127.0.0.1:9200,...] [--workdir var/bench-os]

Builds N paragraphs recombined from the real texts (bench/corpus.py, as bench/search.py does) into a SQLite
database under --workdir (--reuse-db keeps one built before), rebuilds the OpenSearch index from it (timed: the
documents prepared in Python, bulk-loaded with no replica and no refresh, merged to one segment, replicas added,
the alias swapped), then runs the 50 queries once each with the shards' caches cleared (cold) and once more
(warm): each a full results page through OpenSearchEngine.search (exact total, 20 hits, all six facets). It
prints each node's heap and RSS at the end. `run_queries(engine, queries)` is what bench/search.py can call.

The last line is: search engine=opensearch p50_ms=… p95_ms=… warm_p95_ms=… node_cpu_ms=… client_cpu_ms=… build_s=…
nodes=… heap_mb=… rss_mb=… (node_cpu_ms: the CPU time the nodes spent per query of the cold pass, from /proc:
unlike the milliseconds, a machine busy with other work does not inflate it).
"""
from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import QUERIES, build_database, percentile, setup  # noqa: E402

MULTI_VALUED = ("body", "language", "kind", "verb")


def request_for(query: str, filters: dict, *, limit: int = 20):
    from resolutions.search.opensearch_engine import Filters, SearchRequest
    from resolutions.search.query import parse_query

    values = {name: (value,) if name in MULTI_VALUED else value for name, value in filters.items()}
    return SearchRequest(parse_query(query), Filters(**values), limit=limit)


def run_queries(engine, queries: list[tuple[str, dict]]) -> list[tuple[float, int]]:
    """(milliseconds, total) for each (query, filters): one full results page with facets, through `engine`."""
    timings = []
    for query, filters in queries:
        request = request_for(query, filters)
        start = time.perf_counter()
        result = engine.search(request)
        timings.append(((time.perf_counter() - start) * 1000, result.total))
    return timings


def node_pids(engine) -> list[int]:
    """The process ids of the nodes that run on this machine."""
    info = engine.conn.nodes.info(metric="process")["nodes"]
    return [node["process"]["id"] for node in info.values() if Path(f"/proc/{node['process']['id']}").exists()]


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used (a busy machine stretches latency, not this)."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def node_memory(engine) -> list[dict]:
    """Each node's name, JVM heap used / max (MB) and the RSS of its process (MB, when it runs on this machine)."""
    stats = engine.conn.nodes.stats(metric="jvm,process")["nodes"]
    info = engine.conn.nodes.info(metric="process")["nodes"]
    nodes = []
    for node_id, node in stats.items():
        pid = info[node_id]["process"]["id"]
        rss = None
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            rss = next(int(line.split()[1]) / 1024 for line in status.read_text().splitlines() if line.startswith("VmRSS:"))
        jvm = node["jvm"]["mem"]
        nodes.append({"name": node["name"], "heap_used_mb": jvm["heap_used_in_bytes"] / 2**20, "heap_max_mb": jvm["heap_max_in_bytes"] / 2**20, "rss_mb": rss})
    return sorted(nodes, key=lambda n: n["name"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=20000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench-os")
    parser.add_argument("--url", default=os.environ.get("OPENSEARCH_URL", "http://127.0.0.1:9200"))
    parser.add_argument("--index", default="archive-bench")
    parser.add_argument("--shards", type=int, default=1)
    parser.add_argument("--reuse-db", action="store_true", help="keep the database --workdir already holds")
    parser.add_argument("--reuse-index", action="store_true", help="query the index --index already names (no rebuild)")
    args = parser.parse_args()
    reuse = args.reuse_db and (args.workdir / "archive.sqlite3").exists()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if not reuse:
        (args.workdir / "archive.sqlite3").unlink(missing_ok=True)
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))  # a scratch archive: any key will do
    setup(args.workdir)
    logging.getLogger("opensearch").setLevel(logging.WARNING)  # one line per request otherwise

    from haystack import connections

    from archive.settings import search_connection
    from resolutions.models import Paragraph
    from resolutions.search.opensearch_engine import OpenSearchEngine

    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    if reuse:
        print(f"database: reusing {Paragraph.objects.count()} paragraphs", flush=True)
    else:
        start = time.perf_counter()
        texts = build_database(args.corpus, args.paragraphs)
        print(f"database: {len(texts)} paragraphs in {time.perf_counter() - start:.1f} s", flush=True)
        del texts
    connections.connections_info["bench"] = {**search_connection("opensearch", url=args.url, index_name=args.index), "SHARDS": args.shards}
    engine = OpenSearchEngine(connections["bench"].get_backend())
    health = engine.conn.cluster.health()
    nodes = health["number_of_nodes"]

    pids = node_pids(engine)
    build_cpu = cpu_seconds(pids), time.process_time()
    start = time.perf_counter()
    if args.reuse_index and engine.backend.live_indices():
        count = engine.conn.count(index=args.index)["count"]
        build_s = 0.0
    else:
        count = engine.rebuild(
            Paragraph.objects.select_related("resolution").order_by("pk").iterator(chunk_size=5000),
            progress=lambda n: print(f"  indexed {n}", flush=True) if n % 50000 == 0 else None,
        )
        build_s = time.perf_counter() - start
    build_cpu = cpu_seconds(pids) - build_cpu[0], time.process_time() - build_cpu[1]
    index = engine.backend.live_indices()[0]
    size_mb = engine.conn.indices.stats(index=index, metric="store")["_all"]["primaries"]["store"]["size_in_bytes"] / 2**20
    print(f"index: {count} documents in {build_s:.1f} s, {size_mb:.1f} MB of primaries, {args.shards} shard(s), {nodes} node(s); "
          f"CPU: nodes {build_cpu[0]:.0f} s, this process (documents prepared in Python) {build_cpu[1]:.0f} s", flush=True)

    # Cold: no cached answers or filters. The facets' global ordinals stay: they are built at each refresh
    # (eager_global_ordinals), as on a live archive.
    engine.conn.indices.clear_cache(index=index, request=True, query=True)
    node_cpu, own_cpu = cpu_seconds(pids), time.process_time()
    cold = run_queries(engine, QUERIES)
    node_cpu, own_cpu = (cpu_seconds(pids) - node_cpu) / len(QUERIES) * 1000, (time.process_time() - own_cpu) / len(QUERIES) * 1000
    warm = run_queries(engine, QUERIES)
    for (query, filters), (ms, total), (warm_ms, _) in zip(QUERIES, cold, warm):
        print(f"  {query!r:28} {filters!s:44} {ms:8.1f} ms  warm {warm_ms:7.1f} ms  ({total:6d})")
    memory = node_memory(engine)
    for node in memory:
        rss = f"{node['rss_mb']:.0f} MB" if node["rss_mb"] is not None else "not on this machine"
        print(f"  {node['name']}: heap {node['heap_used_mb']:.0f} of {node['heap_max_mb']:.0f} MB, RSS {rss}")
    times = [ms for ms, _ in cold]
    warm_times = [ms for ms, _ in warm]
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"CPU per query (cold pass): nodes {node_cpu:.1f} ms, this client {own_cpu:.1f} ms")
    heap = "/".join(f"{n['heap_used_mb']:.0f}" for n in memory)
    rss = "/".join(f"{n['rss_mb']:.0f}" if n["rss_mb"] is not None else "-" for n in memory)
    print(
        f"search engine=opensearch p50_ms={percentile(times, 0.5):.1f} p95_ms={percentile(times, 0.95):.1f} "
        f"warm_p95_ms={percentile(warm_times, 0.95):.1f} node_cpu_ms={node_cpu:.1f} client_cpu_ms={own_cpu:.1f} "
        f"build_s={build_s:.1f} nodes={nodes} heap_mb={heap} rss_mb={rss}"
    )


if __name__ == "__main__":
    main()
