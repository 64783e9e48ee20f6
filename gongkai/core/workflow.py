"""One transition check and one move for every workflow status in the platform.

A workflow's statuses are a `TextChoices`; its allowed moves are a `Transitions` table declared next to it
(house style: "a workflow status is a TextChoices with an explicit table of allowed transitions next to it").
Services move objects with `move(...)`, which checks the table, raises `IllegalTransition` with a message a clerk
understands, and writes the change and its audit event through `audit.services.audited_update`.

`core` sits below `audit` and imports nothing of ours, so the audit app hands its writer to this module from its
`AppConfig.ready()` (`set_audited_update`), the same way apps fill the registries in `core.registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from gongkai.core.errors import IllegalTransition

_audited_update: Callable[..., Any] | None = None
_OBJECTS_AGENCY: Any = object()


def set_audited_update(writer: Callable[..., Any]) -> None:
    """Called once by the audit app: the function that saves a change and records its audit event."""
    global _audited_update
    _audited_update = writer


class Transitions:
    """The allowed moves of one workflow: `{from_status: {to_status, ...}}`, with the statuses' labels."""

    def __init__(
        self,
        table: Mapping[str, Iterable[str]],
        choices: type[models.TextChoices],
        *,
        describe: Callable[[Any], str] | None = None,
    ) -> None:
        self.table: dict[str, frozenset[str]] = {str(k): frozenset(str(t) for t in v) for k, v in table.items()}
        self.choices = choices
        self.describe = describe or str
        unknown = set(self.table) | {t for ts in self.table.values() for t in ts}
        unknown -= set(choices.values)
        if unknown:
            raise ValueError(f"unknown statuses in the transition table: {sorted(unknown)}")

    def __getitem__(self, status: str) -> frozenset[str]:
        return self.table.get(str(status), frozenset())

    def __contains__(self, status: object) -> bool:
        return str(status) in self.table

    def get(self, status: str, default: Any = None) -> Any:
        return self.table.get(str(status), default)

    def items(self):
        return self.table.items()

    def allows(self, current: str, target: str) -> bool:
        return str(target) in self[current]

    def label(self, status: str) -> str:
        try:
            return str(self.choices(status).label)
        except ValueError:
            return str(status)

    def check(self, obj: Any, target: str, *, field: str = "status") -> None:
        """Raise `IllegalTransition` naming the object and both statuses when the table forbids the move."""
        current = getattr(obj, field)
        if not self.allows(current, target):
            raise IllegalTransition(
                _("“%(obj)s”不能从“%(a)s”变为“%(b)s”。")
                % {"obj": self.describe(obj), "a": self.label(current), "b": self.label(target)}
            )


def move(
    obj: models.Model,
    to: str,
    *,
    transitions: Transitions,
    actor: Any,
    verb: str,
    field: str = "status",
    also: Mapping[str, Any] | None = None,
    agency: Any = _OBJECTS_AGENCY,
    note: str = "",
    validate: bool = False,
) -> models.Model:
    """Check the move against the table, then set the status (and `also`) and audit it in one step.

    Call it inside the service's transaction. The audit event is written even when only the status changes.
    """
    if _audited_update is None:
        raise RuntimeError("gongkai.audit is not installed: no audited_update to record the move")
    transitions.check(obj, to, field=field)
    # Without `agency`, the event is filed under the object's own agency (audited_update's default).
    where = {} if agency is _OBJECTS_AGENCY else {"agency": agency}
    _audited_update(
        obj,
        actor=actor,
        verb=verb,
        changes={field: to, **(also or {})},
        note=note,
        validate=validate,
        always=True,
        **where,
    )
    return obj
