"""The answer a decision hook gives, and the error that carries a refusal to the user."""

from __future__ import annotations

import msgspec


class Decision(msgspec.Struct, frozen=True):
    allowed: bool
    reason: str = ""

    @classmethod
    def allow(cls) -> "Decision":
        return cls(True)

    @classmethod
    def deny(cls, reason: str) -> "Decision":
        return cls(False, reason)
