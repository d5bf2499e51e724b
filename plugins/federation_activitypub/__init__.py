"""ActivityPub federation (WebFinger, NodeInfo, actors, signatures, inbox, delivery).

Built on the core's hooks only: the core never imports this package. Being wired in
its own issue; so far it declares its settings and its tables.
"""

from __future__ import annotations

from pathlib import Path

from core.plugins import hookimpl
from plugins.federation_activitypub import models  # noqa: F401  (registers the tables)
from plugins.federation_activitypub.config import FederationConfig


@hookimpl
def convene_config_schema() -> tuple[str, type[FederationConfig]]:
    return ("federation_activitypub", FederationConfig)


@hookimpl
def convene_migrations_dir() -> Path:
    return Path(__file__).resolve().parent / "migrations"
