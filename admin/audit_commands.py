"""`python main.py audit ...`: the trail's export, its check (with or without the database)
and its anchors. Exit 0 when the trail is intact, 1 when it was tampered with, 2 when the
command cannot run (a bad date, an unreadable file, a bad --anchor)."""

from __future__ import annotations

import csv
import datetime as dt
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, NoReturn

import click

from admin.i18n import _

ANCHOR = re.compile(r"^\s*(\d{1,10}):([0-9a-fA-F]{64})\s*$")


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"sportello: {message}", err=True)
    sys.exit(code)


def _session() -> Any:
    from admin.db import make_engine, make_sessionmaker
    from admin.settings import SettingsError, load

    try:
        settings = load(demo=True)
    except SettingsError as error:
        _fail(str(error))
    return make_sessionmaker(make_engine(settings.database_url))()


def moment(option: str, value: str | None, end: bool = False) -> dt.datetime | None:
    """A date (the whole day: `--until 2026-12-07` includes the 7th) or a date and time, in
    UTC unless it names its offset."""
    if value is None:
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day, dt.time(), dt.UTC)
            if end and day == dt.date.max:  # the calendar's last day: no event comes after
                return None
            return start + dt.timedelta(days=1) if end else start
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        _fail(
            _(
                "%(option)s: %(value)s is neither a date (YYYY-MM-DD) nor a date and time "
                "(YYYY-MM-DDTHH:MM)"
            )
            % {"option": option, "value": value}
        )
    when = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
    try:
        return when.astimezone(dt.UTC)
    except OverflowError:  # a moment of the calendar's first or last day, past it in UTC
        early = when.year == dt.MINYEAR
        if early != end:  # since before the first moment, until after the last: no bound
            return None
        return (
            dt.datetime.min.replace(tzinfo=dt.UTC)
            if end
            else dt.datetime.max.replace(tzinfo=dt.UTC)
        )


def given_anchor(value: str | None) -> Any:
    from actions.audit_evidence import Mark

    if value is None:
        return None
    match = ANCHOR.match(value)
    if match is None or int(match.group(1)) < 1:
        _fail(
            _(
                "--anchor: %(value)s is not SEQ:HASH (an event's number, a colon and its "
                "64-character hash, as the anchor's e-mail gives them)"
            )
            % {"value": value}
        )
    return Mark(int(match.group(1)), match.group(2).lower())


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    if path is None or path == "-":
        yield sys.stdout
        return
    try:
        handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
    except OSError as error:
        _fail(_("cannot write %(file)s: %(why)s") % {"file": path, "why": error.strerror})
    with handle:
        yield handle


@click.group()
def audit() -> None:
    """The tamper-evident audit trail."""


@audit.command("export")
@click.option("--since", help="First day (YYYY-MM-DD) or moment (YYYY-MM-DDTHH:MM), UTC.")
@click.option("--until", help="Last day (included) or moment (excluded), UTC.")
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--output", help="File to write (standard output when not given).")
def audit_export(since: str | None, until: str | None, fmt: str, output: str | None) -> None:
    """Write a range of the trail in sequence order, each event with its hashes, so that
    `audit verify --file` checks it without the database."""
    from actions.audit_evidence import FIELDS, csv_row, export_records, jsonl_line
    from admin.db import reading

    start, end = moment("--since", since), moment("--until", until, end=True)
    count, first, last = 0, None, None
    # A reading unit: the console goes on writing while a long range is exported.
    with reading(), _session() as session, _output(output) as out:
        writer = csv.writer(out) if fmt == "csv" else None
        if writer is not None:
            writer.writerow(FIELDS)
        for record in export_records(session, start, end):
            count, first, last = count + 1, first or record["seq"], record["seq"]
            if writer is not None:
                writer.writerow(csv_row(record))
            else:
                out.write(jsonl_line(record))
    if not count:
        click.echo(_("no event in this range"), err=True)
        return
    click.echo(
        _("exported %(count)s events, from event %(first)s to event %(last)s")
        % {"count": count, "first": first, "last": last},
        err=True,
    )


