"""A library whose card numbers make usernames, for the login-account rules."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from models import CredentialPolicy, Organization
from tests.helpers import make_library


@pytest.fixture
def library(session: Session) -> Organization:
    return make_library(
        session,
        name="Bibliotheek Utrecht",
        timezone="Europe/Amsterdam",
        credential_policy=CredentialPolicy.PASSWORD,
    )
