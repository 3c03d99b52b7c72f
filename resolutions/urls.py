from django.urls import path, register_converter

from . import api, converters, views
from .search import views as search_views

register_converter(converters.SymbolConverter, "symbol")
register_converter(converters.LanguageConverter, "lang")
register_converter(converters.ParagraphSlugConverter, "eid")

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search_views.search_page, name="search"),
    path("api/search", search_views.search_api, name="api-search"),
    path("api/resolutions/<symbol:symbol>", api.resolution_detail, name="api-resolution"),
    path("<symbol:symbol>/<lang:language>/", views.resolution_detail, name="resolution-detail"),
    path("<symbol:symbol>/<lang:language>/<eid:eid>", views.paragraph_detail, name="paragraph-detail"),
    path("<symbol:symbol>/", views.resolution_any_language, name="resolution-any-language"),
]