@audit.command("verify")
@click.option("--file", "path", help="An export to check without the database.")
@click.option("--anchor", help="SEQ:HASH of an anchor the trail must reach unchanged.")
def audit_verify(path: str | None, anchor: str | None) -> None:
    """Recompute the hash chain (of the database, or of an export with --file) and compare
    it with the anchors: exit 0 when intact, 1 naming the first bad event."""
    mark = given_anchor(anchor)
    if path is not None:
        _verify_file(path, mark)
        return
    from actions.audit_evidence import Mark, check_trail, latest_anchor
    from admin.db import reading

    with reading(), _session() as session:
        result = check_trail(session, [mark] if mark else [])
        latest = latest_anchor(session)
        latest_mark = Mark(latest.seq, latest.hash, latest.at) if latest else None
    if not result.intact:
        _fail(
            _(
                "audit chain broken at event %(seq)s: %(problem)s "
                "(%(count)s events verified before it)"
            )
            % {"seq": result.bad_seq, "problem": result.reason(), "count": result.count},
            code=1,
        )
    click.echo(_("audit chain intact: %(count)s events") % {"count": result.count})
    if result.count:
        click.echo(_("chain head: event %(seq)s, hash %(hash)s") % _head(result))
    if latest_mark is not None:
        click.echo(
            _("it reaches its latest anchor unchanged: event %(seq)s of %(date)s")
            % {"seq": latest_mark.seq, "date": latest_mark.date}
        )
    _reached(mark)


def _reached(mark: Any) -> None:
    if mark is not None:
        click.echo(_("it reaches the anchor given unchanged: event %(seq)s") % {"seq": mark.seq})


def _head(result: Any) -> dict[str, Any]:
    return {"seq": result.last_seq, "hash": result.last_hash}


def _verify_file(path: str, mark: Any) -> None:
    from actions.audit_evidence import check, read_export

    try:
        # utf-8-sig: an export saved again by a spreadsheet or an editor starts with a BOM.
        with open(path, encoding="utf-8-sig", newline="") as handle:
            result = check(read_export(handle), anchors=[mark] if mark else [])
    except OSError as error:
        _fail(_("cannot read %(file)s: %(why)s") % {"file": path, "why": error.strerror})
    except UnicodeDecodeError:
        _fail(_("cannot read %(file)s: it is not UTF-8 text") % {"file": path})
    if not result.intact:
        where = result.bad_seq if result.bad_seq is not None else "?"
        _fail(
            _("audit export broken at event %(seq)s: %(problem)s")
            % {
                "seq": where,
                "problem": result.reason(),
            },
            code=1,
        )
    if not result.count:
        click.echo(_("audit export intact: it holds no event"))
        return
    click.echo(
        _("audit export intact: %(count)s events, from event %(first)s to event %(last)s")
        % {"count": result.count, "first": result.first_seq, "last": result.last_seq}
    )
    click.echo(_("chain head: event %(seq)s, hash %(hash)s") % _head(result))
    _reached(mark)


@audit.command("anchor")
def audit_anchor() -> None:
    """Write the chain's head down and mail it to the supervisors (the dispatcher does it
    once a day)."""
    from actions.audit_anchor import anchor
    from actions.context import Actor

    actor = Actor.system("command-line")
    with _session() as session:
        session.info["actor"] = actor
        anchored = anchor(session, actor)
        session.commit()
        if anchored is None:
            click.echo(_("the trail is empty: nothing to anchor"))
            return
        mark = anchored.anchor
        params = {"seq": mark.seq, "hash": mark.hash}
    if not anchored.new:
        click.echo(
            _("nothing happened since the last anchor: event %(seq)s, hash %(hash)s") % params
        )
        return
    click.echo(_("anchored at event %(seq)s, hash %(hash)s") % params)
    if anchored.recipients:
        click.echo(_("mailed to: %(to)s") % {"to": ", ".join(anchored.recipients)})
    else:
        click.echo(_("no supervisor has an e-mail address: keep the line above outside Sportello"))
