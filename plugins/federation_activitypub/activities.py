"""The activities we send: Follow, Accept, Reject, Undo, Join, Leave, and Create/Update/Delete of events and notes.

Ids are fresh for every activity that may be sent more than once (an Update, a
second Accept): receivers drop an activity whose id they have already seen.
"""

from __future__ import annotations

import uuid
from typing import Any

from core.db.base import utcnow
from core.events.models import Event
from core.settings import Settings
from plugins.federation_activitypub.documents import event_document

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"


def _fresh_id(actor: str, kind: str) -> str:
    return f"{actor}#{kind}/{uuid.uuid4().hex}"


def follow(actor: str, target: str) -> dict[str, Any]:
    return {"@context": AS_CONTEXT, "id": _fresh_id(actor, "follows"), "type": "Follow", "actor": actor,
            "object": target}


def accept(actor: str, request: dict[str, Any]) -> dict[str, Any]:
    """Accept a Follow; the request is sent back whole, as Mastodon and Fedify expect."""
    return {"@context": AS_CONTEXT, "id": _fresh_id(actor, "accepts"), "type": "Accept", "actor": actor,
            "object": request}


def reject(actor: str, request: dict[str, Any]) -> dict[str, Any]:
    """Reject a Join (or a Follow); like Accept, the request goes back whole."""
    return {"@context": AS_CONTEXT, "id": _fresh_id(actor, "rejects"), "type": "Reject", "actor": actor,
            "object": request}


def join(actor: str, event_id: str, organiser: str, message: str) -> dict[str, Any]:
    """Join an event, with Mobilizon's ``participationMessage`` for the organiser."""
    activity: dict[str, Any] = {"@context": [AS_CONTEXT, {"participationMessage": "https://joinmobilizon.org/ns#participationMessage"}],
                                "id": _fresh_id(actor, "joins"), "type": "Join", "actor": actor, "object": event_id,
                                "to": [organiser]}
    if message:
        activity["participationMessage"] = message
    return activity


def leave(actor: str, event_id: str, organiser: str) -> dict[str, Any]:
    return {"@context": AS_CONTEXT, "id": _fresh_id(actor, "leaves"), "type": "Leave", "actor": actor,
            "object": event_id, "to": [organiser]}


def undo(actor: str, activity: dict[str, Any]) -> dict[str, Any]:
    return {"@context": AS_CONTEXT, "id": _fresh_id(actor, "undo"), "type": "Undo", "actor": actor,
            "object": activity}


def carrying(document: dict[str, Any], kind: str) -> dict[str, Any]:
    """``Create`` or ``Update`` carrying a whole object (an Event, a Note), addressed as the object is."""
    activity_id = f"{document['id']}#create" if kind == "Create" else _fresh_id(document["id"], "updates")
    return {
        "@context": document["@context"], "id": activity_id, "type": kind, "actor": document["attributedTo"],
        "published": utcnow().isoformat().replace("+00:00", "Z"),
        "to": document["to"], "cc": document["cc"], "object": {k: v for k, v in document.items() if k != "@context"},
    }


def deletion(document: dict[str, Any], former_type: str) -> dict[str, Any]:
    """``Delete`` of an object, with the Tombstone its URL answers from now on, addressed as the object was."""
    tombstone = {"id": document["id"], "type": "Tombstone", "formerType": former_type}
    return {"@context": AS_CONTEXT, "id": f"{document['id']}#delete", "type": "Delete",
            "actor": document["attributedTo"], "to": document["to"], "cc": document["cc"], "object": tombstone}




def event_deletion(settings: Settings, event: Event) -> dict[str, Any]:
    """``Delete`` of an event, with the Tombstone its URL answers from now on."""
    return deletion(event_document(settings, event), "Event")


def event_withdrawal(settings: Settings, event: Event) -> dict[str, Any]:
    """``Delete`` of an event made private: other servers drop their copy, as of a deleted event.

    Its id is fresh, since an event may be made private more than once. Its Tombstone
    says when (``deleted``: the moment of that change, on our clock, as the Event's
    ``updated`` is), so a receiver can tell an older Create or Update that arrives late,
    to be ignored, from the event made public again later, to be stored anew.
    """
    activity = event_deletion(settings, event)
    activity["id"] = _fresh_id(activity["object"]["id"], "deletes")
    activity["object"]["deleted"] = event.updated_at.isoformat().replace("+00:00", "Z")
    return activity


def event_recreation(document: dict[str, Any]) -> dict[str, Any]:
    """``Create`` of a private event made public or unlisted, for servers that dropped their copy or never had one.

    Its id is fresh: they have seen the first Create's, and drop an id seen before.
    """
    activity = carrying(document, "Create")
    activity["id"] = _fresh_id(activity["object"]["id"], "creates")
    return activity
