"""One writer of texts at a time, across every archive host that shares the database."""
from __future__ import annotations

import functools
import hashlib

from django.db import connection, transaction

# Two hosts writing into one series took lineage and series rows in opposite orders and PostgreSQL broke the
# deadlock by failing one of them (README, "Two archive hosts"). Every transaction that writes a text takes this
# lock before any row, so such writes run one after the other across hosts; reads never wait for it.
TEXT_WRITES_LOCK_KEY = int.from_bytes(hashlib.blake2b(b"resolution-archive text writes", digest_size=8).digest(), "big", signed=True)


def text_write(function):
    """transaction.atomic, and the text writers' lock first (PostgreSQL: a transaction-scoped advisory lock).

    On SQLite a writing transaction already excludes every other writer of the database.
    """

    @functools.wraps(function)
    def locked(*args, **kwargs):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TEXT_WRITES_LOCK_KEY])
            return function(*args, **kwargs)

    return locked
