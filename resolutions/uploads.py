"""Curators' uploads between preview and confirm: a size-limiting upload handler and a staging area.

The bytes a curator previewed are kept on the server, in MEDIA_ROOT/upload-staging/<sha256>, and only
the checksum travels through the browser. Confirming reads the file back by that checksum, checks
that the bytes still hash to it, and hands them to the ingest service; nothing a client sends is ever
used as a path.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload

SHA256_RE = re.compile(r"[0-9a-f]{64}")
STAGING_DIRNAME = "upload-staging"
# A preview nobody confirmed within a day is forgotten.
STAGING_MAX_AGE_SECONDS = 24 * 3600


class StagingError(Exception):
    """A staged upload is missing, expired or altered."""


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def staging_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING_DIRNAME


def _staged_path(sha256: str) -> Path:
    if not SHA256_RE.fullmatch(sha256):
        raise StagingError("Not a checksum.")
    return staging_dir() / sha256


def stage(data: bytes) -> str:
    """Keep `data` until the curator confirms; return its sha256, the only handle the browser sees."""
    directory = staging_dir()
    directory.mkdir(parents=True, exist_ok=True)
    purge_stale()
    sha256 = sha256_of(data)
    path = _staged_path(sha256)
    if not path.exists():
        # Write beside the final name and rename, so a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".partial-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    else:
        path.touch()
    return sha256


def read_staged(sha256: str) -> bytes:
    """The bytes staged under `sha256`, verified against it."""
    path = _staged_path(sha256)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StagingError("This upload has expired; upload the file again.") from None
    if sha256_of(data) != sha256:
        raise StagingError("The staged file was altered; upload it again.")
    return data


def discard(sha256: str) -> None:
    try:
        _staged_path(sha256).unlink(missing_ok=True)
    except StagingError:
        pass


def purge_stale(*, max_age: float = STAGING_MAX_AGE_SECONDS) -> int:
    """Remove staged files older than `max_age` seconds; return how many went."""
    directory = staging_dir()
    if not directory.is_dir():
        return 0
    cutoff = time.time() - max_age
    removed = 0
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def request_too_large(request) -> int:
    """The size the request announces when it is over settings.UPLOAD_MAX_REQUEST_BYTES, else 0.

    Checked before the body is read: a request of several large files is refused without reading them.
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0
    return length if length > settings.UPLOAD_MAX_REQUEST_BYTES else 0


class SizeLimitUploadHandler(FileUploadHandler):
    """Stop receiving any uploaded file once it passes settings.UPLOAD_MAX_BYTES, and the whole request once
    it passes settings.UPLOAD_MAX_REQUEST_BYTES (a body sent without a Content-Length).

    Django would otherwise write a file of any size to a temporary file before the form could look
    at it. The skipped files' names are kept in `too_large` so the form can name them; `received`
    counts the file bytes of the request.
    """

    def __init__(self, request=None) -> None:
        super().__init__(request)
        self.limit = settings.UPLOAD_MAX_BYTES
        self.request_limit = settings.UPLOAD_MAX_REQUEST_BYTES
        self.too_large: list[str] = []
        self.received = 0
        self.stopped = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.request_limit:
            self.stopped = True
            raise StopUpload(connection_reset=True)
        if start + len(raw_data) > self.limit:
            self.too_large.append(self.file_name or "")
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
