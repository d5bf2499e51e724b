from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import UNSET, Meta, UnsetType

from core.api.rules import rule
from core.identities.models import Identity
from core.identities.service import BIO_MAX, DISPLAY_NAME_MAX, USERNAME_MAX, USERNAME_PATTERN
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


# a new identity's name: its rule is the service's (core.identities.service), which answers 422 with its reason
NewUsername = Annotated[str, Meta(min_length=1, max_length=USERNAME_MAX), rule(pattern=USERNAME_PATTERN)]
# one of the caller's identities, named in any case (the service looks it up in lower case)
IdentityName = Annotated[str, Meta(max_length=USERNAME_MAX)]
DisplayName = Annotated[str, Meta(max_length=DISPLAY_NAME_MAX)]
Bio = Annotated[str, Meta(max_length=BIO_MAX)]


class IdentityCreate(msgspec.Struct, forbid_unknown_fields=True):
    username: NewUsername
    display_name: DisplayName = ""
    bio: Bio = ""


class IdentityUpdate(msgspec.Struct, forbid_unknown_fields=True):
    display_name: DisplayName | UnsetType = UNSET
    bio: Bio | UnsetType = UNSET


def identity_out(identity: Identity, settings: Settings) -> IdentityOut:
    return IdentityOut(
        username=identity.username, handle=identity.handle, display_name=identity.name, bio=identity.bio,
        avatar_url=settings.url(f"/media/{identity.avatar}") if identity.avatar else None,
        url=settings.url(f"/@{identity.handle}"),
    )


def my_identity_out(identity: Identity, settings: Settings) -> MyIdentityOut:
    return MyIdentityOut(**msgspec.structs.asdict(identity_out(identity, settings)), is_default=identity.is_default)
