"""Fetching official texts by symbol from the UN document system and ingesting them, politely.

    {UN_DOCUMENTS_URL}/api/symbol/access?s=A/RES/67/161&l=en&t=pdf

One request at a time, a pause between two requests, retries with a growing back-off after a 429, a 5xx, a
timeout or a broken connection (a Retry-After is honoured, up to FETCH_MAX_RETRY_AFTER_SECONDS: longer, the
fetch gives up and says so), a timeout on every request. Every answer is checked before anything is stored:
a PDF (its magic bytes, its %%EOF, and that it parses into the resolution and language asked for), never an
error page. Then it goes through services.ingest_resolution like any other file, in one transaction with its
FetchRecord, so a failure leaves nothing half-stored.

Resumable: a version fetched before and still held is not asked for again; with `refresh`, the document
system is asked only whether it changed (If-None-Match / If-Modified-Since), and a PDF with the same checksum
is not stored again. A version the archive holds from a file is left alone unless `refresh` is given.
The command (management/commands/fetch.py) and the admin's "fetch by symbol" are thin shells over Fetcher.
"""
from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import urlencode

import urllib3
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from urllib3.exceptions import HTTPError, InvalidHeader, MaxRetryError, ProtocolError, TimeoutError
from urllib3.util.retry import Retry

from . import services
from .models import FetchRecord, Language, Origin, Resolution
from .parsing import ParseError

logger = logging.getLogger(__name__)

# The document system's `l`: the six official languages. The parser reads two of them.
FETCH_LANGUAGES = tuple(Language.values)  # zh, en, fr, es, ru, ar
PARSED_LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGES = ("zh", "en")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "resolution-archive-fetch/1.0 (UN human-rights resolutions archive; one request at a time)"
CHUNK = 64 * 1024

# Outcomes, one per symbol and language.
CREATED, REPLACED, UNCHANGED = services.CREATED, services.REPLACED, services.UNCHANGED
NOT_MODIFIED, HELD, FAILED = "not modified", "held", "failed"


@dataclass(frozen=True)
class FetchOutcome:
    symbol: str
    language: str
    status: str  # created, replaced, unchanged, not modified, held, failed
    message: str
    url: str = ""

    @property
    def failed(self) -> bool:
        return self.status == FAILED

    def describe(self) -> str:
        return f"{self.symbol} {self.language}: {'FAILED ' if self.failed else ''}{self.message}"


class FetchError(Exception):
    """Why a version could not be fetched; the message is for the person who asked."""


def document_url(symbol: str, language: str, *, base_url: str | None = None) -> str:
    base = (base_url or settings.UN_DOCUMENTS_URL).rstrip("/")
    return f"{base}/api/symbol/access?" + urlencode({"s": symbol, "l": language, "t": "pdf"}, safe="/()")


def same_symbol(a: str, b: str) -> bool:
    """A/RES/217 (III) and a/res/217(III) are the same symbol."""
    return "".join(a.split()).upper() == "".join(b.split()).upper()


