"""The curators' admin for series: see what detection joined, join or split by a decision that detection never overrides.

Series and their members are derived (read-only here); a curator writes a SeriesDecision ("X follows Y",
or "X starts a series") through resolutions.series.decide_previous, which rebuilds the series at once.
"""
from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from . import series
from .models import Resolution, Series, SeriesDecision, SeriesMember


class SeriesMemberInline(admin.TabularInline):
    model = SeriesMember
    fields = ("position", "symbol_link", "previous_symbol", "link", "decide")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("position",)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="resolution")
    def symbol_link(self, member: SeriesMember) -> str:
        versions = Resolution.objects.filter(symbol=member.symbol).order_by("-language")
        return format_html_join(
            " · ", '<a href="{}">{} ({})</a>', ((v.get_absolute_url(), v.symbol, v.language) for v in versions)
        ) or member.symbol

    @admin.display(description="curator")
    def decide(self, member: SeriesMember) -> str:
        add = reverse("admin:resolutions_seriesdecision_add")
        if member.position == 1:
            return "-"
        return format_html(
            '<a href="{}?symbol={}&amp;previous_symbol=">split: start a new series here</a>', add, member.symbol
        )


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("title", "member_count", "first_member", "last_member", "updated_at")
    search_fields = ("title", "members__symbol")
    inlines = (SeriesMemberInline,)
    fields = ("title", "timeline", "updated_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _members(self, obj: Series) -> list[SeriesMember]:
        return list(obj.members.order_by("position"))

    @admin.display(description="members")
    def member_count(self, obj: Series) -> int:
        return obj.members.count()

    @admin.display(description="first")
    def first_member(self, obj: Series) -> str:
        members = self._members(obj)
        return members[0].symbol if members else "-"

    @admin.display(description="latest")
    def last_member(self, obj: Series) -> str:
        members = self._members(obj)
        return members[-1].symbol if members else "-"

    @admin.display(description="public timeline")
    def timeline(self, obj: Series) -> str:
        members = self._members(obj)
        latest = Resolution.objects.filter(symbol=members[-1].symbol).order_by("-language").first() if members else None
        if latest is None:
            return "-"
        url = reverse("series-timeline", kwargs={"symbol": latest.symbol, "language": latest.language})
        return format_html('<a href="{}">{}</a>', url, url)


class SeriesDecisionForm(forms.ModelForm):
    class Meta:
        model = SeriesDecision
        fields = ("symbol", "previous_symbol", "note")
        labels = {"previous_symbol": "follows"}
        help_texts = {
            "symbol": "The resolution placed, e.g. A/RES/79/171",
            "previous_symbol": "The resolution it follows in its series (join); leave empty to make it start a "
            "series of its own (split it from what came before).",
        }

    def validate_unique(self):
        """A second decision on a symbol replaces the first (the service says so), rather than being refused."""

    def clean(self):
        data = super().clean()
        try:
            series.check_decision(data.get("symbol", ""), data.get("previous_symbol", ""))
        except series.SeriesError as error:
            raise ValidationError(str(error)) from error
        return data


@admin.register(SeriesDecision)
class SeriesDecisionAdmin(admin.ModelAdmin):
    form = SeriesDecisionForm
    list_display = ("symbol", "follows", "series_now", "note", "decided_by", "decided_at")
    search_fields = ("symbol", "previous_symbol", "note")
    list_select_related = ("decided_by",)

    def get_readonly_fields(self, request, obj=None):
        return ("symbol",) if obj is not None else ()

    def get_changeform_initial_data(self, request):
        return {key: request.GET.get(key, "") for key in ("symbol", "previous_symbol")}

    @admin.display(description="follows")
    def follows(self, obj: SeriesDecision) -> str:
        return obj.previous_symbol or "nothing: starts a series"

    @admin.display(description="its series now")
    def series_now(self, obj: SeriesDecision) -> str:
        member = series.member_of(obj.symbol)
        if member is None:
            return "-"
        url = reverse("admin:resolutions_series_change", args=[member.series_id])
        return format_html('<a href="{}">{} (#{})</a>', url, member.series.title, member.position)

    # Writes go through the series service, which rebuilds the series at once.

    def save_model(self, request, obj, form, change):
        earlier = SeriesDecision.objects.filter(symbol=obj.symbol).exclude(pk=obj.pk).first()
        if earlier is not None:
            messages.warning(request, f"This replaces the earlier decision on {obj.symbol}: {earlier}.")
        decision = series.decide_previous(
            symbol=obj.symbol, previous_symbol=obj.previous_symbol, user=request.user, note=obj.note
        )
        obj.pk = decision.pk

    def delete_model(self, request, obj):
        series.withdraw_decision(obj)
        messages.info(request, f"{obj.symbol}: back to what detection finds.")

    def delete_queryset(self, request, queryset):
        for decision in queryset:
            series.withdraw_decision(decision)
