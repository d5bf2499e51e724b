"""Our objects as ActivityStreams documents: Person and Application actors, Events, Notes.

Events follow FEP-8a8e and carry Mobilizon's extension keys (``joinMode``,
``maximumAttendeeCapacity``, ``ical:status``...) with the matching ``@context``, so
Mobilizon and Gancio read them as they read each other's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.comments.models import Comment
from core.events.models import Event
from core.identities.models import Identity
from core.settings import Settings
from plugins.federation_activitypub.actors import RELAY_USERNAME, local_actor_urls
from plugins.federation_activitypub.models import ApActor

AS_PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTOR_CONTEXT: list[Any] = ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"]
EVENT_CONTEXT: list[Any] = [
    "https://www.w3.org/ns/activitystreams",
    "https://w3id.org/security/v1",
    {
        "sc": "http://schema.org#",
        "mz": "https://joinmobilizon.org/ns#",
        "ical": "http://www.w3.org/2002/12/cal/ical#",
        "Hashtag": "as:Hashtag",
        "PostalAddress": "sc:PostalAddress",
        "address": {"@id": "sc:address", "@type": "sc:PostalAddress"},
        "streetAddress": "sc:streetAddress",
        "postalCode": "sc:postalCode",
        "addressLocality": "sc:addressLocality",
        "addressRegion": "sc:addressRegion",
        "addressCountry": "sc:addressCountry",
        "category": "sc:category",
        "uuid": "sc:identifier",
        "timezone": {"@id": "mz:timezone", "@type": "sc:Text"},
        "isOnline": {"@id": "mz:isOnline", "@type": "sc:Boolean"},
        "joinMode": {"@id": "mz:joinMode", "@type": "mz:joinModeType"},
        "joinModeType": {"@id": "mz:joinModeType", "@type": "rdfs:Class"},
        "maximumAttendeeCapacity": "sc:maximumAttendeeCapacity",
        "remainingAttendeeCapacity": "sc:remainingAttendeeCapacity",
        "participantCount": {"@id": "mz:participantCount", "@type": "sc:Integer"},
        "commentsEnabled": {"@id": "pt:commentsEnabled", "@type": "sc:Boolean"},
        "pt": "https://joinpeertube.org/ns#",
        "repliesModerationOption": {"@id": "mz:repliesModerationOption", "@type": "mz:repliesModerationOptionType"},
        "repliesModerationOptionType": {"@id": "mz:repliesModerationOptionType", "@type": "rdfs:Class"},
        "externalParticipationUrl": {"@id": "mz:externalParticipationUrl", "@type": "sc:URL"},
        "anonymousParticipationEnabled": {"@id": "mz:anonymousParticipationEnabled", "@type": "sc:Boolean"},
    },
]


def _media(settings: Settings, path: str | None) -> str:
    return settings.url(f"/media/{path}") if path else ""


def actor_document(settings: Settings, identity: Identity, row: ApActor) -> dict[str, Any]:
    """A local identity as a Person (or the instance actor as an Application)."""
    urls = local_actor_urls(settings, identity.username)
    is_relay = identity.username == RELAY_USERNAME
    doc: dict[str, Any] = {
        "@context": ACTOR_CONTEXT,
        "id": urls["id"],
        "type": "Application" if is_relay else "Person",
        "preferredUsername": identity.username,
        "name": settings.instance.name if is_relay else identity.name,
        "summary": settings.instance.description if is_relay else identity.bio,
        "url": urls["id"],
        "inbox": urls["inbox"],
        "outbox": urls["outbox"],
        "followers": urls["followers"],
        "following": urls["following"],
        "manuallyApprovesFollowers": False,
        "discoverable": not is_relay,
        "endpoints": {"sharedInbox": urls["shared_inbox"]},
        "publicKey": {"id": urls["key_id"], "owner": urls["id"], "publicKeyPem": row.public_key_pem},
    }
    if identity.avatar:
        doc["icon"] = {"type": "Image", "url": _media(settings, identity.avatar)}
    return doc


def event_document(settings: Settings, event: Event) -> dict[str, Any]:
    """A published event as an FEP-8a8e Event with Mobilizon's keys."""
    organizer = local_actor_urls(settings, event.organizer.username)["id"] if event.organizer.is_local else ""
    url = settings.url(f"/events/{event.uuid}")
    audience = [AS_PUBLIC] if event.visibility == "public" else []
    followers = [f"{organizer}/followers"] if organizer else []
    doc: dict[str, Any] = {
        "@context": EVENT_CONTEXT,
        "id": url,
        "type": "Event",
        "uuid": str(event.uuid),
        "url": url,
        "name": event.title,
        "content": event.description,
        "mediaType": "text/html",
        "startTime": event.begins_at.isoformat().replace("+00:00", "Z"),
        "timezone": event.timezone,
        "attributedTo": organizer,
        "actor": organizer,
        "to": audience or followers,
        "cc": followers if audience else [],
        "published": (event.published_at or event.created_at).isoformat().replace("+00:00", "Z"),
        "updated": event.updated_at.isoformat().replace("+00:00", "Z"),
        "category": event.category,
        "ical:status": event.status.upper(),
        "joinMode": event.join_mode,
        "commentsEnabled": event.comments_enabled,
        "repliesModerationOption": "allow_all" if event.comments_enabled else "closed",
        "anonymousParticipationEnabled": False,
        "isOnline": bool(event.online_url) and not event.has_address,
        "participantCount": event.participant_count,
        "replies": f"{url}/replies",
        "tag": [{"type": "Hashtag", "name": f"#{t.slug}", "href": settings.url(f"/tags/{t.slug}")} for t in event.tags],
        "attachment": [],
    }
    if event.ends_at:
        doc["endTime"] = event.ends_at.isoformat().replace("+00:00", "Z")
    if event.max_participants is not None:
        doc["maximumAttendeeCapacity"] = event.max_participants
        doc["remainingAttendeeCapacity"] = event.remaining_places
    if event.join_mode == "external":
        doc["externalParticipationUrl"] = event.external_participation_url
    if event.online_url:
        doc["attachment"].append({"type": "Link", "name": "Website", "mediaType": "text/html", "href": event.online_url})
    if event.banner:
        doc["image"] = {"type": "Image", "url": _media(settings, event.banner)}
        doc["attachment"].append({"type": "Document", "name": "Banner", "mediaType": "image/*",
                                  "url": _media(settings, event.banner)})
    if event.has_address:
        address = {"type": "PostalAddress", "streetAddress": event.address_street, "postalCode": event.address_postal_code,
                   "addressLocality": event.address_locality, "addressRegion": event.address_region,
                   "addressCountry": event.address_country}
        place: dict[str, Any] = {"type": "Place", "name": event.address_name or event.address_locality, "address": address}
        if event.latitude is not None:
            place["latitude"], place["longitude"] = event.latitude, event.longitude
        doc["location"] = place
    return doc


