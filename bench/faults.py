"""Fault scenarios: the archive keeps answering or fails clearly, loses nothing committed, and the index is repaired.

    .venv/bin/python bench/faults.py /work/shared/corpus               # every scenario
    .venv/bin/python bench/faults.py /work/shared/corpus --only disk    # one (worker, writer, disk, database)

Each scenario builds its own scratch archive (bench/load.py: real texts re-numbered) and serves it with gunicorn
on loopback, then:
  worker    kills (SIGKILL) the gunicorn worker serving a curator's upload confirmation, at several moments;
  writer    kills the index writer in the middle of draining the outbox (index_worker) and of a full rebuild;
  disk      puts the index on a small tmpfs (mounted here, as root), fills it, and keeps uploading;
  database  restarts the database under traffic: a private PostgreSQL server (initdb in the scratch folder,
            its own port on 127.0.0.1, so no one else's database is touched), and for SQLite a file held
            locked by another process for longer than the busy timeout.
Afterwards it checks that what was committed is there (every stored resolution whole, none half-written),
then runs the documented repair, `manage.py check_search_index --repair`, and expects the plain check to
report 0 differences. One PASS/FAIL line per scenario, with what was seen.
"""
from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.load import HOST, PROJECT, PYTHON, Server, archive_env, check_index, get, manage  # noqa: E402

PASSWORD = "fault-scenario curator password"
RESULTS: list[tuple[str, bool, str]] = []


def report(name: str, ok: bool, detail: str) -> None:
    RESULTS.append((name, ok, detail))
    print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)


def django_shell(env: dict[str, str], code: str) -> str:
    result = manage(env, "shell", "-v", "0", "-c", code)
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return result.stdout.strip()


def build(env: dict[str, str], corpus: Path, count: int) -> None:
    """A scratch archive of `count` re-numbered real resolutions, indexed, with a superuser 'curator'."""
    code = f"""
import sys; sys.path.insert(0, {str(PROJECT)!r})
from bench.load import build_archive
build_archive(dict(__import__('os').environ), __import__('pathlib').Path({str(corpus)!r}), {count}, log=lambda s: None)
"""
    # build_archive migrates through manage.py itself, then stores and indexes in this process.
    result = subprocess.run([str(PYTHON), "-c", code], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode:
        raise RuntimeError(result.stderr[-3000:])
    django_shell(env, "from django.contrib.auth.models import User; "
                      f"User.objects.create_superuser('curator', 'curator@example.org', {PASSWORD!r})")


def consistency(env: dict[str, str]) -> dict:
    """Counts that show whether anything is half-written: resolutions without paragraphs, paragraphs without
    numbers in sequence, sources without a resolution, and tasks still in the index outbox."""
    out = django_shell(env, """
from django.db.models import Count
from resolutions.models import IndexTask, Paragraph, Resolution
empty = Resolution.objects.annotate(n=Count('paragraphs')).filter(n=0).count()
print(Resolution.objects.count(), Paragraph.objects.count(), empty, IndexTask.objects.count())
""")
    resolutions, paragraphs, empty, tasks = map(int, out.split())
    return {"resolutions": resolutions, "paragraphs": paragraphs, "empty": empty, "outbox": tasks}


def repair(env: dict[str, str]) -> tuple[dict, dict, str]:
    """Check, run the documented repair, check again: (before, after, repair's output)."""
    before = check_index(env)
    fixed = manage(env, "check_search_index", "--repair")
    after = check_index(env)
    return before, after, (fixed.stdout + fixed.stderr).strip().splitlines()[-1] if (fixed.stdout + fixed.stderr).strip() else ""


def clean(index: dict) -> bool:
    return index["missing"] == index["stale"] == index["changed"] == 0 and index["returncode"] == 0


def count_hits(port: int, query: str) -> int:
    status, body, _ = get(port, "/api/search?" + urllib.parse.urlencode({"q": query}), client="10.9.9.9")
    if status != 200:
        return -status
    match = re.search(rb'"count"\s*:\s*(\d+)', body)
    return int(match.group(1)) if match else -1


# ---------------------------------------------------------------------------------------------------------
# A curator in the admin, over HTTP


class Curator:
    def __init__(self, port: int):
        self.base = f"http://{HOST}:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def login(self) -> None:
        self.opener.open(self.base + "/admin/login/", timeout=30).read()
        data = urllib.parse.urlencode({"username": "curator", "password": PASSWORD, "csrfmiddlewaretoken": self.csrf(),
                                       "next": "/admin/"}).encode()
        page = self.opener.open(self._post(self.base + "/admin/login/", data), timeout=30).read().decode()
        if "logout" not in page.lower() and "注销" not in page:
            raise RuntimeError("admin login failed")

    def _post(self, url: str, data: bytes, content_type: str = "application/x-www-form-urlencoded") -> urllib.request.Request:
        return urllib.request.Request(url, data=data, headers={"Content-Type": content_type, "Referer": url,
                                                               "X-CSRFToken": self.csrf()})

    def preview(self, filename: str, source: bytes) -> str:
        """Upload one file; returns the sha256 the preview staged for confirmation."""
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{self.csrf()}\r\n"
                f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n"
                f"Content-Type: text/plain\r\n\r\n").encode() + source + f"\r\n--{boundary}--\r\n".encode()
        page = self.opener.open(self._post(self.base + "/admin/resolutions/resolution/upload/", body,
                                           f"multipart/form-data; boundary={boundary}"), timeout=60).read().decode()
        match = re.search(r'name="uploads" value="([0-9a-f]{64})"', page)
        if not match:
            raise RuntimeError("the upload preview offered nothing to confirm")
        return match.group(1)

    def confirm(self, sha256: str) -> int:
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf(), "uploads": sha256, "confirm": "1"}).encode()
        return self.opener.open(self._post(self.base + "/admin/resolutions/resolution/upload/confirm/", data),
                                timeout=60).status


