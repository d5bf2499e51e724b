"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when
``CONVENE_TEST_DATABASE_URL`` is set), an instance with its embedded worker, and
helpers that act as a person would through the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar.testing import TestClient

from core.app import create_app
from core.db.migrate import upgrade
from core.settings import Settings, settings_from_dict
from helpers import EVERY_PLUGIN, PG_URL, SECRET, empty_database, make_settings


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """SQLite: one migrated file copied for each test. PostgreSQL: migrate once, truncate per test.

    Every installed plugin's tables are made, so a test may enable any of them (tests/plugin_testkit).
    """
    if PG_URL:
        upgrade(settings_from_dict({"secret_key": SECRET, "database_url": PG_URL, "plugins": EVERY_PLUGIN}))
        return None
    folder = tmp_path_factory.mktemp("template")
    settings = settings_from_dict({"secret_key": SECRET, "data_dir": str(folder), "plugins": EVERY_PLUGIN})
    upgrade(settings)
    return folder / "convene.sqlite3"


@pytest.fixture
def data_dir(tmp_path: Path, migrated_template: Path | None) -> Path:
    empty_database(tmp_path, migrated_template)
    return tmp_path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    return make_settings(data_dir)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), base_url="http://testserver.local") as test_client:
        yield test_client
