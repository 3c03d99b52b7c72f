"""Throttle repeated failed admin logins, keyed by username and client address, in Django's cache.

Why not django-axes: it brings its own models, middleware and authentication backend for what is,
here, one login form. This is the part of it we need: after LOGIN_FAILURE_LIMIT failures for one
username from one address within LOGIN_FAILURE_WINDOW_SECONDS, further attempts are refused, without
checking the password, until the oldest of those failures leaves the window. A looser limit per
address alone stops one client from trying many usernames.

The cache must be shared by all workers for the limit to hold across them (LocMemCache is per
process: with N workers an attacker gets N times the attempts). Set LOGIN_THROTTLE_CACHE to the
alias of a shared cache (database, file or Redis) in production.
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

from .middleware import client_ip


@dataclass(frozen=True)
class LoginThrottle:
    limit: int
    window_seconds: int
    per_address_limit: int
    cache_alias: str = "default"

    @classmethod
    def from_settings(cls) -> LoginThrottle:
        limit = getattr(settings, "LOGIN_FAILURE_LIMIT", 5)
        return cls(
            limit=limit,
            window_seconds=getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60),
            per_address_limit=getattr(settings, "LOGIN_FAILURE_ADDRESS_LIMIT", limit * 10),
            cache_alias=getattr(settings, "LOGIN_THROTTLE_CACHE", "default"),
        )

    def seconds_until_allowed(self, username: str, address: str) -> int:
        """0 when a login may be tried now, otherwise how long the client must wait."""
        now = time.time()
        waits = [
            self._wait(self._recent(key, now), limit, now)
            for key, limit in self._keys(username, address)
        ]
        return max(waits)

    def record_failure(self, username: str, address: str) -> None:
        now = time.time()
        cache = caches[self.cache_alias]
        for key, limit in self._keys(username, address):
            failures = (self._recent(key, now) + [now])[-limit:]
            # An explicit timeout on every write: some backends' incr() would reset it.
            cache.set(key, failures, timeout=self.window_seconds)

    def reset(self, username: str, address: str) -> None:
        """Forget the failures of `username` from `address` (after a successful login)."""
        key, _ = self._keys(username, address)[0]
        caches[self.cache_alias].delete(key)

    def _keys(self, username: str, address: str) -> list[tuple[str, int]]:
        def key(*parts: str) -> str:
            digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
            return f"login-failures:{digest}"

        return [
            (key("user", username.strip().casefold(), address), self.limit),
            (key("address", address), self.per_address_limit),
        ]

    def _recent(self, key: str, now: float) -> list[float]:
        failures = caches[self.cache_alias].get(key) or []
        return [t for t in failures if now - t < self.window_seconds]

    def _wait(self, failures: list[float], limit: int, now: float) -> int:
        if len(failures) < limit:
            return 0
        return max(1, math.ceil(failures[-limit] + self.window_seconds - now))


def client_address(request: HttpRequest) -> str:
    """The client's address, by the same rule as the rate limits (X-Forwarded-For only from TRUSTED_PROXIES)."""
    return client_ip(request) or "unknown"
