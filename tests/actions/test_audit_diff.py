"""An audit event's before and after read as a change: changed fields only, old → new,
secrets masked at any depth."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from actions.audit import MASK
from actions.audit_diff import (
    FieldChange,
    diff,
    fields_of,
    is_secret,
    masked,
    moment,
    shown_text,
)
from actions.context import Actor
from models import Organization
from tests.helpers import last_event


def _pairs(changes: list[FieldChange]) -> dict[str, tuple[object, object]]:
    return {c.field: (c.before, c.after) for c in changes}


def test_a_creation_lists_every_field_as_added() -> None:
    changes = diff(None, {"name": "Verdi", "country": "IT"})

    assert _pairs(changes) == {"name": (None, "Verdi"), "country": (None, "IT")}
    assert all(c.added and not c.removed for c in changes)


def test_an_edit_lists_only_the_fields_that_changed() -> None:
    changes = diff(
        {"address": "Via Roma 1", "email": "a@example.org"},
        {"address": "Via Nuova 2", "email": "a@example.org"},
    )

    assert _pairs(changes) == {"address": ("Via Roma 1", "Via Nuova 2")}
    assert not changes[0].added and not changes[0].removed


def test_a_deletion_lists_every_field_that_had_a_value_as_removed() -> None:
    changes = diff({"name": "Verdi", "isil": None}, None)

    assert _pairs(changes) == {"name": ("Verdi", None)}
    assert all(c.removed for c in changes)


def test_a_creation_leaves_out_the_fields_it_left_empty() -> None:
    assert _pairs(diff(None, {"name": "Verdi", "vat_number": None})) == {"name": (None, "Verdi")}


def test_fields_keep_the_order_of_before_then_the_new_ones() -> None:
    changes = diff({"b": 1, "a": 1}, {"c": 3, "a": 2, "b": 2})

    assert [c.field for c in changes] == ["b", "a", "c"]


def test_a_value_that_went_from_something_to_none_is_a_change() -> None:
    assert _pairs(diff({"email": "a@example.org"}, {"email": None})) == {
        "email": ("a@example.org", None)
    }


def test_a_secret_changed_shows_masked_on_both_sides() -> None:
    # The trail masks both sides of a changed password: it is still a change.
    assert _pairs(diff({"password_hash": MASK}, {"password_hash": MASK})) == {
        "password_hash": (MASK, MASK)
    }


def test_a_secret_kept_in_clear_by_an_older_event_is_masked() -> None:
    changes = diff({"reset_token": "abc123"}, {"reset_token": "def456", "pin": "135790"})

    assert _pairs(changes) == {"reset_token": (MASK, MASK), "pin": (None, MASK)}


def test_an_absent_secret_stays_absent() -> None:
    assert _pairs(diff({"secret_hash": None}, {"secret_hash": MASK})) == {
        "secret_hash": (None, MASK)
    }


def test_secrets_inside_nested_values_are_masked() -> None:
    after = {"links": [{"url": "https://x", "token": "t0k"}], "settings": {"password": "p"}}

    changes = diff(None, after)

    assert _pairs(changes) == {
        "links": (None, [{"url": "https://x", "token": MASK}]),
        "settings": (None, {"password": MASK}),
    }


def test_nested_values_are_compared_whole_and_written_as_indented_json() -> None:
    changes = diff({"tags": ["a", "b"], "meta": {"x": 1}}, {"tags": ["a", "b"], "meta": {"x": 2}})

    assert [c.field for c in changes] == ["meta"]
    assert changes[0].structured
    assert changes[0].after_text == '{\n  "x": 2\n}'


def test_values_are_written_as_a_person_reads_them() -> None:
    assert shown_text(None) == ""
    assert shown_text(True) == "true"
    assert shown_text(12) == "12"
    assert shown_text(["è", 1]) == '[\n  "è",\n  1\n]'


def test_values_that_are_not_fields_read_as_one_value() -> None:
    # What a hand-edited row could hold: shown, never a failure.
    hand_edited: Any = ["a"]
    assert _pairs(diff(hand_edited, {"x": 1})) == {"value": (["a"], None), "x": (None, 1)}


def test_dates_the_trail_wrote_as_text_are_read_as_dates() -> None:
    (change,) = diff(
        {"validated_at": "2026-12-07T22:48:20.246697+00:00"}, {"validated_at": "2026-12-08"}
    )

    assert change.before_moment == dt.datetime(2026, 12, 7, 22, 48, 20, 246697, tzinfo=dt.UTC)
    assert change.after_moment == dt.date(2026, 12, 8)
    assert moment("2026-13-45") is None and moment("Via Roma 1") is None and moment(7) is None


def test_labels_name_the_fields_as_the_record_page_does() -> None:
    (change,) = diff({"first_name": "Mario"}, {"first_name": "Marco"}, {"first_name": "First name"})

    assert (change.field, change.label, change.name) == ("first_name", "First name", "First name")
    (unlabelled,) = diff(None, {"x": 1})
    assert unlabelled.name == "x"


def test_fields_of_a_snapshot_are_every_value_with_secrets_masked() -> None:
    fields = fields_of({"name": "Verdi", "isil": None, "access_code_hash": "$argon2id$..."})

    assert [(f.field, f.after) for f in fields] == [
        ("name", "Verdi"),
        ("isil", None),
        ("access_code_hash", MASK),
    ]
    assert fields_of(None) == []


def test_secret_names_are_recognised_by_their_words() -> None:
    assert all(
        is_secret(name)
        for name in ("password_hash", "pin", "reset_token_hash", "secret", "code_digest")
    )
    assert not any(is_secret(name) for name in ("spinner", "email", "company_code", "address"))
    assert masked("email", "a@example.org") == "a@example.org"


def test_a_recorded_edit_reads_as_its_change(session: Session, olivia: Actor) -> None:
    session.info["actor"] = olivia
    org = Organization(name="Cooperativa Verdi", company_code="VERDI")
    session.add(org)
    session.commit()
    org.name = "Cooperativa Rossi"
    session.commit()

    event = last_event(session, "organization.edit")

    assert _pairs(diff(event.before, event.after)) == {
        "name": ("Cooperativa Verdi", "Cooperativa Rossi")
    }
