"""Load test: gunicorn on loopback over an archive-sized corpus, mixed reader traffic, curators writing meanwhile.

    .venv/bin/python bench/load.py /work/shared/corpus                 # 2,000 resolutions, 4 workers, 5 minutes
    .venv/bin/python bench/load.py /work/shared/corpus --minutes 1
    .venv/bin/python bench/load.py resolutions/tests/data --smoke      # 50 resolutions, 2 workers, 20 seconds

Everything lives in a scratch directory (its own SQLite file, search index and media; --scratch to keep it).
The corpus is the real texts of CORPUS re-numbered: each copy gets a new session (78 -> 178, 278 …), and copies
after the first have their clauses recombined with real clauses of the same language (bench/corpus.py), so
word frequencies stay those of UN texts. Resolutions are stored through services.ingest_resolution with the
index outbox left to one rebuild at the end (the same database and index state as ingesting one by one).

While readers search and open pages, a curator process creates, replaces and deletes resolutions through
services.ingest_resolution / delete_resolution, each change in its own transaction, and drains the index
outbox after each commit exactly as a gunicorn worker serving the admin does. Afterwards the documented
`manage.py check_search_index` compares the index with the database. The last line printed is the summary:

    load rps=… requests=… errors=… pages_p95_ms=… … index_missing=0 index_stale=0 index_changed=0
"""
from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PYTHON = PROJECT / ".venv" / "bin" / "python"
GUNICORN = PROJECT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"  # loopback only
if str(PROJECT) not in sys.path:
    sys.path.insert(0, str(PROJECT))  # run as a script: `bench` and `archive` import from the project

# Searches a researcher makes: frequent and rare words, phrases, traditional script, English stems.
ZH_QUERIES = [
    "人权", "人权理事会", "国际人道主义法", "能力建设", "受教育权", "有辱人格", "国家防范机制", "缔约国履行",
    "酷刑", "妇女", "儿童", "决定", "秘书长", "特别报告员", '"国际人道主义法"', "國家防範機制", "人权 -酷刑",
    "酷刑 OR 有辱人格", "技术援助", "联合国",
]
EN_QUERIES = [
    "human rights", "torture", "self-determination", "redouble", "women and girls", "climate change",
    '"Special Rapporteur"', "decides", "urges states", "migrants", "children", "racism OR xenophobia",
    "education -girls", "disabilities", "right to food",
]
FILTERS = [
    {"body": "GA"}, {"body": "HRC"}, {"kind": "operative"}, {"kind": "preambular"}, {"language": "zh"},
    {"language": "en"}, {"year_from": "2020", "year_to": "2024"}, {"sort": "date"}, {"group": "1"},
    {"page": "2"}, {"verb": "决定"}, {"session_from": "100", "session_to": "300"},
]
# Kinds of request and how often each comes. "Pages" (HTML) are held to the p95 target.
MIX = {
    "search_zh": 22, "search_en": 13, "search_filtered": 10, "resolution": 20, "paragraph": 15,
    "api_search": 12, "api_resolution": 8,
}
PAGE_KINDS = ("search_zh", "search_en", "search_filtered", "resolution", "paragraph")
PAGES_P95_TARGET_MS = 300.0
RESEARCHERS = 1000  # distinct client addresses per reader thread
CURATOR_SESSION_OFFSET = 5000  # curators' new resolutions: sessions 5078, 5178 … never met by readers


# ---------------------------------------------------------------------------------------------------------
# Environment of one scratch archive


