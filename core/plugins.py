"""The plugin manager: built-in and third-party plugins, switched on per instance, and
the one path every hook call takes.

Built-in plugins are found the same way as third-party ones, through the
``convene.plugins`` entry-point group, so there is one discovery path and the
on/off switch (``[plugins] enabled``) applies equally to all of them.

Every hook is called through pluggy (``pm.hook.<name>(...)``), so pluggy's wrappers
(``@hookimpl(wrapper=True)``) and tracers (``pm.add_hookcall_monitoring``) see every
call, and the arguments are checked against the spec. Pluggy does not await: for an
async hook, the implementations return coroutines. The innermost wrapper of every
async hook, registered here, turns them into one awaitable of the answers (awaited in
order, ``None`` left out), which ``call_async`` awaits, as datasette resolves the
awaitables its hooks return. So a plugin's wrapper around an async hook receives that
one awaitable from ``yield`` and may await it to time or inspect the answers.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Awaitable
from dataclasses import dataclass, field
from importlib import metadata
from types import ModuleType, SimpleNamespace
from typing import Any

import msgspec
import pluggy

from core import hookspecs
from core.settings import ConfigError, Settings

ENTRY_POINT_GROUP = "convene.plugins"
hookimpl = pluggy.HookimplMarker("convene")


@dataclass(frozen=True)
class AvailablePlugin:
    name: str
    module_name: str
    version: str

    def load(self) -> ModuleType:
        return __import__(self.module_name, fromlist=["_"])


@dataclass(frozen=True)
class ConfigSchema:
    """What ``convene_config_schema`` returns: the plugin's ``[plugins.<plugin>]`` table.

    ``struct`` decodes and checks the table (a msgspec Struct; forbid unknown fields so a
    typo stops start-up). ``environment`` maps environment variables to keys they
    override, e.g. a password an operator keeps out of the file; their values are read
    as the key's type ("true", "42").
    """

    plugin: str
    struct: type[msgspec.Struct]
    environment: dict[str, str] = field(default_factory=dict)


def available_plugins() -> dict[str, AvailablePlugin]:
    """Every plugin installed in this environment, enabled or not."""
    found = {}
    for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
        version = ep.dist.version if ep.dist else "?"
        found[ep.name] = AvailablePlugin(ep.name, ep.value, version)
    return found


def new_plugin_manager() -> pluggy.PluginManager:
    """A manager with the core's hooks; a plugin adds its own hooks when registered (``convene_addhooks``)."""
    pm = pluggy.PluginManager("convene")
    pm.add_hookspecs(hookspecs)
    pm.hook.convene_addhooks.call_historic(kwargs={"pm": pm})
    return pm


def load_plugins(settings: Settings, environ: dict[str, str] | None = None) -> tuple[pluggy.PluginManager, dict[str, Any]]:
    """Register every enabled plugin and check it; returns the manager and each plugin's decoded config."""
    pm = new_plugin_manager()
    installed = available_plugins()
    for name in settings.enabled_plugins:
        if name not in installed:
            raise ConfigError(f"plugins.enabled: unknown plugin {name!r} (installed: {', '.join(sorted(installed))})")
        pm.register(installed[name].load(), name=name)
    _check_implementations(pm)
    pm.register(_answers_awaiter(pm), name="convene-await-answers")
    return pm, _plugin_configs(pm, settings, environ)


def _check_implementations(pm: pluggy.PluginManager) -> None:
    """Refuse at start-up what would fail later: an unknown hook name, a coroutine for a synchronous hook."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise ConfigError(f"plugin {exc.plugin!r}: {exc} (a hook of a plugin that may be disabled is marked "
                          "@hookimpl(optionalhook=True))") from None
    for caller in hook_callers(pm):
        if caller.spec is None or is_async_hook(caller):
            continue
        for impl in caller.get_hookimpls():
            if inspect.iscoroutinefunction(impl.function) or inspect.isasyncgenfunction(impl.function):
                raise ConfigError(f"plugin {impl.plugin_name!r}: {caller.name} is a synchronous hook; "
                                  "its implementation must not be async")


def hook_callers(pm: pluggy.PluginManager) -> list[pluggy.HookCaller]:
    """Every hook the manager knows: the specs added so far, and names that plugins implement."""
    return [caller for caller in vars(pm.hook).values() if isinstance(caller, pluggy.HookCaller)]


def is_async_hook(caller: pluggy.HookCaller) -> bool:
    return caller.spec is not None and inspect.iscoroutinefunction(caller.spec.function)


def _answers_awaiter(pm: pluggy.PluginManager) -> SimpleNamespace:
    """The innermost wrapper of every async hook, plugins' own hooks included (see the module docstring)."""
    names = [caller.name for caller in hook_callers(pm) if is_async_hook(caller)]
    return SimpleNamespace(**dict.fromkeys(names, _await_answers))


