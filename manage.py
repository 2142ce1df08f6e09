#!/usr/bin/env python
"""Django's command-line utility; `daicho` (daicho.cli) is the same with a nicer name."""

from daicho.cli import main

if __name__ == "__main__":
    main()
