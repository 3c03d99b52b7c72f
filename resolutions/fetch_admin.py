"""The admin's "fetch by symbol": the same Fetcher as manage.py fetch, for a few symbols at a time."""
from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .fetching import DEFAULT_LANGUAGES, FETCH_LANGUAGES, PARSED_LANGUAGES, Fetcher, read_symbols
from .models import Language

# A web request must end well inside gunicorn's timeout: a few versions, short waits; the command does more.
MAX_FETCHES = 6
ADMIN_TIMEOUT_SECONDS = 15.0
ADMIN_RETRIES = 1


class FetchForm(forms.Form):
    symbols = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text=f"UN symbols, one a line (A/RES/67/161). At most {MAX_FETCHES} versions at a time; "
        "for more, manage.py fetch --from-file.",
    )
    languages = forms.MultipleChoiceField(
        choices=[(code, label) for code, label in Language.choices if code in FETCH_LANGUAGES],
        initial=list(DEFAULT_LANGUAGES),
        widget=forms.CheckboxSelectMultiple,
        help_text=f"The archive reads {' and '.join(PARSED_LANGUAGES)} texts.",
    )
    refresh = forms.BooleanField(
        required=False, help_text="Ask again for versions already held (only whether they changed, if fetched before)."
    )

    def clean_symbols(self) -> list[str]:
        symbols = read_symbols(self.cleaned_data["symbols"].splitlines())
        if not symbols:
            raise forms.ValidationError("Name at least one symbol.")
        return symbols

    def clean(self):
        cleaned = super().clean()
        if len(cleaned.get("symbols") or []) * len(cleaned.get("languages") or []) > MAX_FETCHES:
            raise forms.ValidationError(
                f"At most {MAX_FETCHES} versions at a time (symbols × languages); use manage.py fetch for more."
            )
        return cleaned


def fetch_view(model_admin, request: HttpRequest) -> HttpResponse:
    """GET: the form; POST: fetch each version in turn and list what happened to each."""
    if not model_admin.has_upload_permission(request):
        raise PermissionDenied
    outcomes = []
    form = FetchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fetcher = Fetcher(
            timeout=ADMIN_TIMEOUT_SECONDS,
            retries=ADMIN_RETRIES,
            replace_edits_hint="upload the PDF: its preview shows each change and asks before replacing them",
        )
        outcomes = list(
            fetcher.fetch_all(
                form.cleaned_data["symbols"],
                form.cleaned_data["languages"],
                refresh=form.cleaned_data["refresh"],
                user=request.user,
            )
        )
        for outcome in outcomes:
            if outcome.status in ("created", "replaced"):
                held = model_admin.model.objects.filter(symbol__iexact=outcome.symbol, language=outcome.language).first()
                if held is not None:
                    model_admin.log_change(request, held, f"{outcome.status} by fetch from the UN document system")
    return render(request, "admin/resolutions/resolution/fetch.html", {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": "Fetch by symbol",
        "form": form,
        "outcomes": outcomes,
    })
