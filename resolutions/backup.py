"""A backup that round-trips: export_archive writes the whole archive to a folder, import_archive reads it back.

    DIR/manifest.json     format, when, the schema (last migration), counts, every original with its checksum
    DIR/users.jsonl       accounts (password hashes, staff/superuser flags, groups): revisions name their authors
    DIR/records.jsonl     every row of the archive's tables (Django's serializer, ids and timestamps kept)
    DIR/originals/…       the original files, at their paths under MEDIA_ROOT, with the journal of ingests

Ids are kept, so permanent links, revisions, redirects of old addresses and search results come back as
they were; the search index is rebuilt from the database after an import. The index outbox (IndexTask) is
not exported: it is rebuilt whole. Importing needs an empty archive (a new database, migrated).
"""
from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .models import IndexTask, Resolution, Revision, SourceFile
from .originals import JOURNAL_NAME, SOURCES_DIRNAME

FORMAT = "resolution-archive-export"
VERSION = 1
# Tables the index writes or that are rebuilt anyway.
NOT_EXPORTED = {IndexTask}


class BackupError(Exception):
    """The export or import cannot be done as asked; nothing was changed."""


def archive_models() -> list:
    """Every model of the archive's app (others' new models included), referenced tables first."""
    models = [m for m in apps.get_app_config("resolutions").get_models() if m not in NOT_EXPORTED]
    ordered: list = []

    def visit(model, seen: set) -> None:
        if model in ordered or model in seen:
            return
        seen.add(model)
        for field in model._meta.concrete_fields:
            target = getattr(field, "related_model", None)
            if target in models and target is not model:
                visit(target, seen)
        ordered.append(model)

    for model in models:
        visit(model, set())
    return ordered


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _schema() -> list[str]:
    return sorted(
        MigrationRecorder.Migration.objects.filter(app="resolutions").values_list("name", flat=True)
    )


