"""Atom feeds: the resolutions most recently added to the archive, and the newest paragraphs of a results page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .models import Paragraph, Resolution
from .parsing.text import xml_safe
from .exports import search_unavailable_text
from .reading import citation_en, citation_zh, paragraph_label
from .search.service import QueryError, SearchUnavailable, search_arguments, search_paragraphs

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


# --- A feed of a results page ------------------------------------------------------------------------------

SEARCH_FEED_SIZE = 50


@dataclass(frozen=True)
class SearchFeedEntry:
    """One matching paragraph with its absolute permanent link (the entry's id: stable across re-ingest)."""

    paragraph: Paragraph
    url: str


@dataclass(frozen=True)
class SearchFeedContext:
    arguments: dict
    entries: list[SearchFeedEntry]
    page_url: str  # the results page of the same query and filters
    feed_url: str


class SearchResultsFeed(Feed):
    """/search/feed/?q=…: the newest paragraphs (by date adopted) matching a results page's query and filters."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().__call__(request, *args, **kwargs)
        except QueryError as error:
            return HttpResponseBadRequest(f"{error}\n", content_type="text/plain; charset=utf-8")
        except SearchUnavailable:
            return search_unavailable_text()

    def get_object(self, request: HttpRequest, *args, **kwargs) -> SearchFeedContext:
        arguments = search_arguments(request.GET)
        outcome = search_paragraphs(
            arguments["q"], filters=arguments["filters"], sort="date", per_page=SEARCH_FEED_SIZE, group=False, facets=False
        )
        params = request.GET.copy()
        for name in ("page", "group", "sort", "per_page"):  # the feed is always the newest first, one by one
            params.pop(name, None)
        query = "?" + params.urlencode() if params else ""
        return SearchFeedContext(
            arguments,
            [SearchFeedEntry(hit.paragraph, request.build_absolute_uri(hit.paragraph.get_absolute_url())) for hit in outcome.hits],
            request.build_absolute_uri(reverse("search") + query),
            request.build_absolute_uri(reverse("search-feed") + query),
        )

    def title(self, obj: SearchFeedContext) -> str:
        query = obj.arguments["q"]
        return xml_safe(f"人权决议档案搜索“{query}”：最新段落 · Resolution Archive search “{query}”: newest paragraphs")

    def subtitle(self, obj: SearchFeedContext) -> str:
        return "与此搜索及其筛选相符的段落，按通过日期由新到旧 · Paragraphs matching this search and its filters, newest adopted first"

    def link(self, obj: SearchFeedContext) -> str:
        return obj.page_url

    def feed_url(self, obj: SearchFeedContext) -> str:
        return obj.feed_url

    def feed_guid(self, obj: SearchFeedContext) -> str:
        return obj.feed_url

    def items(self, obj: SearchFeedContext) -> list[SearchFeedEntry]:
        return obj.entries

    def item_title(self, item: SearchFeedEntry) -> str:
        resolution = item.paragraph.resolution
        return xml_safe(f"{resolution.symbol} · {paragraph_label(item.paragraph, resolution.language)} · {resolution.title}")

    def item_description(self, item: SearchFeedEntry) -> str:
        return xml_safe(item.paragraph.text)

    def item_link(self, item: SearchFeedEntry) -> str:
        return item.url

    def item_guid(self, item: SearchFeedEntry) -> str:
        return item.url

    def item_pubdate(self, item: SearchFeedEntry) -> datetime:
        adopted = item.paragraph.resolution.adopted_on
        if adopted is None:
            return item.paragraph.resolution.created_at
        return datetime.combine(adopted, time(), tzinfo=UTC)

    def item_updateddate(self, item: SearchFeedEntry) -> datetime:
        # When the archive last changed this text (a correction, a re-ingest), never before its adoption.
        return max(item.paragraph.resolution.updated_at, self.item_pubdate(item))
