"""Image bombs against one web process: its memory, and whether it still answers, while four upload at once.

The bomb is the one of issue 9: an 8900x8900 PNG of black pixels, about 230 KB, which
Pillow would decode into 240 MB. One command, in a temporary folder removed afterwards:
``convene init`` and ``migrate`` (SQLite), ``convene users create``, ``convene serve`` (one
process, embedded worker) on a free loopback port. Then, each round: ``/healthz`` is
requested back to back for a few seconds (idle), then again while 4 clients upload the
bomb as their avatar ``--uploads`` times each, all at once (or, with ``--picture largest``,
a 4000x4000 PNG, the largest picture accepted, which is decoded). Meanwhile the resident
memory (RSS) of the web process and of its picture workers (its children,
core.image_workers) is read from /proc every 20 ms.

    .venv/bin/python bench/image_bombs.py                        # the code of this checkout
    .venv/bin/python bench/image_bombs.py --checkout ../main     # another checkout's code, for before/after

Prints a Markdown table (medians over rounds) and writes every round as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image
from report import commit_of, save
from run import BENCH, convene, free_port, server

EMAIL, PASSWORD = "bomber@example.org", "bench-password"
PARALLEL = 4
IDLE_SECONDS = 3
SAMPLE_SECONDS = 0.02


SIZES = {"bomb": (8900, 8900), "largest": (4000, 4000)}  # the bomb; the largest picture accepted (16 MP)


def black_png(width: int, height: int) -> bytes:
    """Black pixels: Pillow compresses them about a thousand times (the bomb: 240 MB into about 230 KB)."""
    out = io.BytesIO()
    Image.new("RGB", (width, height)).save(out, format="PNG", compress_level=9)
    return out.getvalue()


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0  # the process has ended
    return next((int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0.0)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


class Memory(threading.Thread):
    """Samples the RSS of the web process, and the sum of its children's, until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.web, self.workers = pid, [rss_mb(pid)], [0.0]
        self.halt = threading.Event()

    def run(self) -> None:
        while not self.halt.wait(SAMPLE_SECONDS):
            self.web.append(rss_mb(self.pid))
            self.workers.append(sum(rss_mb(child) for child in children(self.pid)))


