"""A confirmed preview records the batch that applied it, so it can be confirmed only once."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0005_importbatch_created_refs")]

    operations = [
        migrations.AddField(
            model_name="importbatch",
            name="confirmed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="core.importbatch",
                verbose_name="applied by import",
            ),
        ),
    ]
