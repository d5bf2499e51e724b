"""Benchmark the calendar feeds: rendering the instance feed with 5,000 events, and the
rate of ``304 Not Modified`` answers to calendar clients' polls against hello-world.

One command, in a temporary folder removed afterwards: ``convene init`` and
``convene migrate`` a fresh database (SQLite, or the PostgreSQL of ``--database-url``),
seed it with bench/seed.py (5,000 events by default, all inside the feed's window) and
raise ``[plugins.ical] feed_max_events`` so that every one is in the feed. Then:

1. Render: the application is built in process and asked for ``/feed/instance/ics``
   (and ``/atom``) through httpx's ASGI transport, its rendered copy deleted before
   each request as after any change. The first render in the fresh process writes
   every VEVENT; the median of the ``--renders`` next ones (each event's VEVENT text
   kept) is the figure of a feed re-rendered after a change (aim: under 200 ms).
2. Polls: ``convene serve`` on a loopback port, then ``wrk`` on ``/healthz`` and on
   ``/feed/instance/ics`` with ``If-None-Match`` set to the feed's ETag, interleaved,
   for several rounds; the ratio of each round's rates is taken and the median printed
   (aim: at least 0.8).

    .venv/bin/python bench/feeds.py
    .venv/bin/python bench/feeds.py --database-url postgresql+asyncpg://convene:convene@127.0.0.1/convene_bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import httpx
from run import WRK_MISSING, convene, free_port, run_wrk, server
from seed import seed

from core.app import create_app
from core.settings import load_settings
from plugins.ical import feed_cache

RENDER_AIM_MS = 200
RATIO_AIM = 0.8


async def render_times(config: Path, renders: int, fmt: str) -> list[float]:
    """Milliseconds of each render of the instance feed, in process (no network, no worker): the
    first in a fresh process (every VEVENT written), then ``renders`` more after the feed's copy is
    forgotten, as after any change (each event's VEVENT text kept, as between polls)."""
    app = create_app(load_settings(config, dict(os.environ)), run_worker=False)
    store = feed_cache.feed_store(app.state.runtime)
    times = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1") as client:
        for _ in range(renders + 1):
            await feed_cache.forget(store, {feed_cache.instance_key(fmt)})
            started = time.perf_counter()
            response = await client.get(f"/feed/instance/{fmt}")
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.text[:500]
            times.append(elapsed)
    await app.state.engine.dispose()
    return times


def etag_of(url: str) -> tuple[str, int]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.headers["ETag"], len(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="", help="an empty, existing PostgreSQL database (default: SQLite)")
    parser.add_argument("--events", type=int, default=5_000, help="events to seed (default 5,000)")
    parser.add_argument("--renders", type=int, default=9, help="full renders to time (default 9)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per route and round (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the two routes (default 3)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit(WRK_MISSING)
    load_at_start = Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "?"

    with tempfile.TemporaryDirectory(prefix="convene-bench-feeds-") as tmp:
        port = free_port()
        config = Path(tmp) / "convene.toml"
        env = {**os.environ, "CONVENE_CONFIG": str(config)}
        if args.database_url:
            env["CONVENE_DATABASE_URL"] = args.database_url
            os.environ["CONVENE_DATABASE_URL"] = args.database_url
        convene(env, tmp, "--config", str(config), "init", "--data-dir", tmp, "--public-url", f"http://127.0.0.1:{port}")
        with config.open("a") as file:
            file.write(f"\n[plugins.ical]\nfeed_max_events = {max(args.events, 1000)}\n")
        convene(env, tmp, "--config", str(config), "migrate")
        database_url = load_settings(config, env).database_url
        asyncio.run(seed(database_url, args.events))

        renders = {fmt: asyncio.run(render_times(config, args.renders, fmt)) for fmt in ("ics", "atom")}

        with server(env, tmp, port) as (base, _):
            etag, size = etag_of(base + "/feed/instance/ics")
            headers = ["-H", f"If-None-Match: {etag}"]
            routes = {"hello-world": (base + "/healthz", []), "304 poll": (base + "/feed/instance/ics", headers)}
            for url, extra in routes.values():
                run_wrk_with(url, extra, 3, args)
            rounds = []
            for number in range(args.rounds):
                rates = {name: run_wrk_with(url, extra, args.duration, args) for name, (url, extra) in routes.items()}
                rounds.append(rates)
                print(f"round {number + 1}: " + ", ".join(f"{k} {v['rps']:,.0f} req/s" for k, v in rates.items()),
                      file=sys.stderr)
    load_at_end = Path("/proc/loadavg").read_text().strip() if Path("/proc/loadavg").exists() else "?"
    database = "PostgreSQL" if database_url.startswith("postgresql") else "SQLite"
    print(f"{database}, {args.events} events in the feed ({size:,} bytes of ICS); load average {load_at_start} "
          f"at start, {load_at_end} at end")
    for fmt, (first, *times) in renders.items():
        median = statistics.median(times)
        verdict = "met" if fmt != "ics" or median < RENDER_AIM_MS else "NOT met"
        print(f"render /feed/instance/{fmt}: first in a fresh process {first:.0f} ms; then median {median:.0f} ms "
              f"(min {min(times):.0f}, max {max(times):.0f}, {len(times)} renders)"
              + (f"; aim < {RENDER_AIM_MS} ms: {verdict}" if fmt == "ics" else ""))
    ratios = [r["304 poll"]["rps"] / r["hello-world"]["rps"] for r in rounds]
    print(f"hello-world: median {statistics.median(r['hello-world']['rps'] for r in rounds):,.0f} req/s; "
          f"304 poll: median {statistics.median(r['304 poll']['rps'] for r in rounds):,.0f} req/s "
          f"(p50 {statistics.median(r['304 poll']['p50_us'] for r in rounds) / 1000:.1f} ms); "
          f"ratio median {statistics.median(ratios):.2f} (rounds: {', '.join(f'{x:.2f}' for x in ratios)}); "
          f"aim >= {RATIO_AIM}: {'met' if statistics.median(ratios) >= RATIO_AIM else 'NOT met'}")


def run_wrk_with(url: str, extra: list[str], seconds: int, args: argparse.Namespace) -> dict:
    """bench/run.py's wrk run, with extra wrk arguments (a header)."""
    return run_wrk(url, None, seconds, args.connections, args.threads, extra)


if __name__ == "__main__":
    main()
