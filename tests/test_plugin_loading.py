"""What is checked when an instance loads its plugins: hooks that exist, the right kind of
implementation, settings in the plugin's own table, and environment overrides."""

from __future__ import annotations

import pytest

from core import plugins
from core.app import create_app
from core.plugins import hookimpl
from core.runtime import Runtime
from core.settings import ConfigError, settings_from_dict
from helpers import SECRET, make_settings


class MisspeltHook:
    @hookimpl
    async def convene_event_publshed(self, ctx, event):  # noqa: ANN001, ANN201
        return None


class AsyncRegistration:
    @hookimpl
    async def convene_menu_links(self):  # noqa: ANN201
        return []


@pytest.fixture
def extra_plugin(monkeypatch):
    """Offer an in-memory plugin as if installed: ``extra_plugin(obj)`` makes ``enabled = ["extra"]`` load it."""

    def offer(plugin: object) -> None:
        real = plugins.available_plugins
        monkeypatch.setattr(plugins, "available_plugins",
                            lambda: {**real(), "extra": plugins.AvailablePlugin("extra", "extra", "1.0")})
        monkeypatch.setattr(plugins.AvailablePlugin, "load", lambda self: plugin if self.name == "extra" else
                            __import__(self.module_name, fromlist=["_"]))

    return offer


def test_a_misspelt_hook_stops_start_up_naming_it(data_dir, extra_plugin):
    extra_plugin(MisspeltHook())
    with pytest.raises(ConfigError, match="convene_event_publshed"):
        create_app(make_settings(data_dir, plugins={"enabled": ["extra"]}))


def test_an_async_implementation_of_a_synchronous_hook_stops_start_up(data_dir, extra_plugin):
    extra_plugin(AsyncRegistration())
    with pytest.raises(ConfigError, match="convene_menu_links is a synchronous hook"):
        create_app(make_settings(data_dir, plugins={"enabled": ["extra"]}))


def test_the_former_top_level_allow_private_addresses_names_its_new_place():
    with pytest.raises(ConfigError, match=r"moved to \[plugins.federation_activitypub\] allow_private_addresses"):
        settings_from_dict({"secret_key": SECRET, "allow_private_addresses": True})


def test_the_environment_still_allows_private_addresses(tmp_path, monkeypatch):
    settings = settings_from_dict({"secret_key": SECRET, "data_dir": str(tmp_path),
                                   "plugins": {"enabled": ["federation_activitypub"]}})
    assert Runtime.start(settings).config("federation_activitypub").allow_private_addresses is False
    monkeypatch.setenv("CONVENE_ALLOW_PRIVATE_ADDRESSES", "true")
    assert Runtime.start(settings).config("federation_activitypub").allow_private_addresses is True


def test_an_environment_value_of_the_wrong_type_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("CONVENE_ALLOW_PRIVATE_ADDRESSES", "perhaps")
    settings = settings_from_dict({"secret_key": SECRET, "data_dir": str(tmp_path),
                                   "plugins": {"enabled": ["federation_activitypub"]}})
    with pytest.raises(ConfigError, match="CONVENE_ALLOW_PRIVATE_ADDRESSES"):
        Runtime.start(settings)


def test_a_hook_call_with_a_wrong_argument_fails_loudly(tmp_path):
    runtime = Runtime.start(settings_from_dict({"secret_key": SECRET, "data_dir": str(tmp_path)}))
    with pytest.raises(TypeError, match=r"convene_menu_links\(\) takes no arguments; called with settings"):
        plugins.call_sync(runtime.pm, "convene_menu_links", settings=None)
