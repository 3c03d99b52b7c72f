"""The admin's view of works: each resolution's language versions and how they align, with every mismatch
listed for curators; "check the alignment again" runs services.align_versions. Everything else is read-only:
curators fix a mismatch by correcting the paragraphs of a version (its numbers, a missing paragraph)."""
from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from . import services
from .models import FetchRecord, Work
from .reading import LANGUAGE_ORDER, describe_mismatch


@admin.register(Work)
class WorkAdmin(admin.ModelAdmin):
    list_display = ("symbol", "languages", "alignment", "mismatch_count", "aligned_at")
    list_filter = ("alignment",)
    search_fields = ("symbol",)
    fields = ("symbol", "versions", "alignment", "mismatch_list", "metadata_list", "aligned_at", "created_at")
    readonly_fields = fields
    actions = ["check_alignment"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a work comes with its first version

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # it goes with its last version

    @admin.display(description="languages")
    def languages(self, obj: Work) -> str:
        return ", ".join(sorted(obj.versions.values_list("language", flat=True), key=lambda code: LANGUAGE_ORDER.get(code, 99)))

    @admin.display(description="mismatches")
    def mismatch_count(self, obj: Work) -> int:
        return sum(1 for m in obj.mismatches if m["problem"] != "unpaired")

    @admin.display(description="versions")
    def versions(self, obj: Work) -> str:
        held = sorted(obj.versions.all(), key=lambda version: LANGUAGE_ORDER.get(version.language, 99))
        return format_html_join(
            " · ",
            '<a href="{}">{}</a> (<a href="{}">edit</a>)',
            (
                (v.get_absolute_url(), v.get_language_display(), reverse("admin:resolutions_resolution_change", args=[v.pk]))
                for v in held
            ),
        )

    @admin.display(description="where the versions differ")
    def mismatch_list(self, obj: Work) -> str:
        if not obj.mismatches:
            return "none: every paragraph is paired" if obj.alignment == "aligned" else "—"
        rows = []
        for mismatch in obj.mismatches:
            english = describe_mismatch(mismatch)[1]
            eids = mismatch.get("eids") or {}
            # In the mismatch's own order of languages: PostgreSQL's jsonb does not keep the keys' order.
            listed = "; ".join(
                f"{language}: {', '.join(eids[language])}" for language in mismatch["languages"] if eids.get(language)
            )
            rows.append((mismatch["problem"], english, listed))
        return format_html(
            "<table><thead><tr><th>problem</th><th>what</th><th>paragraphs</th></tr></thead><tbody>{}</tbody></table>",
            format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows),
        )

    @admin.display(description="facts the versions disagree on")
    def metadata_list(self, obj: Work) -> str:
        if not obj.metadata_differences:
            return "none"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {}",
            (
                (d["field"], ", ".join(_value(language, d["values"][language]) for language in _in_order(d["values"])))
                for d in obj.metadata_differences
            ),
        )

    @admin.action(description="Check the alignment again", permissions=["change"])
    def check_alignment(self, request, queryset) -> None:
        for work in queryset:
            services.align_versions(work)
        messages.success(request, f"Checked {queryset.count()} work(s) again.")


def _in_order(values: dict) -> list[str]:
    """Languages in the UN's order (jsonb on PostgreSQL does not keep the keys' order)."""
    return sorted(values, key=lambda code: LANGUAGE_ORDER.get(code, 99))


def _value(language: str, value) -> str:
    return f"{language} {value if value is not None else '(none)'}"


@admin.register(FetchRecord)
class FetchRecordAdmin(admin.ModelAdmin):
    list_display = ("symbol", "language", "size", "fetched_at", "checked_at", "resolution")
    search_fields = ("symbol",)
    readonly_fields = [f.name for f in FetchRecord._meta.fields]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
