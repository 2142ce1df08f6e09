"""`daicho token create USERNAME`: an API token, printed once as the last line."""

from __future__ import annotations

import json

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core import services
from daicho.core.access import OPERATOR
from daicho.core.management.base import DaichoCommand
from daicho.core.models import ApiToken, TokenScope, User

# Who may run it (daicho.core.access): the operator at the server only (no `--as`).
ACCESS = {"create": OPERATOR, "list": OPERATOR, "revoke": OPERATOR}


class Command(DaichoCommand):
    help = (
        "API tokens: `token create USER [--scope read|write] [--days N]`, `token list [--json]`, "
        "`token revoke PREFIX`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="create a token; the token is the last line printed")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument(
            "--scope",
            choices=TokenScope.values,
            default=TokenScope.READ,
            help="read (default): GET only; write: may also create, change and delete",
        )
        create.add_argument(
            "--days", type=int, default=None, help="expires after N days (default 90)"
        )
        listing = sub.add_parser("list", help="list tokens (prefixes only) and their use")
        listing.add_argument("--json", action="store_true")
        revoke = sub.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, **options):
        if options["action"] == "list":
            return self._list(options["json"])
        if options["action"] == "revoke":
            if not services.token_revoke(prefix=options["prefix"]):
                raise CommandError(_("No token with prefix %(p)s.") % {"p": options["prefix"]})
            self.stdout.write(_("Revoked."))
            return
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("No user %(name)s.") % {"name": options["username"]})
        if options["days"] is not None and options["days"] < 1:
            raise CommandError(_("--days must be 1 or more."))
        token, key = services.token_create(
            user=user, name=options["name"], days=options["days"], scope=options["scope"]
        )
        self.stderr.write(
            _("Token %(prefix)s for %(user)s: %(scope)s, expires %(expires)s.")
            % {
                "prefix": token.prefix,
                "user": user.username,
                "scope": token.get_scope_display(),
                "expires": f"{token.expires_at:%Y-%m-%d %H:%M}",
            }
        )
        self.stdout.write(key)

    def _list(self, as_json: bool) -> None:
        rows = [
            {
                "prefix": t.prefix,
                "user": t.user.username,
                "name": t.name,
                "scope": t.scope,
                "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "last_used_ip": t.last_used_ip,
                "requests": t.use_count,
            }
            for t in ApiToken.objects.select_related("user").order_by("created_at")
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            self.stdout.write(
                "\t".join(
                    str(v if v is not None else "-")
                    for v in (
                        r["prefix"],
                        r["user"],
                        r["name"],
                        r["scope"],
                        r["expires_at"],
                        r["last_used_at"],
                        r["last_used_ip"],
                        r["requests"],
                    )
                )
            )
