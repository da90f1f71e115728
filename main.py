"""Sportello's command line and ASGI entry point (`uvicorn main:app --factory`)."""

from __future__ import annotations

import logging
import os
import sys
import threading
from typing import Any

import click
from starlette.applications import Starlette

from admin.audit_commands import audit
from admin.i18n import N_, _
from admin.settings import Settings, SettingsError, load


def settings_or_exit(demo: bool = False) -> Settings:
    try:
        return load(demo=demo)
    except SettingsError as error:
        click.echo(f"sportello: {error}", err=True)
        sys.exit(2)


def app() -> Starlette:
    """Factory for `uvicorn --factory main:app`, and what each `serve --workers` process
    runs: every setting comes from the environment."""
    from admin.app import build_app

    _log_to_stderr()
    return build_app(settings_or_exit(), dispatcher=True)


def _log_to_stderr() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def _language_of_the_shell(env: Any = None) -> str:
    """The console's language for the command line, from LC_ALL, LC_MESSAGES or LANG
    (`fr_FR.UTF-8` gives French); English when none names a language it speaks."""
    from admin import i18n

    env = os.environ if env is None else env
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").split(".", 1)[0].split("@", 1)[0]
        if value:
            return i18n.negotiate(value.replace("_", "-")) or i18n.DEFAULT_LOCALE
    return i18n.DEFAULT_LOCALE


@click.group()
def cli() -> None:
    """Sportello: the back-office console for support desks."""
    from admin import i18n

    _log_to_stderr()
    i18n.install()
    i18n.set_locale(_language_of_the_shell())


@cli.command()
def migrate() -> None:
    """Apply the database migrations to DATABASE_URL."""
    from admin.migrate import upgrade

    settings = settings_or_exit(demo=True)
    upgrade(settings.database_url)
    click.echo("database is up to date")


@cli.command("demo-data")
def demo_data() -> None:
    """Load idempotent demo data: organisations, members in every state, three operators."""
    _load_demo(settings_or_exit(demo=True))


def _load_demo(settings: Settings) -> str:
    from actions.errors import Refused
    from admin.db import make_engine, make_sessionmaker
    from admin.demo import demo_password, load_demo_data

    password = demo_password()
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        try:
            report = load_demo_data(session, password)
        except Refused as refusal:
            raise click.ClickException(f"SPORTELLO_DEMO_PASSWORD: {refusal}") from None
        session.commit()
    created = ", ".join(f"{n} {what}" for what, n in report.created.items())
    click.echo(f"demo data ready ({created} created)")
    click.echo(f"demo operators' password: {password}")
    return password


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Demo mode: generated SECRET_KEY kept in data/.")
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes answering on the same port, each with its own outbox dispatcher.",
)
def serve(host: str, port: int, demo: bool, workers: int) -> None:
    """Run the console, with the outbox dispatcher beside it."""
    import uvicorn

    from admin.app import build_app

    settings = settings_or_exit(demo=demo)  # checked once here, before any process starts
    click.echo(f"Sportello on http://{host}:{port}/admin/")
    if workers == 1:
        uvicorn.run(build_app(settings, dispatcher=True), host=host, port=port, proxy_headers=True)
        return
    if settings.database_url.startswith("sqlite"):
        click.echo(
            f"{workers} processes share the SQLite file: pages are rendered in parallel, "
            "changes are still written one at a time (keep the file on a local disk)."
        )
    # Each worker builds its own application from the environment (`main:app`), so the
    # settings given on the command line travel through it: a demo worker finds the same
    # generated key in data/ that was just checked.
    if demo:
        os.environ["SPORTELLO_DEMO"] = "1"
    from admin.serving import serve_processes

    serve_processes("main:app", workers=workers, host=host, port=port)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.pass_context
def demo(ctx: click.Context, host: str, port: int) -> None:
    """Migrate, load the demo data and serve: what `make run` does."""
    from admin.migrate import upgrade

    settings = settings_or_exit(demo=True)
    upgrade(settings.database_url)
    password = _load_demo(settings)
    click.echo(f"\nSportello is starting on http://{host}:{port}/admin/login")
    click.echo("Log in as demo-operator, demo-supervisor or demo-admin")
    click.echo(f"with the password: {password}\n")
    ctx.invoke(serve, host=host, port=port, demo=True)


@cli.command("create-operator")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["operator", "supervisor", "admin"]),
    default="operator",
    show_default=True,
)
@click.option("--display-name", default=None)
@click.option("--email", default=None, help="Where a supervisor receives the trail's anchors.")
def create_operator_command(
    name: str, role: str, display_name: str | None, email: str | None
) -> None:
    """Create an operator; the password is read from a prompt or standard input."""
    from actions.context import Actor
    from actions.errors import Refused
    from actions.operator_email import set_email
    from actions.operators import create_operator
    from admin.db import make_engine, make_sessionmaker
    from models import Role

    settings = settings_or_exit(demo=True)
    _check_email(email)  # before the password is asked for, and before anything is written
    if sys.stdin.isatty():
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    else:
        password = sys.stdin.readline().rstrip("\n")
    factory = make_sessionmaker(make_engine(settings.database_url))
    with factory() as session:
        session.info["actor"] = Actor.system("command-line")
        try:
            operator = create_operator(
                session,
                Actor.system("command-line"),
                name,
                password,
                Role(role),
                display_name=display_name,
            )
            if email is not None:
                session.flush()
                set_email(session, Actor.system("command-line"), operator.id, email)
        except Refused as refusal:
            session.commit()
            raise click.ClickException(refusal.translated()) from None
        session.commit()
        click.echo(
            _("operator %(username)s (%(role)s) created")
            % {"username": operator.username, "role": operator.role.value}
        )


