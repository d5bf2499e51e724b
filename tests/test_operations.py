"""What an operator does first: init a config, migrate, serve; env overrides; the CLI."""

from __future__ import annotations

import subprocess
import sys
import time
import tomllib

import httpx
import pytest

from core.settings import ConfigError, load_settings
from helpers import EVERY_PLUGIN, make_settings
from liveserver import free_port

CLI = [sys.executable, "-c", "from core.cli import main; main()"]


def run(args, cwd, **kw):
    return subprocess.run(CLI + args, cwd=cwd, capture_output=True, text=True, timeout=120, **kw)


def test_init_generates_a_fresh_secret_and_keeps_an_existing_config(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    assert run(["init"], a).returncode == 0 and run(["init"], b).returncode == 0
    secret_a = tomllib.loads((a / "convene.toml").read_text())["secret_key"]
    secret_b = tomllib.loads((b / "convene.toml").read_text())["secret_key"]
    assert secret_a != secret_b and len(secret_a) >= 48
    assert "already exists" in run(["init"], a).stdout
    assert tomllib.loads((a / "convene.toml").read_text())["secret_key"] == secret_a
    assert oct((a / "convene.toml").stat().st_mode)[-3:] == "600"


def test_init_migrate_serve_gives_a_working_instance(tmp_path):
    assert run(["init"], tmp_path).returncode == 0
    migrated = run(["migrate"], tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    server = subprocess.Popen(CLI + ["serve", "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "server did not start"
                time.sleep(0.2)
        assert home.status_code == 200 and "Convene" in home.text
        r = httpx.post(f"http://127.0.0.1:{port}/api/v1/accounts",
                       json={"email": "first@example.org", "password": "long enough", "username": "first"})
        assert r.status_code == 201
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert (tmp_path / "data" / "convene.sqlite3").exists()
    # the embedded worker ran the confirmation job inside the web process and logged the link
    assert "no notification channel enabled; message for first@example.org" in output
    assert "http://127.0.0.1:8000/confirm/" in output


def test_environment_overrides_the_file(tmp_path):
    config = tmp_path / "convene.toml"
    config.write_text('secret_key = "' + "s" * 40 + '"\npublic_url = "http://file.example"\n')
    settings = load_settings(config, {"CONVENE_PUBLIC_URL": "https://env.example/", "CONVENE_DATA_DIR": str(tmp_path / "d"),
                                      "CONVENE_DATABASE_URL": "postgresql+asyncpg://u:p@db/convene",
                                      "CONVENE_BROKER_URL": "redis://127.0.0.1:6379/0", "CONVENE_PLUGINS": "ical, email",
                                      "CONVENE_REGISTRATIONS": "closed"})
    assert settings.public_url == "https://env.example"
    assert settings.database_url.startswith("postgresql") and settings.broker_url.startswith("redis")
    assert settings.enabled_plugins == ["ical", "email"] and settings.registrations.mode == "closed"
    assert settings.url("/events/x") == "https://env.example/events/x"


def test_config_errors_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="convene init"):
        load_settings(tmp_path / "missing.toml", {})
    bad = tmp_path / "bad.toml"
    bad.write_text('secret_key = "short"\n')
    with pytest.raises(ConfigError, match="secret_key"):
        load_settings(bad, {})
    bad.write_text('secret_key = "' + "s" * 40 + '"\n[registrations]\nmode = "sometimes"\n')
    with pytest.raises(ConfigError, match="registrations.mode"):
        load_settings(bad, {})
    result = run(["--config", str(bad), "migrate"], tmp_path)
    assert result.returncode != 0 and "registrations.mode" in result.stderr


def test_migrations_match_the_models(data_dir):
    """A model changed without a migration would break every existing instance on upgrade
    (every installed plugin's too: the test database has all their tables)."""
    from alembic import command

    from core.db.migrate import alembic_config

    command.check(alembic_config(make_settings(data_dir, plugins=EVERY_PLUGIN)))
