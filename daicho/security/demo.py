"""Security data of the demo organisation."""


def load(*, stdout=None) -> None:
    pass
