"""Proof that the first step of a two-step action was shown (see CONTRIBUTING, "Multi-step
actions").

The first step (find the account, preview the merge, show the deletion form) issues a
short-lived token signed with the console's secret key. It binds the operator and what the
step showed: the second step is accepted only with that token, so a crafted request that
skips the first step, or replays a step shown to a colleague or for another record, is
refused by the action itself, not by the order of screens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer

from actions.context import Actor
from actions.errors import Refused
from models import utcnow

STEP_VALIDITY = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class Proof:
    """What the second step posts back (`token`), and the key to check it with."""

    token: str
    secret_key: str


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"sportello.step.{purpose}")


def digest(ids: Iterable[int]) -> str:
    """A short fingerprint of a set of ids (the events a preview showed)."""
    text = ",".join(str(i) for i in sorted(ids))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def issue(secret_key: str, purpose: str, actor: Actor, **bound: str | int | None) -> str:
    """The token the first step puts in its form."""
    return str(_serializer(secret_key, purpose).dumps({"operator": actor.operator_id, **bound}))


def check(
    proof: Proof | None,
    purpose: str,
    actor: Actor,
    refusal: Refused,
    *,
    now: dt.datetime | None = None,
    **bound: str | int | None,
) -> dict[str, Any]:
    """Raise `refusal` unless `proof` was issued for `purpose` to this operator within
    STEP_VALIDITY and binds `bound`; return everything it binds, for the caller to compare
    what it showed with what is there now."""
    if proof is None or not proof.token:
        raise refusal
    try:
        payload, issued = _serializer(proof.secret_key, purpose).loads(
            proof.token, return_timestamp=True
        )
    except BadSignature:
        raise refusal from None
    expected: dict[str, Any] = {"operator": actor.operator_id, **bound}
    if not isinstance(payload, dict) or any(
        key not in payload or payload[key] != value for key, value in expected.items()
    ):
        raise refusal
    if (now or utcnow()) - issued > STEP_VALIDITY:
        raise refusal
    return payload
