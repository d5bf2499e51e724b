"""Share by email: a member sends a public or unlisted event's link to addresses they type.

Built so that it cannot be used to spam or to reach someone with arbitrary words:

- the mail is a fixed text (who shared, the event's title, date, place and link), written
  in the sender's page language; nothing the sender types goes into it but addresses;
- a few addresses per send, and a ceiling of addresses an hour per identity and per
  account (``[plugins.email]`` share_* keys), counted in core.ratelimit; a refusal says
  when to try again;
- every address is checked as one plain address (no CR/LF, one address per field) before
  anything is sent: one bad address refuses the whole send, naming it;
- each mail carries a link (its ``unsubscribe_url``: the footer and List-Unsubscribe) with
  which its recipient stops every shared event from this instance to their address
  (``ShareOptOut``); the sender is never told that an address opted out, the answer is the same;
- the sender shows as the identity they chose; their account's address appears nowhere.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from sqlalchemy import select

from core.accounts.models import Account
from core.comments.news import fediverse_handle
from core.context import Ctx
from core.db.insert_new import insert_new
from core.errors import InvalidInput, NotFound
from core.events.listing import visible_event
from core.events.models import Event
from core.i18n import N_, Message
from core.identities.models import Identity
from core.notifications import Notification, notify
from core.ratelimit import HOUR, limit_amount
from core.settings import Settings
from core.web.templating import local_moment
from plugins.email.addresses import InvalidAddress, single_address
from plugins.email.config import EmailConfig
from plugins.email.mailer import PLUGIN_NAME, mailer
from plugins.email.models import ShareOptOut

KIND = "share_event"
SHAREABLE = ("public", "unlisted")
OPT_OUT_PATH = "/mail/stop-shared-events/"

SUBJECT = N_("%(name)s (@%(username)s) shared an event with you")
TEXT = N_("%(name)s (%(handle)s) shared an event with you on %(instance)s: %(title)s, %(date)s.")
PLACE = N_("Where: %(place)s.")
ONLINE = N_("It takes place online.")
STOP = N_("You received this because someone typed your address. The link at the end of this message stops "
          "every event shared through %(instance)s.")
LINE_BREAK = N_("%(address)s: a line break or a control character has no place in an address")
NOT_ONE_ADDRESS = N_("%(address)s: must be exactly one plain address, like name@example.org")
REFUSAL = N_("you shared with too many addresses in the last hour; try again later")


def shareable_event(event: Event) -> bool:
    return event.visibility in SHAREABLE and not event.draft and event.held_at is None


async def event_to_share(ctx: Ctx, uuid: str) -> Event:
    """The event if the viewer may see it and it may be shared; otherwise the 404 of an unknown event."""
    event = await visible_event(ctx, uuid)
    if not shareable_event(event):
        raise NotFound("no such event")
    return event


def checked_addresses(config: EmailConfig, typed: list[str]) -> list[str]:
    """The addresses, each one plain address, without repeats; a refusal names the first that is not."""
    wanted = [value for value in (v.strip() for v in typed) if value]
    if not wanted:
        raise InvalidInput.field("addresses", "this field is required")
    found: dict[str, str] = {}
    for value in wanted:
        try:
            address = single_address(value)
        except InvalidAddress:
            shown = "".join(c if c.isprintable() else " " for c in value)[:320]
            reason = LINE_BREAK if shown != value else NOT_ONE_ADDRESS
            raise InvalidInput.field("addresses", Message(reason, address=shown)) from None
        found.setdefault(address.lower(), address)
    if len(found) > config.share_max_addresses:
        raise InvalidInput.field("addresses", Message("at most %(count)s addresses at a time",
                                                      count=config.share_max_addresses))
    return list(found.values())


async def share_event(ctx: Ctx, account: Account, sender: Identity, event: Event, typed: list[str],
                      locale: str) -> int:
    """Mail ``event``'s link from ``sender`` (one of ``account``'s identities) to the ``typed`` addresses;
    the number of addresses, counting those that stopped shared events (the sender is not told of them:
    they are left out when the worker sends, which also stops a mail queued before the click)."""
    config: EmailConfig = ctx.runtime.config(PLUGIN_NAME)
    addresses = checked_addresses(config, typed)
    await limit_amount(ctx, [(f"share:identity:{sender.id}", config.share_addresses_per_identity_per_hour),
                             (f"share:account:{account.id}", config.share_addresses_per_account_per_hour)],
                       len(addresses), HOUR, REFUSAL)
    subject, text = written(ctx, sender, event, locale)
    stop = mailer(ctx.runtime).catalogue(locale).gettext(STOP) % {"instance": ctx.settings.instance.name}
    for address in addresses:  # an address that stopped shared events is left out when sending (opted_out)
        await notify(ctx.session, Notification(
            kind=KIND, to_email=address, subject=subject, text=f"{text}\n\n{stop}",
            link=ctx.settings.url(f"/events/{event.uuid}"), locale=locale,
            unsubscribe_url=opt_out_url(ctx.settings, address)))
    return len(addresses)


def written(ctx: Ctx, sender: Identity, event: Event, locale: str) -> tuple[str, str]:
    """The fixed subject and text in ``locale``: only the sender's names and the event's own details."""
    gettext = mailer(ctx.runtime).catalogue(locale).gettext
    values = {"name": sender.name, "username": sender.username, "handle": fediverse_handle(ctx.settings, sender),
              "instance": ctx.settings.instance.name, "title": event.title,
              "date": f"{local_moment(event.begins_at, event.timezone, locale, 'full')} ({event.timezone})"}
    text = gettext(TEXT) % values
    place = ", ".join(part for part in (event.address_name, event.address_street,
                                        " ".join(p for p in (event.address_postal_code, event.address_locality) if p),
                                        event.address_country) if part)
    if place:
        text = f"{text} {gettext(PLACE) % {'place': place}}"
    elif event.online_url:
        text = f"{text} {gettext(ONLINE)}"
    return gettext(SUBJECT) % values, text


def address_hash(address: str) -> str:
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


def opt_out_url(settings: Settings, address: str) -> str:
    """A link that stops shared events to ``address``: it carries the address's hash, signed, never the address."""
    body = address_hash(address)
    token = base64.urlsafe_b64encode(f"{body}.{_signature(settings, body)}".encode()).decode().rstrip("=")
    return settings.url(OPT_OUT_PATH + token)


def read_opt_out_token(settings: Settings, token: str) -> str | None:
    """The address hash an ``opt_out_url`` link names, or None when the link is not ours."""
    try:
        body, signature = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode().split(".", 1)
    except (ValueError, UnicodeDecodeError):
        return None
    return body if hmac.compare_digest(signature, _signature(settings, body)) else None


async def opted_out(ctx: Ctx, address: str) -> bool:
    found = await ctx.session.scalar(select(ShareOptOut.address_hash).where(
        ShareOptOut.address_hash == address_hash(address)))
    return found is not None


async def opt_out(ctx: Ctx, hashed: str) -> None:
    """Stop every shared event to the address of ``hashed`` (a second click changes nothing)."""
    await insert_new(ctx.session, ShareOptOut.address_hash, {"address_hash": hashed})


def _signature(settings: Settings, body: str) -> str:
    key = hashlib.sha256(("share-opt-out:" + settings.secret_key).encode()).digest()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]
