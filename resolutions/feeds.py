"""An Atom feed of the resolutions most recently added to the archive."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Resolution
from .parsing.text import xml_safe
from .reading import citation_en, citation_zh

FEED_SIZE = 50


class LatestResolutionsFeed(Feed):
    feed_type = Atom1Feed
    title = "人权决议档案：新收录的决议 · Resolution Archive: new resolutions"
    subtitle = "联合国人权决议，新收录的文本 · UN human-rights resolutions most recently added to the archive"

    def link(self) -> str:
        return reverse("home")

    def items(self):
        return Resolution.objects.order_by("-created_at", "-pk")[:FEED_SIZE]

    def item_title(self, item: Resolution) -> str:
        # A control character in one title must not break the feed for every reader (XML 1.0 forbids it).
        return xml_safe(f"{item.symbol} ({item.language}) {item.title}")

    def item_description(self, item: Resolution) -> str:
        cited = citation_zh(item) if item.language == "zh" else citation_en(item)
        adopted = f" · {item.adopted_on:%Y-%m-%d}" if item.adopted_on else ""
        return xml_safe(f"{cited}{adopted}")

    def item_link(self, item: Resolution) -> str:
        return xml_safe(item.get_absolute_url())

    def item_guid(self, item: Resolution) -> str:
        return xml_safe(item.get_absolute_url())

    def item_pubdate(self, item: Resolution) -> datetime:
        return item.created_at

    def item_updateddate(self, item: Resolution) -> datetime:
        return item.updated_at
