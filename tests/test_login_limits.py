"""Login limits over real HTTP, with client addresses told by a trusted proxy (X-Forwarded-For from loopback,
as behind the reverse proxy of a real instance): a stranger who keeps guessing an address's password is
stopped, but cannot lock its owner out, and the answers are the same whether an account uses the address."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, or_

from core.app import create_app
from core.db.base import utcnow
from core.db.engine import make_engine
from core.ratelimit import RateCounter
from core.settings import Settings
from helpers import confirm_account, make_settings, within_one_minute_window
from liveserver import serve
from webhelpers import csrf_token

PASSWORD = "correct horse"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@contextmanager
def instance(settings: Settings, *emails: str) -> Iterator[httpx.Client]:
    """A running instance with a confirmed account for each address; its client sends no X-Forwarded-For
    of its own (each request says which client it comes from)."""
    app = create_app(settings)
    with serve(app) as base, httpx.Client(base_url=base, timeout=60) as http:
        for n, email in enumerate(emails):
            body = {"email": email, "password": PASSWORD, "username": f"person{n}"}
            assert http.post("/api/v1/accounts", json=body, headers=client("192.0.2.1")).status_code == 201
            asyncio.run(confirm_account(settings, email))
        yield http


def client(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def api_login(http: httpx.Client, address: str, email: str, password: str) -> httpx.Response:
    return http.post("/api/v1/auth/token", json={"email": email, "password": password}, headers=client(address))


def web_login(http: httpx.Client, address: str, email: str, password: str) -> httpx.Response:
    """The login form, from a browser of its own at ``address``."""
    with httpx.Client(base_url=http.base_url, headers=client(address), timeout=60) as browser:
        token = csrf_token(browser.get("/login").text)
        return browser.post("/login", data={"email": email, "password": password, "_csrf_token": token},
                            follow_redirects=True)


def a_minute_passes(settings: Settings) -> None:
    """The clock minute ends for the per-minute counters (the hour's and the day's go on): the counts
    of this minute are never read again."""

    async def forget() -> None:
        engine = make_engine(settings)
        minute_keys = or_(RateCounter.key.like("login:ip:%"), RateCounter.key.like("login:failed:60:%"))
        async with engine.begin() as conn:
            await conn.execute(delete(RateCounter).where(minute_keys))
        await engine.dispose()

    asyncio.run(forget())


def seconds_left_in_the_hour() -> int:
    now = utcnow()
    return 3600 - now.minute * 60 - now.second


def retry_after(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    return int(response.headers["Retry-After"])


def test_a_stranger_guessing_does_not_lock_the_owner_out(data_dir):
    within_one_minute_window()
    settings = make_settings(data_dir)
    with instance(settings, "alice@example.org") as http:
        answers = [api_login(http, ATTACKER, "alice@example.org", f"guess {n}") for n in range(50)]
        assert [a.status_code for a in answers[:10]] == [401] * 10
        assert all(0 < retry_after(a) <= 60 for a in answers[10:]), "refused until the minute ends"
        assert "too many login attempts" in answers[-1].json()["detail"]
        # the stranger is refused on the form too, even with the right password
        refused = web_login(http, ATTACKER, "alice@example.org", PASSWORD)
        assert 0 < retry_after(refused) <= 60 and "too many login attempts" in refused.text

        assert api_login(http, OWNER, "alice@example.org", PASSWORD).status_code == 201
        page = web_login(http, OWNER, "alice@example.org", PASSWORD)
        assert page.status_code == 200 and "You are logged in." in page.text


def test_a_client_that_keeps_failing_waits_longer_each_time(data_dir):
    within_one_minute_window()
    settings = make_settings(data_dir)
    with instance(settings, "alice@example.org") as http:
        for n in range(10):
            assert api_login(http, ATTACKER, "alice@example.org", f"guess {n}").status_code == 401
        assert retry_after(api_login(http, ATTACKER, "alice@example.org", "guess")) <= 60
        a_minute_passes(settings)
        for n in range(10):
            assert api_login(http, ATTACKER, "alice@example.org", f"again {n}").status_code == 401
        wait = retry_after(api_login(http, ATTACKER, "alice@example.org", PASSWORD))
        assert abs(wait - seconds_left_in_the_hour()) <= 2, "now until the hour ends"
        a_minute_passes(settings)
        # the client may try other addresses again, but not this one before the hour ends
        assert api_login(http, ATTACKER, "bob@example.org", "guess").status_code == 401
        assert abs(retry_after(api_login(http, ATTACKER, "alice@example.org", PASSWORD)) - seconds_left_in_the_hour()) <= 2


def distributed_guessing(http: httpx.Client, email: str) -> list[Any]:
    """Six clients fail once each for ``email`` (the ceiling is six an hour), then try again and
    with the right password; then two fresh clients, one wrong and one right."""
    seen: list[Any] = []

    def answer(response: httpx.Response) -> None:
        seen.append((response.status_code, response.json()["detail"] if response.status_code != 201 else "token",
                     response.headers.get("Retry-After") is not None))

    for n in range(6):
        answer(api_login(http, f"10.0.0.{n}", email, f"guess {n}"))
    answer(api_login(http, "10.0.0.1", email, "another guess"))
    answer(api_login(http, "10.0.0.2", email, PASSWORD))
    answer(api_login(http, "10.0.0.8", email, "fresh guess"))
    answer(api_login(http, "10.0.0.8", email, PASSWORD))
    answer(api_login(http, "10.0.0.9", email, PASSWORD))
    return seen


@pytest.mark.parametrize("email", ["alice@example.org", "nobody@example.org"])
def test_guessing_from_many_clients_stops_at_the_ceiling_but_a_fresh_client_may_log_in(data_dir, email):
    within_one_minute_window()
    settings = make_settings(data_dir, limits={"login_failures_per_address_per_hour": 6})
    with instance(settings, "alice@example.org") as http:
        seen = distributed_guessing(http, email)
    wrong, refused = (401, "wrong email or password", False), (429, "too many login attempts; try again in a few minutes", True)
    right = (201, "token", False) if email == "alice@example.org" else wrong
    assert seen == [wrong] * 6 + [refused, refused] + [wrong, refused] + [right]


def test_the_answers_are_the_same_for_an_address_without_an_account(data_dir):
    within_one_minute_window()
    settings = make_settings(data_dir)
    with instance(settings, "alice@example.org") as http:
        known = [api_login(http, ATTACKER, "alice@example.org", f"guess {n}") for n in range(12)]
        unknown = [api_login(http, "203.0.113.67", "nobody@example.org", f"guess {n}") for n in range(12)]
    assert [(a.status_code, a.json()) for a in known] == [(a.status_code, a.json()) for a in unknown]


def test_asking_for_reset_links_does_not_hold_up_logging_in(data_dir):
    within_one_minute_window()
    settings = make_settings(data_dir)
    with instance(settings, "alice@example.org") as http:
        asks = [http.post("/api/v1/password/reset-request", json={"email": "alice@example.org"},
                          headers=client(ATTACKER)) for _ in range(12)]
        assert [a.status_code for a in asks] == [202] * 10 + [429] * 2
        assert "too many requests for this address" in asks[-1].json()["detail"]
        assert api_login(http, OWNER, "alice@example.org", PASSWORD).status_code == 201
