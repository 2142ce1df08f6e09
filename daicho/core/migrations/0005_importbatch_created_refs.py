"""Import batches list what they created per reference kind ({kind: [names]}), not only units."""

from django.db import migrations, models


def units_to_references(apps, schema_editor):
    ImportBatch = apps.get_model("core", "ImportBatch")
    for batch in ImportBatch.objects.exclude(created_refs=[]).iterator():
        if isinstance(batch.created_refs, list):
            batch.created_refs = {"units": batch.created_refs} if batch.created_refs else {}
            batch.save(update_fields=["created_refs"])


class Migration(migrations.Migration):
    dependencies = [("core", "0004_saved_view_versions")]

    operations = [
        migrations.RenameField("importbatch", "units_created", "created_refs"),
        migrations.AlterField(
            model_name="importbatch",
            name="created_refs",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(units_to_references, migrations.RunPython.noop),
        migrations.AddField(
            model_name="importbatch",
            name="notes",
            field=models.JSONField(blank=True, default=list),
        ),
    ]
