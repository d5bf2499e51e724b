"""A counting SMTP server for the cancellation benchmark: aiosmtpd, in a process of its own.

The worker's figures must not pay for the server it talks to, so the server runs apart
(the email plugin's tests run theirs in a thread of the test process). It accepts every
message and keeps only counts: how many, the wall-clock times of the first and the last,
over how many TCP connections; and it reports its own CPU seconds, so the benchmark can
say what the server cost on the shared cores.

One more port answers a line: ``stats`` (those figures, as JSON) or ``reset`` (the same,
then zeroed, before a round).

    python bench/mail_sink.py --ports-file /tmp/mail-sink-ports.json

The ports file (written once both ports listen) holds ``{"smtp": port, "control": port}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import resource
import socket
import time
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP


class Counter:
    """The aiosmtpd handler: accept, count, forget the message."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.accepted = 0
        self.first: float | None = None
        self.last: float | None = None
        self.peers: set[tuple[str, int]] = set()

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        now = time.time()
        self.accepted += 1
        self.first = self.first or now
        self.last = now
        self.peers.add(session.peer)
        return "250 Message accepted"

    def stats(self) -> dict[str, Any]:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return {"accepted": self.accepted, "first": self.first, "last": self.last, "connections": len(self.peers),
                "cpu_seconds": usage.ru_utime + usage.ru_stime}


async def serve(ports_file: Path) -> None:
    counter = Counter()
    loop = asyncio.get_running_loop()
    smtp = await loop.create_server(lambda: SMTP(counter, hostname="mail-sink.localhost"), "127.0.0.1", 0)

    async def control(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        command = (await reader.readline()).strip()
        writer.write(json.dumps(counter.stats()).encode())
        if command == b"reset":
            counter.reset()
        await writer.drain()
        writer.close()

    controller = await asyncio.start_server(control, "127.0.0.1", 0)
    ports = {"smtp": smtp.sockets[0].getsockname()[1], "control": controller.sockets[0].getsockname()[1]}
    await asyncio.to_thread(ports_file.write_text, json.dumps(ports))
    await asyncio.Event().wait()  # until interrupted


def ask(control_port: int, command: str = "stats") -> dict[str, Any]:
    """The sink's figures, from the benchmark's side (``reset`` zeroes them after answering)."""
    with socket.create_connection(("127.0.0.1", control_port), timeout=10) as sock:
        sock.sendall(command.encode() + b"\n")
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return json.loads(answer)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ports-file", type=Path, required=True)
    logging.basicConfig(level=logging.WARNING)  # aiosmtpd logs every connection at INFO
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(parser.parse_args().ports_file))


if __name__ == "__main__":
    main()
