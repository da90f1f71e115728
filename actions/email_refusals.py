"""email-validator's refusals, said in the operator's language with what to do next.

email-validator explains a refusal in an English sentence of its own. Each sentence is
matched here to one of our messages, which the catalogs translate; a sentence a later
release adds reads as the general refusal, still translated.
"""

from __future__ import annotations

import re

from email_validator import EmailNotValidError

from actions.errors import Refused
from admin.i18n import N_

GENERAL = N_(
    "%(value)s is not a valid e-mail address. Read it again with the caller, character by "
    "character."
)

# (pattern of email-validator's sentence, our message), first match wins.
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), message)
    for pattern, message in (
        (
            r"must have an @-sign",
            N_(
                "%(value)s is not a valid e-mail address: it has no @. Ask the caller for the "
                "whole address, as name@example.com."
            ),
        ),
        (
            r"something before the @-sign",
            N_(
                "%(value)s is not a valid e-mail address: nothing comes before the @. Ask the "
                "caller for the name part of the address."
            ),
        ),
        (
            r"something after the @-sign",
            N_(
                "%(value)s is not a valid e-mail address: nothing comes after the @. Ask the "
                "caller for the domain, as example.com."
            ),
        ),
        (
            r"display name|angle bracket|quot|bracket|anything after the e-?mail address",
            N_(
                "%(value)s is not a valid e-mail address: type the address alone, without a "
                "name, quotes or brackets."
            ),
        ),
        (
            r"too long|so many characters",
            N_(
                "%(value)s is not a valid e-mail address: it is too long. Check it with the caller."
            ),
        ),
        (
            r"after the @-sign is not valid|special-use or reserved|top-level domain",
            N_(
                "%(value)s is not a valid e-mail address: what follows the @ is not a domain "
                "that receives mail (it needs a dot, as example.com). Check it with the caller."
            ),
        ),
        (
            r"period|hyphen|dash",
            N_(
                "%(value)s is not a valid e-mail address: a dot or a hyphen is out of place "
                "(two in a row, or at the start or end of a part). Read it again with the caller."
            ),
        ),
        (
            r"character|ASCII|Internationali[sz]ed|at-sign \(@\)",
            N_(
                "%(value)s is not a valid e-mail address: it contains a character an address "
                "cannot hold (a space, a comma, an accent or a symbol). Read it again with the "
                "caller."
            ),
        ),
    )
)


def refusal(error: EmailNotValidError, value: str, field: str) -> Refused:
    """The refusal of `value` for the reason email-validator gave."""
    reason = str(error)
    message = next((msg for pattern, msg in REASONS if pattern.search(reason)), GENERAL)
    return Refused(message, field=field, value=value)
