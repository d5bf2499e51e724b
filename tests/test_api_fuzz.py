"""Schemathesis over the whole OpenAPI document, as a member with a bearer token, on a live instance.

Every operation of the document (every built-in plugin on) gets examples that follow the
schema and examples that break it, from a fixed seed and in a bounded number. Each
answer must not be a server error, must have a status code and content type the document
gives for that operation, and every method the document does not give must be a 405 with
``Allow``. Before each operation a fresh world is made over the API as people would:
a member (whose token the fuzzer sends) with two identities, an event of theirs that
takes requests, a draft, another member's open event, a comment and a pending request.
Path parameters are then, in part of the examples, the names and uuids of these real
rows, so the fuzzer reaches past the 404 of an unknown uuid into the services.

Nothing leaves the machine: federation runs in allowlist mode with no domain allowed (so
a follow or a search is refused before any lookup) and the instance runs no worker.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.engine import Status, events

from core.accounts.service import create_account, open_credential
from core.app import create_app
from core.identities.service import create_identity
from core.scripting import run_in_transaction
from core.settings import DEFAULT_PLUGINS, Settings
from helpers import empty_database, make_settings
from liveserver import serve

SEED = 20261207
EXAMPLES_PER_OPERATION = 25
PASSWORD = "correct horse battery"
CONFIG: dict[str, Any] = {
    "seed": SEED,
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION},
    "phases": {"stateful": {"enabled": False}},
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        "unsupported_method": {"enabled": True},
        "ignored_auth": {"enabled": True},
    },
}


@dataclass
class World:
    """Real rows for one operation's examples, and the token of the member who acts."""

    token: str
    rows: dict[str, list[str]] = field(default_factory=dict)

    def real_rows(self, path_parameters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        """In part of the examples, each path parameter names one of these rows instead."""
        if not path_parameters:
            return st.just(path_parameters)
        return st.fixed_dictionaries({
            name: st.one_of(st.just(value), st.sampled_from(self.rows[name])) if name in self.rows else st.just(value)
            for name, value in path_parameters.items()
        })


class Worlds:
    """Makes a world over the live instance's API, as its members would (their accounts made as an operator does)."""

    def __init__(self, settings: Settings, base: str) -> None:
        self.settings, self.base = settings, base
        self.count = 0

    def _member(self, email: str, username: str) -> str:
        """A confirmed account with its first identity; its API token."""
        async def work(ctx):  # noqa: ANN001, ANN202
            account = await create_account(ctx, email, PASSWORD, confirmed=True)
            await create_identity(ctx, account, username)
            return await open_credential(ctx, account, "api", name="fuzz")

        return asyncio.run(run_in_transaction(self.settings, work))

    def _call(self, token: str, method: str, path: str, **kwargs: Any) -> dict:
        response = requests.request(method, self.base + path, headers={"Authorization": f"Bearer {token}"},
                                    timeout=30, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else {}

    def make(self) -> World:
        self.count += 1
        n = self.count
        me, other = f"fz{n}a", f"fz{n}c"
        token = self._member(f"{me}@example.org", me)
        their_token = self._member(f"{other}@example.org", other)
        self._call(token, "POST", "/api/v1/identities", json={"username": f"fz{n}b"})
        event = {"title": "Fuzz", "begins_at": "2031-05-01T18:00:00", "timezone": "Europe/Paris",
                 "online_url": "https://meet.example.org/fuzz"}
        mine = self._call(token, "POST", "/api/v1/events", json={**event, "join_mode": "restricted", "publish": True})
        draft = self._call(token, "POST", "/api/v1/events", json=event)
        theirs = self._call(their_token, "POST", "/api/v1/events", json={**event, "publish": True})
        request = self._call(their_token, "POST", f"/api/v1/events/{mine['uuid']}/participations",
                             json={"message": "may I?"})
        comment = self._call(their_token, "POST", f"/api/v1/events/{mine['uuid']}/comments", json={"text": "hello"})
        my_comment = self._call(token, "POST", f"/api/v1/events/{theirs['uuid']}/comments", json={"text": "hi"})
        return World(token, {
            "uuid": [mine["uuid"], draft["uuid"], theirs["uuid"]],
            "username": [me, f"fz{n}b", other],
            "comment": [comment["uuid"], my_comment["uuid"]],
            "participation": [request["uuid"]],
            "domain": ["example.org"],
        })


@dataclass
class Outcome:
    cases: int = 0
    server_errors: int = 0
    failures: list[str] = field(default_factory=list)


def fuzz(document: dict, base: str, method: str, path: str, world: World, outcome: Outcome) -> None:
    """Run Schemathesis's phases (examples, coverage, fuzzing) on one operation, as ``world``'s member."""
    config = schemathesis.Config.from_dict({**CONFIG, "headers": {"Authorization": f"Bearer {world.token}"}})
    schema = schemathesis.openapi.from_dict(document, config=config).include(method=method, path=path)
    schema.config.update(base_url=base)

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        return world.real_rows(path_parameters)

    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            outcome.cases += len(event.recorder.cases)
            outcome.server_errors += sum(1 for i in event.recorder.interactions.values()
                                         if i.response is not None and i.response.status_code >= 500)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        info = check.failure_info
                        outcome.failures.append(f"{method.upper()} {path}: {info.failure.title}: "
                                                f"{info.failure.message}\n{info.code_sample}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            outcome.failures.append(f"{method.upper()} {path}: {event!r}")


@pytest.fixture
def instance(tmp_path: Path, migrated_template: Path | None) -> Iterator[tuple[str, Worlds]]:
    empty_database(tmp_path, migrated_template)
    settings = make_settings(tmp_path, plugins={
        "enabled": list(DEFAULT_PLUGINS),
        "federation_activitypub": {"mode": "allowlist"},
    })
    with serve(create_app(settings, run_worker=False)) as base:
        yield base, Worlds(settings, base)


def test_every_operation_answers_as_documented(instance: tuple[str, Worlds]) -> None:
    base, worlds = instance
    document = requests.get(f"{base}/schema/openapi.json", timeout=30).json()
    outcome = Outcome()
    started = time.monotonic()
    operations = [(method, path) for path, item in document["paths"].items() for method in item
                  if method in ("get", "put", "post", "delete", "patch")]
    making = 0.0
    for method, path in operations:
        made = time.monotonic()
        world = worlds.make()
        making += time.monotonic() - made
        fuzz(document, base, method, path, world, outcome)
    elapsed = time.monotonic() - started
    print(f"fuzzed {len(operations)} operations: {outcome.cases} cases, {outcome.server_errors} server errors, "
          f"{len(outcome.failures)} failed checks in {elapsed:.0f} s ({making:.0f} s making worlds)")
    assert not outcome.failures, "\n\n".join(outcome.failures)
