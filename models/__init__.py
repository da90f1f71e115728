"""SQLAlchemy tables: they know nothing of HTTP."""

from models.access_request import AccessRequest, AccessRequestKind, AccessRequestState
from models.appointment import (
    Agent,
    Appointment,
    AppointmentState,
    Campaign,
    CampaignState,
    Unavailability,
)
from models.audit import AuditAnchor, AuditEvent, AuditReview, Outcome
from models.base import Base, utcnow
from models.client import Client, ClientEvent, ClientMerge, ClientOrigin, EventKind
from models.knowledge import ArticleAudience, KnowledgeArticle, SearchLog
from models.login_account import AccountState, LoginAccount
from models.member import REQUIRED_PERSONAL_FIELDS, Member, MemberState
from models.operator import LoginFailure, Operator, OperatorSession, Role
from models.organization import CredentialPolicy, Organization
from models.outbox import Channel, OutboxMessage, OutboxStatus
from models.password_reset import PasswordReset
from models.ticket import Ticket, TicketComment, TicketPriority, TicketSource, TicketState
from models.training import Enrollment, EnrollmentState, Training

__all__ = [
    "REQUIRED_PERSONAL_FIELDS",
    "AccessRequest",
    "AccessRequestKind",
    "AccessRequestState",
    "AccountState",
    "Agent",
    "Appointment",
    "AppointmentState",
    "ArticleAudience",
    "AuditAnchor",
    "AuditEvent",
    "AuditReview",
    "Base",
    "Campaign",
    "CampaignState",
    "Channel",
    "Client",
    "ClientEvent",
    "ClientMerge",
    "ClientOrigin",
    "CredentialPolicy",
    "Enrollment",
    "EnrollmentState",
    "EventKind",
    "KnowledgeArticle",
    "LoginAccount",
    "LoginFailure",
    "Member",
    "MemberState",
    "Operator",
    "OperatorSession",
    "Organization",
    "OutboxMessage",
    "OutboxStatus",
    "Outcome",
    "PasswordReset",
    "Role",
    "SearchLog",
    "Ticket",
    "TicketComment",
    "TicketPriority",
    "TicketSource",
    "TicketState",
    "Training",
    "Unavailability",
    "utcnow",
]
