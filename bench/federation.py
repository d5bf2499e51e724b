"""Benchmark federation: inbound activities per second, and one event delivered to thousands of followers.

One command, in a temporary folder removed afterwards: ``convene init`` and
``convene migrate`` a fresh database (SQLite, or the empty PostgreSQL of
``--database-url``), then

1. inbound (bench/inbound.py): signed Create{Event} at ``/inbox`` of one
   ``convene serve`` with no worker running: accepted (202) per second; then one
   ``convene worker`` drains them: processed per second;
2. delivery (bench/delivery.py): followers seeded on up to 1,000 loopback instances
   (bench/sink.py, which verifies every signature), one event published per round:
   time to the last verified delivery, deliveries per second of one worker, and how
   both grow with the followers, with shared inboxes and without.

The broker is Redis (``--broker-url``; give the benchmark a database of its own):
web and worker are separate processes, as the figures are per process.

    /tmp/venv/bin/python bench/federation.py --broker-url redis://127.0.0.1:6379/15
    .venv/bin/python bench/federation.py --database-url postgresql+asyncpg://convene:convene@127.0.0.1/convene_fedbench

Prints Markdown tables and writes every round as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import delivery
import inbound
from fedinstance import Instance, instance
from processes import interrupted_at_exit, wait_until
from report import commit_of, save
from sqlalchemy.ext.asyncio import create_async_engine

BENCH = Path(__file__).resolve().parent


@contextlib.contextmanager
def sink(folder: Path, instances: int) -> Iterator[tuple[subprocess.Popen, dict[str, Any]]]:
    """bench/sink.py in a subprocess; yields it and its ports once they listen."""
    ports_file = folder / "sink-ports.json"
    proc = subprocess.Popen([sys.executable, str(BENCH / "sink.py"), "--instances", str(instances),
                             "--ports-file", str(ports_file)])
    with interrupted_at_exit(proc):
        wait_until(ports_file.exists, proc, lambda: "bench/sink.py")
        time.sleep(0.5)  # the file is written just before uvicorn serves the sockets
        yield proc, json.loads(ports_file.read_text())


async def run_delivery(inst: Instance, engine: Any, args: argparse.Namespace) -> list[dict[str, Any]]:
    audiences = [*(delivery.Audience(n, True) for n in args.followers),
                 *(delivery.Audience(n, False) for n in args.personal_followers)]
    # the web process first: its port was only chosen, and the sink's thousand ports could take it
    with inst.web() as web, sink(inst.folder, max(a.instances for a in audiences)) as (sink_proc, ports):
        await delivery.seed_audiences(engine, audiences, ports["instances"])
        with inst.worker(args.worker_threads) as worker:
            organiser = delivery.Organiser(inst, ports["control"])
            await organiser.log_in(audiences)
            pids = {"worker": worker.pid, "web": web.pid, "sink": sink_proc.pid}
            return await delivery.measure(inst, engine, organiser, audiences, args.rounds, pids)


async def run(args: argparse.Namespace, folder: Path) -> dict[str, list[dict[str, Any]]]:
    results: dict[str, list[dict[str, Any]]] = {}
    with instance(folder, args.broker_url, args.database_url) as inst:
        engine = create_async_engine(inst.database_url)
        try:
            if args.part in ("all", "inbound"):
                results["inbound"] = await inbound.measure(
                    inst, engine, actors=args.actors, requests=args.requests, rounds=args.rounds,
                    connections=args.connections, threads=args.worker_threads)
                results["inbound_outcomes"] = [await inbound.outcomes(engine)]
            if args.part in ("all", "delivery"):
                results["delivery"] = await run_delivery(inst, engine, args)
        finally:
            await engine.dispose()
    return results


def median(rows: list[dict[str, Any]], key: str) -> float:
    values = [row[key] for row in rows if row[key] is not None]
    return statistics.median(values) if values else float("nan")


def inbound_table(rows: list[dict[str, Any]]) -> list[str]:
    statuses = sorted({status for row in rows for status in row["statuses"]})
    totals = ", ".join(f"{status}: {sum(row['statuses'].get(status, 0) for row in rows):,}" for status in statuses)
    return [
        "| rounds | requests/round | statuses | accepted/s | web CPU ms/request | processed/s | worker CPU ms/activity |",
        "|---:|---:|---|---:|---:|---:|---:|",
        (f"| {len(rows)} | {rows[0]['requests']:,} | {totals} | "
         f"{median(rows, 'accepted_per_second'):,.0f} | {median(rows, 'web_cpu_ms_per_request'):.2f} | "
         f"{median(rows, 'processed_per_second'):,.0f} | {median(rows, 'worker_cpu_ms_per_activity'):.2f} |"),
    ]


def delivery_table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [("| followers | instances | inbox | deliveries | verified | publish request ms | to first / last delivery s "
              "| deliveries/s | worker CPU ms/delivery | sink CPU ms/delivery | connections |"),
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name in dict.fromkeys(row["audience"] for row in rows):
        group = [row for row in rows if row["audience"] == name]
        first = group[0]
        verified = f"{min(r['verified'] for r in group):,}" + (" (some invalid)" if any(r["invalid"] for r in group) else "")
        lines.append(
            f"| {first['followers']:,} | {first['instances']:,} | {'shared' if name.startswith('shared') else 'personal'} "
            f"| {first['expected']:,} | {verified} | {median(group, 'publish_ms'):,.0f} "
            f"| {median(group, 'first_delivery_s'):.2f} / {median(group, 'seconds'):.2f} "
            f"| {median(group, 'deliveries_per_second'):,.0f} | {median(group, 'worker_cpu_ms_per_delivery'):.2f} "
            f"| {median(group, 'sink_cpu_ms_per_delivery'):.2f} | {median(group, 'connections'):,.0f} |")
    return lines


def numbers(text: str) -> list[int]:
    """``100,1000`` as [100, 1000]; an empty string is no audience."""
    return [int(n) for n in text.split(",") if n.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("part", nargs="?", choices=("all", "inbound", "delivery"), default="all")
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/15", help="a Redis database for the bench")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each measurement (default 3)")
    parser.add_argument("--worker-threads", type=int, default=4, help="convene worker --threads (default 4)")
    parser.add_argument("--actors", type=int, default=20, help="inbound: remote actors sending (default 20)")
    parser.add_argument("--requests", type=int, default=1000, help="inbound: activities per round (default 1,000)")
    parser.add_argument("--connections", type=int, default=32, help="inbound: requests in flight (default 32)")
    parser.add_argument("--followers", type=numbers, default=[100, 1000, 10000],
                        help="delivery: audiences whose followers share an inbox per instance (default 100,1000,10000)")
    parser.add_argument("--personal-followers", type=numbers, default=[],
                        help="delivery: audiences without shared inboxes, one delivery per follower (e.g. 100,1000)")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="convene-fedbench-") as tmp:
        results = asyncio.run(run(args, Path(tmp)))

    commit = commit_of()
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
            "database": "PostgreSQL" if args.database_url.startswith("postgresql") else "SQLite",
            "cpus": os.cpu_count(), "load_average_at_start": load, **vars(args)}
    lines = [(f"Convene {commit} on {meta['database']}, {meta['date']}, {meta['cpus']} CPUs, load average "
              f"{load:.1f} at start; one web process, one worker with {args.worker_threads} threads, Redis broker; "
              f"medians of {args.rounds} rounds.")]
    if "inbound" in results:
        lines += ["", *inbound_table(results["inbound"]), "", f"Outcomes: {results['inbound_outcomes'][0]}"]
    if "delivery" in results:
        lines += ["", *delivery_table(results["delivery"])]
        refusals = results["delivery"][-1]["sink_refusals"]
        lines += [f"\nThe sink refused: {refusals}"] if refusals else []
    table = "\n".join(lines)
    print(table)
    save(f"federation-{meta['database'].lower()}", {"meta": meta, "results": results, "table": table})


if __name__ == "__main__":
    main()