@hookimpl(wrapper=True, trylast=True)
def _await_answers() -> Any:
    answers = yield
    return _answers(answers)


async def _answers(answers: list[Any]) -> list[Any]:
    """Each implementation's answer awaited in turn (they share one database session), ``None`` left out."""
    results = []
    for answer in answers:
        if inspect.isawaitable(answer):
            answer = await answer
        if answer is not None:
            results.append(answer)
    return results


def _check_arguments(caller: pluggy.HookCaller, kwargs: dict[str, Any]) -> None:
    """Pluggy only warns about a missing argument and ignores an unknown one: here both are errors."""
    if caller.spec is None:
        raise TypeError(f"{caller.name} is not a hook (no plugin enabled here declares it)")
    expected = caller.spec.argnames
    if len(kwargs) != len(expected) or any(name not in kwargs for name in expected):
        raise TypeError(f"{caller.name}() takes {', '.join(expected) or 'no arguments'}; called with "
                        f"{', '.join(sorted(kwargs)) or 'none'}")


def hook_caller(pm: pluggy.PluginManager, name: str) -> pluggy.HookCaller:
    caller = getattr(pm.hook, name, None)
    if caller is None:
        raise TypeError(f"{name} is not a hook (no plugin enabled here declares it)")
    return caller


def call_sync(pm: pluggy.PluginManager, name: str, **kwargs: Any) -> list[Any]:
    """Call a synchronous hook (registration) through pluggy: every implementation's answer but ``None``."""
    caller = hook_caller(pm, name)
    _check_arguments(caller, kwargs)
    return caller(**kwargs)


async def call_async(pm: pluggy.PluginManager, name: str, **kwargs: Any) -> list[Any]:
    """Call an async hook through pluggy and await the answers (``None`` left out), in order."""
    caller = hook_caller(pm, name)
    _check_arguments(caller, kwargs)
    outcome: Awaitable[list[Any]] = caller(**kwargs)
    return await outcome


def implemented_hooks(pm: pluggy.PluginManager, plugin: object) -> list[str]:
    return sorted(caller.name for caller in (pm.get_hookcallers(plugin) or []))


def _plugin_configs(pm: pluggy.PluginManager, settings: Settings, environ: dict[str, str] | None) -> dict[str, Any]:
    """Decode each enabled plugin's ``[plugins.<name>]`` table with the struct it declares."""
    environ = dict(os.environ) if environ is None else environ
    schemas: dict[str, ConfigSchema] = {s.plugin: s for s in call_sync(pm, "convene_config_schema")}
    for key in settings.plugins:
        unknown = key != "enabled" and key not in schemas and key not in settings.enabled_plugins
        if unknown and key not in available_plugins():
            raise ConfigError(f"plugins.{key}: no such plugin is installed")
    configs: dict[str, Any] = {}
    for name, schema in schemas.items():
        raw = {**settings.plugin_config(name), **_environment_overrides(schema, environ)}
        try:
            configs[name] = msgspec.convert(raw, schema.struct)
        except (msgspec.ValidationError, ValueError) as exc:
            raise ConfigError(f"plugins.{name}: {exc}") from None
    for name in settings.enabled_plugins:
        if name not in schemas and settings.plugin_config(name):
            raise ConfigError(f"plugins.{name}: this plugin takes no settings")
    return configs


def _environment_overrides(schema: ConfigSchema, environ: dict[str, str]) -> dict[str, Any]:
    """The keys set by environment variables, each read as its key's type ("true" for a bool)."""
    types = {f.name: f.type for f in msgspec.structs.fields(schema.struct)}
    values: dict[str, Any] = {}
    for variable, key in schema.environment.items():
        if environ.get(variable):
            try:
                values[key] = msgspec.convert(environ[variable], types[key], strict=False)
            except msgspec.ValidationError as exc:
                raise ConfigError(f"{variable}: {exc}") from None
    return values
