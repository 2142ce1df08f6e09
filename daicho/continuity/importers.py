"""Import (and export) kinds of the continuity area."""


def register_kinds() -> None:
    pass
