"""`daicho serve`: the production web server (waitress) with static files served by the app."""

from __future__ import annotations

from django.core.management import call_command
from django.utils.translation import gettext as _

from daicho.core.management.base import DaichoCommand


class Command(DaichoCommand):
    help = "Serve Daicho on http://127.0.0.1:8000 (production server; no internet needed)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        call_command("collectstatic", interactive=False, verbosity=0)
        from daicho.wsgi import application  # after collectstatic: WhiteNoise indexes at start

        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(_("Daicho is serving on %(url)s (Ctrl+C to stop)") % {"url": url})
        self.stdout.flush()
        serve(
            application,
            host=options["host"],
            port=options["port"],
            threads=options["threads"],
            ident="daicho",
        )
