"""The curators' admin: upload with preview, edits that keep a revision and reach the index, histories with
restore, safe deletes.

Every write goes through resolutions.services: uploads through ingest_resolution (as the ingest
command does), edits through record_edit (revision, eids, links carried to their words, reindex),
split/merge/move and restores through their own services, deletes through delete_resolution.
The admin itself never touches the search index. Offsets and positions are the archive's business:
no form shows them; curators say "after these words" where a marker or a link must go.
"""
from __future__ import annotations

from collections import defaultdict
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.defaultfilters import truncatechars
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from . import fetch_admin, history, services, versions_admin  # noqa: F401 (versions_admin registers the Work admin)
from .anchoring import locate
from .forms import CleanModelForm, ConfirmUploadForm, ThrottledAdminAuthenticationForm, UploadForm
from .models import Footnote, Origin, Paragraph, ParagraphKind, Reference, Resolution, Revision, SourceFile
from .paragraph_preview import preview as paragraph_preview
from .parsing import ParseError
from .parsing.document import element_id
from .records import describe_changes, record_of
from .uploads import SizeLimitUploadHandler, StagingError, discard, read_staged, request_too_large

admin.site.login_form = ThrottledAdminAuthenticationForm
admin.site.site_header = "UN human-rights resolutions: curators"
admin.site.site_title = "Resolutions archive admin"

SESSION_KEY = "resolution_uploads"
TEXTAREA = forms.Textarea(attrs={"rows": 3, "cols": 80})
MEDIA = forms.Media(css={"all": ["css/admin-curation.css"]}, js=["js/admin-paragraph.js"])


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


def _report_stripped(request: HttpRequest, form, formsets=()) -> None:
    """Tell the curator which fields lost characters XML forbids (they were removed, the rest was saved)."""
    found = []
    for one in [form, *(f for formset in formsets for f in formset.forms)]:
        for name, removed in getattr(one, "stripped", {}).items():
            where = f"{one.instance} {name}" if one is not form else name
            found.append(f"{where} ({', '.join(removed)})")
    if found:
        messages.warning(
            request,
            "Removed characters that XML does not allow (control characters; a feed or export could not carry them) from: "
            + "; ".join(found),
        )


def _unique_numbering(resolution: Resolution | None, kind: str, number: int, item: str, *, exclude: int | None) -> None:
    if resolution is None or kind is None or number is None:
        return
    clash = resolution.paragraphs.filter(kind=kind, number=number, item=item or "").exclude(pk=exclude).first()
    if clash is not None:
        raise ValidationError(f"{clash.eid} already exists in {resolution.symbol}: choose another number or item.")


# --- The resolution -----------------------------------------------------------------------------------


class ParagraphInlineForm(CleanModelForm):
    class Meta:
        model = Paragraph
        fields = ("kind", "number", "item", "text")
        widgets = {"text": TEXTAREA}


class ParagraphFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        seen: dict[tuple, str] = {}
        for form in self.forms:
            if not getattr(form, "cleaned_data", None) or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("kind"), form.cleaned_data.get("number"), form.cleaned_data.get("item") or "")
            eid = element_id(*key) if key[0] and key[1] is not None else ""
            if key in seen:
                raise ValidationError(f"Two paragraphs would both be {eid}: give each its own number or item.")
            seen[key] = eid


class ParagraphInline(admin.TabularInline):
    model = Paragraph
    form = ParagraphInlineForm
    formset = ParagraphFormSet
    fields = ("address", "kind", "number", "item", "text")
    readonly_fields = ("address",)  # eids follow kind, number and item (services.record_edit)
    extra = 0
    show_change_link = True
    ordering = ("position",)

    @admin.display(description="address")
    def address(self, obj: Paragraph) -> str:
        if obj.pk is None:
            return "new (added at the end)"
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.eid)


class FootnoteInlineForm(CleanModelForm):
    class Meta:
        model = Footnote
        fields = ("number", "paragraph", "text")
        widgets = {"text": TEXTAREA}


class FootnoteInline(admin.TabularInline):
    model = Footnote
    form = FootnoteInlineForm
    fk_name = "resolution"
    fields = ("number", "paragraph", "marker", "text")
    readonly_fields = ("marker",)
    extra = 0
    show_change_link = True

    @admin.display(description="marker")
    def marker(self, obj: Footnote) -> str:
        return _marker_state(obj)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # Only this resolution's paragraphs, not every paragraph in the archive.
        field = formset.form.base_fields["paragraph"]
        field.queryset = Paragraph.objects.filter(resolution=obj) if obj is not None else Paragraph.objects.none()
        return formset


