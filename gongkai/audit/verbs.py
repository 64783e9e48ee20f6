"""Readable names of audit verbs. Each app registers its verbs when Django starts; the timeline shows them."""

from collections.abc import Mapping

from django.utils.functional import Promise

_labels: dict[str, str | Promise] = {}


def register_audit_verbs(labels: Mapping[str, str | Promise]) -> None:
    _labels.update(labels)


def audit_verb_label(verb: str) -> str:
    return str(_labels.get(verb, verb))


def audit_verbs() -> list[tuple[str, str]]:
    """Every registered verb with its name, ordered by verb (so an app's verbs stand together)."""
    return sorted((verb, str(label)) for verb, label in _labels.items())