def renumbered_upload(corpus: Path, generation: int, index: int = 0) -> tuple[str, bytes, str]:
    """A real .txt resolution with its symbol changed in the text: (filename, bytes, new symbol)."""
    texts = sorted(p for p in corpus.rglob("*.txt") if "A_RES_7" in p.name)
    path = texts[index % len(texts)]
    text = path.read_text(encoding="utf-8")
    session, number = re.search(r"A_RES_(\d+)_(\d+)", path.name).groups()
    new = f"A/RES/{int(session) + 100 * generation}/{number}"
    text = text.replace(f"A/RES/{session}/{number}", new).replace(f"{session}/{number}.", f"{int(session) + 100 * generation}/{number}.")
    return new.replace("/", "_") + ".txt", text.encode(), new


# ---------------------------------------------------------------------------------------------------------
# Scenarios


def scenario_worker(corpus: Path, scratch: Path) -> None:
    """SIGKILL the only gunicorn worker while it stores a confirmed upload; repeat at several moments."""
    env = archive_env(scratch)
    build(env, corpus, 20)
    seen = []
    lost = []
    with Server(env, scratch, workers=1) as server:
        for attempt, delay in enumerate((0.0, 0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1.2)):
            curator = Curator(server.port)
            curator.login()
            filename, source, symbol = renumbered_upload(corpus, 50 + attempt, attempt)
            sha = curator.preview(filename, source)
            outcome: dict = {}

            def confirm():
                try:
                    outcome["status"] = curator.confirm(sha)
                except (OSError, http.client.HTTPException) as exc:
                    outcome["status"] = type(exc).__name__

            thread = threading.Thread(target=confirm)
            worker = server.worker_pids()[0]
            thread.start()
            time.sleep(delay)
            os.kill(worker, signal.SIGKILL)
            thread.join(timeout=90)
            answered = wait_until_answering(server.port)
            held = django_shell(env, "from resolutions.models import Resolution as R; "
                                     f"r = R.objects.filter(symbol={symbol!r}).first(); "
                                     "print(r.paragraphs.count() if r else 0)")
            seen.append(f"{delay:.2f}s:{outcome.get('status')}/{'stored' if int(held) else 'absent'}"
                        f"{'' if answered else '/NOT ANSWERING'}")
            if outcome.get("status") == 200 and not int(held):
                lost.append(symbol)
    state = consistency(env)
    before, after, said = repair(env)
    ok = not lost and state["empty"] == 0 and clean(after) and all("NOT ANSWERING" not in s for s in seen)
    report("worker killed mid-upload", ok,
           f"confirm outcome/stored by kill delay: {', '.join(seen)}; confirmed-but-lost={lost or 0}; "
           f"resolutions without paragraphs={state['empty']}; outbox left={state['outbox']}; index before repair "
           f"missing={before['missing']} stale={before['stale']} changed={before['changed']}; after repair "
           f"missing={after['missing']} stale={after['stale']} changed={after['changed']}")


