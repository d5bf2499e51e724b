"""Benchmark: mails per second one worker thread hands to a local SMTP server (aiosmtpd).

Each message is rendered from the templates (text + HTML) and sent as the email
plugin's delivery sends it. Measured twice: on one reused connection (the plugin's
pool) and with a new connection per message (what reuse saves). No database: this
is the sending layer alone. Run from the repository root:

    .venv/bin/python bench/email_send.py [--messages 2000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "tests")]

from core.notifications import Notification  # noqa: E402
from core.runtime import Runtime  # noqa: E402
from core.settings import settings_from_dict  # noqa: E402
from plugins.email.mailer import Mailer  # noqa: E402
from plugins.email.messages import wire_bytes  # noqa: E402
from smtp_fixtures import smtp_server  # noqa: E402


def rate(mailer: Mailer, count: int, reuse: bool) -> float:
    start = time.perf_counter()
    for number in range(count):
        address = f"guest{number}@example.org"
        notification = Notification(kind="bench", to_email=address, subject="The event is cancelled",
                                    text="Sorry: the event is cancelled.", link="https://events.example.org/events/x")
        mailer.pool.send(mailer.from_address, address, wire_bytes(mailer.compose(notification, address)))
        if not reuse:
            mailer.pool.close()
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=2000)
    count = parser.parse_args().messages
    with smtp_server() as (controller, server), tempfile.TemporaryDirectory() as data_dir:
        settings = settings_from_dict({
            "secret_key": "b" * 40, "data_dir": data_dir, "public_url": "https://events.example.org",
            "plugins": {"enabled": ["email"], "email": {"smtp_host": "127.0.0.1", "smtp_port": controller.port,
                                                        "from_address": "events@example.org"}}})
        mailer = Mailer(Runtime.start(settings))
        reused = rate(mailer, count, reuse=True)
        connections = len(server.peers)
        mailer.pool.close()
        fresh = rate(mailer, count // 4, reuse=False)
        print(f"{count} messages, one worker thread: {reused:.0f}/s over {connections} connection(s); "
              f"{fresh:.0f}/s with a connection per message (the server runs in this process: it shares its CPU)")


if __name__ == "__main__":
    main()
