"""List searches and text filters take what was typed literally: `%` and `_` are
characters, not wildcards. The big lists search indexed keys by their start (below)."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, and_, cast, false, func, not_, or_
from sqlalchemy.sql.elements import ColumnElement
from starlette_admin import (
    ColorField,
    EmailField,
    EnumField,
    PhoneField,
    SlugField,
    StringField,
    TextAreaField,
    URLField,
)
from starlette_admin.contrib.sqla import filters as sqla_filters
from starlette_admin.fields import BaseField
from starlette_admin.filters import FilterApplyContext, filters
from starlette_admin.filters.base import BaseFilter

from models import Appointment, AuditEvent, Client, LoginAccount, Member, Ticket
from models.client import company_key, identifier_key
from models.member import search_key

ESCAPE = "\\"
# The field types starlette-admin searches as text.
TEXT_FIELDS = (
    StringField,
    SlugField,
    TextAreaField,
    EmailField,
    URLField,
    PhoneField,
    ColorField,
    EnumField,
)


def like_literal(text: str) -> str:
    """`text` for a LIKE pattern, its wildcards and the escape character escaped."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(column: Any, text: str) -> ColumnElement[bool]:
    """`column` contains `text`, in any case, every character taken literally."""
    result: ColumnElement[bool] = cast(column, String).ilike(
        f"%{like_literal(text)}%", escape=ESCAPE
    )
    return result


def any_field_contains(model: Any, fields: Sequence[BaseField], text: str) -> ColumnElement[bool]:
    """One of the searchable text fields contains `text` (starlette-admin's search, literal)."""
    return or_(
        *(
            contains(getattr(model, f.name), text)
            for f in fields
            if f.searchable and type(f) in TEXT_FIELDS
        )
    )


def _column(ctx: FilterApplyContext) -> Any:
    return getattr(getattr(ctx.view, "model", None), ctx.field_name)