def wait_until_answering(port: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(port, "/", timeout=5)[0] == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def scenario_writer(corpus: Path, scratch: Path) -> None:
    """Kill the index writer mid-drain (index_worker) and mid-rebuild; searches keep answering; repair restores."""
    env = archive_env(scratch)
    build(env, corpus, 60)
    with Server(env, scratch, workers=2) as server:
        full = count_hits(server.port, "human rights")
        # Every resolution changed: the outbox holds a task for each, and one writer drains it.
        django_shell(env, "from resolutions.models import IndexTask, Resolution; "
                          "IndexTask.objects.bulk_create(IndexTask(resolution_id=pk) for pk in "
                          "Resolution.objects.values_list('pk', flat=True))")
        drain = subprocess.Popen([str(PYTHON), "manage.py", "index_worker"], cwd=PROJECT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(2.5)
        drain_finished_before_kill = drain.poll() is not None
        drain.kill()
        drain.wait()
        during_drain = count_hits(server.port, "human rights")
        outbox = consistency(env)["outbox"]
        before_drain, after_drain, _ = repair(env)

        rebuild = subprocess.Popen([str(PYTHON), "manage.py", "rebuild_search_index"], cwd=PROJECT, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        time.sleep(4)
        rebuild_finished_before_kill = rebuild.poll() is not None
        rebuild.kill()
        rebuild.wait()
        after_kill = count_hits(server.port, "human rights")
        before_rebuild, after_rebuild, _ = repair(env)
        repaired = count_hits(server.port, "human rights")
    ok = (not drain_finished_before_kill and not rebuild_finished_before_kill and clean(after_drain)
          and clean(after_rebuild) and repaired == full and during_drain >= 0 and after_kill >= 0)
    report("index writer killed mid-update", ok,
           f"'human rights' hits: {full} before; {during_drain} after killing index_worker mid-drain (outbox left "
           f"{outbox}; check: missing={before_drain['missing']} stale={before_drain['stale']} "
           f"changed={before_drain['changed']}); {after_kill} after killing rebuild_search_index mid-rebuild "
           f"(check: missing={before_rebuild['missing']} stale={before_rebuild['stale']}); {repaired} after "
           f"`check_search_index --repair` (missing={after_rebuild['missing']} stale={after_rebuild['stale']} "
           f"changed={after_rebuild['changed']})")


def scenario_disk(corpus: Path, scratch: Path) -> None:
    """The index on a small tmpfs, filled up: uploads still commit, search keeps answering, repair after space."""
    mount = scratch / "index-disk"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True, text=True)
    if mounted.returncode:
        report("index disk full", False, f"not run: cannot mount a size-limited tmpfs here ({mounted.stderr.strip()})")
        return
    try:
        env = archive_env(scratch)
        env["SEARCH_INDEX_DIR"] = str(mount / "search-index")
        build(env, corpus, 20)
        filler = mount / "filler"
        # Leave 64 KB free: the next index commit cannot fit.
        free = shutil.disk_usage(mount).free
        with open(filler, "wb") as f:
            f.write(b"\0" * max(0, free - 64 * 1024))
        with Server(env, scratch, workers=2) as server:
            before = count_hits(server.port, "human rights")
            curator = Curator(server.port)
            curator.login()
            statuses, symbols = [], []
            for generation in range(60, 64):
                filename, source, symbol = renumbered_upload(corpus, generation, generation)
                try:
                    statuses.append(curator.confirm(curator.preview(filename, source)))
                except urllib.error.HTTPError as exc:
                    statuses.append(exc.code)
                symbols.append(symbol)
            free_after = shutil.disk_usage(mount).free
            search_status = [get(server.port, "/search/?q=" + urllib.parse.quote(q), client="10.9.9.8")[0]
                             for q in ("人权", "human rights", "torture")]
            during = count_hits(server.port, "human rights")
            held = django_shell(env, "from resolutions.models import Resolution as R; "
                                     f"print(R.objects.filter(symbol__in={symbols!r}).count())")
            state = consistency(env)
            check_full = check_index(env)
            filler.unlink()
            before_repair, after, said = repair(env)
            after_hits = count_hits(server.port, "human rights")
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
    ok = (all(s == 200 for s in statuses) and int(held) == len(symbols) and all(s == 200 for s in search_status)
          and clean(after) and state["empty"] == 0)
    report("index disk full", ok,
           f"tmpfs size=48m filled to {free_after // 1024} KB free; {len(symbols)} uploads confirmed with HTTP "
           f"{statuses}, {held} of {len(symbols)} stored in the database; searches answered {search_status} "
           f"('human rights' {before} hits before, {during} while full); outbox held {state['outbox']} tasks; "
           f"check while full: missing={check_full['missing']} stale={check_full['stale']}; after freeing space and "
           f"`check_search_index --repair`: missing={after['missing']} stale={after['stale']} "
           f"changed={after['changed']}, 'human rights' {after_hits} hits")


def scenario_database_postgres(corpus: Path, scratch: Path) -> None:
    """A private PostgreSQL server restarted under traffic: what readers see, what survives, the index after."""
    bindir = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"))), None)
    if bindir is None or os.geteuid() != 0:
        report("database restart (PostgreSQL)", False, "not run: no PostgreSQL binaries or not root (needed to run as postgres)")
        return
    data = scratch / "pgdata"
    sock = scratch / "pgsock"
    sock.mkdir()
    os.chmod(scratch.parent, 0o755)  # the temporary folder is private to root; postgres must reach its part
    shutil.chown(scratch, "postgres")
    shutil.chown(sock, "postgres")
    port = free_port()

    def pg(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], capture_output=True, text=True, check=check)

    pg(str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync")
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(scratch / "pg.log"), "-w", "-o",
           f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off"]
    pg(*ctl, "start")
    try:
        pg(str(bindir / "createdb"), "-h", HOST, "-p", str(port), "-U", "postgres", "archive")
        env = archive_env(scratch, database_url=f"postgres://postgres@{HOST}:{port}/archive")
        build(env, corpus, 20)
        before = consistency(env)
        with Server(env, scratch, workers=2) as server:
            statuses: list[tuple[float, int | str, bytes]] = []
            stop = threading.Event()
            traffic = threading.Thread(target=read_loop, args=(server.port, statuses, stop))
            traffic.start()
            time.sleep(2)
            restart_at = time.monotonic()
            pg(*ctl, "-m", "fast", "stop")
            time.sleep(3)
            pg(*ctl, "start")
            up_at = time.monotonic()
            time.sleep(6)
            stop.set()
            traffic.join()
        after = consistency(env)
        _, index_after, _ = repair(env)
    finally:
        pg(*ctl, "-m", "immediate", "stop", check=False)
    summary = summarize_statuses(statuses, restart_at, up_at)
    ok = (after["resolutions"] == before["resolutions"] and after["paragraphs"] == before["paragraphs"]
          and clean(index_after) and summary["errors_after_up"] == 0 and summary["unclear"] == 0)
    report("database restart (PostgreSQL)", ok,
           f"server down {up_at - restart_at:.1f} s under traffic: {summary['text']}; "
           f"resolutions {before['resolutions']} -> {after['resolutions']}, paragraphs {before['paragraphs']} -> "
           f"{after['paragraphs']}; index after: missing={index_after['missing']} stale={index_after['stale']} "
           f"changed={index_after['changed']}")


def scenario_database_sqlite(corpus: Path, scratch: Path) -> None:
    """The SQLite file held by another process (EXCLUSIVE lock) for 8 s, then for 25 s (beyond the 20 s timeout)."""
    env = archive_env(scratch)
    build(env, corpus, 20)
    before = consistency(env)
    results = []
    with Server(env, scratch, workers=2) as server:
        for hold in (8, 25):
            statuses: list[tuple[float, int | str, bytes]] = []
            stop = threading.Event()
            traffic = threading.Thread(target=read_loop, args=(server.port, statuses, stop))
            traffic.start()
            time.sleep(1.5)
            locked_at = time.monotonic()
            subprocess.run([str(PYTHON), "-c", (
                "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "c.execute('BEGIN EXCLUSIVE'); time.sleep(float(sys.argv[2])); c.execute('ROLLBACK')"),
                str(scratch / "archive.sqlite3"), str(hold)], check=True)
            released_at = time.monotonic()
            time.sleep(4)
            stop.set()
            traffic.join()
            results.append((hold, summarize_statuses(statuses, locked_at, released_at)))
    after = consistency(env)
    _, index_after, _ = repair(env)
    ok = (after == before and clean(index_after) and all(s["errors_after_up"] == 0 and s["unclear"] == 0 for _, s in results)
          and results[0][1]["errors_while_down"] == 0)
    report("database locked (SQLite)", ok,
           "; ".join(f"locked {hold} s: {s['text']}" for hold, s in results)
           + f"; data {before} -> {after}; index after: missing={index_after['missing']} stale={index_after['stale']}")


def read_loop(port: int, statuses: list, stop: threading.Event) -> None:
    """Two readers opening pages and searching until `stop`: (time, status, first bytes of an error body)."""
    def reader(n: int) -> None:
        paths = ["/", "/search/?q=" + urllib.parse.quote("人权"), "/api/search?q=torture", "/browse/"]
        i = 0
        while not stop.is_set():
            path = paths[i % len(paths)]
            i += 1
            started = time.monotonic()
            try:
                status, body, _ = get(port, path, timeout=65, client=f"10.8.{n}.{i % 200}")
                statuses.append((started, status, body[:4000] if status >= 400 else b""))
            except (OSError, http.client.HTTPException) as exc:
                statuses.append((started, type(exc).__name__, b""))
                time.sleep(0.2)
    threads = [threading.Thread(target=reader, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def summarize_statuses(statuses: list, down_at: float, up_at: float) -> dict:
    """What readers got while the database was away and after it came back; an error is 'clear' when the page
    says so in words (the archive's 500/503 page), not a reset connection or a traceback."""
    during = Counter(str(s) for t, s, _ in statuses if down_at <= t < up_at)
    after = Counter(str(s) for t, s, _ in statuses if t >= up_at + 1)
    errors = [(s, body) for t, s, body in statuses if t >= down_at and s != 200]
    unclear = sum(1 for s, body in errors if not isinstance(s, int) or b"Traceback" in body or not body.strip())
    sample = next((body for _, body in errors if body), b"")
    text = re.sub(r"\s+", " ", re.sub(rb"<[^>]+>", b" ", sample).decode("utf-8", "replace")).strip()[:120]
    errors_after = sum(n for s, n in after.items() if s != "200")
    return {
        "errors_while_down": sum(n for s, n in during.items() if s != "200"),
        "errors_after_up": errors_after,
        "unclear": unclear,
        "text": f"while down {dict(during)}, after {dict(after)}" + (f", error page says {text!r}" if text else ""),
    }


def free_port() -> int:
    from bench.load import free_port as pick

    return pick()


SCENARIOS = {
    "worker": [scenario_worker],
    "writer": [scenario_writer],
    "disk": [scenario_disk],
    "database": [scenario_database_postgres, scenario_database_sqlite],
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="folder of real .txt resolutions (e.g. /work/shared/corpus)")
    parser.add_argument("--only", choices=sorted(SCENARIOS), action="append")
    args = parser.parse_args(argv)
    for name in args.only or list(SCENARIOS):
        for scenario in SCENARIOS[name]:
            with tempfile.TemporaryDirectory(prefix=f"archive-fault-{name}-") as scratch:
                path = Path(scratch) / "archive"
                path.mkdir()
                try:
                    scenario(args.corpus.resolve(), path)
                except Exception as exc:  # a scenario that cannot even run is a failure, said plainly
                    report(scenario.__name__, False, f"scenario crashed: {type(exc).__name__}: {str(exc)[-800:]}")
    failed = [name for name, ok, _ in RESULTS if not ok]
    print(f"faults scenarios={len(RESULTS)} passed={len(RESULTS) - len(failed)} failed={len(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
