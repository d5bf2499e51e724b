"""Every route handler of the core: each domain's API controllers and the web pages."""

from __future__ import annotations

from typing import Any

from core.accounts.api import AccountController, AuthController
from core.comments.api import CommentController
from core.events.announcements_api import AnnouncementController
from core.events.api import EventController, MyEventsController
from core.events.participation_api import ParticipationController
from core.identities.api import IdentityController
from core.instance_api import instance_info
from core.notifications.api import NotificationPreferenceController
from core.web.pages import web_route_handlers


def api_handlers() -> list[Any]:
    return [AuthController, AccountController, IdentityController, EventController, MyEventsController,
            ParticipationController, CommentController, AnnouncementController, NotificationPreferenceController,
            instance_info]


def web_handlers() -> list[Any]:
    return web_route_handlers()
