"""The instance's published documents and rules (plugins/moderation/documents*.py, instance_rules.py):
administrators write them in the API and the admin page; everyone reads them on the about pages, in
``/api/v1/policies``, ``/api/v1/instance`` and NodeInfo; members and moderators cannot write them.
"""

from __future__ import annotations

from litestar.testing import TestClient
from sqlalchemy import select

from core.context import Ctx
from helpers import field_errors, sign_up
from plugins.moderation.models import InstanceRule, PolicyDocument
from testkit import in_transaction, moderator, rows, web_log_in
from webhelpers import submit

TERMS = "# Terms\n\nBe **kind**. <script>alert(1)</script> [Our charter](https://example.org/charter)"


def administrator(client: TestClient, email: str = "ada@example.org", username: str = "ada") -> dict[str, str]:
    return moderator(client, email, username, role="administrator")


def write(client: TestClient, admin: dict[str, str], kind: str, text: str, material: bool = False) -> dict:
    r = client.put(f"/api/v1/admin/policies/{kind}", headers=admin, json={"text": text, "material": material})
    assert r.status_code == 200, r.text
    return r.json()


def published(client: TestClient) -> dict:
    r = client.get("/api/v1/policies")
    assert r.status_code == 200, r.text
    return r.json()


def test_each_change_of_a_document_bumps_its_version_and_the_same_text_does_not(client):
    ada = administrator(client)
    first = write(client, ada, "terms", TERMS)
    again = write(client, ada, "terms", TERMS)
    changed = write(client, ada, "terms", TERMS + "\n\nAnd be on time.")
    assert (first["version"], again["version"], changed["version"]) == (1, 1, 2)
    assert changed["material"] is False
    [document] = published(client)["documents"]
    assert (document["kind"], document["version"], document["url"]) == (
        "terms", 2, "http://testserver.local/about/terms")
    assert document["updated_at"] == changed["updated_at"]


def test_a_document_is_rendered_from_markdown_without_scripts(client):
    ada = administrator(client)
    html = write(client, ada, "code_of_conduct", TERMS)["html"]
    assert "<strong>kind</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert 'href="https://example.org/charter"' in html and "nofollow" in html
    page = client.get("/about/code-of-conduct")
    assert page.status_code == 200
    assert "<strong>kind</strong>" in page.text and "<script>alert(1)" not in page.text
    assert "Version 1, updated on" in page.text


def test_a_wrong_document_is_refused_with_a_422_and_nothing_is_written(client):
    ada = administrator(client)
    empty = client.put("/api/v1/admin/policies/terms", headers=ada, json={"text": "   "})
    too_long = client.put("/api/v1/admin/policies/terms", headers=ada, json={"text": "a" * 30001})
    unknown = client.put("/api/v1/admin/policies/privacy", headers=ada, json={"text": "Hello"})
    assert (empty.status_code, field_errors(empty)) == (422, {"text": "this field is required"})
    assert too_long.status_code == 422 and "text" in field_errors(too_long)
    assert unknown.status_code in (400, 404)
    assert rows(client, PolicyDocument) == []
    assert client.get("/about/terms").status_code == 404


def test_administrators_add_edit_reorder_and_delete_rules(client):
    ada = administrator(client)
    made = [client.post("/api/v1/admin/rules", headers=ada, json={"text": text, "hint": hint}).json()
            for text, hint in [("No harassment", "Of anyone."), ("No spam", ""), ("No ads", "")]]
    assert [rule["position"] for rule in made] == [0, 1, 2]
    moved = client.patch(f"/api/v1/admin/rules/{made[2]['id']}", headers=ada, json={"position": 0})
    assert moved.status_code == 200 and moved.json()["position"] == 0
    edited = client.patch(f"/api/v1/admin/rules/{made[1]['id']}", headers=ada, json={"text": "No spam, ever"})
    assert edited.json()["text"] == "No spam, ever" and edited.json()["hint"] == ""
    assert client.delete(f"/api/v1/admin/rules/{made[0]['id']}", headers=ada).status_code == 204
    public = [(rule["text"], rule["position"]) for rule in published(client)["rules"]]
    assert public == [("No ads", 0), ("No spam, ever", 1)]
    assert [r["text"] for r in client.get("/api/v1/admin/rules", headers=ada).json()] == ["No ads", "No spam, ever"]


def test_a_wrong_rule_is_refused_with_a_422(client):
    ada = administrator(client)
    empty = client.post("/api/v1/admin/rules", headers=ada, json={"text": " <b></b> "})
    long = client.post("/api/v1/admin/rules", headers=ada, json={"text": "x" * 301})
    missing = client.patch("/api/v1/admin/rules/999", headers=ada, json={"text": "Hello"})
    assert (empty.status_code, field_errors(empty)) == (422, {"text": "this field is required"})
    assert long.status_code == 422 and "text" in field_errors(long)
    assert missing.status_code == 404
    assert rows(client, InstanceRule) == []


ADMIN_API = [
    ("PUT", "/api/v1/admin/policies/terms", {"text": "Be kind", "material": True}),
    ("GET", "/api/v1/admin/rules", None),
    ("POST", "/api/v1/admin/rules", {"text": "No spam"}),
    ("PATCH", "/api/v1/admin/rules/{rule}", {"text": "No spam at all"}),
    ("DELETE", "/api/v1/admin/rules/{rule}", None),
]
ADMIN_PAGES = [
    ("/admin/policies/documents/terms", {"text": "Be kind"}),
    ("/admin/policies/rules", {"text": "No spam"}),
    ("/admin/policies/rules/{rule}", {"text": "No spam at all"}),
    ("/admin/policies/rules/{rule}/move", {"position": "0"}),
    ("/admin/policies/rules/{rule}/delete", {}),
]


