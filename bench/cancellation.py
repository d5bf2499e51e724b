"""Benchmark: an event of 5,000 participants cancelled, until the last mail is accepted.

Issue 10 asks how long cancelling an event with 5,000 participants takes to reach the
last participant's mailbox, and how many mails one worker sends per second (aim: 200
or more per worker, on reused SMTP connections). One command, in a temporary folder
removed afterwards:

- an instance as in production (bench/fedinstance.py): ``convene serve`` without a
  worker inside and ``convene worker --threads 1``, a Redis broker, a fresh SQLite file
  or the empty PostgreSQL database of ``--database-url``; the email plugin enabled, its
  ``[plugins.email]`` pointing at
- bench/mail_sink.py, an aiosmtpd server in a process of its own that counts what it
  accepts;
- an organiser's published event with ``--participants`` participants (accounts,
  identities, participations written by bulk inserts, as bench/seed.py does), one
  event per round;
- the organiser logs in and cancels it through the API (``POST /api/v1/events/{uuid}/cancel``).
  The request writes one fan-out job; the worker turns it into ``notifications`` rows
  of fifty messages each (core.notifications.notify_many), then sends each as a mail.

Measured per round: the cancel request's latency; the times from the request to the
fan-out job's end, to the first and to the last mail accepted; mails per second between
the first and the last; each process's CPU seconds (worker and web from ``/proc``, the
sink's its own); the outbox rows' outcomes (done, dead).

    .venv/bin/python bench/cancellation.py --broker-url redis://127.0.0.1:6379/14
    .venv/bin/python bench/cancellation.py --broker-url redis://127.0.0.1:6379/14 \\
        --database-url postgresql+asyncpg://convene:convene@127.0.0.1/convene_mailbench   # an empty database

Prints a Markdown table and writes every round as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fedinstance import Instance, cpu_seconds, instance, last_outbox_id, outbox_figures
from mail_sink import ask
from processes import interrupted_at_exit, wait_until
from report import commit_of, save
from seed import PASSWORD, _insert, _row_event, _rows_people
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.models import Account, Event, Identity, Participation
from core.notifications.news import FANOUT_KIND

BENCH = Path(__file__).resolve().parent
NOTIFICATION_KIND = "notifications"  # rows of fifty messages
ORGANISER_EMAIL = "bench-0@example.org"  # the first account seed.py's people rows make


@contextlib.contextmanager
def mail_sink(folder: Path) -> Iterator[tuple[subprocess.Popen, dict[str, int]]]:
    """bench/mail_sink.py in a subprocess; yields it and its ports once they listen."""
    ports_file = folder / "mail-sink-ports.json"
    proc = subprocess.Popen([sys.executable, str(BENCH / "mail_sink.py"), "--ports-file", str(ports_file)])
    with interrupted_at_exit(proc):
        wait_until(ports_file.exists, proc, lambda: "bench/mail_sink.py")
        yield proc, json.loads(ports_file.read_text())


async def seed_events(engine: AsyncEngine, participants: int, rounds: int) -> list[str]:
    """One organiser and ``participants`` other accounts; ``rounds`` upcoming published events of the
    organiser, each with every one of them as a participant. Returns the events' uuids."""
    rng = random.Random(2026)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        accounts, people = _rows_people(rng, participants + 1, now)
        for person, account_id in zip(people, await _insert(conn, Account.__table__, accounts), strict=True):
            person["account_id"] = account_id
        organiser, *guests = await _insert(conn, Identity.__table__, people)
        events = []
        for _ in range(rounds):
            event = _row_event(rng, organiser, now)
            event.update(status="confirmed", max_participants=None, participant_count=participants,
                         begins_at=now + timedelta(days=30), ends_at=now + timedelta(days=30, hours=3))
            events.append(event)
        rows = [{"uuid": uuid.UUID(int=rng.getrandbits(128), version=4), "event_id": event_id, "identity_id": who,
                 "role": role, "message": "", "created_at": now, "updated_at": now}
                for event_id in await _insert(conn, Event.__table__, events)
                for who, role in [(organiser, "creator"), *((guest, "participant") for guest in guests)]]
        await conn.execute(insert(Participation.__table__), rows)
    return [str(event["uuid"]) for event in events]


async def log_in(inst: Instance) -> httpx.AsyncClient:
    """An API client with the organiser's bearer token."""
    http = httpx.AsyncClient(base_url=inst.base, timeout=120)
    answer = await http.post("/api/v1/auth/token", json={"email": ORGANISER_EMAIL, "password": PASSWORD})
    answer.raise_for_status()
    http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
    return http


async def mailed(engine: AsyncEngine, control: int, expected: int, after_id: int, timeout: float) -> dict[str, Any]:
    """Wait until the sink accepted ``expected`` mails, or every notification row is finished, or time is up."""
    deadline = time.monotonic() + timeout
    while True:
        stats = ask(control)
        if stats["accepted"] >= expected or time.monotonic() > deadline:
            return stats
        figures = await outbox_figures(engine, NOTIFICATION_KIND, after_id)
        fanned_out = await outbox_figures(engine, FANOUT_KIND, after_id)
        if fanned_out.done + fanned_out.dead and figures.done + figures.dead >= figures.rows:
            return ask(control)
        await asyncio.sleep(0.5)


