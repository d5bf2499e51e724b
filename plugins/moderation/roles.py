"""Who moderates here: accounts whose role is ``moderator`` or ``administrator``.

Moderators work the queue and act on content and people; only administrators change
the instance's rules and documents. The core knows the roles (``Account.role``) but
grants no power from them: this plugin does, through ``convene_can_moderate``.
"""

from __future__ import annotations

from core.context import Ctx
from core.errors import Forbidden
from core.i18n import N_
from core.viewer import Viewer

STAFF_ROLES = ("moderator", "administrator")


def is_staff(viewer: Viewer) -> bool:
    return viewer.role in STAFF_ROLES


def is_admin(viewer: Viewer) -> bool:
    return viewer.role == "administrator"


def require_staff(ctx: Ctx) -> None:
    """Refuse (403) anyone but moderators and administrators: members never see the queue."""
    if not is_staff(ctx.viewer):
        raise Forbidden(N_("only moderators may do this"))


def require_admin(ctx: Ctx) -> None:
    """Refuse (403) anyone but administrators: moderators apply the rules, they do not write them."""
    if not is_admin(ctx.viewer):
        raise Forbidden(N_("only administrators may do this"))
