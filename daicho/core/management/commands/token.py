"""`daicho token create USERNAME`: an API token, printed once as the last line."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from daicho.core import services
from daicho.core.management.base import DaichoCommand
from daicho.core.models import ApiToken, User


class Command(DaichoCommand):
    help = "API tokens: `token create USER [--days N]`, `token list`, `token revoke PREFIX`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token; the token is the last line printed")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument("--days", type=int, default=None, help="expires after N days")
        sub.add_parser("list", help="list tokens (prefixes only)")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        if options["action"] == "list":
            for t in ApiToken.objects.select_related("user").order_by("created_at"):
                self.stdout.write(
                    f"{t.prefix}\t{t.user.username}\t{t.name}\t"
                    f"{t.expires_at or '-'}\t{t.last_used_at or '-'}"
                )
            return
        if options["action"] == "revoke":
            deleted, _rows = ApiToken.objects.filter(prefix=options["prefix"]).delete()
            if not deleted:
                raise CommandError(_("No token with prefix %(p)s.") % {"p": options["prefix"]})
            self.stdout.write(_("Revoked."))
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": options["username"]})
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] else None
        _token, key = services.token_create(user=user, name=options["name"], expires_at=expires)
        self.stdout.write(key)
