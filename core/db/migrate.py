"""Running Alembic migrations programmatically (``convene migrate``), on SQLite or PostgreSQL."""

from __future__ import annotations

import os
from pathlib import Path

from alembic import command
from alembic.config import Config

from core.plugins import call_sync, load_plugins
from core.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(settings: Settings) -> Config:
    """Core's migrations plus a branch for each enabled plugin that has tables."""
    pm, _ = load_plugins(settings)
    folders = [MIGRATIONS / "versions", *call_sync(pm, "convene_migrations_dir")]
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("version_locations", os.pathsep.join(str(f) for f in folders))
    config.set_main_option("path_separator", "os")
    config.attributes["settings"] = settings
    return config


def upgrade(settings: Settings, revision: str = "heads") -> None:
    command.upgrade(alembic_config(settings), revision)


def downgrade(settings: Settings, revision: str) -> None:
    command.downgrade(alembic_config(settings), revision)