def archive_env(scratch: Path, *, database_url: str | None = None) -> dict[str, str]:
    """Environment variables that point settings at `scratch` (SQLite file, index, media)."""
    env = dict(os.environ)
    env.update(
        ARCHIVE_VAR_DIR=str(scratch),
        SEARCH_INDEX_DIR=str(scratch / "search-index"),
        DATABASE_URL=database_url or f"sqlite:///{scratch / 'archive.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(scratch / "media"),
        DJANGO_SETTINGS_MODULE="archive.settings",
        DJANGO_DEBUG="0",
        DJANGO_LOG_LEVEL=os.environ.get("DJANGO_LOG_LEVEL", "WARNING"),
        # Readers are many researchers behind one proxy on loopback: the per-client rate limit stays on and
        # counts each by the X-Forwarded-For address the load client sends (see Readers).
        DJANGO_TRUSTED_PROXIES=HOST,
        PYTHONPATH=str(PROJECT),
    )
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure Django in this process for the archive described by `env` (call before importing models)."""
    for key in ("ARCHIVE_VAR_DIR", "SEARCH_INDEX_DIR", "DATABASE_URL", "DJANGO_MEDIA_ROOT", "DJANGO_SETTINGS_MODULE",
                "DJANGO_DEBUG", "DJANGO_LOG_LEVEL"):
        os.environ[key] = env[key]
    if str(PROJECT) not in sys.path:
        sys.path.insert(0, str(PROJECT))
    import django

    django.setup()


def manage(env: dict[str, str], *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([str(PYTHON), "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True,
                          timeout=timeout)


# ---------------------------------------------------------------------------------------------------------
# Corpus: real texts, re-numbered


@dataclasses.dataclass(frozen=True)
class Base:
    filename: str
    source: bytes
    parsed: object  # resolutions.parsing.ParsedResolution


def read_bases(corpus: Path) -> list[Base]:
    """Every .txt resolution under `corpus` that the archive's parser reads."""
    from resolutions.parsing import ParseError
    from resolutions.services import parse_source

    bases = []
    for path in sorted(corpus.rglob("*.txt")):
        source = path.read_bytes()
        try:
            parsed = parse_source(source=source, filename=path.name)
        except (ParseError, ValueError):
            continue
        if parsed.paragraphs and parsed.symbol.endswith(f"/{parsed.session}/{parsed.number}"):
            bases.append(Base(path.name, source, parsed))
    if not bases:
        raise SystemExit(f"no parseable .txt resolution under {corpus}")
    return bases


class Renumberer:
    """Copies of real resolutions under new symbols, their clauses recombined with real clauses of the language."""

    def __init__(self, bases: list[Base], *, seed: int = 1):
        from bench.corpus import CLAUSE_RE  # the search engineer's corpus helper

        self.bases = bases
        self.clause_re = CLAUSE_RE
        self.rng = random.Random(seed)
        self.pools: dict[str, list[str]] = defaultdict(list)
        for base in bases:
            for paragraph in base.parsed.paragraphs:
                self.pools[base.parsed.language].extend(c for c in CLAUSE_RE.split(paragraph.text)[1:] if c)

    def copy(self, base: Base, generation: int, *, rewrite: bool):
        """`base` as the resolution of session + 100 x generation; (source bytes, filename, parsed)."""
        parsed = base.parsed
        session = str(int(parsed.session) + 100 * generation)
        tail = f"{parsed.session}/{parsed.number}"
        symbol = parsed.symbol[: -len(tail)] + f"{session}/{parsed.number}"
        paragraphs = tuple(self._rewrite(p, parsed.language) for p in parsed.paragraphs) if rewrite else parsed.paragraphs
        adopted_on = parsed.adopted_on
        if adopted_on is not None and generation:
            adopted_on = adopted_on.replace(year=max(1946, adopted_on.year - generation % 60), day=min(adopted_on.day, 28))
        copy = dataclasses.replace(parsed, symbol=symbol, session=session, paragraphs=paragraphs, adopted_on=adopted_on)
        filename = symbol.replace("/", "_") + ".txt"
        marker = f"{filename} (bench copy of {base.filename}, generation {generation}, {self.rng.random():.12f})\n"
        return marker.encode() + base.source, filename, copy

    def _rewrite(self, paragraph, language: str):
        clauses = self.clause_re.split(paragraph.text)
        pool = self.pools.get(language) or clauses
        text = "".join([clauses[0]] + [self.rng.choice(pool) if self.rng.random() < 0.6 else c for c in clauses[1:]])
        old = paragraph.text
        # Markers and citations keep their offsets where the text under them is unchanged (the first clause).
        references = tuple(r for r in paragraph.references if text[r.start:r.end] == old[r.start:r.end])
        footnotes = tuple(m for m in paragraph.footnotes if m.offset <= len(clauses[0]))
        return dataclasses.replace(paragraph, text=text, references=references, footnotes=footnotes)


