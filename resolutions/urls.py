from django.urls import path, re_path, register_converter

from . import api, converters, exports, feeds, series_views, views
from .search import views as search_views

register_converter(converters.SymbolConverter, "symbol")
register_converter(converters.LanguageConverter, "lang")
register_converter(converters.ParagraphSlugConverter, "eid")

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search_page, name="search"),
    path("api/search", search_views.search_api, name="api-search"),
    path("search.csv", exports.search_csv, name="search-csv"),
    path("search.ris", exports.search_ris, name="search-ris"),
    path("search.bib", exports.search_bibtex, name="search-bibtex"),
    path("search/feed/", feeds.SearchResultsFeed(), name="search-feed"),
    path("api/resolutions/<symbol:symbol>/changes", series_views.series_changes_api, name="api-series-changes"),
    path("api/resolutions/<symbol:symbol>", api.resolution_detail, name="api-resolution"),
    path("feed/", feeds.LatestResolutionsFeed(), name="feed"),
    path("browse/", views.browse, name="browse"),
    path("browse/year/<int:year>/", views.year_list, name="year-list"),
    path("browse/<slug:body>/", views.body_list, name="body-list"),
    path("browse/<slug:body>/<str:session>/", views.body_list, name="session-list"),
    # Short forms a reader may type or paste: /67/161, /67/161/zh, /67/161/op7 (redirect to the permanent link).
    re_path(
        rf"^(?P<session>\d{{1,4}})/(?P<number>\d{{1,5}})(?:/(?P<language>(?i:zh|en|fr|es|ru|ar)))?"
        rf"(?:/(?P<eid>{converters.PLAIN_EID}|{converters.STRUCTURAL_EID}))?/?$",
        views.short_form,
        name="short-form",
    ),
    path("<symbol:symbol>/<lang:language>/akn.xml", exports.akoma_ntoso, name="resolution-akn"),
    path("<symbol:symbol>/<lang:language>/", views.resolution_detail, name="resolution-detail"),
    path("<symbol:symbol>/<lang:language>/changes/", series_views.series_changes, name="series-changes"),
    path("<symbol:symbol>/<lang:language>/series/", series_views.series_timeline, name="series-timeline"),
    path("<symbol:symbol>/<lang:language>/<eid:eid>", views.paragraph_detail, name="paragraph-detail"),
    path("<symbol:symbol>/<eid:eid>", views.paragraph_any_language, name="paragraph-any-language"),
    path("<symbol:symbol>/", views.resolution_any_language, name="resolution-any-language"),
]
