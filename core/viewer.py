"""Who is looking or acting: one ``Viewer`` for every service and every hook.

A member acts through one identity at a time (the web session's chosen one, or the
identity an API call names), yet may see what any of their identities may see (a
private event one of them attends). So a viewer is the account, the acting identity,
and the ids of all the account's identities. A remote person acting through
federation is a viewer with no account and their one identity; a visitor is
``ANONYMOUS``. Hooks read it as ``ctx.viewer``, the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts.models import Account
from core.identities.models import Identity


@dataclass(frozen=True)
class Viewer:
    account: Account | None = None
    identity: Identity | None = None
    identity_ids: frozenset[int] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return self.account is None and self.identity is None

    @property
    def role(self) -> str:
        """The account's role (``user``, ``moderator``, ``administrator``), or "" without an account."""
        return self.account.role if self.account is not None else ""

    def holds(self, identity_id: int | None) -> bool:
        """Whether ``identity_id`` is one of this viewer's identities."""
        return identity_id is not None and identity_id in self.identity_ids

    @classmethod
    def member(cls, account: Account, identities: list[Identity], acting: Identity | None) -> Viewer:
        return cls(account, acting, frozenset(i.id for i in identities))

    @classmethod
    def acting_as(cls, identity: Identity) -> Viewer:
        """One identity acting on its own: a remote person, or a local identity in a background job."""
        return cls(None, identity, frozenset({identity.id}))


ANONYMOUS = Viewer()