def _marker_state(note: Footnote) -> str:
    if note.pk is None or note.paragraph_id is None:
        return "-"
    if note.review_note:
        return format_html('<span class="needs-review">needs a curator: {}</span>', note.review_note)
    if note.offset is None:
        return "not placed"
    text = note.paragraph.text
    return format_html("after «{}»", text[max(0, note.offset - 12) : note.offset])


class ResolutionForm(CleanModelForm):
    class Meta:
        model = Resolution
        fields = "__all__"


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    form = ResolutionForm
    list_display = ("symbol", "language", "body", "session", "short_title", "adopted_on", "paragraph_count", "updated_at")
    list_filter = ("body", "language", "session")
    search_fields = ("symbol", "title")
    date_hierarchy = "adopted_on"
    list_per_page = 50
    inlines = (ParagraphInline, FootnoteInline)
    readonly_fields = (
        "public_link", "source_filename", "source_sha256", "sources", "parse_warnings", "history_link",
        "edits_since_file", "created_at", "updated_at",
    )
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
        (
            "Provenance",
            {
                "fields": (
                    "history_link", "edits_since_file", "source_filename", "source_sha256", "sources", "parse_warnings",
                    "created_at", "updated_at",
                )
            },
        ),
    )

    @property
    def media(self):
        return super().media + MEDIA

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
            "", "<div>{} · {} bytes · sha256 {} · {} · {} ({})</div>",
            (
                (f.filename, f.size, f.sha256, f.uploaded_at.strftime("%Y-%m-%d %H:%M"), f.uploaded_by or "no account",
                 f.get_origin_display())
                for f in files
            ),
        ) or "-"

    @admin.display(description="history")
    def history_link(self, obj: Resolution) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:resolutions_resolution_history", args=[obj.pk])
        latest = obj.revisions.order_by("-created_at", "-pk").first()
        last = f" · last: {latest.created_at:%Y-%m-%d %H:%M} by {latest.created_by or 'no account'} ({latest.get_origin_display()})" if latest else ""
        return format_html('<a href="{}">{} revisions</a>{}', url, obj.revisions.count(), last)

    @admin.display(description="edited since the last official file")
    def edits_since_file(self, obj: Resolution) -> str:
        if obj.pk is None:
            return "-"
        edits = history.curator_edits(obj)
        if not edits:
            return "nothing: the text is the official file's"
        return format_html_join("", "<div>{}</div>", ((edit.describe(),) for edit in edits))

    # Writes go through the services.

    def add_view(self, request, form_url="", extra_context=None):
        # A resolution enters the archive from its file; there is nothing sensible to type by hand.
        return HttpResponseRedirect(reverse("admin:resolutions_resolution_upload"))

    def save_model(self, request, obj, form, change):
        if change:
            form._before_edit = record_of(Resolution.objects.get(pk=obj.pk))
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.record_edit(
            form.instance,
            user=request.user,
            reason=_describe_changes(form, formsets),
            before=getattr(form, "_before_edit", None),
        )
        _report_stripped(request, form, formsets)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Paragraph:
            return super().save_formset(request, form, formset, change)
        last = form.instance.paragraphs.aggregate(last=Max("position"))["last"] or 0
        for paragraph in formset.save(commit=False):
            if paragraph.pk is None:  # a paragraph added here goes at the end; move it with the paragraph's buttons
                last += 1
                paragraph.position = last
                paragraph.eid = element_id(paragraph.kind, paragraph.number, paragraph.item)
            paragraph.save()
        for paragraph in formset.deleted_objects:
            paragraph.delete()
        formset.save_m2m()

    def delete_model(self, request, obj):
        services.delete_resolution(obj, user=request.user)
        messages.info(request, f"{obj.symbol} ({obj.language}) can be restored from “Deleted resolutions”.")

    def delete_queryset(self, request, queryset):
        for resolution in queryset:
            services.delete_resolution(resolution, user=request.user)

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A resolution's revisions stay (it can be restored); curators may not delete revisions one by one.
        perms_needed.discard(Revision._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def delete_view(self, request, object_id, extra_context=None):
        citing = Reference.objects.filter(target_id=object_id).exclude(paragraph__resolution_id=object_id)
        extra_context = {**(extra_context or {}), "citing_references": citing.select_related("paragraph__resolution")}
        return super().delete_view(request, object_id, extra_context)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            # CSRF is checked inside upload_view, once the size-limiting upload handler is in place.
            path("upload/", view(csrf_exempt(self.upload_view)), name="resolutions_resolution_upload"),
            path("upload/confirm/", view(self.confirm_upload_view), name="resolutions_resolution_upload_confirm"),
            path("fetch/", view(partial(fetch_admin.fetch_view, self)), name="resolutions_resolution_fetch"),
            path("deleted/", view(self.withdrawn_view), name="resolutions_resolution_withdrawn"),
            path("deleted/<int:revision_id>/", view(self.withdrawn_detail_view), name="resolutions_resolution_withdrawn_detail"),
            path("<int:object_id>/history/<int:revision_id>/", view(self.revision_view), name="resolutions_resolution_revision"),
            path(
                "<int:object_id>/history/<int:revision_id>/restore/", view(self.restore_view),
                name="resolutions_resolution_restore",
            ),
            path(
                "<int:object_id>/history/<int:revision_id>/restore-paragraph/", view(self.restore_paragraph_view),
                name="resolutions_resolution_restore_paragraph",
            ),
            *super().get_urls(),
        ]

    # History and restore.

    def history_view(self, request, object_id, extra_context=None):
        resolution = get_object_or_404(Resolution, pk=object_id)
        if not self.has_view_or_change_permission(request, resolution):
            raise PermissionDenied
        revisions = list(
            resolution.revisions.select_related("created_by").defer("snapshot").order_by("-created_at", "-pk")
        )
        for revision in revisions:
            revision.summary = describe_changes(revision.changes or {}) or ("deleted" if revision.origin == Origin.DELETE else "")
        return self._render(request, "admin/resolutions/resolution/history.html", f"History of {resolution}", {
            "resolution": resolution,
            "original": resolution,
            "revisions": revisions,
            "removed": history.removed_paragraphs(resolution),
            "edits": history.curator_edits(resolution),
            "can_restore": self.has_change_permission(request, resolution),
        })

    def revision_view(self, request, object_id, revision_id):
        resolution = get_object_or_404(Resolution, pk=object_id)
        revision = get_object_or_404(Revision, pk=revision_id, resolution=resolution)
        if not self.has_view_or_change_permission(request, resolution):
            raise PermissionDenied
        current = record_of(resolution)
        comparison = history.compare(revision.snapshot, current)
        return self._render(request, "admin/resolutions/resolution/revision.html", f"{resolution}: revision {revision.pk}", {
            "resolution": resolution,
            "original": resolution,
            "revision": revision,
            "comparison": comparison,
            "is_current": not comparison.changed and not comparison.fields and not comparison.footnotes,
            "can_restore": self.has_change_permission(request, resolution),
        })

    @method_decorator(require_POST)
    def restore_view(self, request, object_id, revision_id):
        resolution = get_object_or_404(Resolution, pk=object_id)
        revision = get_object_or_404(Revision, pk=revision_id, resolution=resolution)
        if not self.has_change_permission(request, resolution):
            raise PermissionDenied
        services.restore_revision(revision, user=request.user)
        messages.success(request, f"Restored the text of {revision.created_at:%Y-%m-%d %H:%M}; it is kept as a new revision.")
        return HttpResponseRedirect(reverse("admin:resolutions_resolution_history", args=[resolution.pk]))

    @method_decorator(require_POST)
    def restore_paragraph_view(self, request, object_id, revision_id):
        resolution = get_object_or_404(Resolution, pk=object_id)
        revision = get_object_or_404(Revision, pk=revision_id, resolution=resolution)
        if not self.has_change_permission(request, resolution):
            raise PermissionDenied
        eid = request.POST.get("eid", "")
        try:
            paragraph = services.restore_paragraph(resolution, revision, eid, user=request.user)
        except services.RestoreError as error:
            messages.error(request, str(error))
            return HttpResponseRedirect(reverse("admin:resolutions_resolution_history", args=[resolution.pk]))
        messages.success(request, f"Restored {paragraph.eid} as of {revision.created_at:%Y-%m-%d %H:%M}.")
        return HttpResponseRedirect(reverse("admin:resolutions_paragraph_change", args=[paragraph.pk]))

    def withdrawn_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return self._render(request, "admin/resolutions/resolution/withdrawn_list.html", "Deleted resolutions", {
            "tombstones": history.withdrawn_resolutions(),
        })

    def withdrawn_detail_view(self, request, revision_id):
        tombstone = get_object_or_404(Revision, pk=revision_id, resolution=None, origin=Origin.DELETE)
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        held = Resolution.objects.filter(symbol=tombstone.symbol, language=tombstone.language).first()
        can_restore = self.has_add_permission(request) and self.has_change_permission(request) and held is None
        if request.method == "POST":
            if not can_restore:
                raise PermissionDenied
            resolution = services.restore_revision(tombstone, user=request.user)
            messages.success(request, f"Restored {resolution}: its permanent links work again.")
            return HttpResponseRedirect(reverse("admin:resolutions_resolution_change", args=[resolution.pk]))
        return self._render(request, "admin/resolutions/resolution/withdrawn_detail.html", f"Deleted: {tombstone.symbol} ({tombstone.language})", {
            "tombstone": tombstone,
            "record": tombstone.snapshot,
            "revisions": history.history_of_withdrawn(tombstone),
            "held": held,
            "can_restore": can_restore,
        })

    # Upload: choose files -> preview -> confirm.

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
            announced = request_too_large(request)
            if announced:
                # Not a byte of the files is read: the whole request is over the limit.
                form = UploadForm(data={}, request_too_large=announced)
                form.is_valid()
                return self._render(request, "admin/resolutions/resolution/upload.html", "Upload resolutions", {"form": form}, status=413)
            files = request.FILES  # reads the body, through the limiter
            if limiter.stopped:
                form = UploadForm(data={}, request_too_large=limiter.received)
                form.is_valid()
                return self._render(request, "admin/resolutions/resolution/upload.html", "Upload resolutions", {"form": form}, status=413)
            form = UploadForm(request.POST, files, too_large=tuple(limiter.too_large))
            if form.is_valid():
                staged = {
                    p.sha256: {"filename": p.filename, "size": p.size, "edits": bool(p.replaced_edits)}
                    for p in form.previews
                    if p.to_store
                }
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
        replace = set(form.cleaned_data["replace_edits"])
        results, failures, kept = [], [], []
        for sha256 in form.cleaned_data["uploads"]:
            entry = pending[sha256]
            try:
                result = services.ingest_resolution(
                    source=read_staged(sha256), filename=entry["filename"], uploaded_by=request.user,
                    origin=Origin.UPLOAD, replace_edits=sha256 in replace,
                )
            except services.CuratorEditsError as refusal:
                # Kept staged: the curator may tick "replace" and confirm again.
                kept.append((entry["filename"], refusal))
                continue
            except (StagingError, ParseError) as exc:
                failures.append((entry["filename"], str(exc)))
                discard(sha256)
                pending.pop(sha256, None)
                continue
            discard(sha256)
            pending.pop(sha256, None)
            results.append(result)
            if result.status != services.UNCHANGED:
                self.log_change(request, result.resolution, f"{result.status} from upload {entry['filename']}")
        request.session[SESSION_KEY] = pending
        return self._render(request, "admin/resolutions/resolution/upload_done.html", "Upload stored", {
            "results": results,
            "failures": failures,
            "kept_edits": kept,
        })

    def _render(self, request: HttpRequest, template: str, title: str, context: dict, status: int = 200) -> HttpResponse:
        return render(request, template, {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "media": self.media,
            **context,
        }, status=status)


