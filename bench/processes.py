"""Subprocesses of the benchmarks: wait until one is ready, and stop it cleanly whatever happens."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import time
from collections.abc import Callable, Iterator

START_SECONDS = 60


@contextlib.contextmanager
def interrupted_at_exit(proc: subprocess.Popen) -> Iterator[None]:
    """Ctrl-C ``proc`` when the block ends (it then shuts down cleanly), killing it if it lingers."""
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_until(ready: Callable[[], bool], proc: subprocess.Popen, describe: Callable[[], str]) -> None:
    """Poll ``ready`` until it holds; stop the benchmark if ``proc`` dies or START_SECONDS pass first."""
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"did not start: {describe()}")
        time.sleep(0.2)
