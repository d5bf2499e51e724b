"""How other servers find us: WebFinger, host-meta, NodeInfo 2.0/2.1 and the instance actor."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from litestar import Response, get
from litestar.params import Parameter
from sqlalchemy import func, select

from core import __version__
from core.comments.models import Comment
from core.context import Ctx
from core.errors import NotFound
from core.events.models import Event
from core.identities.models import Identity
from core.identities.service import find_local_identity
from core.instance_api import instance_metadata
from core.settings import Settings
from plugins.federation_activitypub.actors import RELAY_USERNAME, actor_id, local_actor, relay_identity
from plugins.federation_activitypub.outgoing import actor_out

AP_JSON = "application/activity+json"
JRD_JSON = "application/jrd+json"
NODEINFO_SCHEMA = "http://nodeinfo.diaspora.software/ns/schema/{version}"


def our_hosts(settings: Settings) -> set[str]:
    """Our host with and without its port: some peers build handles from a Host header that lost the port."""
    parts = urlsplit(settings.public_url)
    return {parts.netloc.lower(), (parts.hostname or "").lower()}


def ap_response(document: dict[str, Any], status_code: int = 200) -> Response:
    return Response(document, media_type=AP_JSON, status_code=status_code)


def _username_from_resource(settings: Settings, resource: str) -> str:
    """``acct:name@host``, ``name@host`` or one of our actor URLs, to a local username."""
    resource = resource.strip()
    if resource.startswith(("http://", "https://")):
        parts = urlsplit(resource)
        if parts.netloc.lower() not in our_hosts(settings):
            raise NotFound("not an account on this instance")
        path = parts.path.rstrip("/")
        if path == "/relay":
            return RELAY_USERNAME
        if path.startswith("/@"):
            return path[2:]
        raise NotFound("not an account on this instance")
    handle = resource.removeprefix("acct:").lstrip("@")
    name, _, host = handle.partition("@")
    if not name or host.lower().rstrip(".") not in our_hosts(settings):
        raise NotFound("not an account on this instance")
    return name


@get("/.well-known/webfinger", include_in_schema=False)
async def webfinger(ctx: Ctx, resource: Annotated[str, Parameter(max_length=500)]) -> Response:
    username = _username_from_resource(ctx.settings, resource).lower()
    identity = await find_local_identity(ctx, username)
    if identity is None and username == RELAY_USERNAME:
        identity = await relay_identity(ctx.session)
    if identity is None:
        raise NotFound("no such account")
    host = urlsplit(ctx.settings.public_url).netloc
    href = actor_id(ctx.settings, identity.username)
    return Response({
        "subject": f"acct:{identity.username}@{host}",
        "aliases": [href],
        "links": [
            {"rel": "self", "type": AP_JSON, "href": href},
            {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": href},
        ],
    }, media_type=JRD_JSON)


@get("/.well-known/host-meta", include_in_schema=False, media_type="application/xrd+xml")
async def host_meta(ctx: Ctx) -> str:
    template = ctx.settings.url("/.well-known/webfinger?resource={uri}")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n'
            f'  <Link rel="lrdd" type="application/xrd+xml" template="{template}"/>\n</XRD>\n')


@get("/.well-known/nodeinfo", include_in_schema=False)
async def nodeinfo_links(ctx: Ctx) -> dict[str, Any]:
    """NodeInfo discovery, with the Application actor that Mobilizon and Gancio look for (FEP-2677)."""
    return {"links": [
        {"rel": NODEINFO_SCHEMA.format(version="2.0"), "href": ctx.settings.url("/.well-known/nodeinfo/2.0")},
        {"rel": NODEINFO_SCHEMA.format(version="2.1"), "href": ctx.settings.url("/.well-known/nodeinfo/2.1")},
        {"rel": "https://www.w3.org/ns/activitystreams#Application", "href": actor_id(ctx.settings, RELAY_USERNAME)},
    ]}


@get("/.well-known/nodeinfo/{version:str}", include_in_schema=False)
async def nodeinfo(ctx: Ctx, version: str) -> Response:
    if version not in ("2.0", "2.1"):
        raise NotFound("NodeInfo versions 2.0 and 2.1 are served")
    scalar = ctx.session.scalar
    # identities, not accounts: a count of accounts that stays still while a new identity appears would
    # tell that the identity belongs to an existing account (the relay has no account and is not a user)
    users = await scalar(select(func.count()).select_from(Identity)
                         .where(Identity.domain == "", Identity.account_id.is_not(None)))
    events = await scalar(select(func.count()).select_from(Event).join(Identity, Event.organizer_id == Identity.id)
                          .where(Event.draft.is_(False), Identity.domain == ""))
    comments = await scalar(select(func.count()).select_from(Comment).join(Identity, Comment.author_id == Identity.id)
                            .where(Identity.domain == "", Comment.deleted_at.is_(None)))
    software = {"name": "convene", "version": __version__}
    document = {
        "version": version,
        "software": software,
        "protocols": ["activitypub"],
        "services": {"inbound": [], "outbound": []},
        "openRegistrations": ctx.settings.registrations.mode != "closed",
        "usage": {"users": {"total": users}, "localPosts": events, "localComments": comments},
        "metadata": {**await instance_metadata(ctx),
                     "nodeName": ctx.settings.instance.name, "nodeDescription": ctx.settings.instance.description},
    }
    schema = NODEINFO_SCHEMA.format(version=version)
    return Response(document, media_type=f'application/json; profile="{schema}#"')


@get("/relay", include_in_schema=False)
async def relay_actor(ctx: Ctx) -> Response:
    """The instance's Application actor (signs instance-level fetches, follows relays)."""
    identity = await relay_identity(ctx.session)
    row = await local_actor(ctx.session, ctx.settings, identity)
    return ap_response(await actor_out(ctx, identity, row))


def discovery_handlers() -> list[Any]:
    return [webfinger, host_meta, nodeinfo_links, nodeinfo, relay_actor]

