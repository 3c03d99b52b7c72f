"""Template tags of the curators' admin: word (English) or character (Chinese) differences between two texts."""
from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..textdiff import diff_runs

register = template.Library()


@register.simple_tag
def diff(old: str | None, new: str | None) -> SafeString:
    """`old` -> `new` as HTML: <del> what only `old` has, <ins> what only `new` has; every piece escaped."""
    parts = []
    for tag, text in diff_runs(old or "", new or ""):
        if tag == "delete":
            parts.append(format_html('<del class="diff-del">{}</del>', text))
        elif tag == "insert":
            parts.append(format_html('<ins class="diff-ins">{}</ins>', text))
        else:
            parts.append(format_html("{}", text))
    return SafeString("".join(parts))
