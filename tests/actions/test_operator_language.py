"""An operator chooses the console's language: any of the four offered, nothing else."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from actions.context import Actor
from actions.errors import Refused
from actions.operators import set_language
from admin import i18n


@pytest.mark.parametrize("language", i18n.LOCALES)
def test_an_operator_chooses_any_offered_language(
    session: Session, olivia: Actor, language: str
) -> None:
    operator = set_language(session, olivia, language)

    assert operator.language == language


def test_a_language_not_offered_is_refused(session: Session, olivia: Actor) -> None:
    with pytest.raises(Refused) as refusal:
        set_language(session, olivia, "de")

    assert refusal.value.field == "language"