async def cancel_round(inst: Instance, engine: AsyncEngine, http: httpx.AsyncClient, event_uuid: str,
                       expected: int, control: int, pids: dict[str, int], timeout: float) -> dict[str, Any]:
    """Cancel one event through the API and time its mails."""
    after_id = await last_outbox_id(engine)
    before = ask(control, "reset")
    cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.time()
    answer = await http.post(f"/api/v1/events/{event_uuid}/cancel", json={"message": "The hall is flooded, sorry."})
    answered = time.time()
    answer.raise_for_status()
    stats = await mailed(engine, control, expected, after_id, timeout)
    cpu = {name: cpu_seconds(pid) - cpu[name] for name, pid in pids.items()}
    if not stats["accepted"]:
        raise SystemExit(f"no mail arrived within {timeout:.0f} s of cancelling {event_uuid}: does cancelling "
                         f"notify the participants? The worker's log ends:\n"
                         f"{(inst.folder / 'worker.log').read_text()[-3000:]}")
    fan_out = await outbox_figures(engine, FANOUT_KIND, after_id)
    rows = await outbox_figures(engine, NOTIFICATION_KIND, after_id)
    sent = stats["accepted"]
    return {
        "expected": expected, "accepted": sent, "connections": stats["connections"],
        "cancel_ms": (answered - started) * 1000,
        "fan_out_s": (fan_out.last_finished or float("nan")) - started,
        "first_mail_s": stats["first"] - started, "last_mail_s": stats["last"] - started,
        "mails_per_second": (sent - 1) / max(stats["last"] - stats["first"], 1e-6),
        "fan_out_rows": f"{fan_out.done} done, {fan_out.dead} dead",
        "notification_rows": rows.rows, "notification_done": rows.done, "notification_dead": rows.dead,
        **{f"{name}_cpu_s": seconds for name, seconds in cpu.items()},
        "sink_cpu_s": stats["cpu_seconds"] - before["cpu_seconds"],
        "worker_cpu_ms_per_mail": cpu["worker"] * 1000 / sent,
    }


async def run(args: argparse.Namespace, folder: Path) -> list[dict[str, Any]]:
    with mail_sink(folder) as (sink_proc, ports):
        email = f'smtp_host = "127.0.0.1"\nsmtp_port = {ports["smtp"]}\nfrom_address = "events@example.org"'
        with instance(folder, args.broker_url, args.database_url, plugins={"email": email}) as inst:
            engine = create_async_engine(inst.database_url)
            try:
                uuids = await seed_events(engine, args.participants, args.rounds)
                with inst.web() as web, inst.worker(1) as worker:
                    http = await log_in(inst)
                    results = []
                    for number, event_uuid in enumerate(uuids):
                        result = await cancel_round(inst, engine, http, event_uuid, args.participants, ports["control"],
                                                    {"worker": worker.pid, "web": web.pid}, args.timeout)
                        print(f"round {number + 1}: {result['accepted']:,}/{args.participants:,} mails, last at "
                              f"{result['last_mail_s']:.1f} s, {result['mails_per_second']:.0f}/s", file=sys.stderr)
                        results.append(result)
                    await http.aclose()
                    return results
            finally:
                await engine.dispose()


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| round | mails accepted | cancel request ms | fan-out done s | first / last mail s | mails/s "
             "| worker CPU s (ms/mail) | web CPU s | sink CPU s | SMTP connections | rows of fifty done / dead |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {n} | {r['accepted']:,} of {r['expected']:,} | {r['cancel_ms']:,.0f} | {r['fan_out_s']:.2f} "
              f"| {r['first_mail_s']:.2f} / {r['last_mail_s']:.2f} | {r['mails_per_second']:,.0f} "
              f"| {r['worker_cpu_s']:.1f} ({r['worker_cpu_ms_per_mail']:.2f}) | {r['web_cpu_s']:.2f} "
              f"| {r['sink_cpu_s']:.2f} | {r['connections']} | {r['notification_done']:,} / {r['notification_dead']:,} |"
              for n, r in enumerate(rows, 1)]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/14", help="a Redis database for the bench")
    parser.add_argument("--participants", type=int, default=5000, help="participants of each event (default 5,000)")
    parser.add_argument("--rounds", type=int, default=1, help="events cancelled one after the other (default 1)")
    parser.add_argument("--timeout", type=float, default=0, help="seconds to wait for the mails of a round "
                                                                 "(default: 60 + 0.1 s per participant)")
    args = parser.parse_args()
    args.timeout = args.timeout or 60 + args.participants / 10
    load_before = Path("/proc/loadavg").read_text().strip()
    with tempfile.TemporaryDirectory(prefix="convene-mailbench-") as tmp:
        results = asyncio.run(run(args, Path(tmp)))
    load_after = Path("/proc/loadavg").read_text().strip()

    commit = commit_of()
    database = "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite"
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit, "database": database,
            "load_before": load_before, "load_after": load_after, **vars(args)}
    text = "\n".join([
        f"Convene {commit} on {database}, {meta['date']}: {args.participants:,} participants per event; one web "
        f"process, one worker (1 thread), Redis broker, aiosmtpd in its own process. /proc/loadavg before: "
        f"{load_before}; after: {load_after}.", "", *table(results)])
    print(text)
    save(f"cancellation-{database.lower()}", {"meta": meta, "results": results, "table": text})


if __name__ == "__main__":
    main()