class Fetcher:
    """Fetches versions one after another through one connection pool; `sleep` is injectable for tests."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        delay: float | None = None,
        timeout: float | None = None,
        retries: int | None = None,
        max_retry_after: float | None = None,
        max_bytes: int | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        replace_edits_hint: str = "--replace-edits stores the official text over them",
    ) -> None:
        self.base_url = (base_url or settings.UN_DOCUMENTS_URL).rstrip("/")
        self.delay = settings.FETCH_DELAY_SECONDS if delay is None else delay
        self.timeout = settings.FETCH_TIMEOUT_SECONDS if timeout is None else timeout
        self.retries = settings.FETCH_RETRIES if retries is None else retries
        self.max_retry_after = settings.FETCH_MAX_RETRY_AFTER_SECONDS if max_retry_after is None else max_retry_after
        self.max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
        self.sleep, self.clock = sleep, clock
        self.replace_edits_hint = replace_edits_hint  # how the caller's user replaces curators' edits if they mean to
        self._last_request: float | None = None
        # Redirects are followed (the endpoint answers with one); every other retry is ours, below.
        self.pool = urllib3.PoolManager(
            num_pools=2,
            maxsize=1,
            block=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/pdf"},
            retries=Retry(total=None, connect=0, read=0, status=0, other=0, redirect=5, raise_on_status=False),
            timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
        )

    # --- Many versions -------------------------------------------------------------------------------

    def fetch_all(
        self,
        symbols: Iterable[str],
        languages: Iterable[str],
        *,
        refresh: bool = False,
        user: Any = None,
        replace_edits: bool = False,
    ) -> Iterator[FetchOutcome]:
        """Every symbol in every language, in order; one failure never stops the others."""
        languages = list(languages)
        for symbol in symbols:
            for language in languages:
                yield self.fetch(symbol, language, refresh=refresh, user=user, replace_edits=replace_edits)

    # --- One version ---------------------------------------------------------------------------------

    def fetch(
        self, symbol: str, language: str, *, refresh: bool = False, user: Any = None, replace_edits: bool = False
    ) -> FetchOutcome:
        """One version; a text curators have edited since its last ingest is replaced only with `replace_edits`."""
        symbol = symbol.strip()
        url = document_url(symbol, language, base_url=self.base_url)
        if language not in FETCH_LANGUAGES:
            return FetchOutcome(symbol, language, FAILED, f"unknown language {language!r} (use {', '.join(FETCH_LANGUAGES)})")
        if language not in PARSED_LANGUAGES:
            return FetchOutcome(
                symbol, language, FAILED, f"not fetched: the archive reads {' and '.join(PARSED_LANGUAGES)} texts only", url
            )
        held = Resolution.objects.by_symbol(symbol).filter(language=language).first()
        record = FetchRecord.objects.filter(symbol__iexact=symbol, language=language).first()
        if not refresh:
            if held is not None and record is not None and record.resolution_id == held.pk:
                when = timezone.localtime(record.fetched_at).strftime("%Y-%m-%d")
                return FetchOutcome(
                    symbol, language, HELD, f"held, fetched {when} (sha256 {record.sha256[:12]}); --refresh asks for a newer text", url
                )
            if held is not None:
                source = held.source_filename or "another source"
                return FetchOutcome(
                    symbol, language, HELD, f"held from {source}, not fetched; --refresh fetches the official PDF over it", url
                )
        try:
            return self._fetch(
                symbol, language, url, record=record if held is not None else None, user=user, replace_edits=replace_edits
            )
        except FetchError as error:
            logger.info("fetch %s %s failed: %s", symbol, language, error)
            return FetchOutcome(symbol, language, FAILED, str(error), url)

    def _fetch(
        self, symbol: str, language: str, url: str, *, record: FetchRecord | None, user: Any, replace_edits: bool
    ) -> FetchOutcome:
        conditional = {}
        if record is not None and record.etag:
            conditional["If-None-Match"] = record.etag
        if record is not None and record.last_modified:
            conditional["If-Modified-Since"] = record.last_modified
        status, headers, body = self._download(url, conditional)
        if status == 304 and record is not None:
            FetchRecord.objects.filter(pk=record.pk).update(checked_at=timezone.now())
            return FetchOutcome(symbol, language, NOT_MODIFIED, "not modified since it was fetched", url)
        checksum = hashlib.sha256(body).hexdigest()
        if record is not None and record.sha256 == checksum:
            FetchRecord.objects.filter(pk=record.pk).update(checked_at=timezone.now())
            return FetchOutcome(symbol, language, UNCHANGED, f"unchanged (the same PDF, sha256 {checksum[:12]})", url)
        check_pdf(body, headers.get("Content-Type", ""))
        filename = filename_for(symbol, language)
        try:
            parsed = services.parse_source(source=body, filename=filename)
        except ParseError as error:
            raise FetchError(f"the PDF cannot be read: {error}") from error
        if not same_symbol(parsed.symbol, symbol) or parsed.language != language:
            raise FetchError(
                f"the document system's PDF is {parsed.symbol} ({parsed.language}), not the {symbol} ({language}) asked for; nothing stored"
            )
        with transaction.atomic():
            try:
                result = services.ingest_resolution(
                    source=body, filename=filename, uploaded_by=user, parsed=parsed, origin=Origin.FETCH,
                    replace_edits=replace_edits,
                )
            except services.CuratorEditsError as refusal:  # a curator's correction is never replaced silently
                raise FetchError(f"not stored: {refusal}; {self.replace_edits_hint}") from refusal
            now = timezone.now()
            FetchRecord.objects.update_or_create(
                symbol=result.resolution.symbol,
                language=language,
                defaults={
                    "url": url,
                    "etag": headers.get("ETag", "")[:255],
                    "last_modified": headers.get("Last-Modified", "")[:64],
                    "sha256": checksum,
                    "size": len(body),
                    "fetched_at": now,
                    "checked_at": now,
                    "resolution": result.resolution,
                },
            )
        return FetchOutcome(symbol, language, result.status, f"{result.describe()} ({len(body):,} bytes)", url)

    def _download(self, url: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) of a 200 or 304, after the retries; FetchError for anything else."""
        attempt = 0
        while True:
            attempt += 1
            self._wait_turn()
            try:
                # The pool's own headers (User-Agent, Accept) are replaced, not merged, by those of a request.
                # enforce_content_length: urllib3 1.26 (see requirements.txt) would otherwise end a dropped
                # connection's body quietly, short.
                response = self.pool.request(
                    "GET", url, headers={**self.pool.headers, **headers}, preload_content=False, enforce_content_length=True
                )
            except (MaxRetryError, HTTPError) as error:
                problem = _connection_problem(error)
                if attempt > self.retries:
                    raise FetchError(f"{problem}, {attempt} tries") from error
                self._back_off(attempt, None)
                continue
            try:
                status = response.status
                if status in RETRY_STATUSES:
                    wait = self._retry_after(response.headers.get("Retry-After"))
                    response.drain_conn()
                    if wait is not None and wait > self.max_retry_after:
                        raise FetchError(
                            f"HTTP {status}: the document system asks to wait {wait:.0f} s (more than the "
                            f"{self.max_retry_after:.0f} s this fetch waits); try again later"
                        )
                    if attempt > self.retries:
                        raise FetchError(f"HTTP {status} from the document system, {attempt} tries; try again later")
                    self._back_off(attempt, wait)
                    continue
                if status == 304:
                    response.drain_conn()
                    return status, dict(response.headers), b""
                if status == 404:
                    response.drain_conn()
                    raise FetchError("not found (HTTP 404): the document system has no such PDF")
                if status != 200:
                    response.drain_conn()
                    raise FetchError(f"HTTP {status} from the document system")
                try:
                    body = self._read(response)
                except (ProtocolError, TimeoutError) as error:
                    if attempt > self.retries:
                        raise FetchError(f"{_connection_problem(error)} while reading the PDF, {attempt} tries") from error
                    self._back_off(attempt, None)
                    continue
                return status, dict(response.headers), body
            finally:
                response.release_conn()

    def _read(self, response) -> bytes:
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"the PDF is {int(declared):,} bytes, more than the {self.max_bytes:,} allowed")
        chunks, size = [], 0
        for chunk in response.stream(CHUNK):  # urllib3 raises ProtocolError when fewer bytes come than declared
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"the PDF is more than the {self.max_bytes:,} bytes allowed")
            chunks.append(chunk)
        return b"".join(chunks)

    def _wait_turn(self) -> None:
        """At least `delay` seconds between the start of two requests, whatever they were for."""
        now = self.clock()
        if self._last_request is not None:
            pause = self._last_request + self.delay - now
            if pause > 0:
                self.sleep(pause)
        self._last_request = self.clock()

    def _back_off(self, attempt: int, retry_after: float | None) -> None:
        """The server's Retry-After when it gave one, else 2, 4, 8 … times the delay (at least a second)."""
        self.sleep(retry_after if retry_after is not None else max(self.delay, 1.0) * 2**attempt)

    @staticmethod
    def _retry_after(value: str | None) -> float | None:
        """Seconds from a Retry-After header (a number or an HTTP date), read by urllib3's own parser."""
        if not value:
            return None
        try:
            return Retry().parse_retry_after(value)  # urllib3 1.26 (see requirements.txt): no cap of its own
        except InvalidHeader:
            return None


