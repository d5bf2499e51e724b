"""The Jinja2 environment: the active theme first, then plugins' templates, then the default theme.

So a theme overrides any template, core's or a plugin's, and falls back for the rest.
The default theme's templates are also reachable as ``@default/<name>``, so a theme's
``base.html`` can extend the default one and change only some of its blocks instead of
copying it (docs/themes.md).

There is one environment per language, each with its catalogue installed
(core.web.localised picks the reader's at render time): Jinja caches imported
templates per environment, so a partial's module-level strings (partials/labels.html)
are translated once per language and never shown in another reader's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader, select_autoescape

from core.i18n import html_lang, language_name, languages, translate_message, translations
from core.settings import ConfigError, Settings
from core.web.branding import branding

THEMES_DIR = Path(__file__).resolve().parents[2] / "themes"
DEFAULT_THEME_PREFIX = "@default"


def theme_dirs(settings: Settings, kind: str) -> list[Path]:
    """The active theme's folder of this kind (templates/static), then the default theme's."""
    active = THEMES_DIR / settings.theme
    if not active.is_dir():
        raise ConfigError(f"theme: no theme named {settings.theme!r} in {THEMES_DIR}")
    dirs = [active / kind]
    if settings.theme != "default":
        dirs.append(THEMES_DIR / "default" / kind)
    return [d for d in dirs if d.is_dir()]


def local_time(value: datetime, zone: str, locale: str = "en", fmt: str = "medium") -> str:
    """A UTC time shown in a timezone, formatted for the reader's language."""
    return format_datetime(value.astimezone(ZoneInfo(zone)), format=fmt, locale=locale)


def local_moment(value: datetime, zone: str, locale: str = "en", date_format: str = "medium") -> str:
    """A UTC time shown in a timezone as a date and a time of day, without seconds (event pages, lists)."""
    moment = value.astimezone(ZoneInfo(zone))
    return f"{format_date(moment, date_format, locale=locale)}, {format_time(moment, 'short', locale=locale)}"


def labelled(values: Iterable[str], labels: Mapping[str, str]) -> list[tuple[str, str]]:
    """Stored values paired with the words the theme shows for them, for a <select>."""
    return [(value, labels.get(value, value)) for value in values]


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    """IANA names offered in timezone fields (the legacy ``posix/`` and ``right/`` copies left out)."""
    return sorted(z for z in available_timezones() if not z.startswith(("posix/", "right/")))


def make_environment(settings: Settings, plugin_template_dirs: list[Path], language: str = "en",
                     catalogue: Translations | None = None) -> Environment:
    """The environment that renders pages in ``language`` with ``catalogue`` (none: as written)."""
    catalogue = catalogue or Translations()
    themes = theme_dirs(settings, "templates")
    loaders: list[BaseLoader] = [FileSystemLoader(str(themes[0]))]
    loaders += [FileSystemLoader(str(d)) for d in plugin_template_dirs]
    loaders += [FileSystemLoader(str(d)) for d in themes[1:]]
    loaders.append(PrefixLoader({DEFAULT_THEME_PREFIX: FileSystemLoader(str(THEMES_DIR / "default" / "templates"))}))
    env = Environment(
        # templates change with a deploy, not while serving: skip a stat() per template per render
        auto_reload=False,
        loader=ChoiceLoader(loaders),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.globals["catalogue"] = catalogue  # for plugins' slots (core.web.slots.Slot.translate)
    # services' messages (form errors, error pages): translated as text, escaped as text
    env.filters["translated"] = partial(translate_message, catalogue)
    env.filters["number"] = partial(format_decimal, locale=language)
    env.filters["html_lang"] = html_lang
    env.filters["local_time"] = local_time
    env.filters["local_moment"] = local_moment
    env.filters["labelled"] = labelled
    env.globals["timezone_names"] = timezone_names
    env.globals["settings"] = settings
    env.globals["instance"] = settings.instance
    env.globals["branding"] = branding(settings)
    env.globals["languages"] = [(code, language_name(code)) for code in languages()]
    return env


def make_environments(settings: Settings, plugin_template_dirs: list[Path],
                      plugin_catalogue_dirs: list[Path]) -> dict[str, Environment]:
    """One environment per language offered, with core's, the plugins' and the theme's catalogues
    merged in that order (a later one rewords an earlier one's string)."""
    theme_catalogues = list(reversed(theme_dirs(settings, "locale")))
    catalogue_dirs = (*plugin_catalogue_dirs, *theme_catalogues)
    return {language: make_environment(settings, plugin_template_dirs, language, translations(language, catalogue_dirs))
            for language in languages()}
