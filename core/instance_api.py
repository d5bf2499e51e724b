"""API: what this instance is and how it admits people."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get

from core import __version__
from core.context import Ctx


class InstanceOut(msgspec.Struct):
    name: str
    description: str
    rules: str
    contact_email: str
    registrations: str
    plugins: list[str]
    version: str
    metadata: dict[str, Any]
    """What plugins publish about the instance (``convene_instance_metadata``): its documents and rules..."""


@get("/api/v1/instance", tags=["instance"])
async def instance_info(ctx: Ctx) -> InstanceOut:
    s = ctx.settings
    return InstanceOut(s.instance.name, s.instance.description, s.instance.rules, s.instance.contact_email,
                       s.registrations.mode, s.enabled_plugins, __version__, await instance_metadata(ctx))


async def instance_metadata(ctx: Ctx) -> dict[str, Any]:
    """Every plugin's additions to the instance's description, for directories (NodeInfo reads it too)."""
    data: dict[str, Any] = {}
    await ctx.call("convene_instance_metadata", data=data)
    return data
