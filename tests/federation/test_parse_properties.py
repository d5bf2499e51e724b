"""Property tests of the parsers that read other servers' documents: whatever arrives, they
answer with a result or a refusal that says why (``Refused``, ``PayloadRejected``), which the
inbox records or answers with a 4xx; never another exception, which would be a 500 or a job
retried for two days."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.json_limits import PayloadRejected, parse_json
from hostile_strategies import HOSTILE, json_values, mutated, overridden, times
from plugins.federation_activitypub.parse import Refused, deletion_time, parse_actor, parse_event, parse_note, ref

INTEROP = Path(__file__).resolve().parents[1] / "fixtures" / "interop"


def inner(name: str) -> dict[str, Any]:
    document = json.loads((INTEROP / name).read_text())
    return document["object"] if isinstance(document.get("object"), dict) else document


PARSERS: dict[str, Callable[[dict[str, Any]], Any]] = {"Event": parse_event, "Note": parse_note, "Person": parse_actor}
REAL = {"Event": ["mobilizon-post-activity.json", "mobilizon-post-activity-media.json", "gancio-event-activity.json"],
        "Note": ["mastodon-post-activity.json", "pleroma-comment-object.json"],
        "Person": ["mastodon-actor.json", "gancio-actor.json"]}


def read_or_refused(parse: Callable[[dict[str, Any]], Any], document: dict[str, Any]) -> None:
    try:
        parse(document)
    except Refused as exc:
        assert exc.reason


@pytest.mark.parametrize("kind", sorted(REAL))
def test_real_documents_changed_anywhere_are_read_or_refused(kind: str) -> None:
    @HOSTILE
    @given(st.sampled_from(REAL[kind]).flatmap(lambda name: mutated(inner(name))))
    def check(document: dict[str, Any]) -> None:
        read_or_refused(PARSERS[kind], document)
        deletion_time(document)  # a date it cannot read counts as none

    check()


@pytest.mark.parametrize("kind", sorted(REAL))
def test_real_documents_with_any_of_their_fields_set_to_anything_are_read_or_refused(kind: str) -> None:
    @HOSTILE
    @given(st.sampled_from(REAL[kind]).flatmap(lambda name: overridden(inner(name))))
    def check(document: dict[str, Any]) -> None:
        read_or_refused(PARSERS[kind], document)

    check()


@HOSTILE
@given(times, st.sampled_from(["startTime", "endTime", "updated", "published"]))
def test_any_date_time_of_any_year_and_offset_is_read_or_refused(moment: str, field: str) -> None:
    """The first and last days datetime can hold, with offsets that carry them past it in UTC."""
    read_or_refused(parse_event, {**inner("mobilizon-post-activity.json"), field: moment})
    read_or_refused(parse_note, {**inner("mastodon-post-activity.json"), field: moment})
    deletion_time({"type": "Tombstone", "deleted": moment})


@HOSTILE
@given(json_values)
def test_any_reference_is_a_url_or_refused(value: Any) -> None:
    try:
        assert ref(value, "object").startswith(("http://", "https://"))
    except Refused as exc:
        assert exc.reason


json_text = st.recursive(st.sampled_from(["null", "1", "-0.5e999", '"a"', '"\\ud800"', "true", "[]", "{}"]),
                         lambda inner: st.lists(inner, max_size=3).map(lambda xs: "[" + ",".join(xs) + "]")
                         | st.lists(inner, max_size=3).map(lambda xs: "{" + ",".join(f'"k{i}":{x}' for i, x in
                                                                                      enumerate(xs)) + "}"),
                         max_leaves=40)


@HOSTILE
@given(st.binary(max_size=200) | json_text.map(str.encode) | json_values.map(msgspec.json.encode)
       | st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth))
def test_any_body_is_a_json_document_within_limits_or_refused(body: bytes) -> None:
    try:
        parse_json(body, max_depth=8, max_items=5)
    except PayloadRejected as exc:
        assert exc.reason