# --- Paragraphs, footnotes, references ----------------------------------------------------------------


class ResolutionPartAdmin(admin.ModelAdmin):
    """Paragraphs, footnotes, references: every change is recorded on their resolution."""

    @property
    def media(self):
        return super().media + MEDIA

    def resolution_of(self, obj) -> Resolution:
        return obj.resolution

    def get_readonly_fields(self, request, obj=None):
        # Moving a part to another resolution is not an edit of either; upload the right text instead.
        fields = tuple(super().get_readonly_fields(request, obj))
        return fields + ("resolution",) if obj is not None and "resolution" in self.get_fields(request) else fields

    def save_model(self, request, obj, form, change):
        resolution = self.resolution_of(obj)
        before = record_of(resolution)
        super().save_model(request, obj, form, change)
        form._edit = (resolution, before)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        resolution, before = form._edit
        placements = form.placements() if hasattr(form, "placements") else None
        services.record_edit(
            resolution, user=request.user, reason=_describe_changes(form, formsets), before=before, placements=placements
        )
        _report_stripped(request, form, formsets)

    def delete_model(self, request, obj):
        resolution = self.resolution_of(obj)
        before = record_of(resolution)
        super().delete_model(request, obj)
        services.record_edit(resolution, user=request.user, reason=f"admin edit: deleted {obj}", before=before)

    def delete_queryset(self, request, queryset):
        by_resolution = defaultdict(list)
        for obj in queryset:
            by_resolution[self.resolution_of(obj).pk].append(obj)
        for objs in by_resolution.values():
            resolution = self.resolution_of(objs[0])
            before = record_of(resolution)
            for obj in objs:
                obj.delete()
            reason = truncatechars("admin edit: deleted " + ", ".join(map(str, objs)), 255)
            services.record_edit(resolution, user=request.user, reason=reason, before=before)


