"""The search page's and the API's parameters; anything malformed falls back to a default, never an error."""
from __future__ import annotations

from django import forms

from ..models import Body, Language, ParagraphKind
from .query import clean_query
from .results import Filters

SORTS = [("relevance", "相关度 relevance"), ("date", "日期 date")]


class SearchForm(forms.Form):
    q = forms.CharField(required=False, strip=True)
    body = forms.ChoiceField(required=False, choices=[("", "")] + Body.choices)
    language = forms.ChoiceField(required=False, choices=[("", "")] + Language.choices)
    kind = forms.ChoiceField(required=False, choices=[("", "")] + ParagraphKind.choices)
    verb = forms.CharField(required=False, max_length=40)
    symbol = forms.CharField(required=False, max_length=64)
    session_from = forms.IntegerField(required=False, min_value=0, max_value=9999)
    session_to = forms.IntegerField(required=False, min_value=0, max_value=9999)
    year_from = forms.IntegerField(required=False, min_value=1900, max_value=2200)
    year_to = forms.IntegerField(required=False, min_value=1900, max_value=2200)
    sort = forms.ChoiceField(required=False, choices=SORTS)
    group = forms.BooleanField(required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10**6)
    per_page = forms.IntegerField(required=False, min_value=1, max_value=10**6)  # clamped to MAX_PER_PAGE

    def values(self) -> dict:
        """Cleaned values; a field that did not validate is dropped (a bad page number is page 1)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}

    def search_arguments(self) -> dict:
        data = self.values()
        return {
            # Read raw: the field would refuse NUL and other control characters instead of dropping them.
            "q": clean_query(str(self.data.get("q", ""))),
            "filters": Filters(
                body=data.get("body") or "",
                language=data.get("language") or "",
                kind=data.get("kind") or "",
                verb=(data.get("verb") or "").strip(),
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
        }
