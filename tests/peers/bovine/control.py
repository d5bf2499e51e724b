"""Act as a bovine-herd actor through its own client: follow a target, or print the inbox.

Run with the peer's Python; BOVINE_DOMAIN, BOVINE_ACTOR and BOVINE_SECRET (from
``bovine_tool.manage --new_did_key``) say who acts.

    python control.py follow <actor URL>
    python control.py inbox        # JSON list of the inbox's activities, newest first
"""

import asyncio
import json
import os
import sys

from bovine import BovineClient


async def main(command: str, *arguments: str) -> None:
    async with BovineClient(
        domain=os.environ["BOVINE_DOMAIN"], actor_id=os.environ["BOVINE_ACTOR"], secret=os.environ["BOVINE_SECRET"]
    ) as client:
        if command == "follow":
            response = await client.send_to_outbox(client.activity_factory.follow(arguments[0]).build())
            print(response.status)
        elif command == "inbox":
            print(json.dumps([item async for item in client.inbox()]))
        else:
            raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
