"""Reports from other instances: an ActivityPub ``Flag`` received becomes a report in our queue.

Registered with federation through its own hook (``federation_activitypub_activity_handlers``,
optional, so moderation runs where federation is off) and never importing it: the
things a Flag names are found through ``moderation_resolve_target``, which federation
answers from its ids and stored copies.

Both shapes in use are read: Mastodon's (``object``: the reported account, then its
statuses) and Mobilizon's (the reported actor, its comments, the event), sent by the
instance actor or anyone else: the reporter is never known, only the sender's domain
(``origin_domain``). The report is about the most precise thing named (a comment, else
an event, else the actor); the other things named, but its author, are listed after the
sender's words.
The Flag's id is kept (``remote_activity_id``): the same Flag twice is filed once. A
Flag naming nothing known here is refused, and not retried.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.comments.models import Comment
from core.context import Ctx
from core.events.models import Event
from core.identities.models import Identity
from core.plugins import hookimpl
from core.sanitize import plain_text
from plugins.moderation.filing import Target, file_report, owner_of
from plugins.moderation.models import COMMENT_MAX, Report

# a Flag naming more than this is read up to here: each name costs a lookup
NAMES_READ = 20
PRECISION = (Comment, Event, Identity)


@hookimpl(optionalhook=True)
def federation_activitypub_activity_handlers() -> dict[str, Any]:
    return {"Flag": on_flag}


async def on_flag(ctx: Ctx, activity: dict[str, Any], sender: Any) -> str:
    """File the Flag ``activity`` from ``sender`` (the remote actor acting in ``ctx``) as a report."""
    flag_id = activity["id"]
    if await ctx.session.scalar(select(Report.id).where(Report.remote_activity_id == flag_id)) is not None:
        return f"ignored: Flag {flag_id} was filed already"
    named = [(url, target) for url in _names(activity.get("object")) if (target := await _resolve(ctx, url))]
    if not named:
        return "refused: the Flag names nothing known here"
    named.sort(key=lambda pair: next(i for i, kind in enumerate(PRECISION) if isinstance(pair[1], kind)))
    url, target = named[0]
    owner = owner_of(target)
    # the reported thing's author is named in both shapes: the report says whose it is already
    others = [other for other, thing in named[1:] if not (owner is not None and thing is owner)]
    origin = ctx.viewer.identity.domain if ctx.viewer.identity is not None else ""
    report = await file_report(ctx, target, url, "other", _words(activity.get("content"), others),
                               origin_domain=origin, remote_activity_id=flag_id)
    return f"filed as report {report.id}"


def _names(obj: Any) -> list[str]:
    """The URLs a Flag's ``object`` names (ids as strings, or objects with an ``id``), each once."""
    items = obj if isinstance(obj, list) else [obj]
    urls = [item.get("id") if isinstance(item, dict) else item for item in items[:NAMES_READ]]
    return list(dict.fromkeys(url for url in urls if isinstance(url, str) and url.startswith(("https://", "http://"))))


async def _resolve(ctx: Ctx, url: str) -> Target | None:
    found = await ctx.call("moderation_resolve_target", url=url)
    return found[0] if found else None


def _words(content: Any, others: list[str]) -> str:
    """The sender's words as plain text, then the other things named, within the report's limit."""
    words = plain_text(content) if isinstance(content, str) else ""
    if others:
        words = "\n\n".join(part for part in (words, "Also named: " + " ".join(others)) if part)
    return words if len(words) <= COMMENT_MAX else words[: COMMENT_MAX - 1] + "…"
