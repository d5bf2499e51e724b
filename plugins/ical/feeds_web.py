"""Where people find feeds: "Subscribe" on profiles and the About page, and the private
feeds' section of the settings page with its form (CSRF-checked like every form).

The settings section lists the signed-in account's own feeds only: the account's and
one per identity, each shown to that account alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Response, post

from core.auth import Caller
from core.context import Ctx
from core.errors import InvalidInput
from core.i18n import N_
from core.identities.models import Identity
from core.identities.service import identities_of
from core.web.forms import Form, text
from core.web.render import done
from core.web.slots import Fragment, Slot
from plugins.ical import private_feeds, tokens
from plugins.ical.private_feeds import Addresses, addresses

ALL_IDENTITIES = N_("All my identities")
PROFILE_INTRO = N_("Follow the public events of %(name)s in your calendar or feed reader.")
INSTANCE_INTRO = N_("Follow the public events of %(instance)s in your calendar or feed reader.")


@dataclass(frozen=True)
class FeedRow:
    label: str
    username: str  # "" for the account's feed
    addresses: Addresses | None


async def profile_subscribe(ctx: Ctx, slot: Slot, identity: Identity) -> Fragment | None:
    if not identity.is_local:
        return None
    intro = slot.translate(PROFILE_INTRO) % {"name": identity.name}
    return Fragment(slot.render("ical/subscribe.html", heading_id="ical-subscribe", intro=intro,
                               addresses=addresses(ctx.settings, f"/@{identity.username}/feed")))


async def about_subscribe(ctx: Ctx, slot: Slot) -> Fragment:
    intro = slot.translate(INSTANCE_INTRO) % {"instance": ctx.settings.instance.name}
    return Fragment(slot.render("ical/subscribe.html", heading_id="ical-subscribe", intro=intro,
                               addresses=addresses(ctx.settings, "/feed/instance")))


async def settings_section(ctx: Ctx, slot: Slot) -> Fragment | None:
    account = ctx.viewer.account
    if account is None:
        return None
    feeds = {feed.token.identity_id: feed for feed in await tokens.feeds_of(ctx, account)}

    def shown(identity_id: int | None) -> Addresses | None:
        feed = feeds.get(identity_id)
        return private_feeds.private_addresses(ctx.settings, feed) if feed else None

    rows = [FeedRow(slot.translate(ALL_IDENTITIES), "", shown(None))]
    rows += [FeedRow(f"{i.name} (@{i.username})", i.username, shown(i.id)) for i in await identities_of(ctx, account)]
    return Fragment(slot.render("ical/feeds_settings.html", rows=rows), shared=False)


@post("/settings/calendar-feeds", include_in_schema=False)
async def change_feed(ctx: Ctx, web: Caller, data: Form) -> Response:
    """Make a new address for a feed, or stop it; then back to the settings."""
    account = web.require_account()
    action, username = text(data, "action"), text(data, "identity") or None
    if action == "renew":
        await private_feeds.renew(ctx, account, username)
        return done("/settings#calendar-feeds", "calendar-feed-renewed")
    if action == "revoke":
        await private_feeds.revoke(ctx, account, username)
        return done("/settings#calendar-feeds", "calendar-feed-revoked")
    raise InvalidInput.field("action", "choose renew or revoke")


def feeds_web_handlers() -> list[Any]:
    return [change_feed]
