"""Provenance: every revision says who, when and from where; revisions outlive a deleted resolution."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

ORIGINS = [
    ("ingest", "ingest command"),
    ("upload", "admin upload"),
    ("fetch", "fetched from the UN document system"),
    ("edit", "admin edit"),
    ("restore", "restored from a revision"),
    ("import", "imported from a backup or the kept originals"),
    ("delete", "deleted"),
]


def name_each_revision(apps, schema_editor):
    """Copy the symbol and language of each revision's resolution onto it, and guess where it came from."""
    Revision = apps.get_model("resolutions", "Revision")
    SourceFile = apps.get_model("resolutions", "SourceFile")
    for revision in Revision.objects.select_related("resolution").iterator():
        revision.symbol = revision.resolution.symbol
        revision.language = revision.resolution.language
        # Until now a revision's reason was "replaced by <file>" (ingest or upload) or "admin edit: …".
        if revision.reason.startswith("replaced by"):
            revision.origin = "upload" if revision.created_by_id else "ingest"
        revision.save(update_fields=["symbol", "language", "origin"])
    SourceFile.objects.exclude(uploaded_by=None).update(origin="upload")


class Migration(migrations.Migration):

    dependencies = [
        ("resolutions", "0008_annex_restructure"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(name="revision", options={"ordering": ["-created_at", "-pk"]}),
        migrations.AddField(
            model_name="revision", name="symbol", field=models.CharField(db_index=True, default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="revision", name="language",
            field=models.CharField(
                choices=[("zh", "中文"), ("en", "English"), ("fr", "Français"), ("es", "Español"), ("ru", "Русский"), ("ar", "العربية")],
                default="", max_length=2,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="revision", name="origin",
            field=models.CharField(choices=ORIGINS, default="edit", max_length=16),
        ),
        migrations.AddField(model_name="revision", name="changes", field=models.JSONField(blank=True, default=dict)),
        migrations.AlterField(
            model_name="revision", name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.AlterField(
            model_name="revision", name="resolution",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="revisions",
                to="resolutions.resolution",
            ),
        ),
        migrations.AlterField(
            model_name="revision", name="snapshot",
            field=models.JSONField(help_text="Metadata, paragraphs, footnotes and references as this change left them"),
        ),
        migrations.AddIndex(
            model_name="revision",
            index=models.Index(fields=["symbol", "language", "created_at"], name="resolutions_symbol_009ce6_idx"),
        ),
        migrations.AddField(
            model_name="sourcefile", name="origin",
            field=models.CharField(choices=ORIGINS, default="ingest", max_length=16),
        ),
        migrations.AlterField(
            model_name="sourcefile", name="file", field=models.FileField(max_length=255, upload_to="sources/%Y/%m/"),
        ),
        migrations.AlterField(
            model_name="sourcefile", name="uploaded_at", field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(name_each_revision, migrations.RunPython.noop),
    ]
