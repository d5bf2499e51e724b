"""Benchmark: importing a 5,000-event calendar file (issue 12), and importing it again unchanged.

The file is written with vobject (not icalendar, which the import reads with): ``--events``
events over the next 150 days in Europe/Paris, each with a description, a location, GEO
and two categories, as a club's exported calendar would have. Each round imports it into
a fresh identity exactly as ``convene import ics --publish`` does (importing.import_calendar
through the core's service: every event created and published with its hooks, in one
transaction committed at the end), then imports it again into the same identity (every
VEVENT recognised by its UID, nothing changed: the cost of a subscription's refresh when
the server does not answer 304). One command, in a temporary folder removed afterwards,
on a fresh SQLite file or the empty PostgreSQL database of ``--database-url``:

    .venv/bin/python bench/ical_import.py
    .venv/bin/python bench/ical_import.py --database-url postgresql+asyncpg://convene:convene@127.0.0.1/convene_icalbench

Prints the median of ``--rounds`` rounds (3) and writes every round as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import vobject
from report import commit_of, save
from sqlalchemy import select

from core.accounts.service import create_account
from core.context import Ctx
from core.db.migrate import upgrade
from core.identities.models import Identity
from core.identities.service import create_identity
from core.scripting import run_in_transaction
from core.settings import DEFAULT_PLUGINS, Settings, settings_from_dict
from core.viewer import Viewer
from plugins.ical.import_models import UPLOAD_SOURCE
from plugins.ical.importing import ImportReport, import_calendar

PARIS = ZoneInfo("Europe/Paris")


def calendar_file(events: int) -> bytes:
    rng = random.Random(2026)
    cal = vobject.iCalendar()
    cal.add("x-wr-timezone").value = "Europe/Paris"
    start = datetime.now(PARIS).replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    for number in range(events):
        vevent = cal.add("vevent")
        vevent.add("uid").value = f"bench-{number}@club.example"
        vevent.add("dtstamp").value = datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))
        vevent.add("summary").value = f"Club evening #{number}"
        vevent.add("description").value = f"Evening number {number}.\nBring a friend, and something to share."
        begins = start + timedelta(days=rng.randrange(150), hours=rng.randrange(9, 21))
        vevent.add("dtstart").value = begins
        vevent.add("dtend").value = begins + timedelta(hours=2)
        vevent.add("location").value = f"Room {rng.randrange(1, 40)}, 1 place de la Mairie"
        vevent.add("geo").value = f"{48 + rng.random():.4f};{2 + rng.random():.4f}"
        vevent.add("categories").value = [rng.choice(["Music", "Games", "Talks"]), "Club"]
    return cal.serialize().encode()


async def timed_import(settings: Settings, username: str, data: bytes) -> tuple[float, ImportReport]:
    async def work(ctx: Ctx) -> ImportReport:
        identity = await ctx.session.scalar(select(Identity).where(Identity.username == username))
        assert identity is not None
        return await import_calendar(ctx.as_viewer(Viewer.acting_as(identity)), identity, data, UPLOAD_SOURCE, True)

    began = time.perf_counter()
    report = await run_in_transaction(settings, work)
    return time.perf_counter() - began, report


async def new_identity(settings: Settings, number: int) -> str:
    async def work(ctx: Ctx) -> str:
        account = await create_account(ctx, f"bench-import-{number}@example.org", "bench-password", confirmed=True)
        return (await create_identity(ctx, account, f"importer{number}")).username

    return await run_in_transaction(settings, work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    args = parser.parse_args()
    data = calendar_file(args.events)
    with tempfile.TemporaryDirectory(prefix="convene-ical-bench-") as folder:
        raw = {"secret_key": "b" * 40, "data_dir": folder, "public_url": "http://bench.local",
               "plugins": {"enabled": list(DEFAULT_PLUGINS)}}
        if args.database_url:
            raw["database_url"] = args.database_url
        settings = settings_from_dict(raw)
        upgrade(settings)
        rounds = []
        for number in range(args.rounds):
            username = asyncio.run(new_identity(settings, number))
            first, report = asyncio.run(timed_import(settings, username, data))
            assert report.created == args.events and not report.problems, report
            again, report = asyncio.run(timed_import(settings, username, data))
            assert report.unchanged == args.events, report
            rounds.append({"import_s": first, "reimport_unchanged_s": again})
            print(f"round {number + 1}: import {first:.2f} s, again unchanged {again:.2f} s", file=sys.stderr)
    database = "PostgreSQL" if args.database_url else "SQLite"
    median_import = statistics.median(r["import_s"] for r in rounds)
    median_again = statistics.median(r["reimport_unchanged_s"] for r in rounds)
    print(f"| file | database | import (median of {args.rounds}) | events/s | import again, unchanged |")
    print("|---|---|---|---|---|")
    print(f"| {args.events} events, {len(data) / 1e6:.1f} MB | {database} | {median_import:.2f} s | "
          f"{args.events / median_import:.0f} | {median_again:.2f} s |")
    save("ical-import", {"commit": commit_of(), "events": args.events, "bytes": len(data), "database": database,
                         "rounds": rounds, "median_import_s": median_import,
                         "median_reimport_unchanged_s": median_again})


if __name__ == "__main__":
    main()
