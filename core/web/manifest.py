"""``/manifest.webmanifest``: what a phone needs to install the instance as an app.

The instance's name, its start page, a standalone window, its colour (the configured
brand colour, else the default theme's accent) and its icons: the configured logo (the
one the pages show) and the theme's favicon (SVG, any size). Every instance has one,
with or without push notifications (plugins/webpush): installing is useful on its own.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from litestar import Response, get

from core.context import Ctx
from core.web.branding import LOGO_PATH, branding, logo_file

MANIFEST_TYPE = "application/manifest+json"
DEFAULT_COLOUR = "#2b59c3"  # themes/default/static/convene.css --accent
PAPER = "#ffffff"
SHORT_NAME_LENGTH = 12  # what a home screen shows under an icon without cutting


def manifest(ctx: Ctx) -> dict[str, Any]:
    settings = ctx.settings
    brand = branding(settings)
    icons = [{"src": "/static/favicon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"}]
    logo = logo_file(settings)
    if logo is not None:
        icons.insert(0, {"src": LOGO_PATH, "sizes": "any",
                         "type": mimetypes.guess_type(logo.name)[0] or "image/png", "purpose": "any"})
    name = settings.instance.name
    return {
        "name": name,
        "short_name": name if len(name) <= SHORT_NAME_LENGTH else name[:SHORT_NAME_LENGTH - 1].rstrip() + "…",
        "description": settings.instance.description,
        "lang": settings.instance.language,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": brand.primary or DEFAULT_COLOUR,
        "background_color": PAPER,
        "icons": icons,
    }


@get("/manifest.webmanifest", include_in_schema=False)
async def web_manifest(ctx: Ctx) -> Response:
    return Response(manifest(ctx), media_type=MANIFEST_TYPE, headers={"Cache-Control": "public, max-age=3600"})
