"""Import (and export) kinds of the security area."""


def register_kinds() -> None:
    pass
