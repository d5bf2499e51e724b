"""The inbox: verify an inbound activity, store it, answer 202, and let the worker process it.

Every check happens before anything is written, and a refusal rolls the transaction
back, so a refused request leaves no trace but the log line. In order:

1. the body: at most ``MAX_BODY_BYTES`` (413), JSON within ``core.json_limits`` (400), an
   activity with an ``id``, a ``type`` and an ``actor`` URL (400);
2. the federation policy on the actor's domain, config and admins' rules (403):
   blocked domains are not even asked for their key;
3. the HTTP signature, checked against the URL built from the configured public URL
   (never the Host header); the key's host must be the actor's host, and the key must
   belong to the activity's actor (401);
4. the ``federation_activitypub_accept_activity`` decision hook (403);
5. replay protection: the same signed request twice is refused (401);
6. dedupe by activity id: an activity we already hold is answered 202 again, once.

Then the activity is stored (``ApInboxActivity``), its sender's domain is marked as
alive (deliveries to it resume), and an ``ap_inbox`` outbox row hands it to the worker.
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from sqlalchemy import update

from core.context import Ctx
from core.db.insert_new import insert_new
from core.guarded_http import FetchError, host_of
from core.json_limits import PayloadRejected, parse_json
from core.outbox import enqueue
from plugins.federation_activitypub.discovery import our_hosts
from plugins.federation_activitypub.follows import local_identity_by_handle
from plugins.federation_activitypub.instance import Federation, federation
from plugins.federation_activitypub.models import ApDomain, ApInboxActivity
from plugins.federation_activitypub.parse import Refused, ref
from plugins.federation_activitypub.policy import permits
from plugins.federation_activitypub.remote_actors import KeyResolver, remote_actors
from plugins.federation_activitypub.replay import first_use
from plugins.federation_activitypub.signatures import SignatureError, verify_request

MAX_BODY_BYTES = 1_000_000
INBOX_JOB = "ap_inbox"


class InboxRefusal(Exception):
    """An inbound request we refuse: ``status`` and ``reason`` make the JSON answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@post("/inbox", exclude_from_csrf=True, include_in_schema=False, status_code=202)
async def shared_inbox(ctx: Ctx, request: Request) -> Response:
    """The shared inbox: servers post here once for all their followers on this instance."""
    return await _answer(ctx, request)


@post("/{handle:str}/inbox", exclude_from_csrf=True, include_in_schema=False, status_code=202)
async def actor_inbox(ctx: Ctx, request: Request, handle: str) -> Response:
    """``/@name/inbox``: one local identity's inbox (processed like the shared one)."""
    if await local_identity_by_handle(ctx, handle) is None:
        return Response({"error": "no such inbox"}, status_code=404)
    return await _answer(ctx, request)


async def _answer(ctx: Ctx, request: Request) -> Response:
    try:
        return await receive(ctx, request)
    except InboxRefusal as refusal:
        await ctx.session.rollback()
        return Response({"error": refusal.reason}, status_code=refusal.status)


async def receive(ctx: Ctx, request: Request) -> Response:
    instance = federation(ctx)
    body = await _read_body(request)
    activity, actor = _activity(body)
    origin = await _allowed_origin(ctx, instance, actor)
    await _verify_signature(ctx, instance, request, body, actor)
    verdict = await ctx.decide("federation_activitypub_accept_activity", activity=activity, origin=origin)
    if verdict.outcome != "allow":
        raise InboxRefusal(403, verdict.reason)
    stored = await insert_new(ctx.session, ApInboxActivity.id, {
        "activity_id": activity["id"], "actor": actor, "payload": activity, "outcome": ""})
    if stored is None:
        return Response({"status": "already received"}, status_code=202)
    await _mark_alive(ctx, origin)
    await enqueue(ctx.session, INBOX_JOB, {"id": stored})
    return Response({"status": "accepted"}, status_code=202)


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise InboxRefusal(413, f"body of {declared} bytes exceeds {MAX_BODY_BYTES}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise InboxRefusal(413, f"body exceeds {MAX_BODY_BYTES} bytes")
    return bytes(body)


def _activity(body: bytes) -> tuple[dict[str, Any], str]:
    """The activity and its actor's id, or a 400 saying what is wrong."""
    try:
        activity = parse_json(body, max_bytes=MAX_BODY_BYTES)
    except PayloadRejected as exc:
        raise InboxRefusal(400, exc.reason) from exc
    if not isinstance(activity, dict):
        raise InboxRefusal(400, "an activity is a JSON object")
    for key in ("id", "type"):
        if not isinstance(activity.get(key), str) or not activity[key]:
            raise InboxRefusal(400, f"activity has no {key}")
    try:
        ref(activity["id"], "id")
        return activity, ref(activity.get("actor"), "actor")
    except Refused as exc:
        raise InboxRefusal(400, exc.reason) from exc


async def _allowed_origin(ctx: Ctx, instance: Federation, actor: str) -> str:
    try:
        origin = host_of(actor)
    except FetchError as exc:
        raise InboxRefusal(400, f"actor is not a usable URL: {exc.reason}") from exc
    if origin in our_hosts(instance.settings):
        raise InboxRefusal(403, "activities of this instance's own actors do not come through the inbox")
    if not await permits(ctx.session, instance.config, origin):
        raise InboxRefusal(403, f"this instance does not federate with {origin}")
    return origin


def _request_url(ctx: Ctx, request: Request) -> str:
    """The URL the request was for, on our configured public URL: never trust ``Host``."""
    raw_path: bytes = request.scope.get("raw_path") or request.url.path.encode()
    path = raw_path.split(b"?", 1)[0].decode("ascii", "replace")
    query = request.scope.get("query_string", b"").decode("ascii", "replace")
    return ctx.settings.public_url + path + (f"?{query}" if query else "")


async def _verify_signature(ctx: Ctx, instance: Federation, request: Request, body: bytes, actor: str) -> None:
    # The key lookup opens sessions of its own. End the request's transaction (it has only read) so its
    # connection goes back to the pool: otherwise concurrent requests each hold one while waiting for a
    # second, and a burst as large as the pool deadlocks until the pool's timeout.
    await ctx.session.commit()
    resolver = KeyResolver(remote_actors(ctx))
    try:
        verified = await verify_request("POST", _request_url(ctx, request), request.headers, body, resolver)
        verified.require_actor_host(actor)
        if resolver.owner != actor:
            raise SignatureError(f"key {verified.key_id} belongs to {resolver.owner}, not to the actor {actor}")
    except SignatureError as exc:
        raise InboxRefusal(401, exc.reason) from exc
    if not await first_use(ctx.session, verified):
        raise InboxRefusal(401, "this signed request was already received (replay)")


async def _mark_alive(ctx: Ctx, origin: str) -> None:
    """The domain speaks to us again: deliveries to it are no longer skipped."""
    await ctx.session.execute(
        update(ApDomain)
        .where(ApDomain.domain == origin, ApDomain.failing_since.is_not(None) | ApDomain.unavailable)
        .values(failing_since=None, unavailable=False)
    )


def inbox_handlers() -> list[Any]:
    return [shared_inbox, actor_inbox]
