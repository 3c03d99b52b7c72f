"""Forms of the curators' admin: upload one or several files, then confirm what the preview showed; the text
every admin form takes is cleaned of characters XML forbids."""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from . import history, services
from .models import Body, Resolution
from .parsing import Kind, ParsedResolution, ParseError
from .parsing.text import XML_FORBIDDEN_RE, xml_safe
from .records import record_from_parsed, record_of, same_text
from .throttle import LoginThrottle, client_address
from .uploads import discard, sha256_of, stage


def strip_forbidden(text: str, *, page_break: str = "\n") -> str:
    """`text` without the characters XML 1.0 forbids (the feed and the Akoma Ntoso export could not carry them).

    A form feed is the page break the readers write between pages (text copied from a read PDF may carry one):
    it becomes `page_break` (a line end, or a space in a one-line field), never nothing, so words stay apart.
    """
    return xml_safe(text.replace("\f", page_break))


def _describe_removed(char: str, one_line: bool) -> str:
    if char == "\f":
        return f"U+000C page break, made a {'space' if one_line else 'line end'}"
    return f"U+{ord(char):04X}" + f" {unicodedata.name(char, '')}".rstrip()


class CleanTextMixin:
    """Removes characters XML 1.0 forbids from every text field, and notes which fields lost which characters.

    `stripped` maps a field name to the characters removed (e.g. ["U+001B"]); the admin tells the curator.
    """

    def clean(self):
        cleaned = super().clean()
        self.stripped: dict[str, list[str]] = {}
        for name, value in list(cleaned.items()):
            if not isinstance(value, str):
                continue
            field = self.fields.get(name)
            one_line = field is not None and not isinstance(field.widget, forms.Textarea)
            safe = strip_forbidden(value, page_break=" " if one_line else "\n")
            if safe != value:
                removed = sorted({ch for ch in value if XML_FORBIDDEN_RE.match(ch)}, key=ord)
                self.stripped[name] = [_describe_removed(ch, one_line) for ch in removed]
                cleaned[name] = safe
        return cleaned


class CleanModelForm(CleanTextMixin, forms.ModelForm):
    """The base of every admin model form."""

ACCEPTED_EXTENSIONS = (".txt", ".pdf", ".docx", ".xml")  # .xml: the declaration as udhr XML


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files and cleans to a list of them."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


@dataclass(frozen=True)
class UploadPreview:
    """One uploaded file as parsed, before anything is stored."""

    sha256: str
    filename: str
    size: int
    parsed: ParsedResolution
    duplicate_of: Resolution | None  # the archive holds exactly this text already (nothing to store)
    replaces: Resolution | None  # the archive holds another text of this symbol and language
    warnings: tuple[str, ...]
    comparison: history.Comparison | None = None  # paragraph by paragraph, what confirming changes
    replaced_edits: tuple[history.CuratorEdit, ...] = field(default=())  # curator edits confirming would undo
    same_file: bool = False  # the file the current text came from, changed by curators since

    @property
    def body_label(self) -> str:
        return Body(self.parsed.body.value).label

    @property
    def counts(self) -> dict[str, int]:
        by_kind = Counter(p.kind for p in self.parsed.paragraphs)
        return {kind.value: by_kind.get(kind, 0) for kind in Kind}

    @property
    def references(self) -> list[tuple[str, object]]:
        """(where, reference) for every cross-reference in paragraphs and footnotes."""
        found = [(p.eid, ref) for p in self.parsed.paragraphs for ref in p.references]
        found += [(f"footnote {f.number}", ref) for f in self.parsed.footnotes for ref in f.references]
        return found

    @property
    def to_store(self) -> bool:
        return self.duplicate_of is None