def test_every_admin_route_refuses_members_and_moderators(client):
    ada = administrator(client)
    rule = client.post("/api/v1/admin/rules", headers=ada, json={"text": "Be kind"}).json()["id"]
    mona = moderator(client, "mona@example.org", "mona")
    bob = sign_up(client, "bob@example.org", "bob")
    for headers in (mona, bob):
        for method, path, body in ADMIN_API:
            r = client.request(method, path.format(rule=rule), headers=headers, json=body)
            assert r.status_code == 403, (method, path, r.text)
    for email in ("mona@example.org", "bob@example.org"):
        web_log_in(client, email)
        assert client.get("/admin/policies").status_code == 403
        for path, data in ADMIN_PAGES:
            r = submit(client, "/settings", path.format(rule=rule), data)
            assert r.status_code == 403, (path, r.text)
        client.cookies.clear()
    assert client.get("/admin/policies", follow_redirects=False).status_code in (302, 303, 401)
    assert [r.text for r in rows(client, InstanceRule)] == ["Be kind"] and rows(client, PolicyDocument) == []


def test_the_admin_page_writes_documents_and_rules(client):
    administrator(client)
    web_log_in(client, "ada@example.org")
    page = client.get("/admin/policies")
    assert page.status_code == 200 and "Code of conduct" in page.text
    saved = submit(client, "/admin/policies", "/admin/policies/documents/audience",
                   {"text": "Climate activists in Lyon."})
    assert "The document was saved." in saved.text and "Version 1, updated on" in saved.text
    added = submit(client, "/admin/policies", "/admin/policies/rules", {"text": "No harassment"})
    assert "The rule was added." in added.text
    refused = submit(client, "/admin/policies", "/admin/policies/rules", {"text": "", "hint": "Kept hint"})
    assert refused.status_code == 422 and 'value="Kept hint"' in refused.text
    assert [r.text for r in rows(client, InstanceRule)] == ["No harassment"]


def test_the_about_page_instance_api_and_nodeinfo_publish_them(client):
    ada = administrator(client)
    write(client, ada, "terms", "Be kind.")
    write(client, ada, "moderation_policy", "We answer within a day.")
    client.post("/api/v1/admin/rules", headers=ada, json={"text": "No harassment", "hint": "Of anyone."})
    about = client.get("/about").text
    assert 'href="/about/terms"' in about and 'href="/about/moderation-policy"' in about
    assert "No harassment" in about and 'href="/about/code-of-conduct"' not in about
    metadata = client.get("/api/v1/instance").json()["metadata"]
    assert metadata["policies"]["terms"]["url"] == "http://testserver.local/about/terms"
    assert metadata["policies"]["moderation_policy"]["version"] == 1
    assert [rule["text"] for rule in metadata["rules"]] == ["No harassment"]
    nodeinfo = client.get("/.well-known/nodeinfo/2.1").json()["metadata"]
    assert nodeinfo["policies"] == metadata["policies"] and nodeinfo["nodeName"]


def test_the_federation_policy_lists_the_domains_blocked_with_their_reasons(client):
    ada = administrator(client)
    r = client.post("/api/v1/admin/federation/domains", headers=ada,
                    json={"domain": "spam.example", "kind": "block", "reason": "Floods of spam"})
    assert r.status_code == 201, r.text
    assert published(client)["federation_domains"] == [
        {"domain": "spam.example", "kind": "block", "reason": "Floods of spam"}]
    page = client.get("/about/federation-policy")
    assert page.status_code == 200 and "spam.example" in page.text and "Floods of spam" in page.text
    write(client, ada, "federation_policy", "We federate with **everyone** who respects our rules.")
    page = client.get("/about/federation-policy").text
    assert "<strong>everyone</strong>" in page and "spam.example" in page


def test_without_federation_the_policies_list_no_domain(data_dir):
    from core.app import create_app
    from helpers import make_settings

    settings = make_settings(data_dir, plugins={"enabled": ["moderation"]})
    with TestClient(create_app(settings), base_url="http://testserver.local") as client:
        assert published(client) == {"documents": [], "rules": [], "federation_domains": []}
        assert client.get("/about/federation-policy").status_code == 404


def test_documents_are_one_row_per_kind(client):
    ada = administrator(client)
    write(client, ada, "terms", "One")
    write(client, ada, "terms", "Two", material=True)

    async def kinds(ctx: Ctx) -> list[tuple[str, int, int]]:
        found = await ctx.session.scalars(select(PolicyDocument))
        return [(d.kind, d.version, d.accept_from) for d in found]

    assert in_transaction(client, kinds) == [("terms", 2, 2)]


def test_the_admin_page_moves_and_deletes_rules(client):
    ada = administrator(client)
    ids = [client.post("/api/v1/admin/rules", headers=ada, json={"text": text}).json()["id"]
           for text in ("No spam", "No ads")]
    web_log_in(client, "ada@example.org")
    moved = submit(client, "/admin/policies", f"/admin/policies/rules/{ids[1]}/move", {"position": "0"})
    assert "The rule was moved." in moved.text
    assert [r["text"] for r in published(client)["rules"]] == ["No ads", "No spam"]
    deleted = submit(client, "/admin/policies", f"/admin/policies/rules/{ids[0]}/delete")
    assert "The rule was deleted." in deleted.text
    assert [r.text for r in rows(client, InstanceRule)] == ["No ads"]


def test_the_about_page_speaks_the_readers_language(client):
    ada = administrator(client)
    write(client, ada, "code_of_conduct", "Soyez aimables.")
    page = client.get("/about", headers={"Accept-Language": "fr"}).text
    assert "Code de conduite" in page and "version 1," in page
