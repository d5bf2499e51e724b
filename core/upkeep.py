"""The core's own periodic work, run like any plugin's (core.periodic)."""

from __future__ import annotations

import logging
from datetime import timedelta

from core.accounts.service import purge_unconfirmed
from core.context import Ctx
from core.db.engine import refresh_statistics
from core.notifications.event_changes import send_due_notices
from core.notifications.join_digest import send_digests
from core.notifications.reminders import send_reminders
from core.periodic import PeriodicTask
from core.ratelimit import forget_old_windows

log = logging.getLogger("convene")


async def _purge_unconfirmed(ctx: Ctx) -> None:
    """Accounts never confirmed within ``registrations.unconfirmed_ttl_hours`` go, with their identities."""
    count = await purge_unconfirmed(ctx)
    if count:
        log.info("purged %d unconfirmed accounts", count)


async def _refresh_statistics(ctx: Ctx) -> None:
    await refresh_statistics(ctx.session)


CORE_TASKS = [
    PeriodicTask("core.purge_unconfirmed_accounts", timedelta(hours=1), _purge_unconfirmed),
    PeriodicTask("core.forget_old_rate_windows", timedelta(hours=1), forget_old_windows),
    PeriodicTask("core.refresh_statistics", timedelta(hours=1), _refresh_statistics),
    PeriodicTask("core.join_request_digest", timedelta(hours=1), send_digests),
    PeriodicTask("core.event_change_notices", timedelta(minutes=1), send_due_notices),
    PeriodicTask("core.event_reminders", timedelta(minutes=5), send_reminders),
]
