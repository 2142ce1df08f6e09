"""`daicho user add USERNAME --role ROLE [--unit UNIT]`: add a person with a role."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from daicho.core import services
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand, organisation_from
from daicho.core.models import OrgUnit, Role, User

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"add": OPERATOR, "list": OPERATOR, "unlock": OPERATOR}


class Command(DaichoCommand):
    help = (
        "Manage users: `user add NAME --role ROLE [--unit CODE_OR_NAME]`, `user list`, "
        "`user unlock NAME` (after too many wrong passwords)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create a user (or give an existing one another role)")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=Role.values)
        add.add_argument("--unit", help="unit code or name (needed for owner and sam_officer)")
        add.add_argument("--org", help="organisation code or name (default: the only one)")
        add.add_argument("--password", help="(default: generated and printed)")
        add.add_argument("--email", default="")
        sub.add_parser("list", help="list users and their roles")
        unlock = sub.add_parser("unlock", help="lift a sign-in lock (too many wrong passwords)")
        unlock.add_argument("username")

    def handle(self, *args, **options):
        if options["action"] == "unlock":
            from axes.utils import reset

            if not User.objects.filter(username=options["username"]).exists():
                raise CommandError(_("No user %(name)s.") % {"name": options["username"]})
            reset(username=options["username"])
            self.stdout.write(_("Sign-in of %(user)s unlocked.") % {"user": options["username"]})
            return
        if options["action"] == "list":
            # role@organisation code/unit code ("-": the whole organisation); * a site administrator
            users = User.objects.prefetch_related("memberships__unit", "memberships__organisation")
            for user in users.order_by("username"):
                roles = ", ".join(
                    f"{m.role}@{m.organisation.code or m.organisation.name}/"
                    f"{m.unit.code if m.unit else '-'}"
                    for m in user.memberships.all()
                )
                self.stdout.write(f"{user.username}{' *' if user.is_superuser else ''}\t{roles}")
            return
        organisation = organisation_from(options["org"])
        unit = self._unit(organisation, options["unit"]) if options["unit"] else None
        with transaction.atomic():
            user = User.objects.filter(username=options["username"]).first()
            password = None
            if user is None:
                user, password = services.user_create(
                    username=options["username"],
                    password=options["password"],
                    email=options["email"],
                )
            services.membership_grant(
                user=user, organisation=organisation, role=options["role"], unit=unit
            )
        self.stdout.write(
            _("User %(user)s: %(role)s in %(where)s")
            % {"user": user.username, "role": options["role"], "where": unit or organisation}
        )
        if password:
            self.stdout.write(_("Password (shown once): %(password)s") % {"password": password})

    def _unit(self, organisation, key):
        units = list(
            OrgUnit.objects.filter(organisation=organisation).filter(Q(code=key) | Q(name=key))[:2]
        )
        if len(units) != 1:
            raise CommandError(_("No single unit with code or name %(unit)s.") % {"unit": key})
        return units[0]
