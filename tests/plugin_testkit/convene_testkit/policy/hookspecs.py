"""The policy plugin's own hook, added with ``convene_addhooks`` so other plugins extend it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from core.context import Ctx

hookspec = pluggy.HookspecMarker("convene")


@hookspec
def testkit_policy_banned_words(ctx: Ctx) -> list[str]:
    """Words to refuse and hide besides the configured ones (synchronous: asked on every listing)."""
