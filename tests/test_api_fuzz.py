"""Schemathesis over the whole OpenAPI document, as a member with a bearer token, on a live instance.

Every operation of the document (every built-in plugin on) gets examples that follow the
schema and examples that break it, from a fixed seed and in a bounded number. Each
answer must not be a server error, must have a status code and content type the document
gives for that operation, and every method the document does not give must be a 405 with
``Allow``, and an operation that requires a token must refuse a request without one.
Before each operation a fresh world is made over the API as people would: a new token
of the member the fuzzer acts as, two new identities, an event of theirs that takes
requests, a draft, another member's open event, a comment and a pending request. Path
parameters are then, in part of the examples, the names and uuids of these real rows,
so the fuzzer reaches past the 404 of an unknown uuid into the services (the summary
printed counts the answers by status).

Nothing leaves the machine: federation runs in allowlist mode with no domain allowed (so
a follow or a search is refused before any lookup) and the instance runs no worker.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import strategies as st
from schemathesis.engine import Status, events
from schemathesis.openapi.checks import RejectedPositiveData

from core.accounts.service import create_account, open_credential
from core.app import create_app
from core.identities.service import create_identity
from core.scripting import run_in_transaction
from core.settings import DEFAULT_PLUGINS, Settings
from core.web.nul_guard import REFUSED as NUL_REFUSED
from helpers import empty_database, make_settings
from liveserver import serve

SEED = 20261207
EXAMPLES_PER_OPERATION = 20
PASSWORD = "correct horse battery"
CONFIG: dict[str, Any] = {
    "seed": SEED,
    # nothing carried over from an earlier run (Schemathesis's cache, Hypothesis's example database): the seed decides
    "cache": {"enabled": False},
    "generation": {"mode": "all", "max-examples": EXAMPLES_PER_OPERATION, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
        "unsupported_method": {"enabled": True},
        "ignored_auth": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        # a request the document calls valid is never unreadable (400): every rule the API reads with is written there
        "positive_data_acceptance": {"enabled": True, "expected-statuses": ["2xx", 401, 403, 404, 409, 422, 429]},
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
    """Makes a world for each operation over the live instance's API, as its members would.

    The two members are made once, as an operator makes accounts (hashing a password is
    the slow part); the fuzzer cannot guess their password, so what it may destroy is
    only what a world holds: its own token (``DELETE /auth/token``), identities and rows.
    """

    def __init__(self, settings: Settings, base: str, count: int) -> None:
        self.settings, self.base = settings, base
        self.tokens, self.other = asyncio.run(run_in_transaction(settings, lambda ctx: self._members(ctx, count)))
        self.count = 0

    @staticmethod
    async def _members(ctx: Any, count: int) -> tuple[list[str], str]:
        """The member (with a token for each world) and the other member (one token)."""
        me = await create_account(ctx, "fuzz@example.org", PASSWORD, confirmed=True)
        await create_identity(ctx, me, "fz")
        other = await create_account(ctx, "other@example.org", PASSWORD, confirmed=True)
        await create_identity(ctx, other, "fz0c")
        tokens = [await open_credential(ctx, me, "api", name=f"world {n}") for n in range(count)]
        return tokens, await open_credential(ctx, other, "api", name="other")

    def _call(self, token: str, method: str, path: str, **kwargs: Any) -> dict:
        response = requests.request(method, self.base + path, headers={"Authorization": f"Bearer {token}"},
                                    timeout=30, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json() if response.content else {}

    def make(self) -> World:
        """Two identities of the member, their restricted event (with a request and a comment from the other
        member), their draft, and the other member's open event with the member's comment."""
        token, other = self.tokens[self.count], self.other
        self.count += 1
        mine_a, mine_b = f"fz{self.count}a", f"fz{self.count}b"
        for username in (mine_a, mine_b):
            self._call(token, "POST", "/api/v1/identities", json={"username": username})
        event = {"title": "Fuzz", "begins_at": "2031-05-01T18:00:00", "timezone": "Europe/Paris",
                 "online_url": "https://meet.example.org/fuzz", "identity": mine_a}
        mine = self._call(token, "POST", "/api/v1/events", json={**event, "join_mode": "restricted", "publish": True})
        draft = self._call(token, "POST", "/api/v1/events", json=event)
        theirs = self._call(other, "POST", "/api/v1/events", json={**event, "identity": "fz0c", "publish": True})
        request = self._call(other, "POST", f"/api/v1/events/{mine['uuid']}/participations", json={"message": "may I?"})
        comment = self._call(other, "POST", f"/api/v1/events/{mine['uuid']}/comments", json={"text": "hello"})
        my_comment = self._call(token, "POST", f"/api/v1/events/{theirs['uuid']}/comments",
                                json={"text": "hi", "identity": mine_b})
        return World(token, {
            "uuid": [mine["uuid"], draft["uuid"], theirs["uuid"]],
            "username": [mine_a, mine_b, "fz0c"],
            "comment": [comment["uuid"], my_comment["uuid"]],
            "participation": [request["uuid"]],
            "domain": ["example.org"],
        })


def refused_for_nul(body: bytes) -> bool:
    """Whether this answer is core.web.nul_guard's refusal (its message on the field that held the NUL)."""
    try:
        errors = json.loads(body).get("errors", [])
    except ValueError:
        return False
    return bool(errors) and all(error.get("message") == NUL_REFUSED for error in errors)


