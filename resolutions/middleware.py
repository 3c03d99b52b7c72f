"""Security headers and a per-client rate limit on search and the API.

Django's SecurityMiddleware already sends HSTS, X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy, and XFrameOptionsMiddleware sends X-Frame-Options; this module adds what
Django 5.2 lacks: a Content-Security-Policy that allows no inline script or style (every script and
stylesheet is a file under static/) and a Permissions-Policy.

The rate limit counts requests per client in fixed windows in Django's cache (see RateLimit). The
cache must be shared by all workers for the limit to hold across them: the default cache (diskcache, SQLite
files in var/cache) is shared by the workers of one machine; several machines need Redis or memcached (README).

DatabaseUnavailableMiddleware turns a lost or locked database into a 503 with Retry-After instead of a 500:
the reader learns it is temporary, and a crawler or script knows when to come back.
"""
from __future__ import annotations

import ipaddress
import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


DATABASE_RETRY_AFTER_SECONDS = 30


class DatabaseUnavailableMiddleware:
    """Answer 503 (page or JSON) with Retry-After when the database cannot be reached or stays locked."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(
                {"error": "database_unavailable", "detail": "The archive's database is briefly unavailable.",
                 "retry_after": DATABASE_RETRY_AFTER_SECONDS},
                status=503,
            )
        else:
            # A page of its own, rendered without the request context: that would query the database again.
            response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
        return response


class SecurityHeadersMiddleware:
    """Add Content-Security-Policy and Permissions-Policy to every response that does not set its own."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if policy is None:
            policy = CONTENT_SECURITY_POLICY
        if policy:
            response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


# --- Rate limit ---

RATE_RE = re.compile(r"^\s*(?P<count>\d+)\s*/\s*(?P<amount>\d*)\s*(?P<unit>s|sec|second|m|min|minute|h|hour|d|day)s?\s*$", re.I)
UNIT_SECONDS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}
OFF_VALUES = {"", "0", "off", "none", "false", "no"}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int


@lru_cache(maxsize=32)
def parse_rate(value: str | None) -> Rate | None:
    """'60/min' -> Rate(60, 60); '1000/hour', '10/5s', '5/second' likewise; '' or 'off' -> None (no limit)."""
    if value is None or str(value).strip().lower() in OFF_VALUES:
        return None
    match = RATE_RE.match(str(value))
    if match is None:
        raise ValueError(f"A rate limit reads like '60/min' or '1000/hour', not {value!r}")
    amount = int(match["amount"] or 1)
    return Rate(count=int(match["count"]), seconds=amount * UNIT_SECONDS[match["unit"].lower()])


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _is_trusted(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client that sent `request`.

    REMOTE_ADDR, unless it is one of settings.TRUSTED_PROXIES (addresses or networks of the reverse
    proxies in front of the app): then X-Forwarded-For is read from the right, skipping trusted proxies,
    and the first address that is not one of them is the client. Entries left of it were written by the
    client and are never believed.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _is_trusted(remote, networks):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        if not _is_trusted(address, networks):
            try:
                return str(ipaddress.ip_address(address))
            except ValueError:
                return remote  # a proxy we trust passed on garbage: count it against the proxy's peer
    return remote


# Exports cost more than a page (a CSV walks up to CSV_MAX_ROWS hits): they count in a bucket of their own, at the
# search rate.
EXPORT_PATH_RE = re.compile(r"^/search\.csv$|/akn\.xml$")


def rate_bucket(path: str) -> str | None:
    """The counter a request is counted in ("/search/", "/api/", "export"), or None when it is not limited."""
    if EXPORT_PATH_RE.search(path):
        return "export"
    if path.startswith("/search/"):
        return "/search/"
    if path.startswith("/api/"):
        return "/api/"
    return None


def rate_setting(prefix: str) -> str | None:
    search = getattr(settings, "SEARCH_RATE_LIMIT", None)
    if prefix == "/api/":
        api = getattr(settings, "API_RATE_LIMIT", None)
        return search if api is None else api
    return search


class RateLimitMiddleware:
    """Answer 429 (with Retry-After) to a client that sends more than its share to search or the API.

    /search/ has settings.SEARCH_RATE_LIMIT ("60/min"), /api/ settings.API_RATE_LIMIT (None: the same), exports
    (/search.csv, …/akn.xml) the search rate; each bucket counts separately. Counts live in fixed windows of the rate's length in the cache named by
    settings.RATE_LIMIT_CACHE: a client may send up to twice the count across a window boundary, which
    is the price of one cache key and one atomic increment per request.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        prefix = rate_bucket(request.path_info)
        if prefix is not None:
            rate = parse_rate(rate_setting(prefix))
            if rate is not None:
                wait = self.seconds_to_wait(prefix, client_ip(request), rate)
                if wait:
                    return too_many_requests(request, wait, rate)
        return self.get_response(request)

    def seconds_to_wait(self, prefix: str, client: str, rate: Rate) -> int:
        """Count this request; 0 if it is within the rate, otherwise seconds until the window ends."""
        now = time.time()
        window = int(now // rate.seconds)
        cache = caches[getattr(settings, "RATE_LIMIT_CACHE", "default")]
        key = f"rate:{prefix}:{client}:{rate.seconds}:{window}"
        # add() is a no-op when the key exists; incr() is atomic on diskcache, LocMem, Redis and Memcached.
        cache.add(key, 0, timeout=rate.seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=rate.seconds + 1)
            count = 1
        if count <= rate.count:
            return 0
        return max(1, math.ceil((window + 1) * rate.seconds - now))


def too_many_requests(request: HttpRequest, wait: int, rate: Rate) -> HttpResponse:
    """A friendly 429: JSON for the API, the archive's page for people."""
    if request.path_info.startswith("/api/"):
        response = JsonResponse(
            {
                "error": "rate_limited",
                "detail": f"Too many requests: at most {rate.count} per {rate.seconds} s. Retry after {wait} s.",
                "retry_after": wait,
            },
            status=429,
        )
    else:
        response = render(request, "429.html", {"wait": wait, "rate": rate}, status=429)
    response["Retry-After"] = str(wait)
    return response
