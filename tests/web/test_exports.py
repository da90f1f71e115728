"""Every export is safe to open in a spreadsheet: the list exports of every view that can
export, in every format it offers, the appointment report and the command line's CSV."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import String, cast, func, literal, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import ColumnProperty, Session
from starlette.testclient import TestClient
from starlette_admin import EmailField, StringField, TextAreaField

from actions.spreadsheet import safe_text
from admin.demo import load_demo_data
from models import Channel, Client, Organization, OutboxMessage, Ticket
from tests.actions.test_appointments import make_campaign
from tests.conftest import SECRET_KEY, Personas, htmx_headers, log_in
from tests.helpers import fresh
from views.base import SportelloModelView

FORMULA = "=1+"  # then the row's id: a formula that fits a unique, short column
ROOT = Path(__file__).resolve().parents[2]


def test_a_text_a_spreadsheet_would_run_gets_a_leading_quote() -> None:
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =1", "\n@x"):
        assert safe_text(text) == "'" + text
    for text in ("Mairie de Toulon", "1-2", "a=b", "", "'=1"):
        assert safe_text(text) == text


def _text_column(view: SportelloModelView) -> str | None:
    """The first exported text field that is a plain text column of the view's table."""
    for field in view.fields:
        if field.exclude_from_export or type(field) not in (StringField, TextAreaField, EmailField):
            continue
        attribute = getattr(view.model, field.name, None)
        prop = getattr(attribute, "property", None)
        if isinstance(prop, ColumnProperty) and isinstance(prop.columns[0].type, String):
            return field.name
    return None


def _exportable(app: Any) -> list[SportelloModelView]:
    return [view for view in app.state.views if view.export_role is not None]


def _cells(body: bytes, fmt: str, label: str) -> list[Any]:
    if fmt == "json":
        return [row[label] for row in json.loads(body)]
    rows = list(csv.DictReader(io.StringIO(body.decode()), delimiter="," if fmt == "csv" else "\t"))
    return [row[label] for row in rows]


def test_every_list_export_in_every_format_writes_formulas_as_text(
    app: Any, client: TestClient, personas: Personas, session: Session
) -> None:
    load_demo_data(session, "demo password 2026", members=4)
    # Half the tickets are Ada's, so that "my tickets" and "unassigned" both list some.
    session.execute(update(Ticket).where(Ticket.id % 2 == 0).values(assignee_id=personas.admin.id))
    session.add(
        OutboxMessage(
            channel=Channel.EMAIL,
            recipient="mario.rossi@example.org",
            subject="Your ticket",
            body="Hello",
            caused_by="ticket.comment",
        )
    )
    session.commit()
    log_in(client, FORMULA + "0", "a formula typed as a username")
    log_in(client, "ada")
    headers = htmx_headers(client)
    checked: list[tuple[str, str]] = []
    for view in _exportable(app):
        column = _text_column(view)
        assert column is not None, f"{view.key}: no text column to check"
        planted = literal(FORMULA, String) + cast(view.model.id, String)
        try:
            session.execute(update(view.model).values({column: planted}))
            session.commit()
        except DBAPIError:  # the audit trail is append-only: planted by a login above
            session.rollback()
        assert session.scalar(select(func.count()).select_from(view.model)), view.key
        label = next(str(f.label or f.name) for f in view.fields if f.name == column)
        for exporter in view.exporters:
            fmt = getattr(exporter, "format_key", "") or exporter.extension
            response = client.post(
                f"/admin/_api/{view.key}/action?name=export&all=1",
                data={"scope": "all", "format": fmt, "fields": [column]},
                headers=headers,
                follow_redirects=False,
            )
            assert response.status_code == 200, (view.key, fmt, response.text[:200])
            cells = _cells(response.content, fmt, label)
            planted_cells = [cell for cell in cells if FORMULA in cell]
            if not planted_cells:
                continue
            assert all(c.startswith("'" + FORMULA) for c in planted_cells), (view.key, fmt, cells)
            checked.append((view.key or "", fmt))
    exported = {identity for identity, _fmt in checked}
    assert exported == {view.key for view in _exportable(app)}


def test_the_appointment_report_writes_a_name_after_spaces_as_text(
    client: TestClient, personas: Personas, session: Session, organization: Organization
) -> None:
    make_campaign(session, organization).name = " =1+2"
    session.commit()
    log_in(client, "olivia")

    exported = client.get("/admin/appointments/report.csv")

    rows = list(csv.reader(io.StringIO(exported.text)))
    assert [row[0] for row in rows[1:]] == ["' =1+2"]


def test_the_command_lines_csv_writes_formulas_as_text(database_url: str, session: Session) -> None:
    session.add_all(
        [
            Client(client_number="=C1+1", legal_name="Mairie de Toulon"),
            Client(client_number="@C2", legal_name="MAIRIE DE TOULON"),
        ]
    )
    session.commit()
    fresh(session)

    result = subprocess.run(
        [sys.executable, "main.py", "duplicates", "clients", "--format", "csv"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert {(row[0], row[1]) for row in rows[1:]} == {("'=C1+1", "'@C2")}