def _check_email(email: str | None) -> None:
    from actions import personal_data
    from actions.errors import Refused

    if email is not None and email.strip():
        try:
            personal_data.email(email)
        except Refused as refusal:
            raise click.ClickException(refusal.translated()) from None


@cli.group()
def outbox() -> None:
    """The queue of mails and text messages."""


@outbox.command("dispatch")
@click.option("--once", is_flag=True, help="Deliver what is due now, then stop.")
def outbox_dispatch(once: bool) -> None:
    """Deliver queued messages (continuously unless --once)."""
    from actions import outbox as outbox_actions
    from admin.app import run_dispatcher
    from admin.db import make_engine, make_sessionmaker

    settings = settings_or_exit(demo=True)
    engine = make_engine(settings.database_url)
    if once:
        report = outbox_actions.dispatch_once(
            make_sessionmaker(engine),
            outbox_actions.transports_from(settings.smtp_url, settings.mail_from),
        )
        click.echo(
            _("sent %(sent)s, retrying %(retried)s, failed %(failed)s, interrupted %(abandoned)s")
            % {
                "sent": report.sent,
                "retried": report.retried,
                "failed": report.failed,
                "abandoned": report.abandoned,
            }
        )
        return
    stop = threading.Event()
    try:
        run_dispatcher(settings, engine, stop)
    except KeyboardInterrupt:
        stop.set()


@cli.group()
def duplicates() -> None:
    """Find duplicate records."""


@duplicates.command("clients")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "csv", "json"]),
    default="text",
    show_default=True,
)
@click.option("--min-score", default=85, show_default=True, type=click.IntRange(0, 100))
def duplicates_clients(output: str, min_score: int) -> None:
    """One pair per line: both client numbers, the score and the reason."""
    import csv
    import json

    from actions.duplicates import find_duplicates
    from actions.spreadsheet import safe_cell
    from admin.db import make_engine, make_sessionmaker

    settings = settings_or_exit(demo=True)
    with make_sessionmaker(make_engine(settings.database_url))() as session:
        report = find_duplicates(session, min_score)
    rows = [(p.first, p.second, p.score, p.certainty, p.reason) for p in report.pairs]
    if output == "json":
        keys = ("first", "second", "score", "certainty", "reason")
        click.echo(json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=1))
    elif output == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(["first", "second", "score", "certainty", "reason"])
        writer.writerows([safe_cell(value) for value in row] for row in rows)
    else:
        for row in rows:
            click.echo("\t".join(str(value) for value in row))
    click.echo(
        _("%(pairs)s pairs among %(clients)s clients; %(scored)s candidate pairs scored")
        % {"pairs": len(rows), "clients": report.clients, "scored": report.candidates_scored},
        err=True,
    )


# How intake found the client of an imported line, as the line's answer says it.
MATCHED_BY = {
    "client number": N_("found by client number"),
    "identifier": N_("found by SIRET or VAT number"),
    "name": N_("found by name"),
    "new": N_("new client"),
}


@cli.command("import-requests")
@click.argument("path", type=click.File("r", encoding="utf-8-sig"))
def import_requests(path: Any) -> None:
    """Record client requests from a CSV file through intake, one transaction per line.

    Columns: legal_name (required), identifier, client_number, kind, description,
    requester_email, language. Exit 1 when a line was refused; the others are kept."""
    import csv

    from actions.context import Actor
    from actions.errors import Refused
    from actions.intake import Request, intake
    from admin.db import make_engine, make_sessionmaker
    from models import ClientOrigin, EventKind

    settings = settings_or_exit(demo=True)
    factory = make_sessionmaker(make_engine(settings.database_url))
    actor = Actor.system("import")
    refused = 0
    for line, row in enumerate(csv.DictReader(path), start=2):
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        with factory() as session:
            try:
                kind = EventKind(values.get("kind") or EventKind.OTHER.value)
                result = intake(
                    session,
                    actor,
                    Request(
                        legal_name=values.get("legal_name", ""),
                        kind=kind,
                        description=values.get("description", ""),
                        identifier=values.get("identifier") or None,
                        client_number=values.get("client_number") or None,
                        requester_email=values.get("requester_email") or None,
                        language=values.get("language") or "fr",
                        origin=ClientOrigin.IMPORT,
                    ),
                )
                session.commit()
            except ValueError:
                refused += 1
                reason = _("unknown kind %(kind)s: use one of %(kinds)s") % {
                    "kind": repr(values.get("kind")),
                    "kinds": ", ".join(kind.value for kind in EventKind),
                }
                click.echo(
                    _("line %(line)s: refused: %(reason)s") % {"line": line, "reason": reason},
                    err=True,
                )
                continue
            except Refused as refusal:
                session.commit()  # the refusal's audit event, nothing else
                refused += 1
                click.echo(
                    _("line %(line)s: refused: %(reason)s")
                    % {"line": line, "reason": refusal.translated()},
                    err=True,
                )
                continue
            click.echo(
                _("line %(line)s: %(client)s (%(matched_by)s)")
                % {
                    "line": line,
                    "client": result.client.client_number,
                    "matched_by": _(MATCHED_BY.get(result.matched_by, result.matched_by)),
                }
            )
    if refused:
        sys.exit(1)


# The trail's export, check and anchors: admin/audit_commands.py.
cli.add_command(audit)


if __name__ == "__main__":
    cli()
