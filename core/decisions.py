"""What a decision hook answers, and how the answers of every plugin combine.

Every implementation of a decision hook is asked. ``None`` abstains; ``allow`` agrees;
``deny`` refuses and **any deny wins**, so one plugin's "yes" can never silence another's
"no"; ``hold`` keeps the thing for a moderator's review, where the core understands it
(an event or a comment is kept but not shown until released, a new account waits for
approval; docs/hooks.md says which hooks) and counts as a refusal elsewhere. Reasons are
messages in English, translated for the reader through the catalogues (a plugin's own
catalogue included), so write them as ``core.i18n.Message`` or plain msgids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import msgspec

from core.i18n import N_, Reasons

Outcome = Literal["allow", "deny", "hold"]
DEFAULT_REFUSAL = N_("refused by this instance's policy")
DEFAULT_HOLD = N_("kept for review by the moderators")


class Decision(msgspec.Struct, frozen=True):
    """One plugin's answer."""

    outcome: Outcome = "allow"
    reason: str = ""

    @classmethod
    def allow(cls) -> Decision:
        return cls("allow")

    @classmethod
    def deny(cls, reason: str) -> Decision:
        return cls("deny", reason)

    @classmethod
    def hold(cls, reason: str) -> Decision:
        return cls("hold", reason)


@dataclass(frozen=True)
class Verdict:
    """Every plugin's answers to one question, combined: deny wins over hold, hold over allow.

    ``granted`` is true when at least one plugin said ``allow`` and none refused or held:
    hooks that grant a power (``convene_can_moderate``) need a "yes", not mere silence.
    """

    outcome: Outcome
    reasons: tuple[str, ...] = ()
    granted: bool = False

    @classmethod
    def of(cls, decisions: Iterable[Decision | None]) -> Verdict:
        answers = [d for d in decisions if d is not None]
        refusals: tuple[tuple[Outcome, str], ...] = (("deny", DEFAULT_REFUSAL), ("hold", DEFAULT_HOLD))
        for outcome, default in refusals:
            reasons = tuple(d.reason or default for d in answers if d.outcome == outcome)
            if reasons:
                return cls(outcome, tuple(dict.fromkeys(reasons)))
        return cls("allow", granted=any(d.outcome == "allow" for d in answers))

    @property
    def denied(self) -> bool:
        return self.outcome == "deny"

    @property
    def held(self) -> bool:
        return self.outcome == "hold"

    @property
    def reason(self) -> Reasons:
        """The reasons as one message, each translated for the reader where it is shown."""
        return Reasons(self.reasons)
