"""Search benchmark: an archive-sized corpus, our search path next to tantivy, SQLite FTS5 (trigram) and icontains.

    .venv/bin/pip install -r bench/requirements.txt      # tantivy, for the comparison only
    .venv/bin/python bench/search.py --engine whoosh|opensearch --paragraphs 300000 [--corpus ../shared/corpus] [--workdir var/bench] [--reuse]

Builds N paragraphs recombined from the real texts (bench/corpus.py) into a fresh SQLite database and
index under --workdir (--engine opensearch: into OPENSEARCH_URL's cluster, index OPENSEARCH_INDEX, default
archive_bench) and times the index build, then a tantivy index of the same paragraphs (bench/tantivy_reference.py).
Then a fresh process that only serves queries (as a web worker would: it opens the index and loads its columns
once, timed apart) runs a fixed mix of 50 queries through resolutions.search.service.search_paragraphs (what
the page and the API call: count, facets, one page of 20 with snippets), each once cold, and reports its
memory; then, in the same process, each query through tantivy (count, 20 best, facet aggregations), SQLite
FTS5 (trigram) and icontains (count + first 20 rows). tantivy's counts must equal ours (its query is the
archive's semantics: see tantivy_reference.py); mismatches are printed.

FTS5's trigram index cannot serve a word shorter than three characters: for those SQLite scans
(LIKE over the FTS table's content, filtered by MATCH for the longer words of the same query). The
per-query lines mark such queries "scan".

The last line is: search engine=… p50_ms=… p95_ms=… tantivy_ratio=… fts5_ratio=… icontains_ratio=… build_s=… rss_mb=…
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (query, filters): frequent and rare, 1-10 characters, phrases, boolean, filters, traditional script, English.
QUERIES: list[tuple[str, dict]] = [
    ("人权", {}), ("人权理事会", {}), ("酷刑", {}), ("受教育权", {}), ("能力建设", {}), ("国际人道主义法", {}),
    ("缔约国履行", {}), ("有辱人格", {}), ("国家防范机制", {}), ("联合国", {}), ("秘书长", {}), ("决定", {}),
    ("特别报告员", {}), ("不人道", {}), ("武装冲突", {}), ("技术援助", {}), ("非政府组织", {}), ("妇女", {}),
    ("儿童", {}), ("残忍、不人道", {}), ("禁止酷刑委员会", {}), ("国家人权机构", {}), ("人", {}), ("权", {}),
    ('"国际人权法"', {}), ('"酷刑和其他残忍"', {}), ("酷刑 儿童", {}), ("教育 OR 培训", {}), ("酷刑 -公约", {}),
    ("國家防範機制", {}), ("聯合國人權理事會", {}), ("受教育權", {}),
    ("人权", {"kind": "operative"}), ("酷刑", {"body": "GA"}), ("人权理事会", {"year_from": 2010, "year_to": 2015}),
    ("决定", {"verb": "决定"}), ("秘书长", {"language": "zh", "kind": "preambular"}),
    ("human rights", {}), ("torture", {}), ('"Human Rights Council"', {}), ("urges States", {}),
    ("albinism", {}), ("education", {"language": "en"}), ("women OR girls", {}), ("discrimination -racial", {}),
    ("Secretary-General", {}), ("decides", {"verb": "decides"}), ("capacity-building", {}),
    ("条约机构", {}), ("A/HRC/44/37", {}),
]
assert len(QUERIES) == 50


def setup(workdir: Path, engine: str = "whoosh") -> None:
    os.environ["ARCHIVE_VAR_DIR"] = str(workdir)
    os.environ["SEARCH_INDEX_DIR"] = str(workdir / "search-index")
    os.environ["SEARCH_ENGINE"] = engine
    os.environ.setdefault("OPENSEARCH_INDEX", "archive_bench")
    if engine == "opensearch" and not os.environ.get("OPENSEARCH_URL"):
        sys.exit("--engine opensearch needs OPENSEARCH_URL (scripts/opensearch start prints it)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archive.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# Every kind the parser gives (an annexed instrument's paragraphs are articles' paragraphs since issue 13).
EID_PREFIXES = {"preambular": "pp", "operative": "op", "annex": "annex", "article": "art"}


def build_database(corpus: Path, count: int) -> list[str]:
    """Insert `count` recombined paragraphs as resolutions of 30 paragraphs; returns their texts."""
    from django.db import transaction

    from bench.corpus import read_paragraphs, recombine
    from resolutions.models import Paragraph, Resolution

    sources = read_paragraphs(corpus)
    rng = random.Random(7)
    texts: list[str] = []
    bodies = ["GA", "HRC", "CHR"]
    paragraphs = list(recombine(sources, count))
    by_language = {"zh": [p for p in paragraphs if p.language == "zh"], "en": [p for p in paragraphs if p.language == "en"]}
    number = 0
    with transaction.atomic():
        for language, items in by_language.items():
            for start in range(0, len(items), 30):
                number += 1
                body = rng.choice(bodies)
                year = rng.randint(1990, 2025)
                session = str(year - 1945) if body == "GA" else str(rng.randint(1, 60))
                resolution = Resolution.objects.create(
                    symbol=("A/RES/" if body == "GA" else "A/HRC/RES/" if body == "HRC" else "E/CN.4/RES/") + f"{session}/{number}",
                    language=language, body=body, session=session, number=str(number), title=f"Bench {number}",
                    adopted_on=datetime.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                )
                chunk = items[start : start + 30]
                counters = dict.fromkeys(EID_PREFIXES, 0)
                rows = []
                for position, paragraph in enumerate(chunk, start=1):
                    counters[paragraph.kind] += 1
                    prefix = EID_PREFIXES[paragraph.kind]
                    rows.append(Paragraph(resolution=resolution, kind=paragraph.kind, position=position,
                                          number=counters[paragraph.kind], eid=f"{prefix}{counters[paragraph.kind]}", text=paragraph.text))
                    texts.append(paragraph.text)
                Paragraph.objects.bulk_create(rows)
    return texts


def build_fts5(path: Path, texts: list[str]) -> sqlite3.Connection:
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE fts USING fts5(text, tokenize='trigram')")
    db.executemany("INSERT INTO fts(text) VALUES (?)", ((t,) for t in texts))
    db.commit()
    return db


def plain_words(query: str) -> list[str]:
    """The positive words and "phrases" of a query, for the baselines (which AND them all)."""
    found = re.findall(r'"([^"]*)"|(\S+)', query)
    return [phrase or word for phrase, word in found if (phrase or word) not in ("OR", "AND") and not word.startswith("-")]


def fts5_search(db: sqlite3.Connection, query: str) -> tuple[int, bool]:
    """(count, scanned): MATCH for words of 3+ characters, LIKE over the content for shorter ones."""
    words = plain_words(query)
    long_words = [w for w in words if len(w) >= 3]
    short_words = [w for w in words if len(w) < 3]
    where, params = [], []
    if long_words:
        where.append("fts MATCH ?")
        params.append(" AND ".join('"' + w.replace('"', '""') + '"' for w in long_words))
    for word in short_words:
        # Not "text LIKE": on an FTS5 table that goes back to the trigram index, which finds nothing
        # for fewer than 3 characters. substr() hides the column from FTS5, so SQLite tests each row.
        where.append("substr(text, 1) LIKE ?")
        params.append(f"%{word}%")
    clause = " AND ".join(where)
    count = db.execute(f"SELECT count(*) FROM fts WHERE {clause}", params).fetchone()[0]
    order = " ORDER BY rank" if long_words else ""
    db.execute(f"SELECT rowid, substr(text, 1, 80) FROM fts WHERE {clause}{order} LIMIT 20", params).fetchall()
    return count, bool(short_words)


def icontains_search(query: str) -> int:
    from resolutions.models import Paragraph

    qs = Paragraph.objects.all()
    for word in plain_words(query):
        qs = qs.filter(text__icontains=word)
    count = qs.count()
    list(qs.select_related("resolution")[:20])
    return count


def timed(function, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return (time.perf_counter() - start) * 1000, result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def memory_mb() -> dict[str, float]:
    """VmRSS (what the target limits), and its anonymous and file-backed (mapped index) parts."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon", "RssFile", "VmHWM"):
            found[name] = int(value.split()[0]) / 1024
    return found


