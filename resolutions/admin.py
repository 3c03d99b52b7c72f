"""The curators' admin: upload with preview, edits that keep a revision and reach the index, safe deletes.

Every write goes through resolutions.services: uploads through ingest_resolution (as the ingest
command does), edits through record_edit (revision, eids, links, reindex), deletes through
delete_resolution. The admin itself never touches the search index.
"""
from __future__ import annotations

from collections import defaultdict
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from . import fetch_admin, services, versions_admin  # noqa: F401 (versions_admin registers the Work admin)
from .forms import ConfirmUploadForm, ThrottledAdminAuthenticationForm, UploadForm
from .models import Footnote, Paragraph, Reference, Resolution, Revision, SourceFile
from .parsing import ParseError
from .parsing.document import element_id
from .uploads import SizeLimitUploadHandler, StagingError, discard, read_staged, stage

admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = "UN human-rights resolutions: curators"
admin.site.site_title = "Resolutions archive admin"

SESSION_KEY = "resolution_uploads"
TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 80})


def _describe_changes(form, formsets) -> str:
    """A short reason for the revision: which fields and which paragraphs/footnotes changed."""
    parts = [", ".join(form.changed_data)] if form.changed_data else []
    for formset in formsets:
        touched = [str(obj) for obj in formset.new_objects]
        touched += [str(obj) for obj, _ in formset.changed_objects]
        touched += [str(obj) for obj in formset.deleted_objects]
        if touched:
            parts.append(f"{formset.model._meta.verbose_name_plural}: {', '.join(touched)}")
    return truncatechars("admin edit: " + ("; ".join(parts) or "saved"), 255)


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    fields = ("position", "kind", "number", "item", "eid", "text")
    readonly_fields = ("eid",)  # derived from kind, number and item by services.record_edit
    extra = 0
    show_change_link = True
    formfield_overrides = {Paragraph._meta.get_field("text").__class__: {"widget": TEXTAREA}}


