"""The search page's and the API's parameters; anything malformed falls back to a default, never an error.

Facet filters may be repeated (`?body=GA&body=HRC`: either body); a value that is not one of the facet's is
dropped on its own, the others kept.
"""
from __future__ import annotations

import unicodedata

from django import forms

from ..models import Body, Language, ParagraphChange, ParagraphKind
from ..parsing.article_citations import instruments
from .engine import Filters
from .query import clean_query

SORTS = [("relevance", "相关度 relevance"), ("date", "日期 date"), ("document", "决议顺序 document")]
MULTI_VALUED = ("body", "language", "kind", "verb", "change", "versions", "instrument")
MAX_VALUES = 20  # values of one facet in one search: more is not a researcher's selection
MAX_VERB_LENGTH = 40
# The languages a hit's aligned paragraph can be shown in (`beside`) or a query crossed to (`show_in`): those
# the archive holds works in, one the other's counterpart.
ALIGNED_LANGUAGES = ("zh", "en")


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    symbol = forms.CharField(required=False, max_length=64)
    session_from = forms.IntegerField(required=False, min_value=0, max_value=9999)
    session_to = forms.IntegerField(required=False, min_value=0, max_value=9999)
    year_from = forms.IntegerField(required=False, min_value=1900, max_value=2200)
    year_to = forms.IntegerField(required=False, min_value=1900, max_value=2200)
    sort = forms.ChoiceField(required=False, choices=SORTS)
    group = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=10**6)  # clamped to MAX_PER_PAGE
    beside = forms.ChoiceField(required=False, choices=[(code, code) for code in ALIGNED_LANGUAGES])
    show_in = forms.ChoiceField(required=False, choices=[(code, code) for code in ALIGNED_LANGUAGES])

    CHOICES = {"body": Body.values, "language": Language.values, "kind": ParagraphKind.values, "change": [c for c in ParagraphChange.values if c], "versions": ["both", "one"], "instrument": list(instruments())}

    def values(self) -> dict:
        """Cleaned values; a field that did not validate is dropped (a bad page number is page 1)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}

    def selected(self, name: str) -> tuple[str, ...]:
        """The values given for a facet filter, in order, each once; unknown ones dropped."""
        getlist = getattr(self.data, "getlist", None)
        raw = getlist(name) if getlist is not None else [self.data.get(name, "")]
        kept: list[str] = []
        for value in raw:
            value = str(value).strip()
            allowed = self.CHOICES.get(name)
            if not value or (allowed is not None and value not in allowed) or len(value) > MAX_VERB_LENGTH or value in kept:
                continue
            if any(unicodedata.category(c)[0] == "C" for c in value):  # NUL and other controls: not a verb
                continue
            kept.append(value)
        return tuple(kept[:MAX_VALUES])

    def search_arguments(self) -> dict:
        data = self.values()
        return {
            # Read raw: the field would refuse NUL and other control characters instead of dropping them.
            "q": clean_query(str(self.data.get("q", ""))),
            "filters": Filters(
                **{name: self.selected(name) for name in MULTI_VALUED},
                session_from=data.get("session_from"),
                session_to=data.get("session_to"),
                year_from=data.get("year_from"),
                year_to=data.get("year_to"),
                symbol=(data.get("symbol") or "").strip(),
            ),
            "sort": data.get("sort") or "relevance",
            "group": bool(data.get("group")),
            "page": data.get("page") or 1,
            "per_page": data.get("per_page") or 20,
            "beside": data.get("beside") or "",
            "show_in": data.get("show_in") or "",
        }
