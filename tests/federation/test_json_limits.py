"""Bounded JSON parsing of remote documents."""

from __future__ import annotations

import sys

import msgspec
import pytest

from core.json_limits import MAX_BYTES, PayloadRejected, check_shape, parse_json


def nested_lists(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def nested_objects(depth: int) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def test_ordinary_activity_parses() -> None:
    activity = {"type": "Create", "object": {"type": "Event", "tag": [{"name": "x"}] * 50}}
    assert parse_json(msgspec.json.encode(activity)) == activity


def test_thirty_two_levels_pass_and_thirty_three_do_not() -> None:
    assert parse_json(nested_lists(32)) is not None
    with pytest.raises(PayloadRejected, match="deeper than 32"):
        parse_json(nested_lists(33))


@pytest.mark.parametrize("document", [nested_lists(10_000), nested_objects(10_000), nested_lists(400_000)])
def test_very_deep_documents_are_refused_without_blowing_the_stack(document: bytes) -> None:
    with pytest.raises(PayloadRejected, match="deeper than"):
        parse_json(document)


def test_deep_structure_built_in_python_is_walked_iteratively() -> None:
    """The walk itself must not recurse: a 10,000-deep value is checked, not crashed on."""
    value: list = []
    for _ in range(10_000):
        value = [value]
    assert sys.getrecursionlimit() < 10_000
    with pytest.raises(PayloadRejected, match="deeper than 32"):
        check_shape(value)


def test_hundred_thousand_element_array_is_refused() -> None:
    with pytest.raises(PayloadRejected, match="100000 items exceeds 10000"):
        parse_json(b"[" + b",".join([b"0"] * 100_000) + b"]")


def test_object_with_too_many_members_is_refused() -> None:
    document = msgspec.json.encode({f"k{i}": i for i in range(10_001)})
    with pytest.raises(PayloadRejected, match="exceeds 10000"):
        parse_json(document)


def test_body_over_one_megabyte_is_refused_before_parsing() -> None:
    body = b'{"content": "' + b"x" * MAX_BYTES + b'"}'
    with pytest.raises(PayloadRejected, match="exceeds 1000000"):
        parse_json(body)


@pytest.mark.parametrize("body", [b"", b"{", b"\xff", b'{"a": 1,}'])
def test_invalid_json_is_refused(body: bytes) -> None:
    with pytest.raises(PayloadRejected, match="invalid JSON"):
        parse_json(body)
