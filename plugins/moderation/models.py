"""The moderation plugin's tables: the instance's rules, reports and their notes, suspensions, and the action log.

Reports keep a snapshot of what was reported, so the queue shows it as it was even
after an edit or a deletion; their links to the live rows are ``SET NULL`` on delete
for the same reason. The log keeps a human label of each target for the same reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db.base import Base, UTCDateTime, utcnow

REPORT_STATUSES = ("open", "resolved", "closed")
# what a reporter picks: one of the instance's rules, or one of these kinds that need no rule
CATEGORIES = ("rule", "spam", "illegal", "other")
TARGET_KINDS = ("event", "comment", "identity")
COMMENT_MAX = 1000
NOTE_MAX = 2000
RULE_TEXT_MAX = 300


class InstanceRule(Base):
    """One rule of the instance, as reporters pick it ("No harassment"), in the administrators' order."""

    __tablename__ = "mod_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(RULE_TEXT_MAX))
    hint: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Report(Base):
    """Someone's report of an event, a comment or an identity, here or elsewhere, and where it stands."""

    __tablename__ = "mod_reports"
    __table_args__ = (Index("ix_mod_reports_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="open")
    category: Mapped[str] = mapped_column(String(10))
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("mod_rules.id", ondelete="SET NULL"))
    # the rule's words when it was picked: the rule may change or go
    rule_text: Mapped[str] = mapped_column(String(RULE_TEXT_MAX), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    # who reported: a local identity, nobody (anonymous), or another instance (origin_domain)
    reporter_identity_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id", ondelete="SET NULL"))
    origin_domain: Mapped[str] = mapped_column(String(253), default="")
    # the Flag's id, for a report that came from another instance: received twice, filed once
    remote_activity_id: Mapped[str | None] = mapped_column(String(2048), unique=True)
    target_kind: Mapped[str] = mapped_column(String(10))
    target_url: Mapped[str] = mapped_column(String(2048))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"), index=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="SET NULL"), index=True)
    # whose the reported thing is: the organiser, the author, or the identity itself
    reported_identity_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id", ondelete="SET NULL"), index=True)
    reported_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"), index=True)
    # "" for what lives here
    reported_domain: Mapped[str] = mapped_column(String(253), default="", index=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    assigned_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    # when a copy went to the reported thing's instance as a Flag
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ReportNote(Base):
    """A moderator's private note on a report: only moderators and administrators read it."""

    __tablename__ = "mod_report_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("mod_reports.id", ondelete="CASCADE"), index=True)
    author_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Suspension(Base):
    """An identity or a whole account suspended (it cannot act; its public content is hidden), or a
    remote identity limited (its content reaches only its followers here)."""

    __tablename__ = "mod_suspensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity_id: Mapped[int | None] = mapped_column(ForeignKey("identities.id", ondelete="CASCADE"), unique=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), unique=True)
    kind: Mapped[str] = mapped_column(String(10), default="suspend")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ModerationAction(Base):
    """One line of the action log: who did what to which thing, when and why.

    ``target_label`` is what the thing was called then (a title, a handle), kept after it
    is gone. A reversal is a line of its own that names the line it undoes
    (``reverses_id``); the undone line gets ``reversed_at``.
    """

    __tablename__ = "mod_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # the moderator; None for what the instance did by itself (a Flag's arrival, a policy)
    moderator_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    target_kind: Mapped[str] = mapped_column(String(20))
    target_ref: Mapped[str] = mapped_column(String(300))
    target_label: Mapped[str] = mapped_column(String(300), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("mod_reports.id", ondelete="SET NULL"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("mod_actions.id", ondelete="SET NULL"))
    reversed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# the instance's published documents (documents.py), by kind as the URLs name them
DOCUMENT_KINDS = ("terms", "code_of_conduct", "moderation_policy", "federation_policy", "audience")
# what a new member accepts at sign-up, and again after a material change (acceptance.py)
ACCEPTED_KINDS = ("terms", "code_of_conduct")
DOCUMENT_MAX = 30000


class PolicyDocument(Base):
    """One of the instance's documents (its terms, its code of conduct...): the administrators' text,
    light markdown rendered when shown, and its version, bumped at each change.

    ``material`` says whether the last change was; ``accept_from`` is the version of the last
    material change: members whose accepted version is older are asked to accept again.
    """

    __tablename__ = "mod_documents"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    material: Mapped[bool] = mapped_column(Boolean, default=False)
    accept_from: Mapped[int] = mapped_column(Integer, default=0)


class PolicyAcceptance(Base):
    """A member accepted a version of the terms or the code of conduct (at sign-up, or after a material change)."""

    __tablename__ = "mod_acceptances"
    __table_args__ = (UniqueConstraint("account_id", "kind", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