def preview_upload(*, data: bytes, name: str, parsed: ParsedResolution, warnings: list[str]) -> UploadPreview:
    """What storing this file would do to the archive, worked out without writing anything."""
    sha256 = sha256_of(data)
    held = Resolution.objects.filter(symbol=parsed.symbol, language=parsed.language).first()
    if held is None:
        return UploadPreview(sha256, name, len(data), parsed, None, None, tuple(warnings))
    incoming = record_from_parsed(parsed, filename=name, checksum=sha256)
    current = record_of(held)
    if same_text(current, incoming):
        return UploadPreview(sha256, name, len(data), parsed, held, None, tuple(warnings))
    replaced = history.edits_replaced(held, current=current, incoming=incoming)
    return UploadPreview(
        sha256, name, len(data), parsed, None, held, tuple(warnings),
        comparison=history.compare(current, incoming, replaced),
        replaced_edits=tuple(replaced),
        same_file=held.source_sha256 == sha256,
    )


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        required=False,
        allow_empty_file=True,  # refused below, with the file's name
        help_text=".txt (UTF-8, UTF-16 or GB18030), .pdf with a text layer, .docx, or the Universal Declaration as udhr .xml; several at once.",
    )

    def __init__(self, *args, too_large: tuple[str, ...] = (), request_too_large: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.request_too_large = request_too_large  # bytes the whole request had, when over the limit
        self.previews: list[UploadPreview] = []
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        total = filesizeformat(settings.UPLOAD_MAX_REQUEST_BYTES)
        self.fields["files"].help_text += f" At most {limit} each, {total} in one upload."

    def clean_files(self) -> list:
        if self.request_too_large:
            raise ValidationError(
                "This upload is %(size)s; at most %(limit)s can be sent at once. Upload fewer files at a time.",
                params={
                    "size": filesizeformat(self.request_too_large),
                    "limit": filesizeformat(settings.UPLOAD_MAX_REQUEST_BYTES),
                },
                code="request_too_large",
            )
        files = self.cleaned_data["files"]
        limit = settings.UPLOAD_MAX_BYTES
        errors = [self._too_large(name) for name in self.too_large]
        if not files and not errors:
            raise ValidationError("Choose at least one file.", code="required")
        batch: dict[tuple[str, str], str] = {}
        staged: list[str] = []
        for upload in files:
            name = PurePath(upload.name or "upload").name
            if upload.size > limit:
                errors.append(self._too_large(name))
                continue
            # One file in memory at a time: parsed, then staged on disk (the preview keeps only what it shows).
            data = upload.read()
            upload.close()
            if not data:
                errors.append(ValidationError("%(name)s: The file is empty.", params={"name": name}, code="empty"))
                continue
            try:
                parsed = services.parse_source(source=data, filename=name)
            except ParseError as exc:
                errors.append(
                    ValidationError("%(name)s: %(error)s", params={"name": name, "error": exc}, code="unreadable")
                )
                continue
            sha256 = sha256_of(data)
            if any(p.sha256 == sha256 for p in self.previews):
                continue  # the same file chosen twice
            warnings = list(parsed.warnings)  # the parser's own: numbering jumps, uncited footnotes …
            key = (parsed.symbol, parsed.language)
            if key in batch:
                warnings.append(f"{batch[key]} in this upload is also {parsed.symbol} ({parsed.language}); the later file wins")
            batch[key] = name
            preview = preview_upload(data=data, name=name, parsed=parsed, warnings=warnings)
            if preview.to_store and not errors:
                staged.append(stage(data))
            self.previews.append(preview)
            del data
        if errors:
            for sha256 in staged:
                discard(sha256)
            self.previews = []
            raise ValidationError(errors)
        return files

    @staticmethod
    def _too_large(name: str) -> ValidationError:
        return ValidationError(
            "%(name)s: The file is larger than the %(limit)s limit.",
            params={"name": name, "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="too_large",
        )


class ConfirmUploadForm(forms.Form):
    """The checksums of the previewed files to store; only those staged in this session are valid.

    `replace_edits` names the files whose curator edits the curator agreed to replace.
    """

    uploads = forms.MultipleChoiceField(widget=forms.MultipleHiddenInput)
    replace_edits = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, staged: dict[str, dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [(sha, entry["filename"]) for sha, entry in staged.items()]
        self.fields["uploads"].choices = choices
        self.fields["replace_edits"].choices = choices
        self.fields["uploads"].error_messages["invalid_choice"] = (
            "This upload has expired or was already stored; upload the file again."
        )


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin login form, refusing to check passwords for a while after repeated failures."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": "Too many failed logins. Try again in %(minutes)d minute(s).",
    }

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = client_address(self.request) if self.request is not None else "unknown"
        throttle = LoginThrottle.from_settings()
        wait = throttle.seconds_until_allowed(username, address)
        if wait:
            raise ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": -(-wait // 60)}
            )
        try:
            cleaned = super().clean()
        except ValidationError as exc:
            if exc.code == "invalid_login":
                throttle.record_failure(username, address)
            raise
        throttle.reset(username, address)
        return cleaned
