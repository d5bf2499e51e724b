"""API: what this instance is and how it admits people."""

from __future__ import annotations

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


@get("/api/v1/instance", tags=["instance"])
async def instance_info(ctx: Ctx) -> InstanceOut:
    s = ctx.settings
    return InstanceOut(s.instance.name, s.instance.description, s.instance.rules, s.instance.contact_email,
                       s.registrations.mode, s.enabled_plugins, __version__)