def build_archive(env: dict[str, str], corpus: Path, count: int, *, log=print) -> dict:
    """Migrate the scratch database and store `count` re-numbered resolutions, then build the index once."""
    result = manage(env, "migrate", "--noinput", "-v", "0")
    if result.returncode:
        raise SystemExit(f"migrate failed:\n{result.stderr}")
    setup_django(env)
    from django.conf import settings
    from django.db import connections

    from resolutions.models import Paragraph, Resolution
    from resolutions.search.service import rebuild_index
    from resolutions.services import ingest_resolution

    bases = read_bases(corpus)
    renumberer = Renumberer(bases)
    settings.SEARCH_INDEX_DRAIN = "worker"  # one rebuild at the end instead of one index commit per resolution
    started = time.monotonic()
    for i in range(count):
        base, generation = bases[i % len(bases)], i // len(bases)
        source, filename, parsed = renumberer.copy(base, generation, rewrite=generation > 0)
        ingest_resolution(source=source, filename=filename, parsed=parsed)
        if (i + 1) % 250 == 0:
            log(f"  stored {i + 1}/{count} resolutions ({time.monotonic() - started:.0f} s)")
    stored_s = time.monotonic() - started
    paragraphs = rebuild_index()
    index_s = time.monotonic() - started - stored_s
    log(f"  {count} resolutions, {paragraphs} paragraphs: stored in {stored_s:.0f} s, indexed in {index_s:.0f} s")
    targets = {
        "resolutions": [(r.symbol, r.language) for r in Resolution.objects.only("symbol", "language")],
        "paragraphs": [
            (p.resolution.symbol, p.resolution.language, p.slug)
            for p in Paragraph.objects.select_related("resolution").only("eid", "resolution__symbol", "resolution__language")
        ],
        "bases": len(bases),
        "paragraph_count": paragraphs,
        "store_s": round(stored_s, 1),
        "index_s": round(index_s, 1),
    }
    connections.close_all()
    return targets


def prepared_archive(kept: Path, scratch: Path, corpus: Path, count: int) -> dict:
    """Copy the archive of `count` resolutions kept in `kept` (built there first if need be) into `scratch`.

    A run changes its archive (the curator writes), so every run starts from a copy of the one built.
    """
    targets_file = kept / f"targets-{count}.json"
    if not targets_file.exists():
        shutil.rmtree(kept, ignore_errors=True)
        kept.mkdir(parents=True)
        print(f"==> building {count} resolutions from {corpus} in {kept} (kept for later runs)", flush=True)
        targets = build_archive(archive_env(kept), corpus, count, log=lambda line: print(line, flush=True))
        targets_file.write_text(json.dumps(targets))
    print(f"==> copying the archive of {count} resolutions kept in {kept}", flush=True)
    for source in [*kept.glob("archive.sqlite3*"), kept / "search-index", kept / "media"]:
        if source.is_dir():
            shutil.copytree(source, scratch / source.name, dirs_exist_ok=True)
        elif source.exists():
            shutil.copy2(source, scratch / source.name)
    return json.loads(targets_file.read_text())


