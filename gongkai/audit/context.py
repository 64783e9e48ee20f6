"""Where an audited action came from: the client address of the current request, if any.

The middleware sets it for the length of a request; services read it when they write an event, so that
the address is recorded without every service signature carrying the request.
"""

import contextvars

_client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_client_address", default=None)


def current_client_address() -> str | None:
    return _client_address.get()


def set_client_address(address: str | None) -> contextvars.Token:
    return _client_address.set(address)


def reset_client_address(token: contextvars.Token) -> None:
    _client_address.reset(token)
