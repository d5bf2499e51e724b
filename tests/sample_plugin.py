"""A third-party-style plugin used by the tests: one hook of each kind."""

from __future__ import annotations

import msgspec

from core.decisions import Decision
from core.outbox import enqueue
from core.plugins import ConfigSchema, hookimpl
from core.web.slots import Link

DELIVERED: list[dict] = []


class SampleConfig(msgspec.Struct, forbid_unknown_fields=True):
    banned_word: str = "forbidden"


@hookimpl
def convene_config_schema():
    return ConfigSchema("sample", SampleConfig)


@hookimpl
async def convene_check_content(text):
    if "forbidden" in text.lower():
        return Decision.deny("this instance does not accept the word 'forbidden'")
    return None


@hookimpl
async def convene_event_published(ctx, event):
    await enqueue(ctx.session, "sample_announce", {"uuid": str(event.uuid), "title": event.title})


@hookimpl
def convene_outbox_handlers():
    async def announce(ctx, payload):
        DELIVERED.append(payload)

    return {"sample_announce": announce}


@hookimpl
async def convene_event_links(ctx, event):
    return [Link("Sample link", ctx.settings.url(f"/sample/{event.uuid}"))]
