"""The federation policy: domains written one way, the admin page and API, and every place it holds.

Administrators block or allow domains at /admin/federation (or through the API); the
config file's rules are shown beside theirs, read-only. The policy is then checked
where the instance meets other servers, each tested over real HTTP against a loopback
peer: the inbox refuses, delivery posts nothing (rows queued before the block too),
searches and follows fetch nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select, update

from core.accounts.models import Account
from core.app import create_app
from core.db.base import utcnow
from core.outbox import OutboxRow
from core.settings import ConfigError
from helpers import field_errors, new_event, sign_up, wait_for
from peer_fixtures import PUBLIC_URL, RemoteActor, federating_settings, run, signed_post, sweep
from plugins.federation_activitypub.config import FederationConfig
from plugins.federation_activitypub.domains import InvalidDomain, covering_names, normalize_domain
from plugins.federation_activitypub.models import ApInboxActivity
from plugins.federation_activitypub.policy import permits
from security_fixtures import LocalServer, answer
from webhelpers import csrf_token, field_error, field_value, log_in, submit

ALICE = f"{PUBLIC_URL}/@alice"
RULES = "/api/v1/admin/federation/domains"
CONFIG_BLOCKS = {"enabled": ["federation_activitypub"], "federation_activitypub": {"blocked_domains": ["spam.example"]}}


def promote(client: TestClient, email: str) -> None:
    """The operator makes the account an administrator."""

    async def work(session: Any) -> None:
        await session.execute(update(Account).where(Account.email == email).values(role="administrator"))
        await session.commit()

    run(client, work)


def admin(client: TestClient, email: str = "ops@example.org", username: str = "ops") -> dict[str, str]:
    """A new administrator's API headers."""
    headers = sign_up(client, email, username)
    promote(client, email)
    return headers


def block(client: TestClient, headers: dict[str, str], domain: str, kind: str = "block") -> Any:
    return client.post(RULES, json={"domain": domain, "kind": kind, "reason": "tests"}, headers=headers)


def inbox_rows(client: TestClient) -> int:
    return run(client, lambda s: s.scalar(select(func.count()).select_from(ApInboxActivity)))


def deliveries(client: TestClient) -> list[OutboxRow]:
    query = select(OutboxRow).where(OutboxRow.kind == "ap_deliver").order_by(OutboxRow.id)
    return run(client, lambda s: _all(s, query))


async def _all(session: Any, query: Any) -> list[Any]:
    return list(await session.scalars(query))


def send(client: TestClient, actor: RemoteActor, activity: dict[str, Any]) -> Any:
    body, headers = signed_post(actor, "/inbox", activity)
    return client.post("/inbox", content=body, headers=headers)


def follows_alice(client: TestClient, actor: RemoteActor) -> None:
    """``actor`` follows alice and gets our Accept."""
    assert send(client, actor, actor.follow(ALICE)).status_code == 202
    wait_for(actor.activities)


def posts_to(actor: RemoteActor) -> list[str]:
    return [a["type"] for a in actor.activities()]


# --- domains ---------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "stored"), [
    ("Evil.Example", "evil.example"), ("evil.example.", "evil.example"), ("  evil.example ", "evil.example"),
    ("Bücher.Example", "xn--bcher-kva.example"), ("xn--bcher-kva.example", "xn--bcher-kva.example"),
    ("127.0.0.1", "127.0.0.1"), ("::1", "[::1]"),
])
def test_a_domain_is_written_one_way(typed: str, stored: str) -> None:
    assert normalize_domain(typed) == stored


@pytest.mark.parametrize(("typed", "says"), [
    ("https://evil.example/", "without https://"), ("evil.example/users", "without https://"),
    ("evil.example:8443", "leave out the port"), ("@bob@evil.example", "not an account"),
    ("*.evil.example", "covers its subdomains"), ("not a domain", "not a domain name"),
    ("localhost", "not a domain name"), ("evil..example", "not a domain name"), ("-evil.example", "not a domain name"),
    ("1.2.3", "not a domain name"), ("", "enter a domain name"),
])
def test_what_is_not_a_domain_is_refused_with_a_reason(typed: str, says: str) -> None:
    with pytest.raises(InvalidDomain) as refused:
        normalize_domain(typed)
    assert says in refused.value.reason


