"""Restore tests, outages and drills are unique on the natural key their imports match on
(docs/import-keys.md), so importing the same file twice can never add a copy.

Records that already share a key are listed and the migration stops: they are merged or told
apart by hand (e.g. one drill's title), not silently changed."""

from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    checks = [
        ("RestoreTest", ("system__code", "tested_on")),
        ("Outage", ("system__code", "started_at")),
        ("Drill", ("organisation__code", "held_on", "title")),
    ]
    found = []
    for model_name, fields in checks:
        model = apps.get_model("continuity", model_name)
        for row in (
            model.objects.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).order_by()[:20]
        ):
            found.append(f"{model_name} {' '.join(str(row[f]) for f in fields)} ×{row['n']}")
    if found:
        raise CommandError(
            "These records share the key that is now unique; merge them or tell them apart, "
            "then migrate again:\n  " + "\n  ".join(found)
        )


class Migration(migrations.Migration):
    dependencies = [("continuity", "0001_schemes_backups_bcp_drills_outages")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        # The unique constraints below index (system, date) themselves.
        migrations.RemoveIndex(model_name="outage", name="continuity__system__16a348_idx"),
        migrations.RemoveIndex(model_name="restoretest", name="continuity__system__9125bd_idx"),
        migrations.AddConstraint(
            model_name="drill",
            constraint=models.UniqueConstraint(
                fields=("organisation", "held_on", "title"),
                name="continuity_drill_unique",
                violation_error_message="A drill with this title is recorded on this day.",
            ),
        ),
        migrations.AddConstraint(
            model_name="outage",
            constraint=models.UniqueConstraint(
                fields=("system", "started_at"),
                name="continuity_outage_unique",
                violation_error_message="An outage of this system starting then is recorded.",
            ),
        ),
        migrations.AddConstraint(
            model_name="restoretest",
            constraint=models.UniqueConstraint(
                fields=("system", "tested_on"),
                name="continuity_restoretest_unique",
                violation_error_message="A restore test of this system on this day is recorded.",
            ),
        ),
    ]
