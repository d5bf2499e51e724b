"""Business rules written into the OpenAPI document without msgspec enforcing them a second time.

A rule that the service checks (a username's pattern, a timezone's name, a visibility)
answers a 422 naming the field in the person's language; the web forms and the API share
that check. ``rule(...)`` puts the same constants into the JSON schema (Litestar copies
them onto the field's schema) so a client reads them there, while the check stays the
service's alone: the schema is derived from the rule, never a second copy of it.
"""

from __future__ import annotations

from typing import Any

from msgspec import Meta


def rule(**schema: Any) -> Meta:
    """Documentation of a rule the service enforces: ``pattern=``, ``enum=``, ``min_length=``..."""
    return Meta(extra_json_schema={"extra": schema})
