"""Domain errors raised by services; the web and API layers turn them into answers.

Services raise these before writing anything, or the request's transaction is rolled
back, so a refused action never leaves half-written state.
"""

from __future__ import annotations

import re

from core.i18n import N_

_AT_PATH = re.compile(r" - at `\$\.?([^`]*)`$")
_NAMED = re.compile(r"(missing required|contains unknown) field `([^`]+)`")
# msgspec's words when a form part cannot become the field's type: a text part where an
# upload takes a file (JSON bodies say "Expected `int`, got `str`" instead)
_NOT_A_FILE = "Unsupported type: <class 'str'>"


def field_of_message(message: str, default: str = "body") -> tuple[str, str]:
    """Split a msgspec validation message into (field, text): ``Expected int - at `$.max` `` -> ("max", ...)."""
    field = default
    match = _AT_PATH.search(message)
    if match:
        field = re.sub(r"\[\d+\]", "", match.group(1)) or default
        message = message[: match.start()]
    named = _NAMED.search(message)
    if named:
        field = f"{field}.{named.group(2)}" if match and field != default else named.group(2)
        message = N_("this field is required") if named.group(1) == "missing required" else N_("unknown field")
    elif message == _NOT_A_FILE:
        message = N_("expected a file")
    return field, message


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def headers(self) -> dict[str, str]:
        """Headers the answer carries besides its status and message."""
        return {}


class InvalidInput(DomainError):
    """One or more fields are wrong; ``errors`` maps each field name to its message."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def field(cls, name: str, message: str) -> InvalidInput:
        return cls({name: message})


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Conflict(DomainError):
    """The request is valid but the current state refuses it (joined twice, event full...)."""

    status_code = 409


class NotAuthenticated(DomainError):
    status_code = 401


class TooManyRequests(DomainError):
    """A rate limit refuses; ``retry_after`` says in how many seconds its window ends."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}
