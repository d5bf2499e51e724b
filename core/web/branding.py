"""Instance branding from the config, without writing a theme: a logo and a primary colour.

The primary colour is applied through the theme's CSS custom properties, so everything
the theme paints in its accent follows. An operator picks a colour for how it looks,
not for its contrast, so the colours actually used are derived here, on the server:

- ``on_primary``: black or white, whichever reads better on the primary colour (one
  of the two always reaches WCAG AA's 4.5:1 against any colour);
- ``accent``: the primary colour darkened just enough to reach 4.5:1 against the
  page's white paper, for links and button text (a pale yellow brand would otherwise
  give unreadable links).

The logo is a file on the server; the instance serves it at ``LOGO_PATH``, so pages
never load anything from another site. The colours are a small stylesheet served at
``COLOURS_PATH``: the pages' Content-Security-Policy (core.web.security_headers) refuses
inline ``<style>`` blocks.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from pathlib import Path

from litestar import Response, get
from litestar.response import File

from core.context import Ctx
from core.errors import NotFound
from core.settings import ConfigError, Settings

AA_NORMAL_TEXT = 4.5
PAPER = "#ffffff"
LOGO_PATH = "/brand/logo"
COLOURS_PATH = "/brand/colours.css"
# an SVG opened on its own is a document of this site: no script, its own inline styles, never framed
LOGO_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
LOGO_TYPES = {".svg", ".png", ".webp", ".jpg", ".jpeg", ".gif"}


def _channels(colour: str) -> tuple[int, int, int]:
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(channels: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02x}" for c in channels)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a ``#rgb`` or ``#rrggbb`` colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(one: str, other: str) -> float:
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(background: str) -> str:
    """Black or white text, whichever contrasts more with ``background``."""
    return max(("#000000", "#ffffff"), key=lambda text: contrast_ratio(text, background))


def readable_against(colour: str, background: str = PAPER) -> str:
    """``colour`` darkened in small steps until it reaches AA contrast as text on ``background``."""
    channels = _channels(colour)
    for step in range(21):
        shade = tuple(round(c * (1 - step / 20)) for c in channels)
        candidate = _hex(shade)  # type: ignore[arg-type]
        if contrast_ratio(candidate, background) >= AA_NORMAL_TEXT:
            return candidate
    return "#000000"


@dataclass(frozen=True)
class Branding:
    """What the templates need: the logo's and the colours' URLs (or "") and the colours ("" for the theme's own)."""

    logo_url: str = ""
    colours_url: str = ""
    primary: str = ""
    on_primary: str = ""
    accent: str = ""


def logo_file(settings: Settings) -> Path | None:
    """The configured logo file, checked at start-up so a typo stops the instance with its key named."""
    if not settings.instance.logo:
        return None
    path = Path(settings.instance.logo).expanduser().resolve()
    if path.suffix.lower() not in LOGO_TYPES:
        raise ConfigError(f"instance.logo: must be one of {', '.join(sorted(LOGO_TYPES))} files, not {path.name!r}")
    if not path.is_file():
        raise ConfigError(f"instance.logo: no such file {str(path)!r}")
    return path


def branding(settings: Settings) -> Branding:
    logo_url = LOGO_PATH if logo_file(settings) else ""
    if not settings.instance.primary_color:
        return Branding(logo_url)
    colour = _hex(_channels(settings.instance.primary_color))  # "#0F0" -> "#00ff00"
    return Branding(logo_url, COLOURS_PATH, colour, readable_on(colour), readable_against(colour))


@get(LOGO_PATH, include_in_schema=False)
async def logo(ctx: Ctx) -> Response:
    """The logo file. Served with scripts forbidden: an SVG opened on its own runs in this site's origin."""
    path = logo_file(ctx.settings)
    if path is None:
        raise NotFound("this instance has no logo")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return File(path, media_type=media_type, content_disposition_type="inline", headers={
        "Cache-Control": "public, max-age=3600", "Content-Security-Policy": LOGO_POLICY})


@get(COLOURS_PATH, include_in_schema=False)
async def colours(ctx: Ctx) -> Response:
    """The configured colours as the custom properties the theme paints with."""
    brand = branding(ctx.settings)
    if not brand.primary:
        raise NotFound("this instance has no brand colour")
    css = f":root {{ --brand: {brand.primary}; --on-brand: {brand.on_primary}; --accent: {brand.accent}; }}\n"
    return Response(css, media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"})
