"""The rules a member's secret and username must follow (seeds 000 and 002).

Operators never choose or see a member's secret: these checks run when the member sets
one through a mailed link.
"""

from __future__ import annotations

import re
from itertools import pairwise

from actions.errors import Refused
from admin.i18n import N_
from models import CredentialPolicy

PIN_LENGTH = 6
RUN = 4  # a run of 4 or more consecutive or identical digits is refused
PASSWORD_MIN, PASSWORD_MAX = 8, 15
ALLOWED_SPECIALS = "!@#$%&*^"


def check_pin(pin: str) -> str:
    """Exactly 6 digits; no run of 4 or more ascending, descending or identical digits
    (123478, 987634 and 555577 are refused)."""
    if len(pin) != PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        raise Refused(N_("The PIN must be exactly 6 digits."), field="pin")
    digits = [int(d) for d in pin]
    for step, message in (
        (1, N_("The PIN must not contain 4 or more ascending digits in a row (like 1234).")),
        (-1, N_("The PIN must not contain 4 or more descending digits in a row (like 4321).")),
        (0, N_("The PIN must not contain the same digit 4 or more times in a row (like 5555).")),
    ):
        if _longest_run(digits, step) >= RUN:
            raise Refused(message, field="pin")
    return pin


def _longest_run(digits: list[int], step: int) -> int:
    longest = current = 1
    for previous, digit in pairwise(digits):
        current = current + 1 if digit - previous == step else 1
        longest = max(longest, current)
    return longest


def check_password(password: str) -> str:
    """8 to 15 characters, an upper-case and a lower-case letter and a digit, no spaces;
    the only special characters allowed are ! @ # $ % & * ^."""
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Refused(N_("The password must be 8 to 15 characters long."), field="password")
    if any(c.isspace() for c in password):
        raise Refused(N_("The password must not contain spaces."), field="password")
    others = sorted(
        {c for c in password if not (c.isascii() and c.isalnum()) and c not in ALLOWED_SPECIALS}
    )
    if others:
        raise Refused(
            N_("The password may contain only letters, digits and %(allowed)s (not %(found)s)."),
            field="password",
            allowed=" ".join(ALLOWED_SPECIALS),
            found=" ".join(others),
        )
    for pattern, message in (
        ("[A-Z]", N_("The password needs at least one upper-case letter.")),
        ("[a-z]", N_("The password needs at least one lower-case letter.")),
        ("[0-9]", N_("The password needs at least one digit.")),
    ):
        if not re.search(pattern, password):
            raise Refused(message, field="password")
    return password


def check_secret(policy: CredentialPolicy, secret: str) -> str:
    """The one rule for every secret set through a link: the organisation's policy."""
    return check_pin(secret) if policy == CredentialPolicy.PIN else check_password(secret)


def check_username(username: str) -> str:
    """No spaces; compared without regard to case (DUPONT.jean is dupont.jean)."""
    cleaned = username.strip()
    if not cleaned or any(c.isspace() for c in cleaned) or len(cleaned) > 64:
        raise Refused(N_("A username is 1 to 64 characters, without spaces."), field="username")
    return cleaned
