"""Collects the server-rendered pages of every domain."""

from __future__ import annotations

from typing import Any


def web_route_handlers() -> list[Any]:
    from core.web.home import home

    return [home]