@dataclass
class NoteAddress:
    """Where a comment stands in the conversation: ActivityPub ids, as ``object_ids`` finds them."""

    event: str  # the event's id: the Note's ``context``
    in_reply_to: str  # the parent comment's id, or the event's
    to: list[str]
    cc: list[str]


def _time(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def note_document(settings: Settings, comment: Comment, address: NoteAddress) -> dict[str, Any]:
    """A local identity's comment as a Note replying to its parent comment or to the event."""
    assert comment.author is not None, "only a local identity's comment is a Note of ours"
    author = local_actor_urls(settings, comment.author.username)["id"]
    return {
        "@context": ACTOR_CONTEXT,
        "id": settings.url(f"/comments/{comment.uuid}"),
        "type": "Note",
        "attributedTo": author,
        "actor": author,
        "content": comment.text,
        "mediaType": "text/html",
        "inReplyTo": address.in_reply_to,
        "context": address.event,
        "to": address.to,
        "cc": address.cc,
        "published": _time(comment.created_at),
        "updated": _time(comment.updated_at),
    }


def tombstone_document(ap_id: str, former_type: str, deleted_at: datetime) -> dict[str, Any]:
    """What the URL of a deleted object answers (with 410 Gone)."""
    return {"@context": ACTOR_CONTEXT, "id": ap_id, "type": "Tombstone", "formerType": former_type,
            "deleted": _time(deleted_at)}
