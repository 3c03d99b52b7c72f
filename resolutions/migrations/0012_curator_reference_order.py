"""References at the same offset (a footnote's and the paragraph's own) are listed in one order, by id."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("resolutions", "0011_curator_review_notes"),
    ]

    operations = [
        migrations.AlterModelOptions(name="reference", options={"ordering": ["paragraph", "start", "pk"]}),
    ]
