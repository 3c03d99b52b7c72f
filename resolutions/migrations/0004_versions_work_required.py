"""Every resolution belongs to a work (0003 created them). A migration of its own: on PostgreSQL a table cannot be
altered in the transaction that just updated its rows (deferred foreign-key checks are pending)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('resolutions', '0003_versions_work'),
    ]

    operations = [
        migrations.AlterField(
            model_name='resolution',
            name='work',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='versions', to='resolutions.work'),
        ),
    ]
