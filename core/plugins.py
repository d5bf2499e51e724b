"""The plugin manager: built-in and third-party plugins, switched on per instance.

Built-in plugins are found the same way as third-party ones, through the
``convene.plugins`` entry-point group, so there is one discovery path and the
on/off switch (``[plugins] enabled``) applies equally to all of them.
"""

from __future__ import annotations

import inspect
import logging
from dataclasses import dataclass
from importlib import metadata
from types import ModuleType
from typing import Any

import msgspec
import pluggy

from core import hookspecs
from core.settings import ConfigError, Settings

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "convene.plugins"
hookimpl = pluggy.HookimplMarker("convene")


@dataclass(frozen=True)
class AvailablePlugin:
    name: str
    module_name: str
    version: str

    def load(self) -> ModuleType:
        return __import__(self.module_name, fromlist=["_"])


def available_plugins() -> dict[str, AvailablePlugin]:
    """Every plugin installed in this environment, enabled or not."""
    found = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        version = ep.dist.version if ep.dist else "?"
        found[ep.name] = AvailablePlugin(ep.name, ep.value, version)
    return found


def new_plugin_manager() -> pluggy.PluginManager:
    pm = pluggy.PluginManager("convene")
    pm.add_hookspecs(hookspecs)
    return pm


def _validate_plugin_configs(pm: pluggy.PluginManager, settings: Settings) -> dict[str, Any]:
    """Decode each enabled plugin's ``[plugins.<name>]`` table with the struct it declares."""
    schemas = dict(s for s in pm.hook.convene_config_schema() if s)
    configs: dict[str, Any] = {}
    for key in settings.plugins:
        if key != "enabled" and key not in schemas and key not in settings.enabled_plugins:
            if key not in available_plugins():
                raise ConfigError(f"plugins.{key}: no such plugin is installed")
    for name, schema in schemas.items():
        try:
            configs[name] = msgspec.convert(settings.plugin_config(name), schema)
        except msgspec.ValidationError as exc:
            raise ConfigError(f"plugins.{name}: {exc}") from None
    for name in settings.enabled_plugins:
        if name not in schemas and settings.plugin_config(name):
            raise ConfigError(f"plugins.{name}: this plugin takes no settings")
    return configs


def load_plugins(settings: Settings) -> tuple[pluggy.PluginManager, dict[str, Any]]:
    """Register every enabled plugin.

    Returns the manager and each plugin's validated config struct, keyed by plugin name.
    """
    pm = new_plugin_manager()
    installed = available_plugins()
    for name in settings.enabled_plugins:
        if name not in installed:
            raise ConfigError(f"plugins.enabled: unknown plugin {name!r} (installed: {', '.join(sorted(installed))})")
        pm.register(installed[name].load(), name=name)
    return pm, _validate_plugin_configs(pm, settings)


def implemented_hooks(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return sorted(caller.name for caller in (pm.get_hookcallers(plugin) or []))


async def call_all(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[Any]:
    """Call every implementation of an async hook and await each answer, in order."""
    results = []
    for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls()):
        result = impl.function(**{k: kwargs[k] for k in impl.argnames})
        if inspect.isawaitable(result):
            result = await result
        results.append(result)
    return results


async def first_answer(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> Any:
    """Call implementations of a decision hook until one answers something other than None."""
    for impl in reversed(getattr(pm.hook, hook_name).get_hookimpls()):
        result = impl.function(**{k: kwargs[k] for k in impl.argnames})
        if inspect.isawaitable(result):
            result = await result
        if result is not None:
            return result
    return None
