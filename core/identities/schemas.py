from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from core.identities.models import Identity
from core.settings import Settings


class IdentityOut(msgspec.Struct):
    """A public profile. Deliberately carries nothing that links it to its account."""

    username: str
    handle: str
    display_name: str
    bio: str
    avatar_url: str | None
    url: str


class MyIdentityOut(IdentityOut):
    is_default: bool


class IdentityCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, Meta(min_length=1, max_length=30)]
    display_name: Annotated[str, Meta(max_length=100)] = ""
    bio: Annotated[str, Meta(max_length=2000)] = ""


class IdentityUpdate(msgspec.Struct, forbid_unknown_fields=True):
    display_name: Annotated[str, Meta(max_length=100)] | UnsetType = UNSET
    bio: Annotated[str, Meta(max_length=2000)] | UnsetType = UNSET


def identity_out(identity: Identity, settings: Settings) -> IdentityOut:
    return IdentityOut(
        username=identity.username, handle=identity.handle, display_name=identity.name, bio=identity.bio,
        avatar_url=settings.url(f"/media/{identity.avatar}") if identity.avatar else None,
        url=settings.url(f"/@{identity.handle}"),
    )


def my_identity_out(identity: Identity, settings: Settings) -> MyIdentityOut:
    return MyIdentityOut(**msgspec.structs.asdict(identity_out(identity, settings)), is_default=identity.is_default)
