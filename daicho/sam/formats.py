"""Formats the `installations` kind reads besides tables: dpkg-query output and SWID tags."""

from __future__ import annotations

from daicho.core.importing.readers import open_table


def open_installations(source, *, name=None, sheet=None, encoding=None):
    """A reader of installation rows from a table (CSV, TSV, UTF-16 text, XLSX)."""
    return open_table(source, name=name, sheet=sheet, encoding=encoding)
