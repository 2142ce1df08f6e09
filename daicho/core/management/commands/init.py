"""`daicho init`: create the schema, the organisation and its first administrator."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from daicho.core import seeds, services
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand
from daicho.core.models import Organisation, Role, User

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Create the database schema, an organisation and its administrator (prints the password). "
        "The first administrator of a server administers every organisation on it; run it again "
        "with another organisation (a municipality) to add it with an administrator of its own."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--org-name", required=True, help="name of the organisation, e.g. 岡山県"
        )
        parser.add_argument("--org-code", default="", help="全国地方公共団体コード, e.g. 330001")
        parser.add_argument("--admin", required=True, help="user name of the administrator")
        parser.add_argument("--password", default=None, help="(default: generated and printed)")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if User.objects.filter(username=options["admin"]).exists():
            raise CommandError(_("User %(name)s already exists.") % {"name": options["admin"]})
        with transaction.atomic():
            # The server's first administrator runs it for every organisation it will hold; an
            # organisation added later (a municipality on the prefecture's server) gets an
            # administrator of its own ledger only: the IT policy role there, nothing more.
            first = not Organisation.objects.exists()
            organisation = Organisation.objects.filter(name=options["org_name"]).first()
            if organisation is None:
                organisation = services.object_create(
                    obj=Organisation(name=options["org_name"], code=options["org_code"])
                )
            # No placeholder unit: the organisation's own unit list (or its system ledger)
            # brings the IT policy division with its real place in the tree; the administrator
            # holds the role organisation-wide until then.
            user, password = services.user_create(
                username=options["admin"], password=options["password"], is_superuser=first
            )
            services.membership_grant(
                user=user, organisation=organisation, role=Role.IT_POLICY, unit=None
            )
            seeded = seeds.seed_organisation(organisation)
        self.stdout.write(_("Organisation: %(name)s") % {"name": organisation.name})
        if first:
            self.stdout.write(
                _("Administrator: %(user)s (of the server: every organisation)")
                % {"user": user.username}
            )
        else:
            self.stdout.write(
                _("Administrator: %(user)s (IT policy division of %(org)s only)")
                % {"user": user.username, "org": organisation.name}
            )
        for seed, added in seeded:
            self.stdout.write(
                _("%(what)s: %(count)d added") % {"what": seed.label, "count": len(added)}
            )
        self.stdout.write(_("Password (shown once): %(password)s") % {"password": password})
