"""Import batches list what they created per reference kind ({kind: [names]}), not only units."""

from django.db import migrations, models


def units_to_references(apps, schema_editor):
    """Old batches: the list of new units becomes {"units": [...]}, and each kept problem a
    group of one row (batches now keep problems grouped by cause)."""
    ImportBatch = apps.get_model("core", "ImportBatch")
    for batch in ImportBatch.objects.iterator():
        if isinstance(batch.created_refs, list):
            batch.created_refs = {"units": batch.created_refs} if batch.created_refs else {}
        batch.problems = [
            {
                "column": p.get("column", ""),
                "header": p.get("column", ""),
                "message": p.get("message", ""),
                "value": p.get("value", ""),
                "count": 1 if p.get("row") else 0,
                "ranges": [[p["row"], p["row"]]] if p.get("row") else [],
                "rows_text": str(p["row"]) if p.get("row") else "",
            }
            for p in batch.problems or []
            if "count" not in p
        ] or batch.problems
        batch.save(update_fields=["created_refs", "problems"])


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
