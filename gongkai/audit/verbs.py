"""Readable names of audit verbs. Each app registers its verbs when Django starts; the timeline shows them."""

_labels: dict[str, str] = {}


def register_audit_verbs(labels: dict[str, str]) -> None:
    _labels.update(labels)


def audit_verb_label(verb: str) -> str:
    return str(_labels.get(verb, verb))
