"""python manage.py fetch SYMBOL… [--lang zh,en] [--from-file symbols.txt] — official PDFs from the UN document
system, ingested like any other file (a thin shell over resolutions.fetching.Fetcher)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from resolutions.fetching import DEFAULT_LANGUAGES, FETCH_LANGUAGES, Fetcher, read_symbols


class Command(BaseCommand):
    help = (
        "Fetch the official PDFs of resolutions by symbol from the UN document system (UN_DOCUMENTS_URL) and "
        "ingest them; versions already held are skipped unless --refresh."
    )

    def add_arguments(self, parser):
        parser.add_argument("symbols", nargs="*", help="UN symbols, e.g. A/RES/67/161 A/HRC/RES/45/32")
        parser.add_argument(
            "--lang",
            default=",".join(DEFAULT_LANGUAGES),
            help=f"comma-separated languages of the document system ({', '.join(FETCH_LANGUAGES)}); default zh,en",
        )
        parser.add_argument("--from-file", help="a file of symbols, one a line (# comments and blank lines skipped)")
        parser.add_argument(
            "--refresh",
            action="store_true",
            help="ask again for versions already held (only whether they changed, for those fetched before)",
        )
        parser.add_argument(
            "--replace-edits",
            action="store_true",
            help="store the official text even over curators' edits made since the last ingest (listed, and recorded)",
        )
        parser.add_argument("--delay", type=float, help="seconds between two requests (FETCH_DELAY_SECONDS)")
        parser.add_argument("--timeout", type=float, help="seconds to wait for the server (FETCH_TIMEOUT_SECONDS)")

    def handle(self, *args, symbols, lang, from_file, refresh, replace_edits, delay, timeout, **options):
        symbols = list(symbols)
        if from_file:
            try:
                symbols += read_symbols(Path(from_file).read_text(encoding="utf-8-sig").splitlines())
            except OSError as error:
                raise CommandError(f"{from_file}: {error.strerror or error}") from error
        symbols = read_symbols(symbols)
        if not symbols:
            raise CommandError("name at least one symbol, or --from-file")
        languages = [code.strip().lower() for code in lang.split(",") if code.strip()]
        unknown = [code for code in languages if code not in FETCH_LANGUAGES]
        if unknown or not languages:
            raise CommandError(f"unknown language {', '.join(unknown) or '(none)'}; use {', '.join(FETCH_LANGUAGES)}")

        fetcher = Fetcher(delay=delay, timeout=timeout)
        total = len(symbols) * len(languages)
        width = len(str(total))
        failed, counts = [], {}
        for index, outcome in enumerate(fetcher.fetch_all(symbols, languages, refresh=refresh, replace_edits=replace_edits), start=1):
            line = f"[{index:>{width}}/{total}] {outcome.describe()}"
            (self.stderr if outcome.failed else self.stdout).write(line)
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            if outcome.failed:
                failed.append(f"{outcome.describe()}{f' <{outcome.url}>' if outcome.url else ''}")
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        self.stdout.write(f"{total} fetches: {summary}")
        if failed:
            raise CommandError(f"{len(failed)} of {total} not fetched:\n  " + "\n  ".join(failed))