def healthz_latencies(port: int, until: threading.Event | float) -> list[float]:
    """Milliseconds of back-to-back GET /healthz on one keep-alive connection, until the event is set
    (or for that many seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    latencies = []
    deadline = time.monotonic() + until if isinstance(until, float) else None
    while not (until.is_set() if isinstance(until, threading.Event) else time.monotonic() > deadline):
        started = time.perf_counter()
        connection.request("GET", "/healthz")
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()
    return latencies


def token(port: int) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("POST", "/api/v1/auth/token", json.dumps({"email": EMAIL, "password": PASSWORD}),
                       {"Content-Type": "application/json"})
    return json.loads(connection.getresponse().read())["token"]


def upload(port: int, bearer: str, picture: bytes, times: int) -> list[tuple[int, float]]:
    """(status, seconds) of each upload of ``picture`` as the avatar, one after the other."""
    body = (b'--B0mB\r\nContent-Disposition: form-data; name="data"; filename="bomb.png"\r\n'
            b"Content-Type: image/png\r\n\r\n" + picture + b"\r\n--B0mB--\r\n")
    headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "multipart/form-data; boundary=B0mB"}
    answers = []
    for _ in range(times):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        started = time.perf_counter()
        connection.request("PUT", "/api/v1/identities/bomber/avatar", body, headers)
        response = connection.getresponse()
        response.read()
        answers.append((response.status, time.perf_counter() - started))
        connection.close()
    return answers


def one_round(port: int, pid: int, bearer: str, picture: bytes, uploads: int) -> dict:
    idle = healthz_latencies(port, float(IDLE_SECONDS))
    memory = Memory(pid)
    memory.start()
    done = threading.Event()
    with ThreadPoolExecutor(PARALLEL + 1) as pool:
        probing = pool.submit(healthz_latencies, port, done)
        bombs = [pool.submit(upload, port, bearer, picture, uploads) for _ in range(PARALLEL)]
        answers = [answer for future in bombs for answer in future.result()]
        done.set()
        during = probing.result()
    memory.halt.set()
    memory.join()
    return {
        "statuses": sorted({status for status, _ in answers}),
        "upload_s_median": statistics.median(seconds for _, seconds in answers),
        "web_rss_mb_before": memory.web[0], "web_rss_mb_peak": max(memory.web),
        "workers_rss_mb_peak": max(memory.workers),
        "idle_ms_median": statistics.median(idle), "during_ms_median": statistics.median(during),
        "during_ms_p99": statistics.quantiles(during, n=100, method="inclusive")[98] if len(during) > 1 else during[0],
        "during_ms_max": max(during), "during_requests": len(during),
        "load_average": os.getloadavg()[0],
    }


def markdown(meta: dict, rounds: list[dict]) -> str:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in rounds)

    lines = [
        (f"Convene {meta['commit']} ({meta['checkout']}), SQLite, {meta['date']}, {meta['cpus']} CPUs; "
         f"{PARALLEL} clients upload a {meta['picture']} {meta['uploads']} times each, at once; "
         f"load average {meta['load_average_at_start']:.1f} at start, medians of {len(rounds)} rounds."),
        "",
        "| answers | upload s | web RSS MB before / peak | workers RSS MB peak | /healthz ms idle | "
        "/healthz ms during: median / p99 / max | /healthz answered during | load avg |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        (f"| {', '.join(str(s) for r in rounds for s in r['statuses'])} | {median('upload_s_median'):.2f} | "
         f"{median('web_rss_mb_before'):.0f} / {median('web_rss_mb_peak'):.0f} | {median('workers_rss_mb_peak'):.0f} | "
         f"{median('idle_ms_median'):.1f} | {median('during_ms_median'):.1f} / {median('during_ms_p99'):.0f} / "
         f"{median('during_ms_max'):.0f} | {median('during_requests'):.0f} | {median('load_average'):.1f} |"),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkout", type=Path, default=BENCH.parent,
                        help="the repository whose code the server runs (default: this one)")
    parser.add_argument("--picture", choices=sorted(SIZES), default="bomb",
                        help="the 8900x8900 bomb (default), or the largest picture accepted, 4000x4000, which is decoded")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--uploads", type=int, default=3, help="pictures each of the 4 clients uploads per round (default 3)")
    args = parser.parse_args()
    checkout = args.checkout.resolve()
    load = os.getloadavg()[0]
    width, height = SIZES[args.picture]
    picture = black_png(width, height)
    with tempfile.TemporaryDirectory(prefix="convene-bombs-") as tmp:
        port = free_port()
        config = str(Path(tmp) / "convene.toml")
        env = {**os.environ, "CONVENE_CONFIG": config, "PYTHONPATH": str(checkout)}
        convene(env, tmp, "--config", config, "init", "--data-dir", tmp, "--public-url", f"http://127.0.0.1:{port}")
        convene(env, tmp, "--config", config, "migrate")
        convene(env, tmp, "--config", config, "users", "create", "--email", EMAIL, "--password", PASSWORD,
                "--username", "bomber")
        with server(env, tmp, port) as (_, process):
            bearer = token(port)
            rounds = []
            for number in range(args.rounds):
                rounds.append(one_round(port, process.pid, bearer, picture, args.uploads))
                print(f"round {number + 1}: {rounds[-1]}", file=sys.stderr)
    commit = commit_of(checkout)
    meta = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "commit": commit, "checkout": str(checkout),
            "cpus": os.cpu_count(), "load_average_at_start": load, "picture": f"{len(picture) // 1024} KB {width}x{height} PNG",
            "rounds": args.rounds, "uploads": args.uploads, "command": " ".join([Path(sys.executable).name, *sys.argv])}
    table = markdown(meta, rounds)
    print(table)
    save("image-bombs", {"meta": meta, "rounds": rounds, "table": table})


if __name__ == "__main__":
    main()