def _like(ctx: FilterApplyContext, before: str, after: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = cast(_column(ctx), String).ilike(
        f"{before}{like_literal(str(ctx.value))}{after}", escape=ESCAPE
    )
    return result


class LiteralContains(sqla_filters.ContainsFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _like(ctx, "%", "%")


class LiteralNotContains(sqla_filters.NotContainsFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return not_(_like(ctx, "%", "%"))


class LiteralStartsWith(sqla_filters.StartsWithFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _like(ctx, "", "%")


class LiteralEndsWith(sqla_filters.EndsWithFilter):
    def apply(self, ctx: FilterApplyContext) -> Any:
        return _like(ctx, "%", "")


LITERAL: dict[type[BaseFilter], type[BaseFilter]] = {
    sqla_filters.ContainsFilter: LiteralContains,
    sqla_filters.NotContainsFilter: LiteralNotContains,
    sqla_filters.StartsWithFilter: LiteralStartsWith,
    sqla_filters.EndsWithFilter: LiteralEndsWith,
}


class LiteralFilterRegistry(sqla_filters.SqlaFilterRegistry):
    """starlette-admin's list filters, the text ones taking `%` and `_` literally."""

    @filters(StringField)
    def string_filters(self, field: BaseField) -> list[type[BaseFilter]]:
        return [_literal(f) for f in super().string_filters(field)]

    @filters(TextAreaField)
    def textarea_filters(self, field: BaseField) -> list[type[BaseFilter]]:
        return [_literal(f) for f in super().textarea_filters(field)]


def _literal(kind: type[BaseFilter]) -> type[BaseFilter]:
    return LITERAL.get(kind, kind)


# --- Indexed list search ------------------------------------------------------------------
#
# On the big lists the search box matches the start of a lookup key: a normalised name
# ("rossi", "mario rossi", "rossi mario"), an e-mail, a username, a tax code, a number. Each
# key is a range `key >= typed AND key < typed-with-its-last-character-incremented` on an
# index, so what was typed is matched character for character (`%` and `_` included) and
# no row is read that does not start with it. The range is a prefix in byte order: SQLite's
# BINARY, PostgreSQL's "C" (the normalised names) or a C.UTF-8 database (as the lookup).

_NAME = re.compile(r"[^\W\d_]+(?:[\s'\u2019.\-]+[^\W\d_]+)*[\s.]*")
_WORDS = re.compile(r"[\w\s'\u2019.,&\-]+")
_IDENTIFIER = re.compile(r"[A-Za-z0-9\s.\-/]+")


def name_words(typed: str) -> str | None:
    """A person's name as the lookup stores it ("D'Amico-Rossi Élodie" -> "damico rossi
    elodie"), when only a name was typed (letters, spaces, apostrophes, hyphens, dots)."""
    text = typed.strip()
    return (search_key(text) or None) if _NAME.fullmatch(text) else None


def company_words(typed: str) -> str | None:
    """A legal name as the lookup stores it ("Société Générale S.A." -> "societe generale"),
    when only words were typed (no `%`, no `_`)."""
    text = typed.strip()
    if not _WORDS.fullmatch(text) or "_" in text:
        return None
    return company_key(text) or None


def company_identifier(typed: str) -> str | None:
    """A SIRET or VAT number as stored, typed with or without spaces, dots or country code."""
    text = typed.strip()
    return identifier_key(text) if _IDENTIFIER.fullmatch(text) else None


def lowered(typed: str) -> str | None:
    """What was typed, in lower case, runs of spaces as one space."""
    return " ".join(typed.split()).lower() or None


def code(typed: str) -> str | None:
    """A code (tax code, ticket or client number) as stored, typed with or without spaces,
    in any case ("rss mra 85" -> "RSSMRA85")."""
    return "".join(typed.split()).upper() or None


@dataclass(frozen=True)
class SearchKey:
    """An indexed key the list search matches the start of.

    `column` is the model attribute; `lower` says the key is `lower(column)`, indexed as
    such (an `..._nocase` index); otherwise the column itself, indexed, is the key.
    `normalise` turns what was typed into the key's form, or None when it cannot be that
    kind of key."""

    column: Any
    normalise: Callable[[str], str | None] = lowered
    lower: bool = True

    def starts_with(self, typed: str) -> ColumnElement[bool] | None:
        key = self.normalise(typed)
        if not key:
            return None
        return starts_with(func.lower(self.column) if self.lower else self.column, key)


def successor(key: str) -> str | None:
    """The smallest string greater than every string that starts with `key` (code point
    order, which is UTF-8's byte order), or None when there is none."""
    for cut in range(len(key) - 1, -1, -1):
        if ord(key[cut]) < sys.maxunicode:
            return key[:cut] + chr(ord(key[cut]) + 1)
    return None


def starts_with(expression: Any, key: str) -> ColumnElement[bool]:
    """`expression` starts with `key`, as an index range."""
    upper = successor(key)
    lower_bound: ColumnElement[bool] = expression >= key
    return lower_bound if upper is None else and_(lower_bound, expression < upper)


def keys_start_with(keys: Sequence[SearchKey], typed: str) -> ColumnElement[bool]:
    """One of `keys` starts with what was typed (false when none can)."""
    clauses = [c for c in (k.starts_with(typed) for k in keys) if c is not None]
    return or_(*clauses) if clauses else false()


def _member_keys() -> list[SearchKey]:
    return [
        SearchKey(Member.search_name, name_words, lower=False),
        SearchKey(Member.search_name_reversed, name_words, lower=False),
        SearchKey(Member.email),
        SearchKey(Member.tax_code, code, lower=False),
    ]


# The keys of the lists that grow to a million rows; a view may declare its own.
SEARCH_KEYS: dict[type, Callable[[], list[SearchKey]]] = {
    Member: _member_keys,
    LoginAccount: lambda: [SearchKey(LoginAccount.username), SearchKey(LoginAccount.login_email)],
    Client: lambda: [
        SearchKey(Client.client_number, code, lower=False),
        SearchKey(Client.name_key, company_words, lower=False),
        SearchKey(Client.identifier_key, company_identifier, lower=False),
        SearchKey(Client.email),
    ],
    Ticket: lambda: [
        SearchKey(Ticket.number, code, lower=False),
        SearchKey(Ticket.requester_email),
        SearchKey(Ticket.requester_name),
    ],
    Appointment: lambda: [SearchKey(Appointment.prospect)],
    AuditEvent: lambda: [
        # Written in lower case by the application.
        SearchKey(AuditEvent.operator_username, lower=False),
        SearchKey(AuditEvent.action, lower=False),
        SearchKey(AuditEvent.entity_type, lower=False),
    ],
}


def search_keys_for(model: type) -> list[SearchKey]:
    keys = SEARCH_KEYS.get(model)
    return keys() if keys else []
