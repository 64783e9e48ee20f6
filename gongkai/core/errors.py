"""Errors raised by services; views turn them into messages on the form the user is filling in."""

from django.core.exceptions import PermissionDenied


class IllegalTransition(ValueError):
    """A workflow object was asked to move to a status its transition table does not allow."""


class AccessDenied(PermissionDenied):
    """The acting user may not do this to this object (raised by services as the last line of defence)."""
