"""What one running instance holds: its settings, its plugins and their configs, and a
place for each plugin's per-instance objects.

Tests run several instances in one process, so nothing per instance may live in a
module global: a plugin keeps what it makes for an instance (an HTTP client, a
loaded key) in ``runtime.state(<plugin>, make)``, reached from any hook as
``ctx.runtime``. The web application and its workers of one instance share one Runtime.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pluggy

from core.plugins import load_plugins
from core.settings import Settings

T = TypeVar("T")


class Runtime:
    def __init__(self, settings: Settings, pm: pluggy.PluginManager, configs: dict[str, Any]) -> None:
        self.settings = settings
        self.pm = pm
        self.configs = configs
        self._state: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def start(cls, settings: Settings) -> Runtime:
        """Load the enabled plugins and decode their configs (raises ConfigError naming what is wrong)."""
        return cls(settings, *load_plugins(settings))

    def config(self, plugin: str) -> Any:
        """The plugin's decoded ``[plugins.<plugin>]`` table, as the struct it declared."""
        try:
            return self.configs[plugin]
        except KeyError:
            raise LookupError(f"no config for plugin {plugin!r}: is it enabled, and does it declare "
                              "convene_config_schema?") from None

    def made_state(self, plugin: str) -> Any | None:
        """The plugin's per-instance object if ``state`` made one (to close it at shutdown), else None."""
        return self._state.get(plugin)

    def state(self, plugin: str, make: Callable[[Runtime], T]) -> T:
        """The plugin's per-instance object, made by ``make(runtime)`` on first use (once, even across threads)."""
        found = self._state.get(plugin)
        if found is None:
            with self._lock:
                found = self._state.get(plugin)
                if found is None:
                    found = self._state[plugin] = make(self)
        return found
