"""Domain errors raised by services; the web and API layers turn them into answers.

Services raise these before writing anything, or the request's transaction is rolled
back, so a refused action never leaves half-written state.
"""

from __future__ import annotations


class DomainError(Exception):
    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """One or more fields are wrong; ``errors`` maps each field name to its message."""

    status_code = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors

    @classmethod
    def field(cls, name: str, message: str) -> "InvalidInput":
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


class Gone(DomainError):
    status_code = 410


class TooManyRequests(DomainError):
    status_code = 429
