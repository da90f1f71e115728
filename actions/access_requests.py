"""The support portal's self-service paths, handled by the desk (seed 002).

- Access code: for an unknown company the answer is "company not present", and with the
  requester's consent a ticket is opened, linked to the request. For a known company not
  yet registered, a new code goes to the company's address on file. For a registered one,
  the recovery paths: username, user does not exist (join), cannot open a ticket, other.
- Username recovery: e-mail + tax code of an existing user mails the username. The requester
  sees the same answer whether or not they matched: nothing reveals which accounts exist; a
  non-matching request waits for the desk, who can open a ticket to contact them.
- Join: a person whose tax code is not yet on the company asks to join; the administrator
  receives single-use, signed, expiring approve and refuse links; the desk can record a
  decision given by phone; the requester is told the outcome by mail.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from actions import companies, outbox, personal_data, tickets
from actions.audit import audited
from actions.context import Actor
from actions.errors import Conflict, Refused
from admin.i18n import N_, translate
from models import (
    AccessRequest,
    AccessRequestKind,
    AccessRequestState,
    LoginAccount,
    Member,
    Organization,
    TicketSource,
    utcnow,
)
from models.outbox import SecretKind

JOIN_LINK_VALIDITY = dt.timedelta(days=7)
SALT = "sportello.join-decision"
# What the requester reads after a username recovery, matched or not.
USERNAME_ANSWER = N_(
    "If the e-mail and the tax code belong to a user, the username has been sent to that "
    "address. If nothing arrives, ask to be contacted: the desk will call you back."
)
RECOVERY_PATHS = ("username", "join", "cannot_open_ticket", "other")


@dataclass(frozen=True)
class Answer:
    """What the requester is told, and the request the desk keeps."""

    message: str  # an msgid, with `params`
    request: AccessRequest
    params: dict[str, str]


def signer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def request_access_code(
    session: Session,
    actor: Actor,
    *,
    vat_number: str,
    company_name: str,
    requester_name: str,
    requester_email: str,
    consent_to_ticket: bool,
    language: str = "it",
) -> Answer:
    email = personal_data.email(requester_email, field="requester_email")
    organization = companies.by_vat(session, vat_number)
    with audited(session, actor, "access_request.access_code", ("access_request", None)) as scope:
        tickets.require_desk(actor)
        request = AccessRequest(
            kind=AccessRequestKind.ACCESS_CODE,
            vat_number=personal_data.vat_number(vat_number, "IT"),
            company_name=company_name.strip() or None,
            organization_id=organization.id if organization else None,
            requester_name=requester_name.strip(),
            requester_email=email,
            consent_to_ticket=consent_to_ticket,
        )
        session.add(request)
        session.flush()
        scope.entity_id = str(request.id)
        if organization is None:
            request.outcome = "company not present"
            if consent_to_ticket:
                ticket = tickets.open_ticket(
                    session,
                    actor,
                    tickets.Opening(
                        subject=translate(language, N_("Access code: company not present"))
                        + f" ({request.vat_number})",
                        description=company_name.strip(),
                        requester_name=requester_name,
                        requester_email=email,
                        source=TicketSource.COMPANY_NOT_PRESENT,
                        company_name=company_name.strip() or None,
                        language=language,
                        access_request_id=request.id,
                    ),
                )
                request.ticket_id = ticket.id
                request.state = AccessRequestState.RESOLVED
                scope.note(ticket=ticket.number)
                return Answer(
                    N_(
                        "Company not present. Ticket %(number)s is opened: the desk will contact you."
                    ),
                    request,
                    {"number": ticket.number},
                )
            request.state = AccessRequestState.RESOLVED
            return Answer(
                N_("Company not present: check the VAT number, or agree to a ticket."),
                request,
                {},
            )
        if organization.registered_at is None:
            companies.send_access_code(session, actor, organization.id)
            request.outcome = "access code sent"
            request.state = AccessRequestState.RESOLVED
            return Answer(
                N_("The access code has been sent to the address on file of %(company)s."),
                request,
                {"company": organization.name},
            )
        request.outcome = "already registered"
        return Answer(
            N_(
                "%(company)s is already registered. Choose what you need: your username, "
                "a user that does not exist yet, a ticket you cannot open, or something else."
            ),
            request,
            {"company": organization.name},
        )


def recover_username(
    session: Session,
    actor: Actor,
    *,
    email: str,
    tax_code: str,
    request_id: int | None = None,
) -> Answer:
    """Mail the username to a user matching both; the answer does not say whether one did."""
    typed_email = personal_data.email(email)
    code = personal_data.tax_code(tax_code)
    with audited(session, actor, "access_request.username", ("access_request", None)) as scope:
        tickets.require_desk(actor)
        account = session.scalar(
            select(LoginAccount)
            .join(Member, LoginAccount.member_id == Member.id)
            .where(Member.tax_code == code)
            .where(
                (func.lower(Member.email) == typed_email.lower())
                | (func.lower(LoginAccount.login_email) == typed_email.lower())
            )
            .order_by(LoginAccount.id)
        )
        request = _request(session, request_id) if request_id else None
        if request is None:
            request = AccessRequest(kind=AccessRequestKind.USERNAME, requester_email=typed_email)
            session.add(request)
        request.kind = AccessRequestKind.USERNAME
        request.tax_code = code
        if account is not None:
            language = account.organization.language
            outbox.enqueue(
                session,
                recipient=typed_email,
                subject=translate(language, N_("Your username for the support portal")),
                body=translate(
                    language,
                    N_("Hello,\n\nyour username for the support portal is %(username)s.\n"),
                )
                % {"username": account.username},
                caused_by="access_request.username",
                entity=account,
            )
            request.member_id = account.member_id
            request.organization_id = account.organization_id
            request.outcome = "username sent"
            request.state = AccessRequestState.RESOLVED
        else:
            request.outcome = "no match: contact requested"
            request.state = AccessRequestState.PENDING
        session.flush()
        scope.entity_id = str(request.id)
        scope.note(matched=account is not None)
    return Answer(USERNAME_ANSWER, request, {})


def request_join(
    session: Session,
    actor: Actor,
    *,
    vat_number: str,
    requester_name: str,
    requester_email: str,
    tax_code: str,
    secret_key: str,
    link_base: str,
    request_id: int | None = None,
) -> Answer:
    organization = companies.by_vat(session, vat_number)  # in the order of the form
    email = personal_data.email(requester_email, field="requester_email")
    code = personal_data.tax_code(tax_code)
    if organization is None:
        raise Refused(
            N_("No company has the VAT number %(vat)s: company not present."),
            field="vat_number",
            vat=vat_number.strip(),
        )
    if organization.administrator_id is None:
        raise Refused(
            N_("%(company)s is not registered yet: request its access code first."),
            field="vat_number",
            company=organization.name,
        )
    already = session.scalar(
        select(Member.id).where(Member.organization_id == organization.id, Member.tax_code == code)
    )
    if already is not None:  # seed 002: back to "I do not remember my username"
        return recover_username(session, actor, email=email, tax_code=code, request_id=request_id)
    administrator = session.get_one(Member, organization.administrator_id)
    if not administrator.email:
        raise Refused(
            N_(
                "The administrator of %(company)s has no e-mail address: record the decision by phone."
            ),
            company=organization.name,
        )
    with audited(session, actor, "access_request.join", ("access_request", None)) as scope:
        tickets.require_desk(actor)
        request = _request(session, request_id) if request_id else None
        if request is None:
            request = AccessRequest(kind=AccessRequestKind.JOIN, requester_email=email)
            session.add(request)
        request.kind = AccessRequestKind.JOIN
        request.state = AccessRequestState.PENDING
        request.organization_id = organization.id
        request.vat_number = organization.vat_number
        request.requester_name = requester_name.strip()
        request.requester_email = email
        request.tax_code = code
        request.outcome = "waiting for the administrator"
        request.link_nonce = secrets.token_urlsafe(16)
        session.flush()
        serializer = signer(secret_key)
        links = {
            decision: f"{link_base}/access/join/"
            + str(serializer.dumps({"id": request.id, "d": decision, "n": request.link_nonce}))
            for decision in ("approve", "refuse")
        }
        language = organization.language
        message = outbox.enqueue(
            session,
            recipient=administrator.email,
            subject=translate(language, N_("%(name)s asks to join %(company)s"))
            % {"name": request.requester_name, "company": organization.name},
            body=translate(
                language,
                N_(
                    "Hello %(administrator)s,\n\n%(name)s (%(email)s, tax code %(code)s) asks "
                    "to become a user of %(company)s on the support portal.\n\n"
                    "Approve: %(approve)s\nRefuse: %(refuse)s\n\n"
                    "Each link works once, for 7 days.\n"
                ),
            )
            % {
                "administrator": administrator.full_name,
                "name": request.requester_name,
                "email": email,
                "code": code,
                "company": organization.name,
                "approve": links["approve"],
                "refuse": links["refuse"],
            },
            caused_by="access_request.join",
            entity=request,
            secret=SecretKind.DECISION_LINKS,
            hidden=tuple(links.values()),
        )
        scope.entity_id = str(request.id)
        scope.note(administrator=administrator.id, outbox_id=message.id)
    return Answer(
        N_("The request has been sent to the administrator of %(company)s, who decides."),
        request,
        {"company": organization.name},
    )


def read_link(
    session: Session, token: str, secret_key: str, *, max_age: dt.timedelta = JOIN_LINK_VALIDITY
) -> tuple[AccessRequest, bool]:
    """The request and the decision a mailed link carries; refused when it was tampered
    with, has expired or was already used."""
    try:
        data = signer(secret_key).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise Refused(
            N_("This link has expired. Ask the desk to record your decision by phone.")
        ) from None
    except BadSignature:
        raise Refused(N_("This link is not valid: use the link of the mail as it is.")) from None
    request = session.get(AccessRequest, int(data["id"]))
    if (
        request is None
        or request.state != AccessRequestState.PENDING
        or request.link_nonce is None
        or not secrets.compare_digest(request.link_nonce, str(data["n"]))
    ):
        raise Refused(N_("This request has already been decided: the link works once."))
    return request, data["d"] == "approve"


def decide_by_link(
    session: Session, token: str, secret_key: str, *, now: dt.datetime | None = None
) -> AccessRequest:
    request, approve = read_link(session, token, secret_key)
    organization = session.get_one(Organization, request.organization_id)
    administrator = session.get_one(Member, organization.administrator_id)
    actor = Actor.system(f"administrator {administrator.full_name}")
    return _decide(session, actor, request, approve, "link", administrator.full_name, now)


def decide_by_phone(
    session: Session,
    actor: Actor,
    request_id: int,
    approve: bool,
    *,
    expected_version: int | None = None,
    now: dt.datetime | None = None,
) -> AccessRequest:
    """The administrator gave the decision on the phone: the desk records it, as such."""
    tickets.require_desk(actor)
    request = _request(session, request_id)
    if expected_version is not None and request.version != expected_version:
        raise Conflict(
            N_("Someone else changed this request since you opened it: look at it again.")
        )
    if request.kind != AccessRequestKind.JOIN:
        raise Refused(N_("Only a join request is approved or refused."))
    return _decide(session, actor, request, approve, "phone", actor.username, now)


def _decide(
    session: Session,
    actor: Actor,
    request: AccessRequest,
    approve: bool,
    via: str,
    by: str,
    now: dt.datetime | None,
) -> AccessRequest:
    now = now or utcnow()
    action = f"access_request.{'approve' if approve else 'refuse'}"
    try:
        with audited(session, actor, action, request) as scope:
            if request.state != AccessRequestState.PENDING:
                raise Refused(N_("This request has already been decided: the link works once."))
            organization = session.get_one(Organization, request.organization_id)
            request.state = AccessRequestState.APPROVED if approve else AccessRequestState.REFUSED
            request.link_nonce = None
            request.decided_via, request.decided_by, request.decided_at = via, by, now
            request.outcome = "approved" if approve else "refused"
            if approve:
                first, _, last = request.requester_name.rpartition(" ")
                member = Member(
                    organization=organization,
                    first_name=first or request.requester_name,
                    last_name=last if first else "-",
                    tax_code=request.tax_code,
                    email=request.requester_email,
                )
                session.add(member)
                session.flush()
                request.member_id = member.id
            language = organization.language
            text = (
                N_(
                    "Hello %(name)s,\n\nthe administrator of %(company)s approved your request: "
                    "you are a user of the company. The administrator creates your access.\n"
                )
                if approve
                else N_(
                    "Hello %(name)s,\n\nthe administrator of %(company)s did not approve your "
                    "request to join the company.\n"
                )
            )
            outbox.enqueue(
                session,
                recipient=request.requester_email,
                subject=translate(language, N_("Your request to join %(company)s"))
                % {"company": organization.name},
                body=translate(language, text)
                % {"name": request.requester_name, "company": organization.name},
                caused_by=action,
                entity=request,
            )
            scope.note(via=via, decided_by=by)
    except StaleDataError:
        raise Conflict(N_("Someone else decided this request at the same moment.")) from None
    return request


def open_ticket_for(
    session: Session,
    actor: Actor,
    request_id: int,
    *,
    subject: str,
    description: str = "",
) -> AccessRequest:
    """The desk opens a ticket for a request (contact requested, cannot open a ticket, ...)."""
    request = _request(session, request_id)
    tickets.require_desk(actor)
    if request.ticket_id is not None:
        raise Refused(N_("This request already has its ticket."))
    ticket = tickets.open_ticket(
        session,
        actor,
        tickets.Opening(
            subject=subject,
            description=description,
            requester_name=request.requester_name,
            requester_email=request.requester_email,
            source=TicketSource.ACCESS_REQUEST,
            organization_id=request.organization_id,
            company_name=request.company_name,
            access_request_id=request.id,
        ),
    )
    with audited(session, actor, "access_request.open_ticket", request):
        request.ticket_id = ticket.id
        request.state = AccessRequestState.RESOLVED
    return request


def _request(session: Session, request_id: int) -> AccessRequest:
    request = session.get(AccessRequest, request_id)
    if request is None:
        raise Refused(N_("This request no longer exists."))
    return request
