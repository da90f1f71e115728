"""Declarative base, naming convention and the UTC timestamp type."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import DateTime, Enum, Index, MetaData, TypeDecorator
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes in Python, naive UTC in the database (SQLite has no zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            return value  # naive values are UTC already (e.g. a list filter's bounds)
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


def str_enum(enum_class: type[enum.StrEnum], name: str) -> Enum:
    """A portable enum column: VARCHAR plus a CHECK constraint, values not names."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=24,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def _as_written(message: str) -> str:
    return message


def _to_the_minute(moment: dt.date) -> str:
    if isinstance(moment, dt.datetime):
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.isoformat()


@dataclass(frozen=True)
class Wording:
    """How a record's label is written for the person reading it: `gettext` translates its
    words ("member"), `when` writes a date or a moment. The default writes English and ISO
    dates (logs, the command line); the console passes its reader's language."""

    gettext: Callable[[str], str] = _as_written
    when: Callable[[dt.date], str] = _to_the_minute


PLAIN = Wording()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime}

    def label(self, words: Wording = PLAIN) -> str:
        """What a person reads for this record in a list cell, a picker or a message: its
        own columns, or relations loaded with it, never a query of its own (a list page
        writes one per row)."""
        return words.gettext("No. %(id)s") % {"id": getattr(self, "id", "")}

    def heading(self, words: Wording = PLAIN) -> str:
        """The record's page title: its label, or a shorter name where one says enough."""
        return self.label(words)


def id_order_index(table: str) -> Index:
    """SQLite reads a list ordered by id from this narrow index instead of walking the
    table's rows (on PostgreSQL it repeats the primary key's)."""
    return Index(f"ix_{table}_id_order", "id")