# ---------------------------------------------------------------------------------------------------------
# Server


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the project's config, on loopback, in its own process group."""

    def __init__(self, env: dict[str, str], scratch: Path, *, workers: int, port: int | None = None):
        self.port = port or free_port()
        self.env = dict(env, GUNICORN_WORKERS=str(workers), PORT=str(self.port),
                        GUNICORN_ACCESS_LOG=str(scratch / "access.log"))
        self.log_path = scratch / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> Server:
        log = open(self.log_path, "ab")  # noqa: SIM115 (kept open for the server's lifetime)
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{self.port}"],
            cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log_path}")
            try:
                if get(self.port, "/")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer within {timeout} s: see {self.log_path}")

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=35)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def get(port: int, path: str, *, timeout: float = 30, client: str | None = None) -> tuple[int, bytes, dict]:
    """One GET on loopback: (status, body, headers); `client` is the researcher's address behind the proxy."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Accept-Language": "zh-hans"}
    if client:
        headers["X-Forwarded-For"] = client
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------------------------
# Readers


def reader_path(kind: str, rng: random.Random, targets: dict) -> str:
    def q(params: dict) -> str:
        return urllib.parse.urlencode(params)

    if kind == "search_zh":
        return "/search/?" + q({"q": rng.choice(ZH_QUERIES)})
    if kind == "search_en":
        return "/search/?" + q({"q": rng.choice(EN_QUERIES)})
    if kind == "search_filtered":
        return "/search/?" + q({"q": rng.choice(ZH_QUERIES + EN_QUERIES), **rng.choice(FILTERS)})
    if kind == "api_search":
        return "/api/search?" + q({"q": rng.choice(ZH_QUERIES + EN_QUERIES), **rng.choice([{}, *FILTERS])})
    if kind == "resolution":
        symbol, language = rng.choice(targets["resolutions"])
        return f"/{symbol}/{language}/"
    if kind == "paragraph":
        symbol, language, slug = rng.choice(targets["paragraphs"])
        return f"/{symbol}/{language}/{slug}"
    if kind == "api_resolution":
        symbol, language = rng.choice(targets["resolutions"])
        return f"/api/resolutions/{symbol}?lang={language}"
    raise ValueError(kind)


class Readers:
    """`clients` threads issuing requests of the MIX until `deadline`; each request on its own connection.

    Each request comes from one of RESEARCHERS addresses (X-Forwarded-For through a trusted proxy on
    loopback), so the archive's per-client rate limit is exercised as with real readers, not switched off.
    """

    def __init__(self, port: int, targets: dict, *, clients: int, deadline: float, seed: int = 7):
        self.port, self.targets, self.clients, self.deadline, self.seed = port, targets, clients, deadline, seed
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)
        self.lock = threading.Lock()

    def run(self) -> None:
        threads = [threading.Thread(target=self._client, args=(i,), daemon=True) for i in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(0.0, self.deadline - time.monotonic()) + 60)

    def _client(self, number: int) -> None:
        rng = random.Random(self.seed * 1000 + number)
        kinds, weights = zip(*MIX.items())
        while time.monotonic() < self.deadline:
            kind = rng.choices(kinds, weights)[0]
            path = reader_path(kind, rng, self.targets)
            started = time.perf_counter()
            try:
                client = f"10.{number}.{rng.randrange(RESEARCHERS) // 250}.{rng.randrange(250) + 1}"
                status, body, _ = get(self.port, path, client=client)
                problem = None if status == 200 else f"{status} {path}"
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc} {path}"
            elapsed_ms = (time.perf_counter() - started) * 1000
            with self.lock:
                self.latencies[kind].append(elapsed_ms)
                if problem:
                    self.errors[kind].append(problem)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# ---------------------------------------------------------------------------------------------------------
# Curators


def curate(env: dict[str, str], corpus: str, deadline_wall: float, pause: float, queue) -> None:
    """A curator process: create, replace and delete resolutions through the services until `deadline_wall`."""
    setup_django(env)
    from django.db import connection

    from resolutions.models import Resolution
    from resolutions.services import delete_resolution, ingest_resolution

    bases = read_bases(Path(corpus))
    renumberer = Renumberer(bases, seed=99)
    rng = random.Random(5)
    mine: list[tuple[str, str]] = []
    counts: dict[str, int] = defaultdict(int)
    errors: list[str] = []
    generation = CURATOR_SESSION_OFFSET // 100
    while time.time() < deadline_wall:
        action = rng.random()
        try:
            if action < 0.45 or not mine:
                generation += 1
                source, filename, parsed = renumberer.copy(rng.choice(bases), generation, rewrite=True)
                result = ingest_resolution(source=source, filename=filename, parsed=parsed)
                mine.append((result.resolution.symbol, result.resolution.language))
                counts["created"] += 1
            elif action < 0.65:
                # A corrected text of a resolution readers are reading: same paragraphs, new wording.
                base = rng.choice(bases)
                source, filename, parsed = renumberer.copy(base, 0, rewrite=True)
                ingest_resolution(source=source, filename=filename, parsed=parsed)
                counts["replaced"] += 1
            else:
                symbol, language = mine.pop(rng.randrange(len(mine)))
                delete_resolution(Resolution.objects.get(symbol=symbol, language=language))
                counts["deleted"] += 1
        except Exception as exc:  # counted and reported: the run fails on any
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(pause)
    connection.close()
    queue.put({"counts": dict(counts), "errors": errors})


# ---------------------------------------------------------------------------------------------------------
# Index check


INDEX_LINE_RE = re.compile(r"missing=(\d+) stale=(\d+) changed=(\d+)")


def check_index(env: dict[str, str]) -> dict:
    """Run the documented `manage.py check_search_index` and read its counts (and the outbox left)."""
    result = manage(env, "check_search_index")
    match = INDEX_LINE_RE.search(result.stdout)
    if not match:
        raise SystemExit(f"check_search_index said:\n{result.stdout}\n{result.stderr}")
    missing, stale, changed = map(int, match.groups())
    return {"missing": missing, "stale": stale, "changed": changed, "returncode": result.returncode}


def worker_memory(pids: list[int]) -> dict[str, list[float]]:
    """Resident and proportional set size (MB) of each worker, from /proc (Linux)."""
    memory: dict[str, list[float]] = {"rss": [], "pss": []}
    for pid in pids:
        try:
            lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        sizes = {line.split(":")[0]: int(line.split()[1]) for line in lines if line.split(":")[0] in ("Rss", "Pss")}
        memory["rss"].append(round(sizes.get("Rss", 0) / 1024, 1))
        memory["pss"].append(round(sizes.get("Pss", 0) / 1024, 1))
    return memory


def pending_tasks(env: dict[str, str]) -> int:
    """Index tasks still waiting in the outbox of the scratch archive."""
    result = manage(env, "shell", "-c", "from resolutions.models import IndexTask; print(IndexTask.objects.count())")
    if result.returncode:
        raise SystemExit(f"counting the outbox failed:\n{result.stderr}")
    return int(result.stdout.split()[-1])


# ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of real .txt resolutions (e.g. /work/shared/corpus)")
    parser.add_argument("--resolutions", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--clients", type=int, default=8, help="concurrent reader connections")
    parser.add_argument("--curator-pause", type=float, default=0.5, help="seconds between a curator's changes")
    parser.add_argument("--smoke", action="store_true", help="50 resolutions, 2 workers, 4 clients, 20 seconds")
    parser.add_argument("--scratch", type=Path, help="keep the archive here (default: a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--archive", type=Path,
                        help="build the archive once in this folder and run on a fresh copy of it each time")
    args = parser.parse_args(argv)
    if args.smoke:
        args.resolutions, args.workers, args.clients, args.minutes, args.curator_pause = 50, 2, 4, 20 / 60, 0.3

    scratch_holder = None
    if args.scratch:
        args.scratch.mkdir(parents=True, exist_ok=True)
        scratch = args.scratch.resolve()
    else:
        scratch_holder = tempfile.TemporaryDirectory(prefix="archive-load-")
        scratch = Path(scratch_holder.name)
    env = archive_env(scratch)
    corpus = args.corpus.resolve()
    if args.archive:
        targets = prepared_archive(args.archive.resolve(), scratch, corpus, args.resolutions)
    else:
        print(f"==> building {args.resolutions} resolutions from {corpus} in {scratch}", flush=True)
        targets = build_archive(env, corpus, args.resolutions, log=lambda line: print(line, flush=True))

    seconds = args.minutes * 60
    with Server(env, scratch, workers=args.workers) as server:
        print(f"==> gunicorn ({args.workers} workers) on {HOST}:{server.port}; {args.clients} readers and "
              f"1 curator for {seconds:.0f} s", flush=True)
        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        curator = context.Process(target=curate, args=(env, str(corpus), time.time() + seconds, args.curator_pause, queue))
        curator.start()
        started = time.monotonic()
        readers = Readers(server.port, targets, clients=args.clients, deadline=started + seconds)
        readers.run()
        elapsed = time.monotonic() - started
        curator_report = queue.get(timeout=120)
        curator.join(timeout=30)
        memory = worker_memory(server.worker_pids())
    index = check_index(env)
    index["pending_tasks"] = pending_tasks(env)

    print(f"gunicorn workers' memory at the end: rss_mb={memory['rss']} pss_mb={memory['pss']} "
          f"(PSS counts pages shared with the master and the other workers once)")
    figures = summarize(readers, elapsed, curator_report, index, targets, args)
    figures["workers_memory_mb"] = memory
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    if scratch_holder:
        scratch_holder.cleanup()
    correct = (figures["errors"] == 0 and not figures["curator_errors"]
               and index["missing"] == index["stale"] == index["changed"] == 0)
    fast = figures["pages_p95_ms"] <= PAGES_P95_TARGET_MS
    print(f"targets: 0 errors and 0 index differences {'met' if correct else 'MISSED'}; "
          f"pages p95 <= {PAGES_P95_TARGET_MS:.0f} ms {'met' if fast else 'MISSED'}"
          + (" (not enforced in --smoke)" if args.smoke else ""))
    return 0 if correct and (fast or args.smoke) else 1


def summarize(readers: Readers, elapsed: float, curator: dict, index: dict, targets: dict, args) -> dict:
    requests = sum(len(v) for v in readers.latencies.values())
    errors = sum(len(v) for v in readers.errors.values())
    print(f"\n{'kind':<16}{'requests':>9}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    per_kind = {}
    for kind in MIX:
        values = readers.latencies.get(kind, [])
        row = {
            "requests": len(values), "errors": len(readers.errors.get(kind, [])),
            "p50_ms": round(percentile(values, 50), 1), "p95_ms": round(percentile(values, 95), 1),
            "p99_ms": round(percentile(values, 99), 1), "max_ms": round(max(values, default=0), 1),
        }
        per_kind[kind] = row
        print(f"{kind:<16}{row['requests']:>9}{row['errors']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
              f"{row['max_ms']:>9}")
    pages = [v for kind in PAGE_KINDS for v in readers.latencies.get(kind, [])]
    everything = [v for values in readers.latencies.values() for v in values]
    for kind, problems in readers.errors.items():
        for problem in problems[:5]:
            print(f"  error ({kind}): {problem}")
    for problem in curator["errors"][:5]:
        print(f"  curator error: {problem}")
    counts = curator["counts"]
    print(f"curators: {counts.get('created', 0)} created, {counts.get('replaced', 0)} replaced, "
          f"{counts.get('deleted', 0)} deleted, {len(curator['errors'])} errors")
    print(f"index after the run: missing={index['missing']} stale={index['stale']} changed={index['changed']} "
          f"outbox={index['pending_tasks']}")
    figures = {
        "resolutions": args.resolutions, "paragraphs": targets["paragraph_count"], "workers": args.workers,
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": requests, "errors": errors,
        "rps": round(requests / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(everything, 50), 1), "p95_ms": round(percentile(everything, 95), 1),
        "p99_ms": round(percentile(everything, 99), 1), "pages_p95_ms": round(percentile(pages, 95), 1),
        "per_kind": per_kind, "curator": counts, "curator_errors": curator["errors"],
        "index": index, "build": {"store_s": targets["store_s"], "index_s": targets["index_s"]},
    }
    print(
        f"load rps={figures['rps']} requests={requests} errors={errors} p50_ms={figures['p50_ms']} "
        f"p95_ms={figures['p95_ms']} p99_ms={figures['p99_ms']} pages_p95_ms={figures['pages_p95_ms']} "
        f"curator_ops={sum(counts.values())} curator_errors={len(curator['errors'])} "
        f"index_missing={index['missing']} index_stale={index['stale']} index_changed={index['changed']} "
        f"resolutions={args.resolutions} workers={args.workers} seconds={figures['seconds']}",
        flush=True,
    )
    return figures


if __name__ == "__main__":
    sys.exit(main())
