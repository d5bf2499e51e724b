"""The moderation plugin's settings: ``[plugins.moderation]``.

What an instance decides once and rarely changes lives here (a wrong key stops start-up
with its name); what administrators edit as they go (the instance's documents and
rules) lives in the database, behind the admin pages.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

Count = Annotated[int, msgspec.Meta(ge=0)]


class ModerationConfig(msgspec.Struct, forbid_unknown_fields=True):
    # people without an account may report, at the cost of a proof of work and a rate limit
    anonymous_reports: bool = False
    # anonymous reports accepted an hour from one network address (0: none)
    anonymous_reports_per_hour: Count = 5
    # leading zero bits the anonymous reporter's browser must find (about 2**bits hashes)
    anonymous_report_work_bits: Annotated[int, msgspec.Meta(ge=8, le=28)] = 18
    # reports one account may file an hour (0: none); anonymous ones are limited per address above
    reports_per_account_per_hour: Count = 10
    # tell the reported person what a moderator decided (in their language; by mail when mail is on)
    tell_reported: bool = True
    # new accounts wait for a moderator's approval before they can log in
    approve_accounts: bool = False
    # events and comments of accounts younger than this many days are held for review (0: never)
    hold_new_accounts_days: Count = 0
    # events and comments arriving from these domains (and their subdomains) are held for review
    hold_domains: list[str] = []
    # text containing one of these words, or a link to one of these domains, is refused with the reason shown
    refused_words: list[str] = []
    refused_link_domains: list[str] = []
    # per identity; 0: no limit
    events_per_identity_per_day: Count = 0
    comments_per_identity_per_hour: Count = 0
