"""Reading ActivityStreams objects that other servers send, into plain checked structs.

Real peers are messier than the specs: Gancio sends a location with only a name,
Mobilizon a Place with a PostalAddress, some a bare string; ``attributedTo`` may be a
string, an object or a list; times come with or without offsets. Everything here is
hostile input: text is sanitised once, on the way in, lengths are bounded, times must
make sense, and what cannot be used is refused with ``Refused(reason)`` (logged by the
caller), never with an exception that would become a 500.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal, overload
from urllib.parse import urlsplit

import msgspec

from core.errors import InvalidInput
from core.events.models import CATEGORIES
from core.events.validation import FIRST_YEAR, LAST_YEAR, check_timezone
from core.sanitize import plain_text, rich_text
from core.web_addresses import BadAddress, web_address

PUBLIC = {"https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"}
TITLE_MAX, TEXT_MAX, NAME_MAX, URL_MAX = 200, 20_000, 200, 2000
EVENT_STATUS = {"TENTATIVE": "tentative", "CONFIRMED": "confirmed", "CANCELLED": "cancelled"}
ACTOR_TYPES = ("Person", "Group", "Application", "Service", "Organization")
JOIN_MODES = {"free": "free", "restricted": "restricted", "invite": "restricted", "external": "external"}
PICTURE_TYPES = ("Document", "Image")
ATTACHMENTS_MAX, MEDIA_TYPE_MAX = 10, 100
# Mobilizon names its online address and its banner among an event's attachments
ONLINE_ADDRESS_NAME, BANNER_NAME = "Website", "Banner"


class Refused(Exception):
    """The object cannot be used; ``reason`` says why, for the log and the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RemotePlace(msgspec.Struct):
    name: str = ""
    street: str = ""
    postal_code: str = ""
    locality: str = ""
    region: str = ""
    country: str = ""
    latitude: float | None = None
    longitude: float | None = None


class RemoteLink(msgspec.Struct):
    """An attachment of a remote event: a Link, or a Document or Image shown by its URL."""

    kind: str
    name: str
    url: str
    media_type: str


class RemoteEvent(msgspec.Struct):
    ap_id: str
    url: str
    attributed_to: str
    title: str
    description: str
    begins_at: datetime
    ends_at: datetime | None
    timezone: str
    place: RemotePlace | None
    online_url: str
    status: str
    join_mode: str
    external_participation_url: str
    max_participants: int | None
    participant_count: int | None
    comments_enabled: bool
    category: str
    tags: list[str]
    public: bool
    banner_url: str = ""
    attachments: list[RemoteLink] = msgspec.field(default_factory=list)
    updated: datetime | None = None
    """When the organiser's server last changed it: a late-arriving older Update is ignored."""
    dropped: list[str] = msgspec.field(default_factory=list)
    """Why parts of the object were left out (a bad attachment URL...): for the log, the event is kept."""


class RemoteNote(msgspec.Struct):
    ap_id: str
    attributed_to: str
    content: str
    in_reply_to: str | None
    published: datetime | None
    public: bool


class RemoteActor(msgspec.Struct):
    ap_id: str
    type: str
    username: str
    display_name: str
    summary: str
    inbox: str
    shared_inbox: str
    outbox: str
    followers: str
    key_id: str
    public_key_pem: str
    icon_url: str
    url: str


def _str(value: Any, field: str, required: bool = False, limit: int = URL_MAX) -> str:
    if value is None or value == "":
        if required:
            raise Refused(f"{field} is missing")
        return ""
    if not isinstance(value, str):
        raise Refused(f"{field} must be a string")
    if len(value) > limit:
        raise Refused(f"{field} is longer than {limit} characters")
    return value


