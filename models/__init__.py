"""SQLAlchemy tables: they know nothing of HTTP."""

from models.audit import AuditEvent, Outcome
from models.base import Base, utcnow
from models.client import Client, ClientEvent, ClientMerge, ClientOrigin, EventKind
from models.login_account import AccountState, LoginAccount
from models.member import REQUIRED_PERSONAL_FIELDS, Member, MemberState
from models.operator import LoginFailure, Operator, OperatorSession, Role
from models.organization import CredentialPolicy, Organization
from models.outbox import Channel, OutboxMessage, OutboxStatus
from models.password_reset import PasswordReset
from models.training import Enrollment, EnrollmentState, Training

__all__ = [
    "REQUIRED_PERSONAL_FIELDS",
    "AccountState",
    "AuditEvent",
    "Base",
    "Channel",
    "Client",
    "ClientEvent",
    "ClientMerge",
    "ClientOrigin",
    "CredentialPolicy",
    "Enrollment",
    "EnrollmentState",
    "EventKind",
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
    "Training",
    "utcnow",
]
