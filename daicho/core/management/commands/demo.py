"""`daicho demo`: load the demo organisation (idempotent) and print how to log in."""

from __future__ import annotations

from django.core.management import call_command
from django.db import connection, transaction

from daicho.core import demo
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = "Load the demo organisation (岡山県) with its systems, costs and one user per role."

    def add_arguments(self, parser):
        parser.add_argument("--no-migrate", action="store_true", help="do not migrate first")

    def handle(self, *args, **options):
        if not options["no_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        with transaction.atomic():
            for loader in demo.loaders():
                loader.load(stdout=self.stdout)
        # Fresh statistics for the query planner after the bulk load, rather than whenever
        # PostgreSQL's autovacuum gets to it (SQLite has none until ANALYZE either).
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The ledger's tables by name: a bare ANALYZE also takes the cluster's shared
                # catalogues, and waits there for other databases' sessions (a minute seen).
                tables = connection.introspection.django_table_names(only_existing=True)
                cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
            else:
                cursor.execute("ANALYZE")