def ref(value: Any, field: str) -> str:
    """An object reference: a URL string, an object with an ``id``, or the first of a list."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, (str, dict))), None)
    if isinstance(value, dict):
        value = value.get("id") or value.get("href")
    url = _str(value, field, required=True)
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed "[" of an IPv6 host
        raise Refused(f"{field} is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Refused(f"{field} is not an http(s) URL")
    return url


@overload
def _time(value: Any, field: str, required: Literal[True]) -> datetime: ...


@overload
def _time(value: Any, field: str, required: bool) -> datetime | None: ...


def _time(value: Any, field: str, required: bool) -> datetime | None:
    if value in (None, ""):
        if required:
            raise Refused(f"{field} is missing")
        return None
    if not isinstance(value, str):
        raise Refused(f"{field} must be a date-time string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Refused(f"{field} is not an ISO 8601 date-time") from None
    if not FIRST_YEAR <= parsed.year <= LAST_YEAR:  # the years the instance takes from its own members
        raise Refused(f"{field} is out of range")
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _audience(obj: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for key in ("to", "cc"):
        value = obj.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                found.add(item)
    return found


def _place(location: Any) -> tuple[RemotePlace | None, Any]:
    """A Place (with PostalAddress or string address), a bare string, or a VirtualLocation (its ``url``
    as sent: the caller checks it)."""
    if isinstance(location, list):
        places = [_place(item) for item in location]
        physical = next((p for p, _ in places if p), None)
        online = next((url for _, url in places if url), "")
        return physical, online
    if isinstance(location, str):
        return RemotePlace(name=plain_text(location)[:NAME_MAX]), ""
    if not isinstance(location, dict):
        return None, ""
    if location.get("type") == "VirtualLocation":
        return None, location.get("url") or ""
    address = location.get("address")
    place = RemotePlace(name=plain_text(_str(location.get("name"), "location.name", limit=NAME_MAX)))
    if isinstance(address, str):
        place.street = plain_text(address)[:NAME_MAX]
    elif isinstance(address, dict):
        place.street = plain_text(_str(address.get("streetAddress"), "address.streetAddress", limit=NAME_MAX))
        place.postal_code = plain_text(_str(address.get("postalCode"), "address.postalCode", limit=20))
        place.locality = plain_text(_str(address.get("addressLocality"), "address.addressLocality", limit=100))
        place.region = plain_text(_str(address.get("addressRegion"), "address.addressRegion", limit=100))
        country = address.get("addressCountry")
        place.country = plain_text(_str(country if isinstance(country, str) else "", "address.addressCountry", limit=100))
    for key, bound in (("latitude", 90), ("longitude", 180)):
        value = location.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and -bound <= value <= bound:
            setattr(place, key, float(value))
    if not (place.name or place.street or place.locality):
        return None, ""
    return place, ""


def _tags(obj: dict[str, Any]) -> list[str]:
    names = []
    tags = obj.get("tag")
    for tag in tags if isinstance(tags, list) else []:
        if isinstance(tag, dict) and tag.get("type") == "Hashtag" and isinstance(tag.get("name"), str):
            name = plain_text(tag["name"]).lstrip("#").lower()[:40]
            if name and name not in names:
                names.append(name)
    return names[:10]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _shown_url(value: Any, field: str) -> str:
    """A URL that readers' browsers will open, normalised as our own members' are (``core.web_addresses``):
    http(s) with a host, no user information, no hidden characters, ``"<>`` percent-encoded."""
    try:
        return web_address(ref(value, field))
    except BadAddress as exc:
        raise Refused(f"{field}: {exc.reason}") from None


def _optional_url(value: Any, field: str, dropped: list[str]) -> str:
    """``_shown_url``, or "" (its reason added to ``dropped``) when the address cannot be shown."""
    if not value:
        return ""
    try:
        return _shown_url(value, field)
    except Refused as exc:
        dropped.append(exc.reason)
        return ""


def _attachment(item: dict[str, Any], field: str) -> RemoteLink:
    media_type = plain_text(_str(item.get("mediaType"), f"{field}.mediaType", limit=MEDIA_TYPE_MAX))
    return RemoteLink(
        kind=item["type"], url=_shown_url(item.get("href") or item.get("url"), f"{field}.url"),
        name=plain_text(_str(item.get("name"), f"{field}.name", limit=NAME_MAX * 4))[:NAME_MAX],
        media_type=media_type if "/" in media_type else "",
    )


def _image(obj: dict[str, Any], dropped: list[str]) -> RemoteLink | None:
    """The object's ``image``: a URL or a Document or Image."""
    image = obj.get("image")
    image = image[0] if isinstance(image, list) and image else image
    if isinstance(image, str):
        image = {"type": "Image", "url": image}
    if not isinstance(image, dict) or image.get("type") not in PICTURE_TYPES:
        return None
    try:
        return _attachment(image, "image")
    except Refused as exc:
        dropped.append(exc.reason)
        return None


