"""Delivery: one local event published to thousands of remote followers, every copy verified.

The followers are rows written straight into the database (identities, ``ap_actors``,
``ap_follows``: accepted follows of remote actors), ten per simulated instance, each
instance a port of bench/sink.py. Each *audience* is a local identity with its own
followers, e.g. 10,000 followers on 1,000 instances:

- with shared inboxes (as Mastodon, Mobilizon and Convene publish them), the fan-out
  sends one copy per instance: 1,000 deliveries;
- without (every follower has only its own inbox), one per follower: 10,000.

A round publishes one new public event through the API as that identity (the
request writes one outbox row per delivery, in its transaction) and waits until the
sink has verified every copy. The clock runs from the publishing request to the
last verified delivery; the worker's rate is the deliveries divided by the time from
the request's answer to the last one.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fedinstance import Instance, cpu_seconds, last_outbox_id, outbox_figures
from seed import _insert
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from core.accounts.models import Account
from core.identities.models import Identity
from core.security import hash_password
from plugins.federation_activitypub.delivery import DELIVER_JOB
from plugins.federation_activitypub.fetch import ACCEPT_ACTIVITY
from plugins.federation_activitypub.models import ApActor, ApFollow

FOLLOWERS_PER_INSTANCE = 10
EMAIL, PASSWORD = "organiser@example.org", "bench-password"


@dataclass(frozen=True)
class Audience:
    """A local identity and its remote followers, ``FOLLOWERS_PER_INSTANCE`` per instance."""

    followers: int
    shared_inbox: bool

    @property
    def name(self) -> str:
        return f"{'shared' if self.shared_inbox else 'personal'}{self.followers}"

    @property
    def instances(self) -> int:
        return max(self.followers // FOLLOWERS_PER_INSTANCE, 1)

    @property
    def deliveries(self) -> int:
        return self.instances if self.shared_inbox else self.followers


async def seed_audiences(engine: AsyncEngine, audiences: list[Audience], ports: list[int]) -> None:
    """One local account with an identity per audience, each followed by its remote followers."""
    async with engine.begin() as conn:
        account = await _insert(conn, Account.__table__, [{
            "email": EMAIL, "password_hash": hash_password(PASSWORD), "confirmed_at": datetime.now(UTC)}])
        local = await _insert(conn, Identity.__table__, [
            {"username": audience.name, "domain": "", "account_id": account[0], "is_default": not n}
            for n, audience in enumerate(audiences)])
        for audience, followed in zip(audiences, local, strict=True):
            hosts = [f"127.0.0.1:{ports[n % audience.instances]}" for n in range(audience.followers)]
            names = [f"{audience.name}f{n}" for n in range(audience.followers)]
            remote = await _insert(conn, Identity.__table__, [
                {"username": name, "domain": host, "account_id": None} for name, host in zip(names, hosts, strict=True)])
            await conn.execute(insert(ApActor.__table__), [
                {"identity_id": identity, "ap_id": f"http://{host}/users/{name}",
                 "inbox": f"http://{host}/users/{name}/inbox", "private_key_pem": None,
                 "shared_inbox": f"http://{host}/inbox" if audience.shared_inbox else "",
                 "key_id": f"http://{host}/users/{name}#main-key", "url": f"http://{host}/users/{name}"}
                for identity, name, host in zip(remote, names, hosts, strict=True)])
            await conn.execute(insert(ApFollow.__table__), [
                {"follower_id": identity, "followed_id": followed, "accepted": True,
                 "activity_id": f"http://{host}/users/{name}#follows/1"}
                for identity, name, host in zip(remote, names, hosts, strict=True)])


class Organiser:
    """The local account, through the instance's API, and the sink's counters."""

    def __init__(self, instance: Instance, control_port: int) -> None:
        self.instance = instance
        self.http = httpx.AsyncClient(base_url=instance.base, timeout=120)
        # a fresh connection per poll: a kept one may be closed by the sink just as it is reused
        self.sink = httpx.AsyncClient(base_url=f"http://127.0.0.1:{control_port}", timeout=30,
                                      limits=httpx.Limits(max_keepalive_connections=0))

    async def log_in(self, audiences: list[Audience]) -> None:
        """A bearer token; and each identity's actor fetched once, which makes its key (as an earlier post would)."""
        answer = await self.http.post("/api/v1/auth/token", json={"email": EMAIL, "password": PASSWORD})
        answer.raise_for_status()
        self.http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
        for audience in audiences:
            (await self.http.get(f"/@{audience.name}", headers={"Accept": ACCEPT_ACTIVITY})).raise_for_status()

    async def publish(self, audience: Audience, number: int) -> str:
        """A new public event of ``audience``'s identity; the id of the Create activity its followers get."""
        begins = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7 + number)
        answer = await self.http.post("/api/v1/events", json={
            "identity": audience.name, "publish": True, "title": f"Bike repair workshop #{number}",
            "description": "<p>Bring your bike, we bring the tools.</p>", "begins_at": begins.isoformat(),
            "ends_at": (begins + timedelta(hours=3)).isoformat(), "timezone": "Europe/Paris", "tags": ["bikes"],
            "address": {"name": "Old Brewery", "locality": "Lyon", "country": "France"}})
        answer.raise_for_status()
        return f"{self.instance.base}/events/{answer.json()['uuid']}#create"

    async def sink_stats(self) -> dict[str, Any]:
        return (await self.sink.get("/stats")).json()


