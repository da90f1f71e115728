from __future__ import annotations

import pytest

from actions.credentials import check_password, check_pin, check_username
from actions.errors import Refused


@pytest.mark.parametrize(
    "pin", ["123578", "120963", "112233", "555097", "987530", "012013", "135790"]
)
def test_a_pin_without_long_runs_is_accepted(pin: str) -> None:
    assert check_pin(pin) == pin


@pytest.mark.parametrize(
    ("pin", "why"),
    [
        ("123478", "ascending"),  # the seed's example
        ("901234", "ascending"),
        ("987634", "descending"),  # the seed's example
        ("206543", "descending"),
        ("555577", "same digit"),  # the seed's example
        ("105555", "same digit"),
        ("12345", "exactly 6"),
        ("1234567", "exactly 6"),
        ("12a456", "exactly 6"),
        ("12 456", "exactly 6"),
        ("١٢٣٥٧٨", "exactly 6"),  # Arabic-Indic digits are digits, not PIN digits
    ],
)
def test_a_pin_breaking_a_rule_is_refused_with_the_rule(pin: str, why: str) -> None:
    with pytest.raises(Refused, match=why) as refusal:
        check_pin(pin)
    assert refusal.value.field == "pin"


def test_three_in_a_row_is_still_allowed() -> None:
    assert check_pin("123923") == "123923"
    assert check_pin("555985") == "555985"


@pytest.mark.parametrize("password", ["Abcdef1x", "Abcdefghijklm1z", "Pa$$w0rd", "A1b!@#$%&*^"])
def test_a_password_following_the_rule_is_accepted(password: str) -> None:
    assert check_password(password) == password


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("Abcde1x", "8 to 15"),  # 7 characters
        ("Abcdefghijklm12z", "8 to 15"),  # 16 characters
        ("Abcd ef12", "spaces"),
        ("abcdefg1", "upper-case"),
        ("ABCDEFG1", "lower-case"),
        ("Abcdefgh", "digit"),
        ("Abcdef1?", "only letters, digits"),
        ("Abcdef1€", "only letters, digits"),
        ("Abcdéf12", "only letters, digits"),
    ],
)
def test_a_password_breaking_a_rule_is_refused_with_the_rule(password: str, why: str) -> None:
    with pytest.raises(Refused, match=why) as refusal:
        check_password(password)
    assert refusal.value.field == "password"


def test_the_refusal_names_the_characters_not_allowed() -> None:
    with pytest.raises(Refused) as refusal:
        check_password("Abcdef1?~")
    assert "? ~" in str(refusal.value)


@pytest.mark.parametrize("username", ["dupont jean", " ", "", "a" * 65, "tab\there"])
def test_a_username_with_spaces_or_empty_is_refused(username: str) -> None:
    with pytest.raises(Refused, match="without spaces"):
        check_username(username)


def test_a_username_keeps_its_case_but_loses_outer_spaces() -> None:
    assert check_username("  DUPONT.jean ") == "DUPONT.jean"
