"""Hypothesis strategies for what other servers send: JSON documents and HTTP header values.

Shared by the property tests of the federation parsers. Every run uses the same examples
(``derandomize``), few enough that all of them together take seconds.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

HOSTILE = settings(max_examples=150, derandomize=True, database=None, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow])

# the keys the parsers read, so that generated documents reach past the first check
FIELDS = ["type", "id", "name", "startTime", "endTime", "timezone", "location", "attachment", "image", "url",
          "attributedTo", "actor", "content", "tag", "to", "cc", "ical:status", "status", "joinMode",
          "externalParticipationUrl", "category", "maximumAttendeeCapacity", "participantCount", "onlineUrl",
          "commentsEnabled", "updated", "inReplyTo", "published", "publicKey", "publicKeyPem", "owner",
          "preferredUsername", "summary", "inbox", "outbox", "followers", "endpoints", "sharedInbox", "icon",
          "address", "streetAddress", "postalCode", "addressLocality", "addressRegion", "addressCountry",
          "latitude", "longitude", "href", "mediaType", "deleted", "object"]
WORDS = ["", "Event", "Note", "Person", "Group", "Place", "VirtualLocation", "PostalAddress", "Link", "Image",
         "Document", "Hashtag", "#tag", "Banner", "Website", "external", "invite", "CANCELLED", "Europe/Paris",
         "../etc/passwd", "https://", "http://[::1", "https://a.example/users/a", "https://user:pw@a.example/x",
         "https://a.example/with space", "javascript:alert(1)", "https://www.w3.org/ns/activitystreams#Public",
         "<script>alert(1)</script>", "<p>text</p>", "Z", "2030-01-01", "24:00"]


def _offset(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


# extreme years with offsets that push them past datetime's range once converted to UTC
moments = st.datetimes(max_value=datetime(1, 1, 2)) | st.datetimes(min_value=datetime(9999, 12, 30)) | st.datetimes()
times = st.builds(
    lambda moment, minutes: moment.replace(tzinfo=_offset(minutes)).isoformat(),
    moments, st.integers(-23 * 60 - 59, 23 * 60 + 59),
) | moments.map(lambda moment: moment.isoformat() + "Z")
scalars = (st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20) | st.sampled_from(WORDS) | times)
keys = st.sampled_from(FIELDS) | st.text(max_size=6)
# two levels are enough to reach every branch of the parsers (a Place's PostalAddress, a list of
# attachments); deeper documents only cost time to generate, and core/json_limits.py bounds depth anyway
objects = st.dictionaries(keys, scalars, max_size=4)
json_values = (scalars | st.lists(scalars | objects, max_size=3)
               | st.dictionaries(keys, scalars | objects | st.lists(objects, max_size=2), max_size=4))

def _places(document: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value inside ``document`` (dict keys and list indexes)."""
    found = []
    children = document.items() if isinstance(document, dict) else enumerate(document) if isinstance(document, list) else []
    for key, value in children:
        found.append((*path, key))
        found.extend(_places(value, (*path, key)))
    return found


@st.composite
def mutated(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with a few of its values replaced by arbitrary JSON, removed, or given an extra key."""
    changed = copy.deepcopy(document)
    for _ in range(draw(st.integers(1, 4))):
        places = _places(changed)
        if not places:
            break
        *parent_path, key = draw(st.sampled_from(places))
        parent = changed
        for step in parent_path:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[key] = draw(json_values)
        elif action == "remove" and isinstance(parent, dict):
            del parent[key]
        elif isinstance(parent, dict):
            parent[draw(keys)] = draw(json_values)
    return changed


TIME_FIELDS = {"startTime", "endTime", "updated", "published", "deleted"}


def field_value(name: str) -> st.SearchStrategy[Any]:
    """Anything at all, and for a date-time field also date-times of every year and offset."""
    return times | json_values if name in TIME_FIELDS else json_values


@st.composite
def overridden(draw: st.DrawFn, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with one to four of the fields the parsers read set to anything (the rest stay
    valid, so the parser reaches the field it has to judge)."""
    names = draw(st.sets(st.sampled_from(FIELDS), min_size=1, max_size=4))
    return {**document, **{name: draw(field_value(name)) for name in names}}


# header values as a server receives them: latin-1 text (h11 refuses control characters)
header_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0xFF) | st.just("\t"), max_size=80)
