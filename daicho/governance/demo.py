"""Demo data of the governance area (filled in below)."""


def load(*, stdout=None) -> None:
    return None
