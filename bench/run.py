"""Benchmark the public pages of a Convene instance against a hello-world route of the same process.

One command does everything, in a temporary folder that is removed afterwards:
``convene init`` and ``convene migrate`` a fresh database (SQLite, or the PostgreSQL
of ``--database-url``), fill it with bench/seed.py, start ``convene serve`` (one
process, embedded worker) on a free loopback port, warm up, then run ``wrk`` on each
route in turn for several rounds. Routes are interleaved within a round and each is
divided by the hello-world rate *of the same round*, so a slower or busier machine
moves both sides of the ratio; the ratio is the figure to compare across machines.

    /tmp/venv/bin/python bench/run.py            # or .venv/bin/python bench/run.py
    .venv/bin/python bench/run.py --database-url postgresql+asyncpg://convene:convene@127.0.0.1/convene_bench

Prints a Markdown table and writes the full results (every round) as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from processes import interrupted_at_exit, wait_until
from report import commit_of, save
from seed import seed

from core.settings import load_settings

BENCH = Path(__file__).resolve().parent
CONVENE = str(Path(sys.executable).with_name("convene"))  # the console script of this same environment
WARMUP_SECONDS = 3
AIM = 0.25  # the target: the event page at no less than a quarter of the hello-world rate
# (name, path; "{}" is replaced by a random seeded event uuid on every request)
ROUTES = [
    ("hello-world", "/healthz"),
    ("event page", "/events/{}"),
    ("event page, 100 popular", "/events/{}"),
    ("home page", "/"),
    ("event API", "/api/v1/events/{}"),
]
# Readers pick among all 10,000 events uniformly (a cold cache: nearly every read renders),
# except on the "popular" route, where they pick among 100 (as readers crowd the events
# being shared right now): the two bound what the anonymous page cache gives.
SAMPLE = {"event page, 100 popular": 100}
WRK_MISSING = """wrk is not installed; this benchmark needs it (and nothing else will do):
  Debian/Ubuntu: sudo apt-get install -y wrk
  Fedora:        sudo dnf install wrk
  macOS:         brew install wrk"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def convene(env: dict[str, str], cwd: str, *args: str) -> None:
    """Run a ``convene`` command quietly; its output is shown only when it fails."""
    done = subprocess.run([CONVENE, *args], env=env, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"convene {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


@contextlib.contextmanager
def server(env: dict[str, str], cwd: str, port: int) -> Iterator[tuple[str, subprocess.Popen]]:
    """``convene serve`` in a subprocess; yields its base URL and the process once /healthz answers, stops it on exit."""
    log = open(Path(cwd) / "serve.log", "w+")  # noqa: SIM115 - read back on failure
    proc = subprocess.Popen([CONVENE, "serve", "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=cwd,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    with log, interrupted_at_exit(proc):
        wait_until(lambda: probe(base + "/healthz")[0] == 200, proc,
                   lambda: f"convene serve:\n{Path(log.name).read_text()}")
        yield base, proc


def probe(url: str) -> tuple[int, int]:
    """Status and body size of one GET (0 when nothing answers), to show what each route really served."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, len(exc.read())
    except OSError:
        return 0, 0


def run_wrk(url: str, paths: Path | None, seconds: int, connections: int, threads: int,
            extra: Sequence[str] = ()) -> dict:
    """One wrk run (``extra``: more wrk arguments, e.g. a header); returns the JSON line printed by
    bench/wrk.lua plus requests per second."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               *extra, "-s", str(BENCH / "wrk.lua"), url]
    if paths:
        command += ["--", str(paths)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, timeout=seconds + 60).stdout
    result = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def summarise(rounds: list[dict[str, dict]]) -> dict[str, dict]:
    """Medians over rounds; each route's ratio is the median of its per-round ratios to hello-world."""
    summary = {}
    for name, _ in ROUTES:
        runs = [r[name] for r in rounds]
        summary[name] = {
            "rps": statistics.median(run["rps"] for run in runs),
            "p50_ms": statistics.median(run["p50_us"] for run in runs) / 1000,
            "p99_ms": statistics.median(run["p99_us"] for run in runs) / 1000,
            "ratio": statistics.median(r[name]["rps"] / r["hello-world"]["rps"] for r in rounds),
            "non_2xx": sum(run["errors"]["status"] for run in runs),
            "socket_errors": sum(sum(run["errors"].values()) - run["errors"]["status"] for run in runs),
        }
    return summary


def markdown(meta: dict, summary: dict[str, dict], probes: dict[str, tuple[int, int]]) -> str:
    lines = [
        (f"Convene {meta['commit']} on {meta['database']}, {meta['date']}, {meta['cpus']} CPUs (shared with wrk), "
         f"load average {meta['load_average_at_start']:.1f} at start, {meta['events']} events; "
         f"wrk -t{meta['threads']} -c{meta['connections']}, "
         f"{meta['rounds']} rounds of {meta['duration']} s per route, medians over rounds."),
        "",
        "| route | path | status, bytes | req/s | p50 ms | p99 ms | ratio to hello-world |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for name, path in ROUTES:
        s = summary[name]
        status, size = probes[name]
        flags = f" ({s['non_2xx']} non-2xx)" if s["non_2xx"] else ""
        flags += f" ({s['socket_errors']} socket errors)" if s["socket_errors"] else ""
        lines.append(f"| {name}{flags} | `{path.format('{uuid}')}` | {status}, {size} | {s['rps']:,.0f} | "
                     f"{s['p50_ms']:.1f} | {s['p99_ms']:.1f} | {s['ratio']:.2f} |")
    event = summary["event page"]
    met = event["ratio"] >= AIM and not event["non_2xx"]
    lines += ["", (f"Aim (event page >= {AIM:g} x hello-world, all 2xx): {'met' if met else 'NOT met'} "
                   f"({event['ratio']:.2f}).")]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="",
                        help="an empty, existing PostgreSQL database (default: SQLite in the temporary folder)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per route and round (default 10)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all routes (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--events", type=int, default=10_000, help="events to seed (default 10,000)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit(WRK_MISSING)
    load = os.getloadavg()[0]
    if load > 0.5:  # the server and wrk need both cores: anything else running skews the figures
        print(f"warning: load average is {load:.1f}; other work on this machine will skew the figures",
              file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="convene-bench-") as tmp:
        port = free_port()
        config = str(Path(tmp) / "convene.toml")
        env = {**os.environ, "CONVENE_CONFIG": config}
        if args.database_url:
            env["CONVENE_DATABASE_URL"] = args.database_url
        convene(env, tmp, "--config", config, "init", "--data-dir", tmp, "--public-url", f"http://127.0.0.1:{port}")
        convene(env, tmp, "--config", config, "migrate")
        database_url = load_settings(Path(config), env).database_url
        started = time.monotonic()
        uuids = asyncio.run(seed(database_url, args.events))
        print(f"seeded {len(uuids)} events in {time.monotonic() - started:.1f} s", file=sys.stderr)

        paths = {}
        for name, path in ROUTES:
            if "{}" in path:
                paths[name] = Path(tmp) / f"{name.replace(' ', '_')}.txt"
                sample = uuids[: SAMPLE.get(name, len(uuids))]
                paths[name].write_text("".join(path.format(u) + "\n" for u in sample))

        with server(env, tmp, port) as (base, _):
            probes = {name: probe(base + path.format(uuids[0])) for name, path in ROUTES}
            for name, path in ROUTES:
                run_wrk(base + path.format(uuids[0]), paths.get(name), WARMUP_SECONDS, args.connections, args.threads)
            rounds = []
            for number in range(args.rounds):
                rounds.append({})
                for name, path in ROUTES:
                    result = run_wrk(base + path.format(uuids[0]), paths.get(name), args.duration, args.connections,
                                     args.threads)
                    rounds[-1][name] = result
                    print(f"round {number + 1}: {name}: {result['rps']:,.0f} req/s", file=sys.stderr)

    commit = commit_of()
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit,
        "database": "PostgreSQL" if database_url.startswith("postgresql") else "SQLite",
        "cpus": os.cpu_count(), "load_average_at_start": load, "python": platform.python_version(),
        "platform": platform.platform(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]), **vars(args),
    }
    summary = summarise(rounds)
    table = markdown(meta, summary, probes)
    print(table)
    save(meta["database"].lower(), {"meta": meta, "probes": probes, "summary": summary, "rounds": rounds, "table": table})


if __name__ == "__main__":
    main()
