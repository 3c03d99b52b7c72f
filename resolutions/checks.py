"""System checks for the security settings: `manage.py check` refuses values the middleware could not use."""
from __future__ import annotations

import ipaddress
import os
import stat
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from .middleware import parse_rate

LOCAL_KEY_PREFIX = "insecure-local-key"


@register(Tags.security)
def check_rate_limits(app_configs, **kwargs) -> list[Error]:
    errors = []
    for name in ("SEARCH_RATE_LIMIT", "API_RATE_LIMIT"):
        value = getattr(settings, name, None)
        if value is None:
            continue
        try:
            parse_rate(value)
        except ValueError as exc:
            errors.append(Error(str(exc), hint=f"Set {name} to e.g. '60/min' or 'off'.", id="archive.E001"))
    for proxy in getattr(settings, "TRUSTED_PROXIES", ()) or ():
        try:
            ipaddress.ip_network(proxy, strict=False)
        except ValueError:
            errors.append(Error(f"TRUSTED_PROXIES: {proxy!r} is not an address or network.", id="archive.E002"))
    return errors


@register(Tags.security, deploy=True)
def check_secret_key_from_environment(app_configs, **kwargs) -> list[Warning]:
    if str(settings.SECRET_KEY).startswith(LOCAL_KEY_PREFIX):
        return [
            Warning(
                "SECRET_KEY is the built-in key for local runs, which anyone can read.",
                hint="Set DJANGO_SECRET_KEY to 50 or more random characters.",
                id="archive.W001",
            )
        ]
    return []


@register(Tags.security)
def check_cache_directory_is_private(app_configs, **kwargs) -> list[Error]:
    """The diskcache directory must be writable by the archive's own user only (see resolutions.cache_disk)."""
    cache = settings.CACHES.get("default", {})
    if cache.get("BACKEND") != "diskcache.DjangoCache":
        return []
    directory = Path(cache["LOCATION"])
    try:
        status = directory.stat()
    except FileNotFoundError:
        return []
    problems = []
    if status.st_mode & 0o022:
        problems.append(f"others may write it (mode {stat.filemode(status.st_mode)})")
    if hasattr(os, "geteuid") and status.st_uid != os.geteuid():
        problems.append(f"it belongs to user {status.st_uid}, not to the archive's user {os.geteuid()}")
    if not problems:
        return []
    return [
        Error(
            f"The cache directory {directory}: {'; '.join(problems)}. Whoever can write it can change the rate-limit"
            " and login-throttle counts.",
            hint=f"chmod 700 {directory} (and chown it to the user that runs the archive).",
            id="archive.E003",
        )
    ]


@register(Tags.security, deploy=True)
def check_passwords_and_proxies(app_configs, **kwargs) -> list[Warning]:
    warnings = []
    if not settings.AUTH_PASSWORD_VALIDATORS:
        warnings.append(
            Warning("No password validators: a curator could choose a one-character password.", id="archive.W002")
        )
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not getattr(settings, "TRUSTED_PROXIES", None):
        warnings.append(
            Warning(
                "Behind a proxy (DJANGO_PROXY_SSL_HEADER=1) but DJANGO_TRUSTED_PROXIES is empty: every client would"
                " share the proxy's address, so one person could exhaust the search limit and lock curators out.",
                hint="Set DJANGO_TRUSTED_PROXIES to the proxy's address, e.g. 127.0.0.1.",
                id="archive.W003",
            )
        )
    return warnings