def export_archive(target: Path, *, say: Callable[[str], None] = lambda line: None) -> dict:
    """Write the archive into the folder `target` (new or empty); returns the manifest."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: export into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    counts: dict[str, int] = {}
    # One consistent view of every table while the rows are written out (PostgreSQL: a repeatable-read
    # snapshot; SQLite: the transaction holds the database, curators' saves wait until it ends).
    outermost = not connection.in_atomic_block  # inside another transaction (tests) its snapshot rules
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        User = get_user_model()
        with (target / "users.jsonl").open("w", encoding="utf-8") as out:
            for user in User.objects.order_by("pk").prefetch_related("groups", "user_permissions__content_type"):
                out.write(json.dumps(_user_record(user), ensure_ascii=False) + "\n")
                counts["users"] = counts.get("users", 0) + 1
        with (target / "records.jsonl").open("w", encoding="utf-8") as out:
            for model in archive_models():
                queryset = model._default_manager.order_by("pk")
                counts[model._meta.label] = queryset.count()
                for row in serializers.serialize("python", queryset.iterator(chunk_size=2000), use_natural_foreign_keys=True):
                    out.write(json.dumps(row, ensure_ascii=False, default=_exact) + "\n")
                say(f"  {model._meta.label}: {counts[model._meta.label]}")
        kept = list(SourceFile.objects.order_by("pk").values_list("file", "filename", "sha256", "size"))
    # Originals never change once stored (their names carry their checksum): copied after the snapshot.
    originals = []
    for name, filename, sha256, size in kept:
        source = media / name
        if not source.is_file():
            raise BackupError(f"the original {name} ({filename}) is missing from {media}")
        copy = target / "originals" / name
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy)
        originals.append({"path": name, "sha256": sha256, "size": size})
    journal = media / SOURCES_DIRNAME / JOURNAL_NAME
    if journal.is_file():
        (target / "originals" / SOURCES_DIRNAME).mkdir(parents=True, exist_ok=True)
        shutil.copy2(journal, target / "originals" / SOURCES_DIRNAME / JOURNAL_NAME)
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "schema": _schema(),
        "counts": counts,
        "originals": originals,
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    say(f"  {len(originals)} original files")
    return manifest


def _exact(value):
    """JSON for what Django's serializer leaves as Python values: times to the microsecond (its JSON
    encoder cuts them to milliseconds, and an imported revision would no longer be the same)."""
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    raise TypeError(f"cannot export {type(value).__name__}")


def _user_record(user) -> dict:
    return {
        "username": user.get_username(),
        "password": user.password,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_staff": user.is_staff,
        "is_active": user.is_active,
        "is_superuser": user.is_superuser,
        "date_joined": user.date_joined.isoformat(),  # microseconds kept
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "groups": sorted(group.name for group in user.groups.all()),
        "permissions": sorted(
            [p.codename, p.content_type.app_label, p.content_type.model] for p in user.user_permissions.all()
        ),
    }


def read_manifest(source: Path) -> dict:
    try:
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{source} holds no export (manifest.json: {error})") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}/manifest.json is not an export of this archive")
    if manifest.get("version", 0) > VERSION:
        raise BackupError(f"{source} was written by a newer version of the archive (format {manifest['version']})")
    return manifest


def import_archive(source: Path, *, say: Callable[[str], None] = lambda line: None) -> dict:
    """Load an export into an empty archive: rows with their ids, accounts, originals; then rebuild the index."""
    from .search.service import rebuild_index

    manifest = read_manifest(source)
    if Resolution.objects.exists() or Revision.objects.exists() or SourceFile.objects.exists():
        raise BackupError("the archive is not empty: import into a new, migrated database (and an empty media folder)")
    missing = sorted(set(manifest.get("schema", [])) - set(_schema()))
    if missing:
        raise BackupError(f"the export has migrations this archive lacks ({', '.join(missing)}): upgrade the code first")
    for original in manifest["originals"]:
        path = source / "originals" / original["path"]
        if not path.is_file() or _sha256(path) != original["sha256"]:
            raise BackupError(f"the original {original['path']} is missing or altered in {source}")

    media = Path(settings.MEDIA_ROOT)
    copied: list[Path] = []
    try:
        for original in manifest["originals"]:
            destination = media / original["path"]
            if destination.is_file() and _sha256(destination) == original["sha256"]:
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / "originals" / original["path"], destination)
            copied.append(destination)
        journal = source / "originals" / SOURCES_DIRNAME / JOURNAL_NAME
        if journal.is_file() and not (media / SOURCES_DIRNAME / JOURNAL_NAME).exists():
            shutil.copy2(journal, media / SOURCES_DIRNAME / JOURNAL_NAME)
            copied.append(media / SOURCES_DIRNAME / JOURNAL_NAME)
        with transaction.atomic():
            users = _load_users(source / "users.jsonl")
            counts: dict[str, int] = {}
            with (source / "records.jsonl").open(encoding="utf-8") as records:
                for line in records:
                    [item] = serializers.deserialize("python", [json.loads(line)])
                    item.save()
                    label = item.object._meta.label
                    counts[label] = counts.get(label, 0) + 1
            models = archive_models()
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)
            for label, expected in manifest["counts"].items():
                if label != "users" and counts.get(label, 0) != expected:
                    raise BackupError(f"{label}: {counts.get(label, 0)} rows read, the manifest says {expected}")
    except BaseException:
        for path in copied:
            path.unlink(missing_ok=True)
        raise
    for label, count in counts.items():
        say(f"  {label}: {count}")
    say(f"  accounts: {users} created")
    indexed = rebuild_index()
    say(f"  search index rebuilt: {indexed} paragraphs")
    return {"counts": counts, "users": users, "indexed": indexed}


def _load_users(path: Path) -> int:
    """Create the accounts the export names that this archive lacks; existing accounts are left as they are."""
    User = get_user_model()
    created = 0
    if not path.is_file():
        return 0
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if User.objects.filter(**{User.USERNAME_FIELD: record["username"]}).exists():
            continue
        user = User(**{User.USERNAME_FIELD: record["username"]})
        for name in ("password", "email", "first_name", "last_name", "is_staff", "is_active", "is_superuser"):
            setattr(user, name, record[name])
        user.date_joined = record["date_joined"]
        user.last_login = record["last_login"]
        user.save()
        user.groups.set(Group.objects.filter(name__in=record["groups"]))
        for codename, app_label, model in record["permissions"]:
            permission = Permission.objects.filter(
                codename=codename, content_type__app_label=app_label, content_type__model=model
            ).first()
            if permission is not None:
                user.user_permissions.add(permission)
        created += 1
    return created