async def delivered(organiser: Organiser, engine: AsyncEngine, activity_id: str, expected: int, after_id: int,
                    timeout: float) -> dict[str, Any]:
    """Wait until the sink verified ``expected`` copies, or every delivery row is finished, or time is up."""
    deadline = time.monotonic() + timeout
    while True:
        stats = await organiser.sink_stats()
        seen = stats["valid"].get(activity_id, {"count": 0})
        if seen["count"] >= expected or time.monotonic() > deadline:
            return stats
        figures = await outbox_figures(engine, DELIVER_JOB, after_id)
        if figures.rows and figures.done + figures.dead >= figures.rows:
            return await organiser.sink_stats()
        await asyncio.sleep(0.1)


async def measure(instance: Instance, engine: AsyncEngine, organiser: Organiser, audiences: list[Audience],
                  rounds: int, pids: dict[str, int]) -> list[dict[str, Any]]:
    """``rounds`` publications per audience, each timed until its last verified delivery."""
    results = []
    for audience in audiences:
        for number in range(rounds):
            after_id = await last_outbox_id(engine)
            before = await organiser.sink_stats()
            cpu = {name: cpu_seconds(pid) for name, pid in pids.items()}
            started = time.time()
            activity_id = await organiser.publish(audience, len(results))
            answered = time.time()
            stats = await delivered(organiser, engine, activity_id, audience.deliveries, after_id,
                                    timeout=60 + audience.deliveries / 5)
            cpu = {name: cpu_seconds(pid) - cpu[name] for name, pid in pids.items()}
            figures = await outbox_figures(engine, DELIVER_JOB, after_id)
            seen = stats["valid"].get(activity_id, {"count": 0, "first": float("nan"), "last": float("nan")})
            result = {
                "audience": audience.name, "followers": audience.followers, "instances": audience.instances,
                "expected": audience.deliveries, "verified": seen["count"],
                "invalid": sum(stats["invalid"].values()) - sum(before["invalid"].values()),
                "sink_refusals": stats["invalid"], "connections": stats["connections"] - before["connections"],
                "dead": figures.dead,
                "publish_ms": (answered - started) * 1000, "first_delivery_s": seen["first"] - started,
                "seconds": seen["last"] - started,
                "deliveries_per_second": seen["count"] / max(seen["last"] - answered, 1e-6),
                **{f"{name}_cpu_ms_per_delivery": seconds * 1000 / max(seen["count"], 1)
                   for name, seconds in cpu.items()},
            }
            results.append(result)
            print(f"{audience.name} round {number + 1}: {seen['count']}/{audience.deliveries} verified in "
                  f"{result['seconds']:.2f} s (publish {result['publish_ms']:.0f} ms, "
                  f"{result['deliveries_per_second']:.0f}/s)", file=sys.stderr)
    return results