def check_pdf(body: bytes, content_type: str) -> None:
    """A whole PDF, not an error page: FetchError saying what came instead."""
    head = body[:1024].lstrip()
    if not head.startswith(b"%PDF-"):
        if b"<html" in body[:2048].lower() or content_type.startswith("text/html"):
            raise FetchError(f"an HTML page came instead of a PDF ({content_type or 'no Content-Type'}); nothing stored")
        raise FetchError(f"not a PDF (it starts {body[:16]!r}, Content-Type {content_type or 'none'}); nothing stored")
    if b"%%EOF" not in body[-2048:]:
        raise FetchError(f"the PDF is truncated ({len(body):,} bytes, no %%EOF at its end); nothing stored")


def _connection_problem(error: Exception) -> str:
    reason = getattr(error, "reason", None) or error
    if isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(reason, ProtocolError):
        return "the connection broke"
    return f"could not connect ({reason.__class__.__name__})"


def read_symbols(lines: Iterable[str]) -> list[str]:
    """Symbols from a file: one a line, blank lines and # comments skipped, duplicates dropped."""
    seen: dict[str, None] = {}
    for line in lines:
        symbol = line.split("#", 1)[0].strip()
        if symbol:
            seen.setdefault(symbol, None)
    return list(seen)


def filename_for(symbol: str, language: str) -> str:
    """A_RES_67_161-en.pdf: the name the fetched PDF is kept under."""
    return PurePath(f"{''.join(symbol.split()).replace('/', '_')}-{language}.pdf").name
