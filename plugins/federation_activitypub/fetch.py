"""ActivityPub's rules on top of the core's guarded HTTP client (core.guarded_http).

Every federation request goes through ``ActivityPubClient``: the core's client (address
guard, limits, redirects checked anew) asking for ActivityStreams documents. Fetched
objects (``fetch_object``) must have the ActivityStreams content type and a document
``id`` that matches the URL asked for (rule in ``check_document_id``).
"""

from __future__ import annotations

from typing import Any

from core.guarded_http import (
    BlockedDestination,
    Destination,
    GuardedClient,
    RefusedResponse,
    RequestSigner,
    normalize_url,
    origin_of,
)
from core.json_limits import PayloadRejected, parse_json

ACTIVITY_JSON = "application/activity+json"
ACTIVITYSTREAMS_PROFILE = "https://www.w3.org/ns/activitystreams"
ACCEPT_ACTIVITY = f'{ACTIVITY_JSON}, application/ld+json; profile="{ACTIVITYSTREAMS_PROFILE}"'


def is_activitystreams_type(content_type: str) -> bool:
    """``application/activity+json``, or ``application/ld+json`` with the ActivityStreams profile."""
    media_type, *parameters = (part.strip() for part in content_type.split(";"))
    media_type = media_type.lower()
    if media_type == ACTIVITY_JSON:
        return True
    if media_type != "application/ld+json":
        return False
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "profile" and ACTIVITYSTREAMS_PROFILE in value.strip('"').split():
            return True
    return False


def check_document_id(requested: str, final: str, document_id: object) -> None:
    """Refuse a fetched document that speaks for another URL than the one we asked for.

    The rule: the ``id`` must equal the requested URL (fragment aside; the requested
    origin answered, or chose to redirect, for it), or equal the final URL when every
    redirect stayed on the requested origin (``/users/Bob`` moved to ``/users/bob``).
    A document found on another origin that names itself there is refused: the caller
    may fetch that id itself, and that fetch obeys this rule again.
    """
    if not isinstance(document_id, str):
        raise RefusedResponse("fetched document has no string id")
    try:
        claimed = str(normalize_url(document_id))
    except BlockedDestination as exc:
        raise RefusedResponse(f"fetched document id is not a usable URL: {exc.reason}") from exc
    if claimed == str(normalize_url(requested)):
        return
    if claimed == str(normalize_url(final)) and origin_of(final) == origin_of(requested):
        return
    raise RefusedResponse(f"fetched document id {document_id} does not match the URL fetched {requested}")


class ActivityPubClient(GuardedClient):
    """The guarded client asking for, and posting, ActivityStreams documents."""

    accept = ACCEPT_ACTIVITY
    content_type = ACTIVITY_JSON

    async def fetch_object(
        self, url: str, *, signer: RequestSigner | None = None, destination: Destination | None = None
    ) -> dict[str, Any]:
        """An ActivityPub object: 2xx, ActivityStreams type, JSON within limits, matching id."""
        response = await self.get(url, signer=signer, destination=destination)
        if not 200 <= response.status < 300:
            raise RefusedResponse(f"HTTP {response.status} from {response.url}", status=response.status)
        content_type = response.headers.get("content-type", "")
        if not is_activitystreams_type(content_type):
            raise RefusedResponse(f"content type {content_type!r} is not ActivityStreams")
        try:
            document = parse_json(response.body, max_bytes=self.policy.max_body_bytes)
        except PayloadRejected as exc:
            raise RefusedResponse(exc.reason) from exc
        if not isinstance(document, dict):
            raise RefusedResponse("fetched document is not a JSON object")
        check_document_id(url, response.url, document.get("id"))
        return document