class FootnoteInline(admin.TabularInline):
    model = Footnote
    fk_name = "resolution"
    fields = ("number", "paragraph", "offset", "text")
    extra = 0
    formfield_overrides = {Footnote._meta.get_field("text").__class__: {"widget": TEXTAREA}}

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this resolution's paragraphs, not every paragraph in the archive.
        field = formset.form.base_fields["paragraph"]
        field.queryset = Paragraph.objects.filter(resolution=obj) if obj is not None else Paragraph.objects.none()
        return formset


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ("symbol", "language", "body", "session", "short_title", "adopted_on", "paragraph_count", "updated_at")
    list_filter = ("body", "language", "session")
    search_fields = ("symbol", "title")
    date_hierarchy = "adopted_on"
    list_per_page = 50
    inlines = (ParagraphInline, FootnoteInline)
    readonly_fields = ("public_link", "source_filename", "source_sha256", "sources", "parse_warnings", "revision_count", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("symbol", "language", "public_link", "body", "session", "number", "title", "opening")}),
        (
            "Adoption",
            {
                "fields": (
                    "adopted_on",
                    "meeting",
                    "meeting_number",
                    "adoption",
                    ("votes_for", "votes_against", "votes_abstaining"),
                    "agenda_item",
                    "committee_report",
                    "job_number",
                )
            },
        ),
        ("Provenance", {"fields": ("source_filename", "source_sha256", "sources", "parse_warnings", "revision_count", "created_at", "updated_at")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paragraph_total=Count("paragraphs"))

    @admin.display(description="title", ordering="title")
    def short_title(self, obj: Resolution) -> str:
        return truncatechars(obj.title, 80)

    @admin.display(description="paragraphs", ordering="paragraph_total")
    def paragraph_count(self, obj: Resolution) -> int:
        return obj.paragraph_total

    @admin.display(description="public page")
    def public_link(self, obj: Resolution) -> str:
        if obj.pk is None:
            return "-"
        url = obj.get_absolute_url()
        return format_html('<a href="{}">{}</a>', url, url)

    @admin.display(description="original files")
    def sources(self, obj: Resolution) -> str:
        files = obj.sources.select_related("uploaded_by") if obj.pk else []
        return format_html_join(
            "", '<div>{} · {} bytes · sha256 {} · {} · {}</div>',
            ((f.filename, f.size, f.sha256, f.uploaded_at.strftime("%Y-%m-%d %H:%M"), f.uploaded_by or "ingest command") for f in files),
        ) or "-"

    @admin.display(description="revisions")
    def revision_count(self, obj: Resolution) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:resolutions_revision_changelist") + f"?resolution__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj.revisions.count())

    # Writes go through the services.

    def add_view(self, request, form_url="", extra_context=None):
        # A resolution enters the archive from its file; there is nothing sensible to type by hand.
        return HttpResponseRedirect(reverse("admin:resolutions_resolution_upload"))

    def save_model(self, request, obj, form, change):
        if change:
            form._before_edit = services.snapshot(Resolution.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_edit(
            form.instance,
            user=request.user,
            reason=_describe_changes(form, formsets),
            before=getattr(form, "_before_edit", None),
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Paragraph:
            return super().save_formset(request, form, formset, change)
        for paragraph in formset.save(commit=False):
            if not paragraph.eid:  # a paragraph added here; record_edit keeps eids in step after edits
                paragraph.eid = element_id(paragraph.kind, paragraph.number, paragraph.item)
            paragraph.save()
        for paragraph in formset.deleted_objects:
            paragraph.delete()
        formset.save_m2m()

    def delete_model(self, request, obj):
        services.delete_resolution(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for resolution in queryset:
            services.delete_resolution(resolution, user=request.user)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A resolution's revisions go with it; curators may not delete revisions one by one.
        perms_needed.discard(Revision._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        citing = Reference.objects.filter(target_id=object_id).exclude(paragraph__resolution_id=object_id)
        extra_context = {**(extra_context or {}), "citing_references": citing.select_related("paragraph__resolution")}
        return super().delete_view(request, object_id, extra_context)

    # Upload: choose files -> preview -> confirm.

    def get_urls(self):
        return [
            # CSRF is checked inside upload_view, once the size-limiting upload handler is in place.
            path("upload/", self.admin_site.admin_view(csrf_exempt(self.upload_view)), name="resolutions_resolution_upload"),
            path("upload/confirm/", self.admin_site.admin_view(self.confirm_upload_view), name="resolutions_resolution_upload_confirm"),
            path("fetch/", self.admin_site.admin_view(partial(fetch_admin.fetch_view, self)), name="resolutions_resolution_fetch"),
            *super().get_urls(),
        ]

    def has_upload_permission(self, request: HttpRequest) -> bool:
        # Uploading adds resolutions and may replace the text of one already held.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_upload_permission(request):
            raise PermissionDenied
        # Before anything reads the body: refuse oversized files while they arrive, not after.
        limiter = SizeLimitUploadHandler(request)
        request.upload_handlers.insert(0, limiter)
        return self._upload(request, limiter)

    @method_decorator(csrf_protect)
    def _upload(self, request: HttpRequest, limiter: SizeLimitUploadHandler) -> HttpResponse:
        if request.method == "POST":
            files = request.FILES  # reads the body, through the limiter
            form = UploadForm(request.POST, files, too_large=tuple(limiter.too_large))
            if form.is_valid():
                staged = {}
                for preview in form.previews:
                    if preview.duplicate_of is None:
                        stage(form.sources[preview.sha256])
                        staged[preview.sha256] = {"filename": preview.filename, "size": preview.size}
                pending = {**request.session.get(SESSION_KEY, {}), **staged}
                request.session[SESSION_KEY] = pending
                confirm = ConfirmUploadForm(initial={"uploads": list(staged)}, staged=pending)
                return self._render(request, "admin/resolutions/resolution/upload_preview.html", "Check and confirm", {
                    "previews": form.previews,
                    "confirm_form": confirm,
                    "to_store": len(staged),
                })
        else:
            form = UploadForm()
        return self._render(request, "admin/resolutions/resolution/upload.html", "Upload resolutions", {"form": form})

    @method_decorator(require_POST)
    def confirm_upload_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_upload_permission(request):
            raise PermissionDenied
        pending = request.session.get(SESSION_KEY, {})
        form = ConfirmUploadForm(request.POST, staged=pending)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("uploads", ["Nothing to store."])))
            return HttpResponseRedirect(reverse("admin:resolutions_resolution_upload"))
        results, failures = [], []
        for sha256 in form.cleaned_data["uploads"]:
            entry = pending[sha256]
            try:
                result = services.ingest_resolution(
                    source=read_staged(sha256), filename=entry["filename"], uploaded_by=request.user
                )
            except (StagingError, ParseError) as exc:
                failures.append((entry["filename"], str(exc)))
                continue
            finally:
                discard(sha256)
                pending.pop(sha256, None)
            results.append(result)
            if result.status != services.UNCHANGED:
                self.log_change(request, result.resolution, f"{result.status} from upload {entry['filename']}")
        request.session[SESSION_KEY] = pending
        return self._render(request, "admin/resolutions/resolution/upload_done.html", "Upload stored", {
            "results": results,
            "failures": failures,
        })

    def _render(self, request: HttpRequest, template: str, title: str, context: dict) -> HttpResponse:
        return render(request, template, {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **context,
        })


class ResolutionPartAdmin(admin.ModelAdmin):
    """Paragraphs, footnotes, references: every change is recorded on their resolution."""

    def resolution_of(self, obj) -> Resolution:
        return obj.resolution

    def get_readonly_fields(self, request, obj=None):
        # Moving a part to another resolution is not an edit of either; upload the right text instead.
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + ("resolution",) if obj is not None and "resolution" in self.get_fields(request) else fields

    def save_model(self, request, obj, form, change):
        resolution = self.resolution_of(obj)
        before = services.snapshot(resolution)
        super().save_model(request, obj, form, change)
        form._edit = (resolution, before)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        resolution, before = form._edit
        services.record_edit(resolution, user=request.user, reason=_describe_changes(form, formsets), before=before)

    def delete_model(self, request, obj):
        resolution = self.resolution_of(obj)
        before = services.snapshot(resolution)
        super().delete_model(request, obj)
        services.record_edit(resolution, user=request.user, reason=f"admin edit: deleted {obj}", before=before)

    def delete_queryset(self, request, queryset):
        by_resolution = defaultdict(list)
        for obj in queryset:
            by_resolution[self.resolution_of(obj).pk].append(obj)
        for objs in by_resolution.values():
            resolution = self.resolution_of(objs[0])
            before = services.snapshot(resolution)
            for obj in objs:
                obj.delete()
            reason = truncatechars("admin edit: deleted " + ", ".join(map(str, objs)), 255)
            services.record_edit(resolution, user=request.user, reason=reason, before=before)


class ReferenceInline(admin.TabularInline):
    model = Reference
    fields = ("target_symbol", "target_paragraphs", "is_resolution", "start", "end", "footnote", "target")
    raw_id_fields = ("footnote", "target")
    extra = 0


@admin.register(Paragraph)
class ParagraphAdmin(ResolutionPartAdmin):
    list_display = ("resolution", "eid", "kind", "excerpt")
    list_filter = ("kind", "resolution__language", "resolution__body")
    search_fields = ("text", "resolution__symbol", "eid")
    list_select_related = ("resolution",)
    fields = ("resolution", "kind", "position", "number", "item", "eid", "text")
    readonly_fields = ("eid",)
    raw_id_fields = ("resolution",)
    inlines = (ReferenceInline,)

    @admin.display(description="text")
    def excerpt(self, obj: Paragraph) -> str:
        return truncatechars(obj.text, 100)

    def save_model(self, request, obj, form, change):
        if not obj.eid:
            obj.eid = element_id(obj.kind, obj.number, obj.item)
        super().save_model(request, obj, form, change)


@admin.register(Footnote)
class FootnoteAdmin(ResolutionPartAdmin):
    list_display = ("resolution", "number", "paragraph", "excerpt")
    search_fields = ("text", "resolution__symbol")
    list_select_related = ("resolution", "paragraph__resolution")
    fields = ("resolution", "number", "paragraph", "offset", "text")
    raw_id_fields = ("resolution", "paragraph")

    @admin.display(description="text")
    def excerpt(self, obj: Footnote) -> str:
        return truncatechars(obj.text, 100)


@admin.register(Reference)
class ReferenceAdmin(ResolutionPartAdmin):
    list_display = ("paragraph", "target_symbol", "target_paragraphs", "target", "is_resolution")
    list_filter = ("is_resolution",)
    search_fields = ("target_symbol", "paragraph__resolution__symbol")
    list_select_related = ("paragraph__resolution", "target")
    fields = ("paragraph", "footnote", "target_symbol", "target_paragraphs", "is_resolution", "start", "end", "target")
    raw_id_fields = ("paragraph", "footnote", "target")

    def resolution_of(self, obj: Reference) -> Resolution:
        return obj.paragraph.resolution


class ReadOnlyAdmin(admin.ModelAdmin):
    """Provenance is written by the services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SourceFile)
class SourceFileAdmin(ReadOnlyAdmin):
    list_display = ("filename", "resolution", "size", "sha256", "uploaded_by", "uploaded_at")
    search_fields = ("filename", "sha256", "resolution__symbol")
    list_select_related = ("resolution", "uploaded_by")


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("resolution", "created_at", "created_by", "reason")
    list_filter = ("created_at",)
    search_fields = ("resolution__symbol", "reason")
    list_select_related = ("resolution", "created_by")
    readonly_fields = ("resolution", "created_at", "created_by", "reason", "snapshot")


from . import series_admin  # noqa: E402,F401  (series, members and curators' decisions register themselves)
