"""The `daicho` console script: every Django management command plus the project's own."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with the CLI audit channel set."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "daicho.settings")
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "daicho"
    if len(argv) == 1:
        argv.append("help")
    from django.core.management import execute_from_command_line

    from daicho.core.audit import Channel, audit_context

    try:
        with audit_context(actor=None, channel=Channel.CLI):
            execute_from_command_line(argv)
    except BrokenPipeError:  # `daicho kpi | head`: the reader stopped listening, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":
    main()
