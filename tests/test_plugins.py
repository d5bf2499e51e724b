"""The plugin system: discovery, per-instance switch, config validation, each hook kind, docs."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient

import sample_plugin
from core import plugins
from core.app import create_app
from core.cli import main
from core.settings import ConfigError, settings_from_dict
from helpers import future, make_settings, new_event, sign_up, wait_for

DOCS = Path(__file__).resolve().parents[1] / "docs" / "hooks.md"
BUILT_IN = ("federation_activitypub", "moderation", "ical", "email", "groups")


def signature_heading(func) -> str:
    sig = inspect.signature(func)
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"### `{func.__name__}({params}) -> {sig.return_annotation}`"


def our_hook_specs() -> list:
    """Every hook the core and the built-in plugins declare (a built-in plugin adds its own when registered)."""
    pm = plugins.new_plugin_manager()
    for name in BUILT_IN:
        pm.register(plugins.available_plugins()[name].load(), name=name)
    return [caller.spec.function for caller in plugins.hook_callers(pm) if caller.spec is not None]


def test_every_hook_is_documented_under_its_exact_signature():
    text = DOCS.read_text()
    specs = our_hook_specs()
    assert {"convene_event_links", "federation_activitypub_document"} <= {f.__name__ for f in specs}
    missing = [signature_heading(f) for f in specs if signature_heading(f) not in text]
    assert missing == []
    documented = set(re.findall(r"^### `(\w+)\(", text, re.M))
    assert documented == {f.__name__ for f in specs}, "docs mention a hook that does not exist"


@pytest.fixture
def with_sample_plugin(monkeypatch):
    real = plugins.available_plugins

    def available():
        found = real()
        found["sample"] = plugins.AvailablePlugin("sample", "sample_plugin", "1.0")
        return found

    monkeypatch.setattr(plugins, "available_plugins", available)
    sample_plugin.DELIVERED.clear()


def test_built_in_plugins_are_discovered_through_entry_points():
    assert {"federation_activitypub", "moderation", "ical", "email", "groups"} <= set(plugins.available_plugins())


def test_unknown_plugin_name_stops_start_up(data_dir):
    settings = make_settings(data_dir, plugins={"enabled": ["ical", "nosuchplugin"]})
    with pytest.raises(ConfigError, match="nosuchplugin"):
        create_app(settings)


def test_wrong_config_key_is_named(data_dir, with_sample_plugin):
    with pytest.raises(ConfigError, match="colour"):
        settings_from_dict({"secret_key": "x" * 40, "instance": {"colour": "red"}})
    settings = make_settings(data_dir, plugins={"enabled": ["sample"], "sample": {"banned_wrd": "x"}})
    with pytest.raises(ConfigError, match="banned_wrd"):
        create_app(settings)
    settings = make_settings(data_dir, plugins={"enabled": ["ical"], "ical": {"anything": 1}})
    with pytest.raises(ConfigError, match="plugins.ical"):
        create_app(settings)


def test_plugins_list_shows_version_state_and_hooks(tmp_path, monkeypatch, with_sample_plugin):
    config = tmp_path / "convene.toml"
    config.write_text(f'secret_key = "{"k" * 40}"\ndata_dir = "{tmp_path}"\n[plugins]\nenabled = ["ical", "sample"]\n')
    result = CliRunner().invoke(main, ["--config", str(config), "plugins", "list"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "enabled" in lines["ical"] and "disabled" in lines["groups"]
    assert "0.1.0" in lines["ical"]
    assert "convene_check_content" in lines["sample"] and "convene_outbox_handlers" in lines["sample"]


def _client_with_sample(data_dir, enabled):
    settings = make_settings(data_dir, plugins={"enabled": enabled})
    return TestClient(create_app(settings), base_url="http://testserver.local")


def test_enabled_plugin_decides_transforms_and_runs_background_work(data_dir, with_sample_plugin):
    with _client_with_sample(data_dir, ["sample"]) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        r = client.post("/api/v1/events", json={"title": "A forbidden party", "begins_at": future()},
                        headers=alice)
        assert r.status_code == 403
        assert "does not accept the word" in r.json()["detail"]
        event = new_event(client, alice, title="A fine party")
        assert {"label": "Sample link", "url": f"http://testserver.local/sample/{event['uuid']}",
                "rel": "alternate", "media_type": "", "group": ""} in event["links"]
        wait_for(lambda: sample_plugin.DELIVERED)
        assert [{"uuid": event["uuid"], "title": "A fine party"}] == sample_plugin.DELIVERED


def test_disabled_plugin_has_no_effect(data_dir, with_sample_plugin):
    with _client_with_sample(data_dir, []) as client:
        alice = sign_up(client, "alice@example.org", "alice")
        event = new_event(client, alice, title="A forbidden party")
        assert event["links"] == []
