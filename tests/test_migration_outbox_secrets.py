"""Upgrading a database whose outbox already holds mailed links hides them: what was sent
keeps only the masked text, what still waits keeps its link for delivery."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, text

from admin.migrate import alembic_config, upgrade

LINK = "http://desk.example.org/account/activation/SECRET-TOKEN-1234567890"
INSERT = text(
    "INSERT INTO outbox_message (channel, recipient, subject, body, status, caused_by, "
    "attempts, next_attempt_at, created_at) VALUES ('email', 'anne@example.nl', 'Activate', "
    ":body, :status, :caused_by, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def test_mailed_links_already_in_the_outbox_are_hidden_by_the_upgrade(
    database_url: str, engine: Engine
) -> None:
    config = alembic_config(database_url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0008")
        for status, caused_by, body in (
            ("sent", "login_account.generate", f"Open {LINK} within 24 hours."),
            ("queued", "login_account.generate", f"Open {LINK} within 24 hours."),
            ("sent", "login_account.send_phone_code", "Your verification code is 482913."),
            ("sent", "ticket.comment", "Hello"),
        ):
            connection.execute(INSERT, {"status": status, "caused_by": caused_by, "body": body})

    upgrade(database_url)

    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT body, masked_body, secret FROM outbox_message ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [
        ("Open ******** within 24 hours.", "Open ******** within 24 hours.", "account_activation"),
        (f"Open {LINK} within 24 hours.", "Open ******** within 24 hours.", "account_activation"),
        (
            "Your verification code is ********.",
            "Your verification code is ********.",
            "phone_code",
        ),
        ("Hello", None, None),
    ]