def _media(obj: dict[str, Any], dropped: list[str]) -> tuple[str, str, list[RemoteLink]]:
    """The online address, the banner's URL and the other attachments, read as Mobilizon reads them.

    The banner is the picture named "Banner", else ``image``, else the first picture
    attached (as Gancio sends it). Readers' browsers load it from its own server, so
    only over https: over http it would be mixed content, readable and changeable on
    the way. An attachment we cannot show is left out, its reason added to ``dropped``.
    """
    items = obj.get("attachment")
    links: list[RemoteLink] = []
    for index, item in enumerate(items if isinstance(items, list) else [items]):
        if not isinstance(item, dict) or (item.get("type") != "Link" and item.get("type") not in PICTURE_TYPES):
            continue  # Mobilizon's PropertyValue metadata, and what is no attachment at all
        if len(links) == ATTACHMENTS_MAX:
            dropped.append(f"attachments beyond the first {ATTACHMENTS_MAX}")
            break
        try:
            links.append(_attachment(item, f"attachment[{index}]"))
        except Refused as exc:
            dropped.append(exc.reason)
    online = next((link for link in links if link.kind == "Link" and link.name == ONLINE_ADDRESS_NAME), None)
    pictures = [link for link in links if link.kind in PICTURE_TYPES]
    banner = next((p for p in pictures if p.name == BANNER_NAME), None) or _image(obj, dropped)
    banner = banner or next(iter(pictures), None)
    banner_url = banner.url if banner is not None else ""
    if banner_url and urlsplit(banner_url).scheme != "https":
        dropped.append("the banner is not an https URL")
        banner_url = ""
    others = [link for link in links if link is not online and (banner is None or link.url != banner.url)]
    return (online.url if online else ""), banner_url, others


def parse_event(obj: dict[str, Any]) -> RemoteEvent:
    """An FEP-8a8e / Mobilizon / Gancio ``Event`` object."""
    if obj.get("type") != "Event":
        raise Refused(f"expected an Event, got {str(obj.get('type'))[:40]!r}")
    ap_id = ref(obj.get("id"), "id")
    title = plain_text(_str(obj.get("name"), "name", required=True, limit=TITLE_MAX * 4))[:TITLE_MAX]
    if not title:
        raise Refused("name is empty once its markup is removed")
    begins = _time(obj.get("startTime"), "startTime", required=True)
    ends = _time(obj.get("endTime"), "endTime", required=False)
    if ends is not None and ends <= begins:
        raise Refused("endTime is not after startTime")
    zone = _str(obj.get("timezone"), "timezone", limit=64) or "UTC"
    try:
        check_timezone(zone)
    except InvalidInput:
        raise Refused(f"unknown timezone {zone!r}") from None
    place, virtual = _place(obj.get("location"))
    dropped: list[str] = []
    website, banner_url, attachments = _media(obj, dropped)
    online = (_optional_url(virtual, "location.url", dropped) or _optional_url(obj.get("onlineUrl"), "onlineUrl", dropped)
              or website)
    status = EVENT_STATUS.get(str(obj.get("ical:status") or obj.get("status") or "CONFIRMED").upper(), "confirmed")
    join_mode = JOIN_MODES.get(str(obj.get("joinMode") or "free"), "free")
    external = ""
    if join_mode == "external":
        external = _shown_url(obj.get("externalParticipationUrl") or obj.get("url"), "externalParticipationUrl")
    category = str(obj.get("category") or "MEETING").upper()
    capacity = _int(obj.get("maximumAttendeeCapacity"))
    content = _str(obj.get("content"), "content", limit=TEXT_MAX * 2)
    return RemoteEvent(
        ap_id=ap_id, url=_optional_url(obj.get("url"), "url", dropped) or ap_id,
        attributed_to=ref(obj.get("attributedTo") or obj.get("actor"), "attributedTo"),
        title=title, description=rich_text(content)[:TEXT_MAX], begins_at=begins, ends_at=ends, timezone=zone,
        place=place, online_url=online,
        status=status, join_mode=join_mode, external_participation_url=external,
        max_participants=capacity if capacity else None, participant_count=_int(obj.get("participantCount")),
        comments_enabled=obj.get("commentsEnabled") is not False, category=category if category in CATEGORIES else "MEETING",
        tags=_tags(obj), public=bool(_audience(obj) & PUBLIC),
        banner_url=banner_url, attachments=attachments, updated=_time(obj.get("updated"), "updated", required=False),
        dropped=dropped,
    )


