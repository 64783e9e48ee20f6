"""The catalogue's portal section, dashboard panels and back-office menu links (registered at start-up)."""


def register() -> None:
    return None
