"""What an action changed besides its own record, told to the operator with its outcome:
the earlier enrolment an enrolment cancelled, the number a phone code went to, the links a
forgotten account lost; and the next step of the seed procedure it is part of (after Forget,
Generate login account). An action `tell`s them once its checks have passed, in its
transaction; whoever shows the outcome `take`s them (views/fragments.done) and a refusal
drops them (views/fragments.refused). They live in the session's `info`, beside the audit
scope, so that every caller of an action (browser, command line, tests) can read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from actions.errors import localised
from admin.i18n import gettext

_KEY = "sportello_consequences"
_NEXT = "sportello_next_step"


@dataclass(frozen=True)
class Consequence:
    message: str  # msgid with %(name)s parameters
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        message = gettext(self.message)
        if not self.params:
            return message
        return message % {k: localised(v) for k, v in self.params.items()}

    def english(self) -> str:
        return self.message % self.params if self.params else self.message


def tell(session: Session, message: str, **params: Any) -> None:
    session.info.setdefault(_KEY, []).append(Consequence(message, params))


def take(session: Session) -> list[Consequence]:
    """The consequences told since the last `take`, in the order they were told."""
    told: list[Consequence] = session.info.pop(_KEY, [])
    return told


@dataclass(frozen=True)
class NextStep:
    """The row action that follows in the procedure, named like a diagnosis fix: (view key,
    pk, row action). `direct`: the button runs it (an action with no form to fill in and
    nothing to lose); otherwise it opens the action's form."""

    label: str  # msgid
    fix: tuple[str, int, str]
    direct: bool = False


def suggest(session: Session, step: NextStep) -> None:
    session.info[_NEXT] = step


def next_step(session: Session) -> NextStep | None:
    """The next step suggested since the last call, if any."""
    step: NextStep | None = session.info.pop(_NEXT, None)
    return step


def discard(session: Session) -> None:
    """A refused action changed nothing: nothing it told holds."""
    session.info.pop(_KEY, None)
    session.info.pop(_NEXT, None)
