"""Reader pages for what a curator removed: a withdrawn resolution or paragraph answers 410, saying when."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import history
from .models import Origin, Resolution, official_document_url

HTML_LANG = {"zh": "zh-Hans", "en": "en"}
WHY = {
    Origin.EDIT: ("一位编辑删除了此段。", "A curator removed it."),
    Origin.DELETE: ("此决议已从档案中撤下。", "The resolution was withdrawn from the archive."),
}
NEW_TEXT = ("新的正式文本不再包含此段。", "A newer official text no longer has it.")


def last_seen(resolution: Resolution, eid: str) -> dict | None:
    """The last text of a paragraph gone from `resolution`, when and why it went; None if it never existed."""
    found = history.last_seen(resolution, eid)
    if found is None:
        return None
    why_zh, why_en = WHY.get(found.removed_by.origin, NEW_TEXT)
    return {
        "text": found.text,
        "withdrawn_at": found.removed_by.created_at,
        "revision": found.removed_by,
        "why_zh": why_zh,
        "why_en": why_en,
    }


def withdrawn_page(request: HttpRequest, symbol: str, language: str | None, eid: str | None) -> HttpResponse | None:
    """410 for an address of a deleted resolution (its last text, or one paragraph's), None if it was never held."""
    tombstone = history.withdrawn(symbol, language)
    if tombstone is None:
        return None
    record = tombstone.snapshot
    paragraph = next((p for p in record.get("paragraphs", []) if p["eid"] == eid), None) if eid else None
    context = {
        "symbol": tombstone.symbol,
        "language": tombstone.language,
        "title": record.get("title", ""),
        "withdrawn_at": tombstone.created_at,
        "eid": eid,
        "paragraph": paragraph,
        "paragraphs": [] if eid else record.get("paragraphs", []),
        "html_lang": HTML_LANG.get(tombstone.language, tombstone.language),
        "official_url": official_document_url(tombstone.symbol, tombstone.language),
    }
    return render(request, "resolutions/withdrawn.html", context, status=410)
