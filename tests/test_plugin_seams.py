"""The hook path, as plugins that are not ours use it (tests/plugin_testkit): pluggy's wrappers
and tracers see every call, each instance reads its own config, a plugin adds a hook another
implements."""

from __future__ import annotations

from collections import Counter
from typing import Any

from convene_testkit.policy.models import PublishedCount
from convene_testkit.timing import times

from core.plugins import hookimpl
from helpers import future, new_event, run_periodic_task, sign_up
from testkit import instance, rows

COUNT = "testkit_policy.count_published"


class Watcher:
    """A wrapper around an async hook and a sync one, counting the calls it wraps."""

    def __init__(self) -> None:
        self.wrapped: Counter[str] = Counter()

    @hookimpl(wrapper=True)
    def convene_can_save_event(self) -> Any:
        self.wrapped["convene_can_save_event"] += 1
        return (yield)

    @hookimpl(wrapper=True)
    def testkit_policy_banned_words(self) -> Any:
        self.wrapped["testkit_policy_banned_words"] += 1
        return (yield)


def test_a_wrapper_and_a_tracer_see_every_call_of_an_async_and_a_sync_hook(data_dir):
    with instance(data_dir, "testkit_policy", "testkit_timing") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        pm, runtime = client.app.state.pm, client.app.state.runtime
        watcher, traced = Watcher(), Counter()
        pm.register(watcher)
        untrace = pm.add_hookcall_monitoring(lambda name, impls, kwargs: traced.update([name]),
                                             lambda outcome, name, impls, kwargs: None)
        timed_before = times(runtime).calls["convene_can_save_event"]
        try:
            for _ in range(3):
                r = client.post("/api/v1/events", json={"title": "Choir", "begins_at": future()}, headers=alice)
                assert r.status_code == 201, r.text
        finally:
            untrace()
            pm.unregister(watcher)
        for hook in ("convene_can_save_event", "testkit_policy_banned_words"):
            assert traced[hook] == watcher.wrapped[hook] == 3, hook
        assert times(runtime).calls["convene_can_save_event"] - timed_before == 3
        assert times(runtime).seconds["convene_can_save_event"] > 0


def test_each_instance_keeps_its_own_config_and_timings_in_requests_and_jobs(data_dir):
    """Two instances in one process, on one database, with different banned words."""
    with (instance(data_dir, "testkit_policy", "testkit_timing", testkit_policy={"banned_words": ["kale"]}) as first,
          instance(data_dir, "testkit_policy", "testkit_timing", testkit_policy={"banned_words": ["okra"]}) as second):
        alice = sign_up(first, "alice@example.org", "alice")
        bob = sign_up(second, "bob@example.org", "bob")
        refused = first.post("/api/v1/events", json={"title": "Kale night", "begins_at": future()}, headers=alice)
        assert refused.status_code == 403 and "does not accept" in refused.json()["detail"]
        new_event(first, alice, title="Okra night")
        new_event(first, alice, title="Okra brunch")
        refused = second.post("/api/v1/events", json={"title": "Okra lunch", "begins_at": future()}, headers=bob)
        assert refused.status_code == 403
        new_event(second, bob, title="Kale night")

        # job time: each count sees what its own instance's filter lets through
        run_periodic_task(first.app, COUNT)
        run_periodic_task(second.app, COUNT)
        assert [row.published for row in rows(first, PublishedCount)][-2:] == [2, 1]

        first_times, second_times = times(first.app.state.runtime), times(second.app.state.runtime)
        assert first_times is not second_times
        # asked once for the refused event, twice (create, publish) for each published one
        assert first_times.calls["convene_can_save_event"] == 5 and second_times.calls["convene_can_save_event"] == 3
        assert first_times.calls["convene_startup"] == second_times.calls["convene_startup"] == 1


def test_a_plugin_implements_a_hook_another_plugin_added(data_dir):
    """testkit_more_words answers the policy's own hook (testkit_policy_banned_words): "durian" is banned then."""
    with instance(data_dir, "testkit_policy") as client:
        alice = sign_up(client, "alice@example.org", "alice")
        tasting = new_event(client, alice, title="Durian tasting")
    with instance(data_dir, "testkit_more_words") as client:
        assert client.get(f"/api/v1/events/{tasting['uuid']}").status_code == 200, "without the policy, the hook is idle"
    with instance(data_dir, "testkit_policy", "testkit_more_words") as client:
        r = client.post("/api/v1/events", json={"title": "Durian fair", "begins_at": future()}, headers=alice)
        assert r.status_code == 403 and "does not accept" in r.json()["detail"]
        assert client.get(f"/api/v1/events/{tasting['uuid']}").status_code == 404
        assert client.get("/api/v1/events").json()["total"] == 0
