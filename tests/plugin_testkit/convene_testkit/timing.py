"""testkit_timing: times every core hook with pluggy wrappers, per instance.

A wrapper (``@hookimpl(wrapper=True)``) is generated for each ``convene_*`` hook of
core.hookspecs that is called with its instance at hand (``ctx``, or ``runtime`` for
``convene_startup``). For an async hook, ``yield`` gives one awaitable of every
plugin's answers: the wrapper returns a coroutine that awaits it, which is when the
plugins do their work, and times that. For a synchronous hook it times the yield.
Counts and durations are kept per instance in ``runtime.state`` (tests run several
instances in one process). The other registration hooks are called while the instance
is being built, with no argument that says which instance it is, so they cannot be
told apart and are not timed (each runs once, at start-up).

Event pages show how many hook calls were timed so far, in the sidebar: a number that
changes with every read, so the fragment says ``shared=False`` (the page is then never
served from the anonymous page cache).
"""

from __future__ import annotations

import inspect
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from convene_testkit import TEMPLATES
from core import hookspecs
from core.context import Ctx
from core.plugins import hookimpl
from core.runtime import Runtime
from core.web.slots import Fragment, Slot

NAME = "testkit_timing"


@dataclass
class HookTimes:
    """One instance's hook calls: how many, and how long they took in all (seconds)."""

    calls: Counter[str] = field(default_factory=Counter)
    seconds: Counter[str] = field(default_factory=Counter)
    # requests and the worker run in different threads on one instance
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, hook: str, seconds: float) -> None:
        with self._lock:
            self.calls[hook] += 1
            self.seconds[hook] += seconds


def times(runtime: Runtime) -> HookTimes:
    """This instance's timings."""
    return runtime.state(NAME, lambda _: HookTimes())


async def _timed(record: HookTimes, hook: str, answers: Awaitable[Any]) -> Any:
    started = time.perf_counter()
    try:
        return await answers
    finally:
        record.add(hook, time.perf_counter() - started)


def _async_wrapper(hook: str) -> Callable[..., Generator[None, Any, Any]]:
    @hookimpl(wrapper=True, specname=hook)
    def wrapper(ctx: Ctx) -> Generator[None, Any, Any]:
        answers = yield
        return _timed(times(ctx.runtime), hook, answers)

    return wrapper


def _sync_wrapper(hook: str) -> Callable[..., Generator[None, Any, Any]]:
    @hookimpl(wrapper=True, specname=hook)
    def wrapper(runtime: Runtime) -> Generator[None, Any, Any]:
        started = time.perf_counter()
        try:
            return (yield)
        finally:
            times(runtime).add(hook, time.perf_counter() - started)

    return wrapper


def _wrappers() -> dict[str, Callable[..., Any]]:
    """``time_<hook>`` for every core hook whose arguments name the instance."""
    found = {}
    for hook, spec in inspect.getmembers(hookspecs, inspect.isfunction):
        arguments = inspect.signature(spec).parameters
        if not hook.startswith("convene_"):
            continue
        if inspect.iscoroutinefunction(spec) and "ctx" in arguments:
            found[f"time_{hook}"] = _async_wrapper(hook)
        elif "runtime" in arguments:
            found[f"time_{hook}"] = _sync_wrapper(hook)
    return found


globals().update(_wrappers())


@hookimpl
def convene_template_dirs() -> list[Path]:
    return [TEMPLATES]


@hookimpl
async def convene_event_sidebar(ctx: Ctx, slot: Slot) -> Fragment:
    calls = sum(times(ctx.runtime).calls.values())
    return Fragment(slot.render("testkit/timing_panel.html", calls=calls), shared=False)
