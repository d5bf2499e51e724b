"""Who is making the request: a web session cookie or an API bearer token.

The two never mix: the API accepts only bearer tokens, so the web's cookie cannot be
used cross-site against it, and the web pages (protected by CSRF tokens) accept only
the cookie. Both resolve to the same ``Viewer`` (core.viewer), which they also set on the
request's ``ctx``, so services and hooks read who is acting the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency
from litestar.handlers import BaseRouteHandler

from core.accounts.models import Account, Credential
from core.accounts.service import credential_for
from core.context import Ctx
from core.errors import NotAuthenticated
from core.identities.models import Identity
from core.identities.service import identities_of
from core.viewer import ANONYMOUS, Viewer

SESSION_COOKIE = "convene_session"


@dataclass
class Caller:
    """The account behind a request (None when anonymous) and its identities."""

    account: Account | None = None
    identities: list[Identity] = field(default_factory=list)
    credential: Credential | None = None
    token: str | None = None

    @property
    def viewer(self) -> Viewer:
        if self.account is None:
            return ANONYMOUS
        return Viewer.member(self.account, self.identities, self.current)

    @property
    def identity_ids(self) -> frozenset[int]:
        return self.viewer.identity_ids

    @property
    def current(self) -> Identity | None:
        """The identity a web session acts as: the one last switched to, else the default."""
        chosen = self.credential.identity_id if self.credential else None
        for identity in self.identities:
            if identity.id == chosen:
                return identity
        return next((i for i in self.identities if i.is_default), self.identities[0] if self.identities else None)

    def require_account(self) -> Account:
        if self.account is None:
            raise NotAuthenticated("please log in")
        return self.account


def client_address(request: Request) -> str:
    """The client's address (uvicorn resolves X-Forwarded-For from trusted proxies only)."""
    return request.client.host if request.client else "unknown"


async def _caller(ctx: Ctx, token: str | None, kind: str) -> Caller:
    if not token:
        return Caller()
    credential = await credential_for(ctx, token, kind)
    if credential is None:
        return Caller()
    account = await ctx.session.get_one(Account, credential.account_id)
    return Caller(account, await identities_of(ctx, account), credential, token)


def signed_in(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Guard of the API operations that need an account: refused before anything is read when no token comes.

    ``provide_api_caller`` refuses a token that is wrong; this guard is also what tells the
    OpenAPI document (core.api.openapi) that the operation requires the bearer token.
    """
    if not connection.headers.get("authorization"):
        raise NotAuthenticated("please log in")


async def provide_web_caller(request: Request, ctx: NamedDependency[Ctx]) -> Caller:
    caller = await _caller(ctx, request.cookies.get(SESSION_COOKIE), "session")
    request.state.caller = caller  # so an error page still shows who is logged in
    ctx.viewer = caller.viewer
    return caller


async def provide_api_caller(request: Request, ctx: NamedDependency[Ctx]) -> Caller:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if header and scheme.lower() != "bearer":
        raise NotAuthenticated("use an Authorization: Bearer token")
    caller = await _caller(ctx, token.strip(), "api")
    if header and caller.account is None:
        raise NotAuthenticated("this token is invalid or was revoked")
    ctx.viewer = caller.viewer
    return caller
