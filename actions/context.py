"""Who is acting, and from where: carried into every audit event."""

from __future__ import annotations

from dataclasses import dataclass

from models import Operator, Role


@dataclass(frozen=True)
class Actor:
    operator_id: int | None
    username: str
    role: Role | None
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None

    @classmethod
    def of(cls, operator: Operator, **origin: str | None) -> Actor:
        return cls(operator.id, operator.username, operator.role, **origin)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        return cls(None, name, None)

    def may(self, role: Role) -> bool:
        return self.role is not None and self.role.at_least(role)
