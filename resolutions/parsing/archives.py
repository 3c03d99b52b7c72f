"""A ZIP package (.docx) checked before any library reads it: a decompression bomb is refused.

The central directory says how many members there are and how large each unpacks; those figures are
checked first (count, total, compression ratio). Every member is then decompressed in small chunks, which
zipfile stops at the size the directory states (checking the CRC there), and the package is written again
uncompressed from those bytes: the library that reads it (python-docx) can then never unpack more than
was counted, whatever the compressed streams hold.
"""
from __future__ import annotations

import io
import zipfile

from .document import SourceError

MAX_MEMBERS = 1000
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a resolution's Word file unpacks to a few MB, images included
MAX_RATIO = 100  # XML compresses 5-20 times; a member unpacking to more than 1 MB at over 100:1 is no document
RATIO_FROM_BYTES = 1024 * 1024
CHUNK = 64 * 1024


def checked_package(data: bytes, *, kind: str = "Word document") -> bytes:
    """`data`, a ZIP package, written again uncompressed once its members are counted and unpacked within
    bounds; SourceError (naming the reason) when it is damaged or unpacks to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            _check_directory(members, kind)
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as clean:
                for member in members:
                    if member.is_dir():
                        continue
                    unpacked = bytearray()
                    with package.open(member) as stream:
                        while chunk := stream.read(CHUNK):
                            unpacked += chunk
                    clean.writestr(zipfile.ZipInfo(member.filename), bytes(unpacked))
    except zipfile.BadZipFile as exc:
        raise SourceError(f"The {kind} is damaged (not a readable ZIP package: {exc}).") from exc
    except (zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        raise SourceError(f"The {kind} cannot be unpacked ({exc}).") from exc
    return out.getvalue()


def _check_directory(members: list[zipfile.ZipInfo], kind: str) -> None:
    if len(members) > MAX_MEMBERS:
        raise SourceError(
            f"The {kind} is refused: it holds {len(members):,} parts (at most {MAX_MEMBERS:,} are accepted)."
        )
    declared = sum(member.file_size for member in members)
    if declared > MAX_UNPACKED_BYTES:
        raise SourceError(_too_large(kind, declared))
    for member in members:
        ratio = member.file_size / max(1, member.compress_size)
        if member.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
            raise SourceError(
                f"The {kind} is refused: its part {member.filename} is compressed {ratio:,.0f} to 1 "
                f"(unpacking {_size(member.file_size)} from {_size(member.compress_size)}), as decompression "
                f"bombs are; real documents compress less than {MAX_RATIO} to 1."
            )


def _too_large(kind: str, size: int) -> str:
    return (f"The {kind} is refused: it would unpack to {_size(size)}, more than the {_size(MAX_UNPACKED_BYTES)} "
            f"a resolution can need (it may be a decompression bomb).")


def _size(count: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if count >= factor:
            return f"{count / factor:,.1f} {unit}"
    return f"{count} bytes"
