"""Consultations are unique on the natural key their import matches on (date, section,
subject; docs/import-keys.md), so importing the same file twice can never add a copy.

Consultations that already share a key are listed and the migration stops: they are merged or
told apart by hand (their subjects), not silently changed."""

from django.core.management.base import CommandError
from django.db import migrations, models
from django.db.models import Count


def refuse_duplicates(apps, schema_editor):
    Consultation = apps.get_model("governance", "Consultation")
    fields = ("organisation__code", "consulted_on", "unit__code", "subject")
    found = [
        f"{' '.join(str(row[f]) for f in fields)} ×{row['n']}"
        for row in Consultation.objects.values(*fields)
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by()[:20]
    ]
    if found:
        raise CommandError(
            "These consultations share date, section and subject, which are now unique; merge "
            "them or tell their subjects apart, then migrate again:\n  " + "\n  ".join(found)
        )


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_notification_preferences")]

    operations = [
        migrations.RunPython(refuse_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="consultation",
            constraint=models.UniqueConstraint(
                fields=("organisation", "consulted_on", "unit", "subject"),
                name="governance_consultation_unique",
                violation_error_message=(
                    "A consultation of this section with this subject is recorded on this day."
                ),
            ),
        ),
    ]