def parse_note(obj: dict[str, Any]) -> RemoteNote:
    """A ``Note`` (a comment or reply), as Mastodon, Pleroma or Mobilizon send it."""
    if obj.get("type") != "Note":
        raise Refused(f"expected a Note, got {str(obj.get('type'))[:40]!r}")
    content = rich_text(_str(obj.get("content"), "content", required=True, limit=TEXT_MAX * 2))[:TEXT_MAX]
    if not content:
        raise Refused("content is empty once sanitised")
    reply = obj.get("inReplyTo")
    return RemoteNote(
        ap_id=ref(obj.get("id"), "id"), attributed_to=ref(obj.get("attributedTo") or obj.get("actor"), "attributedTo"),
        content=content, in_reply_to=ref(reply, "inReplyTo") if reply else None,
        published=_time(obj.get("published"), "published", required=False), public=bool(_audience(obj) & PUBLIC),
    )


def deletion_time(obj: Any) -> datetime | None:
    """When a Delete's object says it was deleted (a Tombstone's ``deleted``); None for a bare id or no date.

    A date we cannot read counts as none: the deletion itself still holds.
    """
    try:
        return _time(obj.get("deleted"), "object.deleted", required=False) if isinstance(obj, dict) else None
    except Refused:
        return None


def parse_actor(obj: dict[str, Any]) -> RemoteActor:
    """A Person, Group, Application or Service actor with its inbox and public key."""
    kind = obj.get("type")
    if kind not in ACTOR_TYPES:
        raise Refused(f"expected an actor, got {str(kind)[:40]!r}")
    ap_id = ref(obj.get("id"), "id")
    key = obj.get("publicKey")
    key = key[0] if isinstance(key, list) and key else key
    if not isinstance(key, dict):
        raise Refused("publicKey is missing")
    key_id = ref(key.get("id"), "publicKey.id")
    pem = _str(key.get("publicKeyPem"), "publicKey.publicKeyPem", required=True, limit=10_000)
    if key.get("owner") and ref(key.get("owner"), "publicKey.owner") != ap_id:
        raise Refused("publicKey.owner is not this actor")
    if urlsplit(key_id).netloc != urlsplit(ap_id).netloc:
        raise Refused("the key is not on the actor's host")
    found_endpoints = obj.get("endpoints")
    endpoints: dict[str, Any] = found_endpoints if isinstance(found_endpoints, dict) else {}
    icon = obj.get("icon")
    icon = icon[0] if isinstance(icon, list) and icon else icon
    # shown in pages: normalised as a link is, and https only, the images pages may load (img-src)
    unshown: list[str] = []
    icon_url = _optional_url(icon.get("url"), "icon.url", unshown) if isinstance(icon, dict) else ""
    icon_url = icon_url if icon_url.startswith("https://") else ""
    username = plain_text(_str(obj.get("preferredUsername"), "preferredUsername", required=True, limit=100))
    if not username or any(c in username for c in "@/ "):
        raise Refused("preferredUsername is not a usable name")
    return RemoteActor(
        ap_id=ap_id, type=kind, username=username,
        display_name=plain_text(_str(obj.get("name"), "name", limit=NAME_MAX * 4))[:100],
        summary=rich_text(_str(obj.get("summary"), "summary", limit=TEXT_MAX))[:2000],
        inbox=ref(obj.get("inbox"), "inbox"),
        shared_inbox=ref(endpoints["sharedInbox"], "endpoints.sharedInbox") if endpoints.get("sharedInbox") else "",
        outbox=ref(obj["outbox"], "outbox") if obj.get("outbox") else "",
        followers=ref(obj["followers"], "followers") if obj.get("followers") else "",
        key_id=key_id, public_key_pem=pem, icon_url=icon_url,
        url=(_optional_url(obj["url"], "url", unshown) if isinstance(obj.get("url"), str) else "") or ap_id,
    )
