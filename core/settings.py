"""Instance configuration: one TOML file plus ``CONVENE_*`` environment overrides.

The file is decoded into msgspec structs that forbid unknown fields, so a typo in an
operator's config stops start-up with a message naming the key instead of being
silently ignored. Plugin sections (``[plugins.<name>]``) are validated later, against
the struct each enabled plugin declares, because only the plugins know their keys.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from core.i18n import languages

DEFAULT_CONFIG_PATH = Path("convene.toml")
# not "email": with it on, confirmation links go by SMTP only, and a quick start has no SMTP server
DEFAULT_PLUGINS = ["federation_activitypub", "moderation", "ical", "groups"]


class ConfigError(Exception):
    """The configuration cannot be used; the message names the offending key."""


# "#rgb" or "#rrggbb", or "" for the theme's own colours
HexColour = Annotated[str, msgspec.Meta(pattern=r"^(#[0-9a-fA-F]{3}|#[0-9a-fA-F]{6})?$")]


class InstanceInfo(msgspec.Struct, forbid_unknown_fields=True):
    name: str = "Convene"
    description: str = "A place to organise gatherings."
    contact_email: str = ""
    rules: str = ""
    # branding without a theme (core.web.branding): a logo file the instance serves, a primary colour
    logo: str = ""
    primary_color: HexColour = ""
    # the language of pages for visitors whose browser asks for none we have (core.i18n)
    language: str = "en"

    def __post_init__(self) -> None:
        if self.language not in languages():
            raise ConfigError(f"instance.language: {self.language!r} has no catalogue; one of: {', '.join(languages())}")


class Registrations(msgspec.Struct, forbid_unknown_fields=True):
    # open: anyone; closed: operators create accounts; allowlist: only these email domains
    mode: Literal["open", "closed", "allowlist"] = "open"
    email_domains: list[str] = []
    # unconfirmed accounts older than this are purged by the background worker
    unconfirmed_ttl_hours: int = 48
    # true: a new account may log in at once, no address confirmation asked (an instance
    # that sends no mail and trusts its sign-ups, e.g. behind a closed network)
    auto_confirm: bool = False


class Limits(msgspec.Struct, forbid_unknown_fields=True):
    avatar_max_bytes: int = 2 * 1024 * 1024
    banner_max_bytes: int = 5 * 1024 * 1024
    identities_per_account: int = 10
    # per client address (every attempt), and per client and email address (failures, then longer waits)
    login_attempts_per_minute: int = 10
    # every client's failures for one email address: beyond, only clients that have not failed may try
    login_failures_per_address_per_hour: int = 100
    signups_per_hour_per_ip: int = 10


class Settings(msgspec.Struct, forbid_unknown_fields=True):
    secret_key: str
    public_url: str = "http://127.0.0.1:8000"
    data_dir: str = "data"
    database_url: str = ""
    # empty: the embedded broker (Dramatiq worker threads inside the web process)
    broker_url: str = ""
    theme: str = "default"
    log_level: str = "INFO"
    instance: InstanceInfo = msgspec.field(default_factory=InstanceInfo)
    registrations: Registrations = msgspec.field(default_factory=Registrations)
    limits: Limits = msgspec.field(default_factory=Limits)
    # {"enabled": [...], "<plugin>": {...}}; validated by core.plugins
    plugins: dict[str, Any] = msgspec.field(default_factory=lambda: {"enabled": list(DEFAULT_PLUGINS)})

    def __post_init__(self) -> None:
        self.public_url = self.public_url.rstrip("/")
        if not self.database_url:
            self.database_url = f"sqlite+aiosqlite:///{Path(self.data_dir).resolve() / 'convene.sqlite3'}"
        if len(self.secret_key) < 32:
            raise ConfigError("secret_key: must be at least 32 characters (run `convene init` to generate one)")

    @property
    def enabled_plugins(self) -> list[str]:
        enabled = self.plugins.get("enabled", [])
        if not isinstance(enabled, list) or not all(isinstance(name, str) for name in enabled):
            raise ConfigError("plugins.enabled: must be a list of plugin names")
        return enabled

    def plugin_config(self, name: str) -> dict[str, Any]:
        section = self.plugins.get(name, {})
        if not isinstance(section, dict):
            raise ConfigError(f"plugins.{name}: must be a table")
        return section

    @property
    def media_dir(self) -> Path:
        return Path(self.data_dir).resolve() / "media"

    @property
    def embedded_broker(self) -> bool:
        return not self.broker_url

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def url(self, path: str) -> str:
        """An absolute URL on this instance, always built from the configured base URL."""
        return self.public_url + path


# keys that belonged to the core once: naming the new place beats "unknown field"
MOVED_KEYS = {"allow_private_addresses": "[plugins.federation_activitypub] allow_private_addresses"}

ENV_OVERRIDES = {
    "CONVENE_PUBLIC_URL": "public_url",
    "CONVENE_DATABASE_URL": "database_url",
    "CONVENE_BROKER_URL": "broker_url",
    "CONVENE_DATA_DIR": "data_dir",
    "CONVENE_SECRET_KEY": "secret_key",
    "CONVENE_THEME": "theme",
}


def _apply_env(raw: dict[str, Any], environ: dict[str, str]) -> dict[str, Any]:
    for var, key in ENV_OVERRIDES.items():
        if environ.get(var):
            raw[key] = environ[var]
    if environ.get("CONVENE_REGISTRATIONS"):
        raw.setdefault("registrations", {})["mode"] = environ["CONVENE_REGISTRATIONS"]
    if "CONVENE_PLUGINS" in environ:
        names = [n.strip() for n in environ["CONVENE_PLUGINS"].split(",") if n.strip()]
        raw.setdefault("plugins", {})["enabled"] = names
    return raw


def settings_from_dict(raw: dict[str, Any]) -> Settings:
    """Validate a config mapping; errors name the key, e.g. ``Object contains unknown field `x` - at `$.instance```."""
    raw = dict(raw)
    for key, new_place in MOVED_KEYS.items():
        if key in raw:
            raise ConfigError(f"{key}: this setting moved to {new_place}")
    raw.setdefault("plugins", {}).setdefault("enabled", list(DEFAULT_PLUGINS))
    try:
        return msgspec.convert(raw, Settings)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"invalid configuration: {exc}") from None


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    environ = dict(os.environ) if environ is None else environ
    path = path or Path(environ.get("CONVENE_CONFIG", DEFAULT_CONFIG_PATH))
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from None
    elif "CONVENE_SECRET_KEY" not in environ:
        raise ConfigError(f"{path} does not exist: run `convene init` to create it")
    return settings_from_dict(_apply_env(raw, environ))


def new_config_text(public_url: str = "http://127.0.0.1:8000", data_dir: str = "data") -> str:
    """The starting convene.toml written by ``convene init``, with a freshly generated secret."""
    return f'''# Convene instance configuration. Environment variables CONVENE_PUBLIC_URL,
# CONVENE_DATABASE_URL, CONVENE_BROKER_URL and CONVENE_DATA_DIR override these keys.
secret_key = "{secrets.token_urlsafe(48)}"
public_url = "{public_url}"
data_dir = "{data_dir}"
# database_url = "postgresql+asyncpg://convene:convene@127.0.0.1/convene"
# broker_url = "redis://127.0.0.1:6379/0"   # empty: embedded worker threads
theme = "default"

[instance]
name = "Convene"
description = "A place to organise gatherings."
contact_email = ""
rules = ""
# logo = "/etc/convene/logo.svg"   # a file served by the instance (svg, png, webp, jpg, gif)
# primary_color = "#2b59c3"        # the theme's accent; text on it is kept readable
language = "en"          # for visitors whose browser asks for no language offered here

[registrations]
mode = "open"            # open | closed | allowlist
email_domains = []       # used when mode = "allowlist"
auto_confirm = false     # true: new accounts need no address confirmation (for instances without mail)

[plugins]
enabled = {DEFAULT_PLUGINS!r}
# Add "email" to send notifications (confirmation links...) by SMTP. Without it they are
# written to the server log: an operator passes the link on, or confirms the account with
# `convene users confirm --email ...`, or sets [registrations] auto_confirm = true; and
# `convene users create` makes accounts that are confirmed already.
# `convene mail test --to you@example.org` checks these settings.
# [plugins.email]
# smtp_host = "localhost"
# smtp_port = 25
# smtp_security = "none"   # none | starttls (port 587) | tls (port 465)
# smtp_username = ""
# smtp_password = ""       # or the environment variable CONVENE_SMTP_PASSWORD
# from_address = "events@example.org"
# reply_to = ""
# anonymous_participation = false   # true: people without an account may join events that allow it, by mail
# Add "webpush" to push the same news to the devices where members turn notifications on
# (docs/webpush.md). Its key is made once and kept in the database unless given here.
# [plugins.webpush]
# vapid_private_key = ""   # or the environment variable CONVENE_VAPID_PRIVATE_KEY
# vapid_subject = "mailto:admin@example.org"
'''.replace("'", '"')