class ParagraphForm(CleanModelForm):
    """A paragraph's text, kind and number; where each footnote marker and cited document sits, in words.

    A marker field holds the words the marker follows, a citation field the words the link covers; change
    them to move the marker or the link (the text must contain the words). Left as they are, markers and
    links follow their words through any edit of the text.
    """

    new_citation_symbol = forms.CharField(
        required=False, label="Add a citation: document symbol", help_text="e.g. A/RES/60/251, A/HRC/RES/5/1"
    )
    new_citation_words = forms.CharField(required=False, label="… cited by the words", help_text="as they are in the text")

    class Meta:
        model = Paragraph
        fields = ("resolution", "kind", "number", "item", "text")
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "cols": 100, "class": "paragraph-text"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.marker_fields: dict[str, Footnote] = {}
        self.reference_fields: dict[str, tuple[Reference, str]] = {}
        paragraph = self.instance
        if paragraph.pk is None:
            return
        for note in paragraph.footnotes.order_by("number"):
            name = f"marker_{note.pk}"
            words = "" if note.offset is None else paragraph.text[max(0, note.offset - 12) : note.offset]
            help_text = note.review_note or "the words the marker follows"
            self.fields[name] = forms.CharField(required=False, initial=words, label=f"Footnote {note.number} after", help_text=help_text)
            self.marker_fields[name] = note
        for ref in paragraph.references.filter(footnote=None).order_by("start"):
            name = f"reference_{ref.pk}"
            words = paragraph.text[ref.start : ref.end] if ref.end > ref.start else ""
            self.fields[name] = forms.CharField(
                required=False, initial=words, label=f"{ref.target_symbol} cited by", help_text=ref.review_note or "the linked words"
            )
            self.fields[f"unlink_{ref.pk}"] = forms.BooleanField(required=False, label=f"remove the link to {ref.target_symbol}")
            self.reference_fields[name] = (ref, f"unlink_{ref.pk}")

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("text") or ""
        resolution = cleaned.get("resolution") or getattr(self.instance, "resolution", None)
        _unique_numbering(resolution, cleaned.get("kind"), cleaned.get("number"), cleaned.get("item") or "", exclude=self.instance.pk)
        for name in [*self.marker_fields, *self.reference_fields]:
            words = cleaned.get(name) or ""
            if name in self.changed_data and words and words not in text:
                self.add_error(name, f"«{words}» is not in the text.")
        symbol, words = cleaned.get("new_citation_symbol", "").strip(), cleaned.get("new_citation_words", "")
        if bool(symbol) != bool(words):
            self.add_error("new_citation_words" if symbol else "new_citation_symbol", "Give both the symbol and the words.")
        elif words and words not in text:
            self.add_error("new_citation_words", f"«{words}» is not in the text.")
        return cleaned

    def placements(self) -> services.Placements:
        markers = {
            note.pk: self.cleaned_data[name]
            for name, note in self.marker_fields.items()
            if name in self.changed_data and self.cleaned_data[name]
        }
        references, unlink = {}, []
        for name, (ref, unlink_name) in self.reference_fields.items():
            if self.cleaned_data.get(unlink_name):
                unlink.append(ref.pk)
            elif name in self.changed_data and self.cleaned_data[name]:
                references[ref.pk] = self.cleaned_data[name]
        symbol = self.cleaned_data.get("new_citation_symbol", "").strip()
        add = [(self.instance.pk, symbol, self.cleaned_data["new_citation_words"])] if symbol else []
        return services.Placements(markers=markers, references=references, unlink=unlink, add=add)