def serve(args: argparse.Namespace) -> None:
    """The query worker: open the built index, run the mix, print one JSON line of figures."""
    setup(args.workdir, args.engine)
    from bench.tantivy_reference import Reference
    from resolutions.search.engine import get_engine
    from resolutions.search.service import Filters, search_paragraphs

    start = time.perf_counter()
    search_paragraphs("人权", per_page=1)  # opens the searcher and loads the columns once, as a worker does
    open_s = time.perf_counter() - start
    ours, totals = [], []
    for query, filters in QUERIES:
        ms, outcome = timed(search_paragraphs, query, filters=Filters(**filters), per_page=20)
        ours.append(ms)
        totals.append(outcome.total)
    memory = memory_mb()
    warm = [timed(search_paragraphs, q, filters=Filters(**f), per_page=20)[0] for q, f in QUERIES]
    close = getattr(get_engine(), "close", None)
    if close is not None:
        close()
    reference = Reference(args.workdir / "tantivy")
    reference.search("人权", {})  # opens its files once, as ours did above
    tantivy_times, tantivy_counts = [], []
    for query, filters in QUERIES:
        t_ms, t_count = timed(reference.search, query, filters)
        tantivy_times.append(t_ms)
        tantivy_counts.append(t_count)
    fts = sqlite3.connect(args.workdir / "fts5.sqlite3")
    fts_times, fts_counts, scanned, scan_times, scan_counts = [], [], [], [], []
    for query, _ in QUERIES:
        f_ms, (f_count, f_scanned) = timed(fts5_search, fts, query)
        fts_times.append(f_ms)
        fts_counts.append(f_count)
        scanned.append(f_scanned)
        s_ms, s_count = timed(icontains_search, query)
        scan_times.append(s_ms)
        scan_counts.append(s_count)
    print(json.dumps({"open_s": open_s, "ours": ours, "totals": totals, "warm": warm, "memory": memory,
                      "tantivy": tantivy_times, "tantivy_counts": tantivy_counts,
                      "fts": fts_times, "fts_counts": fts_counts, "scanned": scanned,
                      "icontains": scan_times, "icontains_counts": scan_counts}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("whoosh", "opensearch"), default="whoosh")
    parser.add_argument("--paragraphs", type=int, default=20000)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the database, tantivy and FTS5 of an earlier run in --workdir (same --paragraphs): "
                             "build only this engine's index (run the other engine on the same paragraphs)")
    parser.add_argument("--serve", action="store_true", help="(internal) be the query worker on a built --workdir")
    args = parser.parse_args()
    if args.serve:
        serve(args)
        return
    built = args.workdir / f"built-{args.paragraphs}"
    reuse = args.reuse and built.exists()
    if args.reuse and not reuse:
        print(f"--reuse: no run of {args.paragraphs} paragraphs finished in {args.workdir}; building everything", flush=True)
    if not reuse:
        if args.workdir.exists():
            shutil.rmtree(args.workdir)
        args.workdir.mkdir(parents=True)
    setup(args.workdir, args.engine)

    from bench import tantivy_reference
    from resolutions.models import Paragraph
    from resolutions.search.service import rebuild_index

    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}", flush=True)
    start = time.perf_counter()
    if reuse:
        print(f"database, tantivy and FTS5: kept from the earlier run ({Paragraph.objects.count()} paragraphs)", flush=True)
    else:
        texts = build_database(args.corpus, args.paragraphs)
        print(f"database: {len(texts)} paragraphs in {time.perf_counter() - start:.1f} s", flush=True)
    start = time.perf_counter()
    rebuild_index(progress=lambda n: print(f"  indexed {n}", flush=True) if n % 50000 == 0 else None)
    build_s = time.perf_counter() - start
    index_dir = args.workdir / "search-index"
    index_mb = sum(f.stat().st_size for f in index_dir.iterdir()) / 2**20 if args.engine == "whoosh" and index_dir.is_dir() else 0.0
    print(f"index ({args.engine}): built in {build_s:.1f} s, {index_mb:.1f} MB on disk here, builder peak RSS {memory_mb()['VmHWM']:.0f} MB", flush=True)
    if not reuse:
        start = time.perf_counter()
        tantivy_reference.build(args.workdir / "tantivy", Paragraph.objects.select_related("resolution").order_by("pk").iterator(chunk_size=5000))
        tantivy_mb = sum(f.stat().st_size for f in (args.workdir / "tantivy").iterdir()) / 2**20
        print(f"tantivy: built in {time.perf_counter() - start:.1f} s (with the same folding and stemming in Python), {tantivy_mb:.1f} MB", flush=True)
        build_fts5(args.workdir / "fts5.sqlite3", texts).close()
        del texts
        built.touch()

    worker = subprocess.run(
        [sys.executable, __file__, "--serve", "--engine", args.engine, "--workdir", str(args.workdir)], capture_output=True, text=True, check=True
    )
    figures = json.loads(worker.stdout.strip().splitlines()[-1])
    print(f"worker: index opened and columns loaded in {figures['open_s']:.1f} s", flush=True)
    for i, (query, filters) in enumerate(QUERIES):
        print(
            f"  {query!r:28} {filters!s:44} ours {figures['ours'][i]:8.1f} ms ({figures['totals'][i]:6d})  "
            f"tantivy {figures['tantivy'][i]:6.1f} ms ({figures['tantivy_counts'][i]:6d})  "
            f"fts5 {figures['fts'][i]:8.1f} ms ({figures['fts_counts'][i]:6d}{' scan' if figures['scanned'][i] else ''})  "
            f"icontains {figures['icontains'][i]:8.1f} ms ({figures['icontains_counts'][i]:6d})"
        )
    ours, warm = figures["ours"], figures["warm"]
    mismatches = [(q, f, ours_n, t_n) for (q, f), ours_n, t_n in zip(QUERIES, figures["totals"], figures["tantivy_counts"]) if ours_n != t_n]
    for query, filters, ours_n, t_n in mismatches:
        print(f"COUNT MISMATCH {query!r} {filters}: ours {ours_n}, tantivy {t_n}")
    print(f"tantivy counts equal ours on {len(QUERIES) - len(mismatches)} of {len(QUERIES)} queries")
    tantivy_p95 = percentile(figures["tantivy"], 0.95)
    fts_p95, scan_p95 = percentile(figures["fts"], 0.95), percentile(figures["icontains"], 0.95)
    p50, p95 = percentile(ours, 0.5), percentile(ours, 0.95)
    memory = figures["memory"]
    print(f"second pass (same queries again): p50 {percentile(warm, 0.5):.1f} ms, p95 {percentile(warm, 0.95):.1f} ms")
    print(f"tantivy p95 {tantivy_p95:.1f} ms (p50 {percentile(figures['tantivy'], 0.5):.1f}), fts5 p95 {fts_p95:.1f} ms (p50 {percentile(figures['fts'], 0.5):.1f}), icontains p95 {scan_p95:.1f} ms, index {index_mb:.1f} MB")
    print(f"worker memory: VmRSS {memory['VmRSS']:.0f} MB (anonymous {memory['RssAnon']:.0f}, mapped files {memory['RssFile']:.0f}), peak {memory['VmHWM']:.0f} MB")
    print(f"load average {os.getloadavg()[0]:.1f} {os.getloadavg()[1]:.1f} {os.getloadavg()[2]:.1f}")
    print(
        f"search engine={args.engine} p50_ms={p50:.1f} p95_ms={p95:.1f} tantivy_ratio={p95 / tantivy_p95:.2f} fts5_ratio={p95 / fts_p95:.2f} "
        f"icontains_ratio={p95 / scan_p95:.2f} build_s={build_s:.1f} rss_mb={memory['VmRSS']:.0f}"
    )


if __name__ == "__main__":
    main()
