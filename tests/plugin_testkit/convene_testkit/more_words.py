"""testkit_more_words: adds banned words to the policy plugin's list, through the policy's own hook.

It marks the hook ``optionalhook``: the hook exists only while testkit_policy is
enabled, and this plugin must still start without it (then it does nothing).
"""

from __future__ import annotations

from core.context import Ctx
from core.plugins import hookimpl

WORDS = ["durian"]


@hookimpl(optionalhook=True)
def testkit_policy_banned_words(ctx: Ctx) -> list[str]:
    return WORDS
