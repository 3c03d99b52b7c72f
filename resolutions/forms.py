"""Forms of the curators' admin: upload one or several files, then confirm what the preview showed."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from . import services
from .models import Body, Resolution
from .parsing import Kind, ParsedResolution, ParseError
from .throttle import LoginThrottle, client_address
from .uploads import sha256_of

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
    duplicate_of: Resolution | None  # the archive already holds exactly this file
    replaces: Resolution | None  # the archive holds another text of this symbol and language
    warnings: tuple[str, ...]

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


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        required=False,
        allow_empty_file=True,  # refused below, with the file's name
        help_text=".txt (UTF-8, UTF-16 or GB18030), .pdf with a text layer, .docx, or the Universal Declaration as udhr .xml; several at once.",
    )

    def __init__(self, *args, too_large: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.previews: list[UploadPreview] = []
        self.sources: dict[str, bytes] = {}
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        self.fields["files"].help_text += f" At most {limit} each."

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        limit = settings.UPLOAD_MAX_BYTES
        errors = [self._too_large(name) for name in self.too_large]
        if not files and not errors:
            raise ValidationError("Choose at least one file.", code="required")
        batch: dict[tuple[str, str], str] = {}
        for upload in files:
            name = PurePath(upload.name or "upload").name
            if upload.size > limit:
                errors.append(self._too_large(name))
                continue
            data = upload.read()
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
            if sha256 in self.sources:
                continue  # the same file chosen twice
            warnings = list(parsed.warnings)  # the parser's own: numbering jumps, uncited footnotes …
            key = (parsed.symbol, parsed.language)
            if key in batch:
                warnings.append(f"{batch[key]} in this upload is also {parsed.symbol} ({parsed.language}); the later file wins")
            batch[key] = name
            self.sources[sha256] = data
            self.previews.append(
                UploadPreview(
                    sha256=sha256,
                    filename=name,
                    size=len(data),
                    parsed=parsed,
                    duplicate_of=Resolution.objects.filter(source_sha256=sha256).first(),
                    replaces=Resolution.objects.filter(symbol=parsed.symbol, language=parsed.language)
                    .exclude(source_sha256=sha256)
                    .first(),
                    warnings=tuple(warnings),
                )
            )
        if errors:
            self.previews, self.sources = [], {}
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
    """The checksums of the previewed files to store; only those staged in this session are valid."""

    uploads = forms.MultipleChoiceField(widget=forms.MultipleHiddenInput)

    def __init__(self, *args, staged: dict[str, dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["uploads"].choices = [(sha, entry["filename"]) for sha, entry in staged.items()]
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
