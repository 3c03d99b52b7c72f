"""A diskcache Disk that never unpickles: values other than numbers, text and bytes are stored as JSON.

diskcache 5.6.3 pickles such values (CVE-2025-69872: whoever can write the cache directory can make every worker
run code when it reads the cache) and has no fixed release. The archive's cache only holds rate-limit counts (ints,
which SQLite keeps as they are and `incr` updates in place) and login-failure times (lists of floats), so JSON loses
nothing; a value that is not JSON (a pickle planted in an old or tampered cache) reads as missing.
"""
from __future__ import annotations

import json
import logging

from diskcache import Disk
from diskcache.core import MODE_PICKLE, UNKNOWN

logger = logging.getLogger(__name__)


class JSONOnlyDisk(Disk):
    def put(self, key):
        if not isinstance(key, (str, bytes, int, float)):
            raise TypeError(f"cache keys are text here, not {type(key).__name__}")
        return super().put(key)

    def get(self, key, raw):
        if not raw:  # a pickled key: never load it
            raise KeyError("a cache key that is not text was found and ignored")
        return super().get(key, raw)

    def store(self, value, read, key=UNKNOWN):
        if read or isinstance(value, (str, bytes, int, float)) and not isinstance(value, bool):
            return super().store(value, read, key=key)
        # Kept in the slot diskcache calls "pickle", but as JSON text: fetch() below reads it with json only.
        size, _, filename, data = super().store(json.dumps(value).encode("utf-8"), read, key=key)
        return size, MODE_PICKLE, filename, data

    def fetch(self, mode, filename, value, read):
        if mode != MODE_PICKLE:
            return super().fetch(mode, filename, value, read)
        if value is None:
            with open(self._directory + "/" + filename, "rb") as reader:
                data = reader.read()
        else:
            data = bytes(value)
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            logger.error("the cache held a value that is not JSON (a pickle?): ignored; check who can write %s",
                         self._directory)
            return None