@dataclass
class Outcome:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
        server_errors = sum(count for status, count in self.statuses.items() if status >= 500)
        return f"{self.cases} cases, {server_errors} server errors, {len(self.failures)} failed checks; answers {answers}"


def fuzz(document: dict, base: str, method: str, path: str, world: World, outcome: Outcome) -> None:
    """Run Schemathesis's phases (examples, coverage, fuzzing) on one operation, as ``world``'s member."""
    config = schemathesis.Config.from_dict({**CONFIG, "headers": {"Authorization": f"Bearer {world.token}"}})
    schema = schemathesis.openapi.from_dict(document, config=config).include(method=method, path=path)
    schema.config.update(base_url=base)

    @schema.hook
    def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
        """Every failure counts but one: a valid request refused for a NUL character. The instance refuses
        NUL wherever text arrives (core.web.nul_guard, a limit the README states), which no field's
        schema can say; any other 400 for a request the document calls valid still fails."""
        return not (isinstance(failure, RejectedPositiveData) and response.status_code == 400
                    and refused_for_nul(response.content))

    @schema.hook
    def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
        return world.real_rows(path_parameters)

    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            outcome.cases += len(event.recorder.cases)
            outcome.statuses.update(i.response.status_code for i in event.recorder.interactions.values()
                                    if i.response is not None)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE and check.failure_info is not None:
                        info = check.failure_info
                        outcome.failures.append(f"{method.upper()} {path}: {info.failure.title}: "
                                                f"{info.failure.message}\n{info.code_sample}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            outcome.failures.append(f"{method.upper()} {path}: {event!r}")


@pytest.fixture
def instance(tmp_path: Path, migrated_template: Path | None) -> Iterator[tuple[Settings, str]]:
    empty_database(tmp_path, migrated_template)
    settings = make_settings(tmp_path, plugins={
        "enabled": [*DEFAULT_PLUGINS, "webpush"],
        "federation_activitypub": {"mode": "allowlist"},
    }, limits={"identities_per_account": 1000})
    with serve(create_app(settings, run_worker=False)) as base:
        yield settings, base


def test_every_operation_answers_as_documented(instance: tuple[Settings, str]) -> None:
    settings, base = instance
    document = requests.get(f"{base}/schema/openapi.json", timeout=30).json()
    outcome = Outcome()
    started = time.monotonic()
    operations = [(method, path) for path, item in document["paths"].items() for method in item
                  if method in ("get", "put", "post", "delete", "patch")]
    worlds = Worlds(settings, base, len(operations))
    making = 0.0
    for method, path in operations:
        made = time.monotonic()
        world = worlds.make()
        making += time.monotonic() - made
        fuzz(document, base, method, path, world, outcome)
    elapsed = time.monotonic() - started
    print(f"fuzzed {len(operations)} operations in {elapsed:.0f} s ({making:.0f} s making worlds): {outcome.summary()}")
    assert not outcome.failures, "\n\n".join(outcome.failures)
