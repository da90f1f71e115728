"""The review queue: risky actions a supervisor looks at once, and the review itself.

Which actions are risky is written once, in `RISKY`: a successful event is in the queue when
its action and the record it names match an entry (and the entry's extra condition, if any).
To put another action in the queue, add a `Risk` to the list; the queue, its count on the
dashboard and the rule that only queued events are reviewed follow.

A review says "fine", or "something was wrong" with a comment saying what. It is one row per
event (`AuditReview.event_id` is unique), written by a supervisor or an administrator who did
not do the action, and it is itself an audited action (`audit.review`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Integer, Select, cast, exists, func, or_, select, union_all
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from actions.audit import audited
from actions.context import Actor
from actions.errors import Forbidden, Refused
from admin.i18n import N_
from models import AuditEvent, AuditReview, Base, OutboxMessage, Outcome, Role

DELETION = N_("Deletion")
FORGET = N_("Login account forgotten")
MERGE = N_("Merge")
UNDO_MERGE = N_("Merge undone")
EMAIL_CHANGE = N_("E-mail change")
TYPED_ADDRESS = N_("Address typed by an operator")
UNLOCK = N_("Unlock")


def _copy_to_a_typed_address() -> ColumnElement[bool]:
    """An outbox message copied to an address other than its own: the operator typed it.
    (A fresh link or code goes to the address on file; one filled in for a member with
    none is its own `member.fill_in_email` event.)"""
    original = (
        select(OutboxMessage.id)
        .where(OutboxMessage.id == cast(AuditEvent.entity_id, Integer))
        .where(
            func.lower(OutboxMessage.recipient)
            != func.lower(AuditEvent.after["recipient"].as_string())
        )
    )
    return AuditEvent.after["copy_id"].as_string().is_not(None) & exists(original)


@dataclass(frozen=True)
class Risk:
    """A successful `action` on a record of `entity_type` (the event of the action itself,
    not the rows it touched on the side), when `only_if` holds; `kind` says why it is risky."""

    action: str
    entity_type: str
    kind: str
    only_if: Callable[[], ColumnElement[bool]] | None = None

    def clause(self) -> ColumnElement[bool]:
        matches = (AuditEvent.action == self.action) & (AuditEvent.entity_type == self.entity_type)
        return matches & self.only_if() if self.only_if is not None else matches


def _plain_deletions() -> list[Risk]:
    """A record deleted outside an action (a view's delete button, a script) is recorded as
    `<table>.delete`, for every audited table."""
    tables = sorted(
        mapper.class_.__tablename__
        for mapper in Base.registry.mappers
        if getattr(mapper.class_, "__audited__", True)
    )
    return [Risk(f"{table}.delete", table, DELETION) for table in tables]


RISKY: tuple[Risk, ...] = (
    Risk("client.merge", "client", MERGE),
    Risk("client.undo_merge", "client", UNDO_MERGE),
    Risk("login_account.forget", "login_account", FORGET),
    Risk("member.change_email", "member", EMAIL_CHANGE),
    Risk("login_account.change_email", "login_account", EMAIL_CHANGE),
    Risk("member.fill_in_email", "member", TYPED_ADDRESS),
    Risk("outbox.resend", "outbox_message", TYPED_ADDRESS, _copy_to_a_typed_address),
    Risk("login_account.unlock", "login_account", UNLOCK),
    Risk("operator.unlock", "operator", UNLOCK),
    # client.delete and login_account.delete (actions with a typed confirmation) among them
    *_plain_deletions(),
)


# Written as "neither refused nor in error" so that no plan reads the trail through its
# outcome index (most events succeed): the action's index is the selective one.
SUCCEEDED = AuditEvent.outcome.not_in([Outcome.REFUSED, Outcome.ERROR])


def risky_clause() -> ColumnElement[bool]:
    """SQL: the event is a successful risky action."""
    return SUCCEEDED & or_(*(risk.clause() for risk in RISKY))


def kind_of(event: AuditEvent) -> str | None:
    """Why the event is in the queue (an untranslated label), None for an ordinary event."""
    for risk in RISKY:
        if (risk.action, risk.entity_type) == (event.action, event.entity_type):
            return risk.kind
    return None


def is_risky(session: Session, event_id: int) -> bool:
    found = select(AuditEvent.id).where(AuditEvent.id == event_id, risky_clause())
    return session.scalar(found) is not None


# --- the queue ---------------------------------------------------------------------------


class Show(enum.StrEnum):
    UNREVIEWED = "unreviewed"
    REVIEWED = "reviewed"
    WRONG = "wrong"


PAGE_SIZE = 25


@dataclass(frozen=True)
class Item:
    event: AuditEvent
    review: AuditReview | None
    kind: str


@dataclass(frozen=True)
class Queue:
    items: list[Item]
    show: Show
    next_before: int | None  # the `before` of the next (older) page, if there is one


def _unreviewed(before: int | None, size: int | None) -> Select[int]:
    """The ids of unreviewed risky events, newest first: one arm per risk, each read from
    the (action, seq) index, `size` at most from each."""
    arms = []
    for risk in RISKY:
        arm = (
            select(AuditEvent.id, AuditEvent.seq)
            .outerjoin(AuditReview, AuditReview.event_id == AuditEvent.id)
            .where(risk.clause(), SUCCEEDED, AuditReview.id.is_(None))
            .order_by(AuditEvent.seq.desc())
            .limit(size)
        )
        if before is not None:
            arm = arm.where(AuditEvent.seq < before)
        arms.append(arm.subquery())
    every = union_all(*(select(arm.c.id) for arm in arms)).subquery()
    return select(every.c.id)


def _page(
    session: Session, show: Show, before: int | None, size: int
) -> list[tuple[AuditEvent, AuditReview | None]]:
    if show == Show.UNREVIEWED:
        query = (
            select(AuditEvent, AuditReview)
            .outerjoin(AuditReview, AuditReview.event_id == AuditEvent.id)
            .where(AuditEvent.id.in_(_unreviewed(before, size)))
            .order_by(AuditEvent.seq.desc())
        )
    else:  # only risky events are ever reviewed: read the reviews, newest event first
        query = (
            select(AuditEvent, AuditReview)
            .join(AuditReview, AuditReview.event_id == AuditEvent.id)
            .order_by(AuditReview.event_id.desc())  # the order of `seq`, from its index
        )
        if show == Show.WRONG:
            query = query.where(AuditReview.wrong.is_(True))
        if before is not None:
            query = query.where(AuditEvent.seq < before)
    return [(event, review) for event, review in session.execute(query.limit(size))]


def queue(
    session: Session,
    show: Show = Show.UNREVIEWED,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> Queue:
    """Risky events newest first, `size` at a time: those older than sequence `before`."""
    rows = _page(session, show, before, size + 1)
    items = [Item(event, review, kind_of(event) or "") for event, review in rows[:size]]
    more = len(rows) > size
    return Queue(items, show, items[-1].event.seq if more and items else None)


def item(session: Session, event_id: int) -> Item | None:
    row = session.execute(
        select(AuditEvent, AuditReview)
        .outerjoin(AuditReview, AuditReview.event_id == AuditEvent.id)
        .where(AuditEvent.id == event_id)
    ).first()
    if row is None or kind_of(row[0]) is None:
        return None
    return Item(row[0], row[1], kind_of(row[0]) or "")


COUNT_CAP = 1000  # past it the dashboard says "1000 or more": the count stays cheap


def unreviewed_count(session: Session, cap: int = COUNT_CAP) -> int:
    """How many risky events wait for a review, counted up to `cap`."""
    counted = select(func.count()).select_from(_unreviewed(None, cap).limit(cap).subquery())
    return int(session.scalar(counted) or 0)


# --- the review --------------------------------------------------------------------------

OWN_ACTION = N_("Another supervisor reviews your own actions.")
ALREADY_REVIEWED = N_("%(reviewer)s already reviewed this action.")
REVIEWED_AT_THE_SAME_MOMENT = N_(
    "Another supervisor reviewed this action at the same moment: their review stands."
)
NOT_RISKY = N_("This action is not in the review queue: only risky actions are reviewed.")
NO_SUCH_EVENT = N_("No audit event has the number %(id)s.")
COMMENT_REQUIRED = N_("Say what was wrong: a comment is required.")
SUPERVISORS_ONLY = N_("Only supervisors and administrators review actions.")
COMMENT_LIMIT = 2000
COMMENT_TOO_LONG = N_("The comment is too long: at most %(limit)s characters.")


def review_event(
    session: Session, actor: Actor, event_id: int, wrong: bool, comment: str | None
) -> AuditReview:
    """Mark a risky event reviewed: fine, or wrong with a comment (required then). Refused
    to an operator, to the author of the action, for an event outside the queue, and for an
    event already reviewed, also by a colleague at the same moment (nothing is written)."""
    event = session.get(AuditEvent, event_id)
    if event is None:
        raise Refused(NO_SUCH_EVENT, id=event_id)
    text = (comment or "").strip()
    with audited(session, actor, "audit.review", ("audit_review", None)) as scope:
        _check(session, actor, event, wrong, text)
        review = AuditReview(
            event_id=event.id,
            reviewer_id=actor.operator_id,
            reviewer_username=actor.username,
            wrong=wrong,
            comment=text or None,
        )
        try:
            with session.begin_nested():
                session.add(review)
                session.flush()
        except IntegrityError:  # a colleague's review of it was saved first
            raise Refused(REVIEWED_AT_THE_SAME_MOMENT) from None
        scope.note(reviewed_action=event.action, reviewed_seq=event.seq)
    return review


def _check(session: Session, actor: Actor, event: AuditEvent, wrong: bool, text: str) -> None:
    if not actor.may(Role.SUPERVISOR):
        raise Forbidden(SUPERVISORS_ONLY)
    if actor.username == event.operator_username:
        raise Refused(OWN_ACTION)
    if not is_risky(session, event.id):
        raise Refused(NOT_RISKY)
    earlier = session.scalar(select(AuditReview).where(AuditReview.event_id == event.id))
    if earlier is not None:
        raise _refusal_for(earlier)
    if wrong and not text:
        raise Refused(COMMENT_REQUIRED, field="comment")
    if len(text) > COMMENT_LIMIT:
        raise Refused(COMMENT_TOO_LONG, field="comment", limit=COMMENT_LIMIT)


def _refusal_for(earlier: AuditReview) -> Refused:
    return Refused(ALREADY_REVIEWED, reviewer=earlier.reviewer_username)