def test_a_rule_covers_subdomains_but_not_lookalikes() -> None:
    assert covering_names("a.sub.evil.example:8443") == ["a.sub.evil.example", "sub.evil.example", "evil.example"]
    assert "evil.example" not in covering_names("notevil.example")
    assert covering_names("127.0.0.1:8000") == ["127.0.0.1"]


def test_the_config_file_refuses_what_is_not_a_domain(data_dir: Path) -> None:
    plugins = {"enabled": ["federation_activitypub"],
               "federation_activitypub": {"blocked_domains": ["https://spam.example/"]}}
    with pytest.raises(ConfigError) as refused:
        create_app(federating_settings(data_dir, plugins=plugins))
    assert "blocked_domains: 'https://spam.example/'" in str(refused.value)


def test_the_effective_policy_is_config_and_database_with_subdomains(data_dir: Path) -> None:
    plugins = {"enabled": ["federation_activitypub"], "federation_activitypub": {
        "mode": "allowlist", "allowed_domains": ["friends.example"], "blocked_domains": ["bad.friends.example"]}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        root = admin(client)
        assert block(client, root, "partners.example", kind="allow").status_code == 201
        assert block(client, root, "worse.partners.example").status_code == 201
        config = msgspec.convert(plugins["federation_activitypub"], FederationConfig)
        verdicts = {host: run(client, lambda s, h=host: permits(s, config, h)) for host in (
            "friends.example", "events.friends.example:8443", "bad.friends.example", "x.bad.friends.example",
            "partners.example", "a.partners.example", "worse.partners.example", "stranger.example")}
    assert verdicts == {
        "friends.example": True, "events.friends.example:8443": True, "bad.friends.example": False,
        "x.bad.friends.example": False, "partners.example": True, "a.partners.example": True,
        "worse.partners.example": False, "stranger.example": False}


# --- the admin page ----------------------------------------------------------------------


def test_only_administrators_see_the_policy_page(data_dir: Path) -> None:
    with TestClient(create_app(federating_settings(data_dir)), base_url=PUBLIC_URL) as client:
        anonymous = client.get("/admin/federation", follow_redirects=False)
        assert anonymous.status_code in (302, 303) and anonymous.headers["location"] == "/login?next=/admin/federation"
        sign_up(client, "alice@example.org", "alice")
        log_in(client, "alice@example.org")
        assert client.get("/admin/federation").status_code == 403
        assert 'href="/admin/federation"' not in client.get("/").text
        token = csrf_token(client.get("/identities").text)
        forged = client.post("/admin/federation/domains", data={"domain": "evil.example", "_csrf_token": token})
        assert forged.status_code == 403 and "only administrators" in forged.text
        promote(client, "alice@example.org")
        assert 'href="/admin/federation"' in client.get("/").text  # the menu offers it to administrators
        assert client.get("/admin/federation").status_code == 200
        assert "evil.example" not in client.get("/admin/federation").text


def test_the_page_shows_the_mode_and_config_rules_read_only(data_dir: Path) -> None:
    with TestClient(create_app(federating_settings(data_dir, plugins=CONFIG_BLOCKS)), base_url=PUBLIC_URL) as client:
        admin(client)
        log_in(client, "ops@example.org")
        page = client.get("/admin/federation").text
    assert "Mode: open." in page
    blocked = page.split('id="block-rules"')[1].split("</ul>")[0]
    assert "spam.example" in blocked and "from config" in blocked and "Remove" not in blocked


def test_an_administrator_blocks_and_unblocks_a_domain_on_the_page(data_dir: Path) -> None:
    with TestClient(create_app(federating_settings(data_dir)), base_url=PUBLIC_URL) as client:
        admin(client)
        log_in(client, "ops@example.org")
        added = submit(client, "/admin/federation", "/admin/federation/domains",
                       {"domain": "Bücher.Example.", "kind": "block", "reason": "spam waves"})
        assert "The rule was added" in added.text
        blocked = added.text.split('id="block-rules"')[1].split("</ul>")[0]
        assert "xn--bcher-kva.example" in blocked and "spam waves" in blocked
        removed = submit(client, "/admin/federation", "/admin/federation/domains/remove",
                         {"domain": "xn--bcher-kva.example"})
        assert "The rule was removed" in removed.text and 'id="block-rules"' not in removed.text
        assert "No domain is blocked." in removed.text


@pytest.mark.parametrize(("typed", "says"), [
    ("https://evil.example/users/x", "without https://"),
    ("evil.example:8443", "leave out the port"),
    ("nonsense here", "not a domain name"),
    ("SPAM.example", "spam.example is already blocked in the configuration file"),
])
def test_the_form_says_what_is_wrong_next_to_the_domain(data_dir: Path, typed: str, says: str) -> None:
    with TestClient(create_app(federating_settings(data_dir, plugins=CONFIG_BLOCKS)), base_url=PUBLIC_URL) as client:
        admin(client)
        log_in(client, "ops@example.org")
        page = submit(client, "/admin/federation", "/admin/federation/domains",
                      {"domain": typed, "kind": "block", "reason": ""})
        assert page.status_code == 422
        assert says in field_error(page.text, "add", "domain")
        assert field_value(page.text, "add", "domain") == typed, "what was typed stays in the field"
        rules = client.get(RULES, headers=admin(client, "other@example.org", "other")).json()["rules"]
    assert [r["domain"] for r in rules] == ["spam.example"], "nothing was added"


def test_a_domain_blocked_twice_on_the_page_is_refused(data_dir: Path) -> None:
    with TestClient(create_app(federating_settings(data_dir)), base_url=PUBLIC_URL) as client:
        admin(client)
        log_in(client, "ops@example.org")
        submit(client, "/admin/federation", "/admin/federation/domains", {"domain": "evil.example", "kind": "block"})
        again = submit(client, "/admin/federation", "/admin/federation/domains",
                       {"domain": "EVIL.example.", "kind": "allow"})
    assert field_error(again.text, "add", "domain") == "evil.example is already blocked here"


# --- the API -----------------------------------------------------------------------------


def test_the_api_lists_adds_and_removes_rules_for_administrators(data_dir: Path) -> None:
    with TestClient(create_app(federating_settings(data_dir, plugins=CONFIG_BLOCKS)), base_url=PUBLIC_URL) as client:
        root = admin(client)
        member = sign_up(client, "alice@example.org", "alice")
        assert client.get(RULES).status_code == 401
        assert client.get(RULES, headers=member).status_code == 403
        assert block(client, member, "evil.example").status_code == 403
        added = block(client, root, "Evil.Example.")
        assert added.status_code == 201 and added.json()["domain"] == "evil.example"
        assert added.json()["source"] == "admin" and added.json()["reason"] == "tests"
        bad = block(client, root, "evil.example:8443")
        assert bad.status_code == 422 and "port" in field_errors(bad)["domain"]
        listed = client.get(RULES, headers=root).json()
        assert listed["mode"] == "open"
        assert [(r["domain"], r["kind"], r["source"]) for r in listed["rules"]] == [
            ("spam.example", "block", "config"), ("evil.example", "block", "admin")]
        assert client.delete(f"{RULES}/spam.example", headers=root).status_code == 409
        assert client.delete(f"{RULES}/evil.example", headers=member).status_code == 403
        assert client.delete(f"{RULES}/EVIL.example", headers=root).status_code == 204
        assert client.delete(f"{RULES}/evil.example", headers=root).status_code == 404
        assert [r["domain"] for r in client.get(RULES, headers=root).json()["rules"]] == ["spam.example"]


# --- where the policy holds ----------------------------------------------------------------


def test_the_inbox_refuses_a_blocked_domain_until_it_is_unblocked(instance: TestClient, mallory: RemoteActor) -> None:
    sign_up(instance, "alice@example.org", "alice")
    root = admin(instance)
    assert block(instance, root, "127.0.0.1").status_code == 201
    refused = send(instance, mallory, mallory.follow(ALICE))
    assert refused.status_code == 403 and "does not federate with 127.0.0.1" in refused.json()["error"]
    assert inbox_rows(instance) == 0 and mallory.server.received == [], "nothing stored, not even its key fetched"
    assert instance.delete(f"{RULES}/127.0.0.1", headers=root).status_code == 204
    follows_alice(instance, mallory)
    assert posts_to(mallory) == ["Accept"]


def test_the_inbox_refuses_a_subdomain_of_a_blocked_domain(instance: TestClient) -> None:
    assert block(instance, admin(instance), "evil.example").status_code == 201
    activity = {"id": "https://sub.evil.example/a/1", "type": "Follow", "actor": "https://sub.evil.example/users/x",
                "object": ALICE}
    refused = instance.post("/inbox", content=msgspec.json.encode(activity),
                            headers={"Content-Type": "application/activity+json"})
    assert refused.status_code == 403 and "does not federate with sub.evil.example" in refused.json()["error"]


def test_an_allowlist_instance_talks_only_to_the_domains_an_administrator_allows(
    data_dir: Path, mallory: RemoteActor
) -> None:
    plugins = {"enabled": ["federation_activitypub"], "federation_activitypub": {"mode": "allowlist"}}
    with TestClient(create_app(federating_settings(data_dir, plugins=plugins)), base_url=PUBLIC_URL) as client:
        sign_up(client, "alice@example.org", "alice")
        assert send(client, mallory, mallory.follow(ALICE)).status_code == 403
        assert block(client, admin(client), "127.0.0.1", kind="allow").status_code == 201
        follows_alice(client, mallory)


def test_followers_on_a_blocked_domain_receive_nothing(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    follows_alice(instance, mallory)
    assert block(instance, admin(instance), "127.0.0.1").status_code == 201
    new_event(instance, alice, title="Picnic")
    wait_for(lambda: deliveries(instance)[-1].state == "dead")
    assert "blocked by this instance's federation policy" in deliveries(instance)[-1].last_error
    assert posts_to(mallory) == ["Accept"], "the Create was never posted"


def test_deliveries_queued_before_a_block_are_not_sent_after_it(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    follows_alice(instance, mallory)
    mallory.server.routes["/inbox"] = answer(503, b"")
    new_event(instance, alice, title="Picnic")
    wait_for(lambda: deliveries(instance)[-1].attempts == 1 and deliveries(instance)[-1].state == "pending")
    assert block(instance, admin(instance), "127.0.0.1").status_code == 201
    mallory.server.routes["/inbox"] = answer(202, b"")

    async def due_now(session: Any) -> None:
        await session.execute(update(OutboxRow).where(OutboxRow.state == "pending").values(next_attempt_at=utcnow()))
        await session.commit()

    run(instance, due_now)
    sweep(instance.app)
    wait_for(lambda: deliveries(instance)[-1].state == "dead")
    assert posts_to(mallory) == ["Accept", "Create"], "one refused attempt before the block, none after"


def test_search_and_follow_fetch_nothing_from_a_blocked_domain(instance: TestClient, mallory: RemoteActor) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    assert block(instance, admin(instance), "127.0.0.1").status_code == 201
    for query in (mallory.id, f"@mallory@{mallory.host}"):
        found = instance.get("/api/v1/search", params={"q": query}, headers=alice)
        assert found.status_code == 422 and "does not federate with" in field_errors(found)["q"]
    followed = instance.post("/api/v1/identities/alice/follow", json={"target": mallory.id}, headers=alice)
    assert followed.status_code == 422 and "does not federate with" in field_errors(followed)["target"]
    assert mallory.server.received == []


def test_a_fetch_is_not_redirected_to_a_blocked_domain(
    instance: TestClient, local_server: LocalServer, other_server: LocalServer
) -> None:
    alice = sign_up(instance, "alice@example.org", "alice")
    assert block(instance, admin(instance), "127.0.0.1").status_code == 201
    local_server.redirect("/users/moved", other_server.url("/users/mallory"))
    moved = f"http://localhost:{local_server.port}/users/moved"
    found = instance.get("/api/v1/search", params={"q": moved}, headers=alice)
    assert found.status_code == 422 and "does not federate with 127.0.0.1" in field_errors(found)["q"]
    assert [r.path for r in local_server.received] == ["/users/moved"], "localhost is not blocked"
    assert other_server.received == [], "the redirect was not followed"


def test_a_french_administrator_reads_the_refusal_in_french(data_dir: Path) -> None:
    with TestClient(create_app(federating_settings(data_dir)), base_url=PUBLIC_URL) as client:
        admin(client)

        async def speaks_french(session: Any) -> None:
            await session.execute(update(Account).where(Account.email == "ops@example.org").values(locale="fr"))
            await session.commit()

        log_in(client, "ops@example.org")
        run(client, speaks_french)
        page = submit(client, "/admin/federation", "/admin/federation/domains",
                      {"domain": "evil.example:8443", "kind": "block"})
    assert field_error(page.text, "add", "domain") == "retirez le port : une règle couvre tous les ports de son domaine"
