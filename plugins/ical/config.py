"""The calendar plugin's settings: ``[plugins.ical]``.

A bad value stops start-up with a message naming the key. Feeds are what calendar
clients poll every few minutes, so their window and cap bound each answer; imports are
what strangers' servers send us, so their size, count and time are bounded too.
"""

from __future__ import annotations

from typing import Annotated

import msgspec


class IcalConfig(msgspec.Struct, forbid_unknown_fields=True):
    # feeds carry upcoming events and those that ended at most this many days ago
    feed_past_days: Annotated[int, msgspec.Meta(ge=0, le=366)] = 30
    # at most this many events in one feed (the soonest first); the feed says so when it is cut
    feed_max_events: Annotated[int, msgspec.Meta(ge=1, le=20_000)] = 1000
    # how often a feed asks calendar clients to look again (RFC 7986 REFRESH-INTERVAL), in minutes
    feed_refresh_minutes: Annotated[int, msgspec.Meta(ge=5, le=7 * 24 * 60)] = 60
    # recurring events of an imported calendar become their occurrences up to this many days ahead
    import_horizon_days: Annotated[int, msgspec.Meta(ge=1, le=3 * 366)] = 183
    # an uploaded or fetched calendar larger than this is refused, before it is parsed
    import_max_bytes: Annotated[int, msgspec.Meta(ge=1024, le=200 * 1024 * 1024)] = 10 * 1024 * 1024
    # at most this many events (occurrences included) from one calendar; the rest are refused, said so
    import_max_events: Annotated[int, msgspec.Meta(ge=1, le=100_000)] = 10_000
    # how often each subscribed calendar is fetched again, in minutes
    import_refresh_minutes: Annotated[int, msgspec.Meta(ge=5, le=7 * 24 * 60)] = 60
    # a calendar server silent this long counts as unreachable (its error is shown to the importer)
    import_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=120)] = 20.0
    # tests only: let subscriptions to calendars on loopback and private networks through the guarded client
    allow_private_addresses: bool = False