class SplitForm(forms.Form):
    before_words = forms.CharField(
        label="The second paragraph starts with the words", widget=forms.TextInput(attrs={"size": 60}),
        help_text="a few words exactly as in the text; they must occur once",
    )
    kind = forms.ChoiceField(choices=ParagraphKind.choices)
    number = forms.IntegerField(min_value=1)
    item = forms.CharField(required=False, max_length=8)
    renumber_following = forms.BooleanField(
        required=False, label="Renumber the following paragraphs of this kind (+1); their old links redirect"
    )

    def __init__(self, *args, paragraph: Paragraph, **kwargs):
        super().__init__(*args, **kwargs)
        self.paragraph = paragraph

    def clean(self):
        cleaned = super().clean()
        words = cleaned.get("before_words") or ""
        count = self.paragraph.text.count(words) if words else 0
        if words and count != 1:
            self.add_error("before_words", f"«{words}» occurs {count} times in the paragraph: give words that occur once.")
        else:
            cleaned["at"] = self.paragraph.text.find(words)
        return cleaned


class RenumberForm(forms.Form):
    renumber_following = forms.BooleanField(
        required=False, label="Renumber the following paragraphs of this kind (−1); their old links redirect"
    )


@admin.register(Paragraph)
class ParagraphAdmin(ResolutionPartAdmin):
    form = ParagraphForm
    change_form_template = "admin/resolutions/paragraph/change_form.html"
    list_display = ("resolution", "eid", "kind", "excerpt")
    list_filter = ("kind", "resolution__language", "resolution__body")
    search_fields = ("text", "resolution__symbol", "eid")
    list_select_related = ("resolution",)
    readonly_fields = ("address", "as_readers_see_it")
    raw_id_fields = ("resolution",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        # The marker and citation fields are made per paragraph by the form itself, not by the model.
        kwargs["fields"] = ["resolution", "kind", "number", "item", "text", "new_citation_symbol", "new_citation_words"]
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        form = self._get_form_fields(request, obj)
        placing = [name for name in form if name.startswith(("marker_", "reference_", "unlink_"))]
        sets = [
            (None, {"fields": ("resolution", "address", "kind", "number", "item", "text", "as_readers_see_it")}),
        ]
        if placing:
            sets.append(("Footnote markers and cited words", {"fields": placing}))
        sets.append(("Add a citation the parser missed", {"fields": ("new_citation_symbol", "new_citation_words"), "classes": ("collapse",)}))
        return sets

    def _get_form_fields(self, request, obj):
        if obj is None:
            return []
        return list(ParagraphForm(instance=obj).fields)

    @admin.display(description="text")
    def excerpt(self, obj: Paragraph) -> str:
        return truncatechars(obj.text, 100)

    @admin.display(description="permanent link")
    def address(self, obj: Paragraph) -> str:
        if obj.pk is None:
            return "-"
        former = ", ".join(obj.former_eids.values_list("eid", flat=True))
        return format_html(
            '<a href="{}">{}</a>{}', obj.get_absolute_url(), obj.get_absolute_url(),
            f" (also answers the former addresses {former})" if former else "",
        )

    @admin.display(description="as readers will see it")
    def as_readers_see_it(self, obj: Paragraph) -> str:
        if obj.pk is None:
            return "-"
        shown = paragraph_preview(obj, text=obj.text, kind=obj.kind, number=obj.number, item=obj.item)
        url = reverse("admin:resolutions_paragraph_preview", args=[obj.pk])
        flagged = format_html_join("", '<li class="needs-review">{}</li>', ((f,) for f in shown.flagged))
        return format_html(
            '<div class="paragraph-preview" data-preview-url="{}" lang="{}">'
            '<p class="preview-label"><span class="preview-number">{}</span> <span class="preview-name">{} · {}</span></p>'
            '<p class="preview-text">{}</p><ul class="preview-flagged">{}</ul>'
            '<p class="help">Updated as you type; links and footnote markers follow their words when the text is saved.</p></div>',
            url, "zh-Hans" if obj.resolution.language == "zh" else "en", shown.printed, shown.label_zh, shown.label_en,
            shown.html, flagged,
        )

    def save_model(self, request, obj, form, change):
        if obj.pk is None:
            obj.eid = element_id(obj.kind, obj.number, obj.item)
            obj.position = (obj.resolution.paragraphs.aggregate(last=Max("position"))["last"] or 0) + 1
        super().save_model(request, obj, form, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            paragraphs = list(obj.resolution.paragraphs.order_by("position").values_list("pk", flat=True))
            index = paragraphs.index(obj.pk)
            context.update({
                "split_url": reverse("admin:resolutions_paragraph_split", args=[obj.pk]),
                "merge_url": reverse("admin:resolutions_paragraph_merge", args=[obj.pk]) if index + 1 < len(paragraphs) else "",
                "move_up_url": reverse("admin:resolutions_paragraph_move", args=[obj.pk, "up"]) if index > 0 else "",
                "move_down_url": reverse("admin:resolutions_paragraph_move", args=[obj.pk, "down"]) if index + 1 < len(paragraphs) else "",
                "resolution_url": reverse("admin:resolutions_resolution_change", args=[obj.resolution_id]),
            })
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/preview/", view(self.preview_view), name="resolutions_paragraph_preview"),
            path("<int:object_id>/split/", view(self.split_view), name="resolutions_paragraph_split"),
            path("<int:object_id>/merge/", view(self.merge_view), name="resolutions_paragraph_merge"),
            path("<int:object_id>/move/<str:direction>/", view(self.move_view), name="resolutions_paragraph_move"),
            *super().get_urls(),
        ]

    def _editable(self, request, object_id) -> Paragraph:
        paragraph = get_object_or_404(Paragraph.objects.select_related("resolution"), pk=object_id)
        if not self.has_change_permission(request, paragraph):
            raise PermissionDenied
        return paragraph

    @method_decorator(require_POST)
    def preview_view(self, request, object_id):
        """The live preview: how the paragraph would read with the text being typed (JSON; nothing is saved)."""
        paragraph = self._editable(request, object_id)
        form = ParagraphInlineForm(request.POST, instance=Paragraph(resolution=paragraph.resolution))
        if not form.is_valid():
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        data = form.cleaned_data
        shown = paragraph_preview(
            paragraph, text=data["text"], kind=data["kind"], number=data["number"], item=data.get("item") or ""
        )
        return JsonResponse(shown.as_json(), json_dumps_params={"ensure_ascii": False})

    def split_view(self, request, object_id):
        paragraph = self._editable(request, object_id)
        resolution = paragraph.resolution
        following = resolution.paragraphs.filter(kind=paragraph.kind, number=paragraph.number + 1).exists()
        initial = {
            "kind": paragraph.kind,
            "number": paragraph.number + 1 if not paragraph.item else paragraph.number,
            "item": chr(ord(paragraph.item) + 1) if paragraph.item and len(paragraph.item) == 1 else "",
            "renumber_following": following and not paragraph.item,
        }
        form = SplitForm(request.POST or None, paragraph=paragraph, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                second = services.split_paragraph(
                    paragraph, at=data["at"], kind=data["kind"], number=data["number"], item=data["item"],
                    renumber_following=data["renumber_following"], user=request.user,
                )
            except services.StructureError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Split into {paragraph.eid} and {second.eid}; kept as a revision.")
                return HttpResponseRedirect(reverse("admin:resolutions_paragraph_change", args=[second.pk]))
        return self._page(request, "admin/resolutions/paragraph/split.html", f"Split {paragraph}", paragraph, {"form": form})

    def merge_view(self, request, object_id):
        paragraph = self._editable(request, object_id)
        following = paragraph.resolution.paragraphs.filter(position__gt=paragraph.position).order_by("position").first()
        if following is None:
            raise Http404("nothing after this paragraph")
        form = RenumberForm(request.POST or None, initial={"renumber_following": following.kind == ParagraphKind.PREAMBULAR})
        if request.method == "POST" and form.is_valid():
            try:
                services.merge_paragraphs(paragraph, renumber_following=form.cleaned_data["renumber_following"], user=request.user)
            except services.StructureError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Merged {following.eid} into {paragraph.eid}; {following.eid}'s link now leads here.")
                return HttpResponseRedirect(reverse("admin:resolutions_paragraph_change", args=[paragraph.pk]))
        joiner = "" if paragraph.resolution.language == "zh" else " "
        return self._page(request, "admin/resolutions/paragraph/merge.html", f"Merge into {paragraph}", paragraph, {
            "form": form, "following": following, "merged": paragraph.text + joiner + following.text,
        })

    @method_decorator(require_POST)
    def move_view(self, request, object_id, direction):
        paragraph = self._editable(request, object_id)
        if direction not in ("up", "down"):
            raise Http404("up or down")
        try:
            services.move_paragraph(paragraph, up=direction == "up", user=request.user)
        except services.StructureError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Moved {paragraph.eid} {direction}; its number and permanent link stay.")
        return HttpResponseRedirect(reverse("admin:resolutions_paragraph_change", args=[paragraph.pk]))

    def history_view(self, request, object_id, extra_context=None):
        paragraph = get_object_or_404(Paragraph.objects.select_related("resolution"), pk=object_id)
        if not self.has_view_or_change_permission(request, paragraph):
            raise PermissionDenied
        return self._page(request, "admin/resolutions/paragraph/history.html", f"History of {paragraph}", paragraph, {
            "versions": history.paragraph_history(paragraph),
            "can_restore": self.has_change_permission(request, paragraph),
        })

    def _page(self, request, template, title, paragraph, context):
        return render(request, template, {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "original": paragraph,
            "paragraph": paragraph,
            "resolution": paragraph.resolution,
            "media": self.media,
            **context,
        })


class FootnoteForm(CleanModelForm):
    marker_after = forms.CharField(
        required=False, label="Marker after the words",
        help_text="the words in the paragraph its marker follows; change them to move the marker",
    )

    class Meta:
        model = Footnote
        fields = ("resolution", "number", "paragraph", "text")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        note = self.instance
        if note.pk and note.paragraph_id and note.offset is not None:
            self.fields["marker_after"].initial = note.paragraph.text[max(0, note.offset - 12) : note.offset]
        if note.pk and note.review_note:
            self.fields["marker_after"].help_text = note.review_note

    def clean(self):
        cleaned = super().clean()
        words, paragraph = cleaned.get("marker_after"), cleaned.get("paragraph")
        if "marker_after" in self.changed_data and words:
            if paragraph is None:
                self.add_error("marker_after", "Choose the paragraph that cites this footnote first.")
            elif words not in paragraph.text:
                self.add_error("marker_after", f"«{words}» is not in {paragraph.eid}.")
        return cleaned

    def placements(self) -> services.Placements:
        if "marker_after" in self.changed_data and self.cleaned_data.get("marker_after"):
            return services.Placements(markers={self.instance.pk: self.cleaned_data["marker_after"]})
        return services.Placements()


@admin.register(Footnote)
class FootnoteAdmin(ResolutionPartAdmin):
    form = FootnoteForm
    list_display = ("resolution", "number", "paragraph", "excerpt")
    search_fields = ("text", "resolution__symbol")
    list_select_related = ("resolution", "paragraph__resolution")
    fields = ("resolution", "number", "paragraph", "marker_after", "text")
    raw_id_fields = ("resolution", "paragraph")

    @admin.display(description="text")
    def excerpt(self, obj: Footnote) -> str:
        return truncatechars(obj.text, 100)


class ReferenceForm(CleanModelForm):
    cited_words = forms.CharField(required=False, help_text="the words of the paragraph (or footnote) the link covers")

    class Meta:
        model = Reference
        fields = ("paragraph", "footnote", "target_symbol", "target_paragraphs", "is_resolution")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        ref = self.instance
        if ref.pk and ref.end > ref.start:
            text = ref.footnote.text if ref.footnote_id else ref.paragraph.text
            self.fields["cited_words"].initial = text[ref.start : ref.end]
        if ref.pk and ref.review_note:
            self.fields["cited_words"].help_text = ref.review_note

    def clean(self):
        cleaned = super().clean()
        words, paragraph, footnote = cleaned.get("cited_words"), cleaned.get("paragraph"), cleaned.get("footnote")
        if "cited_words" in self.changed_data and words and paragraph is not None:
            text = footnote.text if footnote is not None else paragraph.text
            if words not in text:
                self.add_error("cited_words", f"«{words}» is not in the text it belongs to.")
        return cleaned

    def save(self, commit=True):
        ref = super().save(commit=False)
        words = self.cleaned_data.get("cited_words")
        if "cited_words" in self.changed_data and words:
            text = ref.footnote.text if ref.footnote_id else ref.paragraph.text
            start = locate(text, words, ref.start)
            ref.start, ref.end, ref.review_note = start, start + len(words), ""
        if commit:
            ref.save()
        return ref


@admin.register(Reference)
class ReferenceAdmin(ResolutionPartAdmin):
    form = ReferenceForm
    list_display = ("paragraph", "target_symbol", "target_paragraphs", "target", "is_resolution", "review_note")
    list_filter = ("is_resolution",)
    search_fields = ("target_symbol", "paragraph__resolution__symbol")
    list_select_related = ("paragraph__resolution", "target")
    fields = ("paragraph", "footnote", "target_symbol", "target_paragraphs", "is_resolution", "cited_words", "review_note", "target")
    readonly_fields = ("review_note", "target")
    raw_id_fields = ("paragraph", "footnote")

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
    list_display = ("filename", "resolution", "size", "sha256", "uploaded_by", "uploaded_at", "origin")
    list_filter = ("origin",)
    search_fields = ("filename", "sha256", "resolution__symbol")
    list_select_related = ("resolution", "uploaded_by")


@admin.register(Revision)
class RevisionAdmin(ReadOnlyAdmin):
    list_display = ("symbol", "language", "created_at", "created_by", "origin", "reason", "compare")
    list_filter = ("origin", "created_at", "language")
    search_fields = ("symbol", "reason", "created_by__username")
    list_select_related = ("created_by",)
    readonly_fields = ("resolution", "symbol", "language", "created_at", "created_by", "origin", "reason", "changes")
    exclude = ("snapshot",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("snapshot")

    @admin.display(description="compare")
    def compare(self, obj: Revision) -> str:
        if obj.resolution_id is None:
            url = reverse("admin:resolutions_resolution_withdrawn_detail", args=[obj.pk]) if obj.origin == Origin.DELETE else ""
            return format_html('<a href="{}">deleted resolution</a>', url) if url else "-"
        url = reverse("admin:resolutions_resolution_revision", args=[obj.resolution_id, obj.pk])
        return format_html('<a href="{}">with the current text</a>', url)


from . import series_admin  # noqa: E402,F401  (series, members and curators' decisions register themselves)
