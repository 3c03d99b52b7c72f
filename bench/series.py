"""Series over a corpus folder: what detection joins, the pairs by title, and how fast paragraphs are matched.

    .venv/bin/python bench/series.py /work/shared/corpus/en               # detection + matching figures
    .venv/bin/python bench/series.py /work/shared/corpus/en --copies 300  # + ingest cost with renumbered copies

1. Every .txt of the folder is ingested through services.ingest_resolution into a scratch archive (its own
   SQLite file and media, search indexing left undone), which recognises series as it goes. The joins are
   listed with their reason, beside the pairs INDEX.csv gives by identical title, and the differences.
2. Matching speed: each joined pair is compared (resolutions.comparison.compare, on the parsed texts,
   no database) REPEAT times; the per-pair median CPU time of this process is printed, then the figure for the 30-paragraph pair
   78/191 -> 79/162 (32 x 32 paragraphs) and the largest pair.
3. With --copies N: N more resolutions, re-numbered copies of the real texts in later sessions (as
   bench/load.py makes them), each continuing the series of its original, are ingested one by one; the time
   per ingest with series recognition and lineage on is printed (the lineage of the newest text is one
   comparison). --copies-without-series ingests them with recognition switched off, for comparison.

The last line: `series joined=… by_title=… only_detected=… only_by_title=… match_30_ms=… match_max_ms=…`.
"""
from __future__ import annotations

import argparse
import csv
import itertools
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import Renumberer, archive_env, manage, read_bases, setup_django  # noqa: E402

THIRTY = ("A/RES/78/191", "A/RES/79/162")


def pairs_by_title(index_csv: Path) -> set[tuple[str, str]]:
    """(earlier, later) symbols of INDEX.csv rows with the same title (its "78/171. " prefix left out)."""
    by_title: dict[str, list[tuple[int, str]]] = {}
    with index_csv.open(encoding="utf-8") as rows:
        for row in csv.DictReader(rows):
            title = re.sub(r"^\d+/\d+\.\s*", "", row["title"]).strip().rstrip(";").lower()
            by_title.setdefault(" ".join(title.split()), []).append((int(row["session"]), row["symbol"]))
    pairs = set()
    for members in by_title.values():
        members.sort()
        pairs.update((a[1], b[1]) for a, b in itertools.pairwise(members))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="a folder of .txt resolutions (and its INDEX.csv, if any)")
    parser.add_argument("--repeat", type=int, default=20, help="comparisons of each pair for the timing")
    parser.add_argument("--copies", type=int, default=0, help="renumbered copies ingested after the corpus")
    parser.add_argument("--scratch", type=Path, help="keep the scratch archive here")
    parser.add_argument(
        "--copies-without-series", action="store_true",
        help="ingest the copies with series recognition switched off (the A/B figure)",
    )
    args = parser.parse_args(argv)

    scratch = args.scratch or Path(tempfile.mkdtemp(prefix="series-bench-"))
    env = archive_env(scratch)
    result = manage(env, "migrate", "--noinput", "-v", "0")
    if result.returncode:
        raise SystemExit(f"migrate failed:\n{result.stderr}")
    setup_django(env)
    from django.conf import settings

    from resolutions.comparison import Passage, compare
    from resolutions.models import SeriesMember
    from resolutions.services import ingest_resolution

    settings.SEARCH_INDEX_DRAIN = "worker"  # the index is not what is measured here
    files = sorted(args.corpus.glob("*.txt"))
    started = time.perf_counter()
    for path in files:
        ingest_resolution(source=path.read_bytes(), filename=path.name)
    ingest_s = time.perf_counter() - started
    joined = {
        (m.previous_symbol, m.symbol): m.link for m in SeriesMember.objects.exclude(previous_symbol="").order_by("symbol")
    }
    print(f"ingested {len(files)} texts in {ingest_s:.1f} s; {len(joined)} joins:")
    for (earlier, later), link in sorted(joined.items(), key=lambda item: item[0][1]):
        print(f"  {earlier} -> {later}  ({link})")
    index_csv = args.corpus / "INDEX.csv"
    by_title = pairs_by_title(index_csv) if index_csv.exists() else set()
    only_detected = sorted(set(joined) - by_title)
    only_by_title = sorted(by_title - set(joined))
    if by_title:
        print(f"pairs by identical title in INDEX.csv: {len(by_title)}")
        for pair in only_detected:
            print(f"  joined, titles differ: {pair[0]} -> {pair[1]} ({joined[pair]})")
        for pair in only_by_title:
            print(f"  same title, not joined: {pair[0]} -> {pair[1]}")

    # Matching speed, on the parsed texts (no database).
    bases = {base.parsed.symbol: base for base in read_bases(args.corpus)}

    def passages(symbol: str) -> list[Passage]:
        return [Passage(p.eid, p.kind.value, p.text) for p in bases[symbol].parsed.paragraphs]

    timings: dict[tuple[str, str], float] = {}
    for earlier, later in joined:
        old, new = passages(earlier), passages(later)
        runs = []
        for _ in range(args.repeat):
            tick = time.process_time()  # CPU time: other work on the machine does not count
            compare(old, new, bases[later].parsed.language)
            runs.append((time.process_time() - tick) * 1000)
        timings[(earlier, later)] = statistics.median(runs)
    for (earlier, later), ms in sorted(timings.items(), key=lambda item: -item[1])[:5]:
        size = f"{len(bases[earlier].parsed.paragraphs)} x {len(bases[later].parsed.paragraphs)}"
        print(f"  match {earlier} -> {later} ({size} paragraphs): {ms:.1f} ms")
    thirty = timings.get(THIRTY)
    if thirty is not None:
        size = f"{len(bases[THIRTY[0]].parsed.paragraphs)} x {len(bases[THIRTY[1]].parsed.paragraphs)}"
        print(f"  match {THIRTY[0]} -> {THIRTY[1]} ({size} paragraphs): {thirty:.1f} ms (median of {args.repeat})")
    largest = max(timings.values(), default=0.0)
    print(f"  all {len(timings)} pairs: {sum(timings.values()):.0f} ms in all")

    if args.copies:
        from resolutions import services

        if args.copies_without_series:
            services.refresh_series = lambda symbol: None
        renumberer = Renumberer(list(bases.values()))
        ordered = list(bases.values())
        per_ingest = []
        for i in range(args.copies):
            base, generation = ordered[i % len(ordered)], 1 + i // len(ordered)
            source, filename, parsed = renumberer.copy(base, generation, rewrite=True)
            tick = time.process_time()
            ingest_resolution(source=source, filename=filename, parsed=parsed)
            per_ingest.append((time.process_time() - tick) * 1000)
        longest = max(SeriesMember.objects.values_list("position", flat=True))
        print(
            f"  {args.copies} renumbered copies{' (series off)' if args.copies_without_series else ''}: "
            f"ingest CPU p50 {statistics.median(per_ingest):.0f} ms, "
            f"p95 {sorted(per_ingest)[int(0.95 * (len(per_ingest) - 1))]:.0f} ms; longest series {longest} texts"
        )

    print(
        f"series joined={len(joined)} by_title={len(by_title)} only_detected={len(only_detected)} "
        f"only_by_title={len(only_by_title)} match_30_ms={thirty or 0:.1f} match_max_ms={largest:.1f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
