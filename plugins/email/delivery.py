"""``convene_deliver_notification``: each notification becomes a mail, sent by the worker.

Runs as the outbox's ``notification`` job, so a failure that may pass (4xx, timeout,
connection refused or closed mid-message) is raised and the outbox tries again with
back-off: a server that is down delays mail, it never loses it. A permanent refusal
(5xx on the recipient or the message, or an address we will not write into a header)
is recorded in ``email_refusals`` in the job's transaction and the job ends: sending
again could not help, and a dead outbox row would read as the instance's own failure.

An address whose server refused it as a recipient (a hard bounce) gets no more news
(mail with an unsubscribe link); account mails still go, since the person may have
fixed their mailbox and asked for a password reset, and a mail accepted for an address
clears its bounces.
"""

from __future__ import annotations

import logging

from sqlalchemy import delete, select

from core.context import Ctx
from core.notifications import Notification
from plugins.email import share
from plugins.email.addresses import InvalidAddress, single_address
from plugins.email.mailer import mailer
from plugins.email.models import EmailRefusal
from plugins.email.smtp import RECIPIENT_STAGE, MailRefused

log = logging.getLogger("convene.email")


async def deliver(ctx: Ctx, notification: Notification) -> bool:
    """Send ``notification``; True once the mail is accepted or its refusal recorded (it is handled)."""
    try:
        address = single_address(notification.to_email)
    except InvalidAddress as exc:
        await _record(ctx, notification, "address", 0, str(exc))
        return True
    if notification.kind == share.KIND and await share.opted_out(ctx, address):
        log.info("shared event to %r not sent: the address stopped them", notification.to_email)
        return True
    bounced = await _bounced(ctx, notification.to_email)
    if bounced and notification.unsubscribe_url:
        log.info("mail %s to %r not sent: the address bounced", notification.kind, notification.to_email)
        return True
    mail = mailer(ctx.runtime)
    try:
        await mail.send(mail.compose(notification, address), address)
    except MailRefused as exc:
        await _record(ctx, notification, exc.stage, exc.code, exc.reply)
        return True
    if bounced:  # only then: most mails go to addresses that never bounced, and their job then writes nothing
        await ctx.session.execute(delete(EmailRefusal).where(EmailRefusal.to_email == notification.to_email,
                                                              EmailRefusal.stage == RECIPIENT_STAGE))
    return True


async def _bounced(ctx: Ctx, to_email: str) -> bool:
    found = await ctx.session.scalar(select(EmailRefusal.id).where(
        EmailRefusal.to_email == to_email, EmailRefusal.stage == RECIPIENT_STAGE).limit(1))
    return found is not None


async def _record(ctx: Ctx, notification: Notification, stage: str, code: int, reply: str) -> None:
    log.warning("mail %s to %r refused for good at %s: %s %s", notification.kind, notification.to_email, stage, code, reply)
    ctx.session.add(EmailRefusal(to_email=notification.to_email[:320], kind=notification.kind[:50], stage=stage,
                                 code=code, reply=reply[:2000]))
    await ctx.session.flush()
