"""CPU milliseconds one cold event page costs, in process: a steadier figure than requests per second.

``bench/run.py`` measures rates through HTTP with wrk sharing the two cores, which
moves by ±10 % from run to run: too much to see a 5 % change. This script seeds the
same 10,000 events (bench/seed.py), builds the application in process and asks it,
through httpx's ASGI transport (no network, no other process), for event pages that
were never asked before (so no cached copy answers), one at a time, and divides the
process's CPU time by the number of pages. Rounds alternate with a warm-up; the median
is printed. Run it for two versions of the code side by side (PYTHONPATH selects the
tree) to compare them:

    .venv/bin/python bench/page_cpu.py
    PYTHONPATH=/path/to/older/checkout .venv/bin/python bench/page_cpu.py

On a shared virtual machine even CPU time moves by ±15 % between runs of the same
code. Instructions do not: with ``--data-dir`` the database is seeded once and reused,
so the measured process can run under valgrind, and the difference between two page
counts is the instructions those extra pages cost (the start-up cancels out):

    .venv/bin/python bench/page_cpu.py --data-dir /tmp/seeded --rounds 1 --pages 1     # seeds
    valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        .venv/bin/python bench/page_cpu.py --data-dir /tmp/seeded --rounds 1 --pages 20
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

BENCH = Path(__file__).resolve().parent
sys.path.insert(1, str(BENCH))

from seed import seed  # noqa: E402 - bench/ is not a package

from core.app import create_app  # noqa: E402
from core.db.migrate import upgrade  # noqa: E402
from core.events.models import Event  # noqa: E402
from core.settings import settings_from_dict  # noqa: E402


async def measure(settings_data: dict, uuids: list[str], rounds: int, per_round: int) -> list[float]:
    app = create_app(settings_from_dict(settings_data), run_worker=False)
    transport = httpx.ASGITransport(app=app)
    ms_per_page = []
    async with app.lifespan(), httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client:
        pages = iter(uuids)
        for _ in range(3):  # warm-up: templates compiled, connections opened
            assert (await client.get(f"/events/{next(pages)}")).status_code == 200
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(per_round):
                response = await client.get(f"/events/{next(pages)}")
                assert response.status_code == 200, response.status_code
            ms_per_page.append((time.process_time() - started) * 1000 / per_round)
    return ms_per_page


async def event_uuids(database_url: str) -> list[str]:
    engine = create_async_engine(database_url)
    async with engine.connect() as connection:
        found = sorted(str(uuid) for uuid in await connection.scalars(select(Event.uuid)))
    await engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pages", type=int, default=300, help="cold pages per round (default 300)")
    parser.add_argument("--data-dir", type=Path, help="seed here once and reuse (default: a new folder each run)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.data_dir or Path(scratch)
        data = {"secret_key": "b" * 40, "data_dir": str(folder), "public_url": "http://bench.local"}
        if not (folder / "convene.sqlite3").exists():
            upgrade(settings_from_dict(data))
            asyncio.run(seed(settings_from_dict(data).database_url))
        uuids = asyncio.run(event_uuids(settings_from_dict(data).database_url))
        random.Random(7).shuffle(uuids)
        needed = 3 + args.rounds * args.pages
        if needed > len(uuids):
            raise SystemExit(f"{needed} cold pages asked, {len(uuids)} events seeded")
        rounds = asyncio.run(measure(data, uuids[:needed], args.rounds, args.pages))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(sys.modules["core"].__file__).parent).stdout.strip()
    print(f"Convene {commit}: cold event page, CPU ms per page over {args.pages} pages: "
          f"median {statistics.median(rounds):.2f} (rounds {', '.join(f'{r:.2f}' for r in rounds)})")


if __name__ == "__main__":
    main()
