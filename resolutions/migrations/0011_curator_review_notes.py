"""References and footnote markers an edit could not carry to the same words are flagged for curators."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("resolutions", "0010_curator_revisions_as_states"),
    ]

    operations = [
        migrations.AddField(model_name="footnote", name="review_note", field=models.CharField(blank=True, max_length=255)),
        migrations.AddField(model_name="reference", name="review_note", field=models.CharField(blank=True, max_length=255)),
    ]
