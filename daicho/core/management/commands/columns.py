"""`daicho columns [KIND] [--markdown]`: the columns each import/export kind reads and writes."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from daicho.core.importing import engine
from daicho.core.management.base import DaichoCommand


def markdown() -> str:
    """The README's column reference, generated from the kinds so it cannot drift."""
    lines = []
    for kind in engine.kinds().values():
        lines.append(f"#### `{kind.name}`")
        lines.append("")
        lines.append("| column | 日本語の見出し | required | exported |")
        lines.append("|---|---|---|---|")
        for f in kind.fields:
            names = ", ".join(f"`{a}`" for a in f.aliases)
            alias = f" (also {names})" if names else ""
            lines.append(
                f"| `{f.name}`{alias} | {f.label} | {'yes' if f.required else ''} | "
                f"{'yes' if f.get else ''} |"
            )
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


class Command(DaichoCommand):
    help = "List the columns of the import/export kinds (canonical name, Japanese header)."

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", help="one kind (default: all)")
        parser.add_argument("--markdown", action="store_true", help="as the README's tables")

    def handle(self, *args, **options):
        kinds = engine.kinds()
        if options["markdown"]:
            self.stdout.write(markdown(), ending="")
            return
        if options["kind"] and options["kind"] not in kinds:
            raise CommandError(
                _("Unknown kind %(kind)s; choose one of: %(kinds)s")
                % {"kind": options["kind"], "kinds": ", ".join(kinds)}
            )
        for kind in kinds.values():
            if options["kind"] and kind.name != options["kind"]:
                continue
            self.stdout.write(f"{kind.name}:")
            for f in kind.fields:
                required = " *" if f.required else ""
                self.stdout.write(f"  {f.name:<28} {f.label}{required}")
