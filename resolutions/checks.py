"""System checks for the security settings: `manage.py check` refuses values the middleware could not use."""
from __future__ import annotations

import ipaddress

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
