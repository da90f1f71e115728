"""Languages: gettext catalogs for Sportello's strings and for starlette-admin's.

starlette-admin ships French but no Italian or Dutch, and offers no public way to add a
locale, so `install()` extends its locale list and translation table before the Admin is
built. A msgid that reads differently by what it qualifies ("resolved": a ticket is
"risolto", a request "risolta") carries a message context: `NC_` marks it, `gettext`
translates it in its context.
Catalogs are kept as .po files and compiled in memory at start-up: no build step, no
binary files in the repository.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date, format_datetime, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import Environment
from starlette_admin import i18n as sa_i18n

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LOCALES = ("en", "it", "fr", "nl")
DEFAULT_LOCALE = "en"
DOMAIN = "sportello"
# English is written as in Europe, where the desks are: a 24-hour clock, the day first.
FORMAT_LOCALES = {"en": "en_GB"}


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


class Msgid(str):
    """A msgid that keeps its message context until it is translated."""

    context: str

    def __new__(cls, message: str, context: str) -> Msgid:
        msgid = super().__new__(cls, message)
        msgid.context = context
        return msgid


def NC_(context: str, message: str) -> str:
    """Mark a string with its context (`NC_("ticket state", "resolved")`); `gettext` and the
    templates' `_` translate it in that context."""
    return Msgid(message, context)


def gettext(message: str) -> str:
    context = getattr(message, "context", None)
    if context is not None:
        return pgettext(context, message)
    return sa_i18n.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return sa_i18n.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return catalog(current_locale()).upgettext(context, str(message))


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return catalog(current_locale()).unpgettext(context, singular, plural, n)


_ = gettext


def current_locale() -> str:
    return sa_i18n.get_locale()


def set_locale(locale: str) -> None:
    sa_i18n.set_locale(locale if locale in LOCALES else DEFAULT_LOCALE)


def translate(locale: str, message: str) -> str:
    """Translate outside a request, e.g. a mail in the recipient's language."""
    translations = catalog(locale if locale in LOCALES else DEFAULT_LOCALE)
    context = getattr(message, "context", None)
    if context is not None:
        return translations.upgettext(context, str(message))
    return translations.ugettext(message)


def negotiate(accept_language: str | None) -> str | None:
    """Pick a supported locale from an Accept-Language header (`it-IT,it;q=0.9`)."""
    if not accept_language:
        return None
    preferred = [lang.replace("-", "_") for lang in _by_quality(accept_language)]
    return negotiate_locale(preferred, list(LOCALES), sep="_") or negotiate_locale(
        [p.split("_")[0] for p in preferred], list(LOCALES), sep="_"
    )


def _by_quality(header: str) -> list[str]:
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        lang, _sep, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if lang and lang != "*" and quality > 0:
            weighted.append((-quality, index, lang))
    return [lang for _q, _i, lang in sorted(weighted)]


def language_name(locale: str) -> str:
    try:
        return (Locale.parse(locale).get_display_name(locale) or locale).capitalize()
    except UnknownLocaleError:
        return locale


@cache
def catalog(locale: str) -> NullTranslations:
    """starlette-admin's own catalog (when it has one), ours for it, then Sportello's."""
    merged: NullTranslations = sa_i18n.translations.get(locale) or NullTranslations()
    for extra in _ours(locale):
        if isinstance(merged, Translations):
            merged.merge(extra)
        else:
            merged = extra
    return merged


@cache
def _ours(locale: str) -> tuple[Translations, ...]:
    """Our catalogs for `locale`: starlette-admin's strings as we word them, then Sportello's."""
    found = (
        _compiled(TRANSLATIONS_DIR / locale / "LC_MESSAGES" / f"{domain}.po")
        for domain in ("starlette_admin", DOMAIN)
    )
    return tuple(extra for extra in found if extra is not None)


def _compiled(po_path: Path) -> Translations | None:
    if not po_path.exists():
        return None
    with po_path.open("rb") as handle:
        parsed = read_po(handle, locale=po_path.parts[-3])
    buffer = io.BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(fp=buffer, domain=po_path.stem)


def install(locales: Iterable[str] = LOCALES) -> None:
    """Register our locales and catalogs with starlette-admin (idempotent).

    Call it again once the Admin is built: building it merges the theme's own catalogs over
    the active ones ("Nouveau %(name)s" over our "Créer : %(name)s"); ours are merged back
    on top."""
    for locale in locales:
        if locale not in sa_i18n.SUPPORTED_LOCALES:
            sa_i18n.SUPPORTED_LOCALES.append(locale)
        merged = catalog(locale)
        if isinstance(merged, Translations):
            for extra in _ours(locale):
                if extra is not merged:
                    merged.merge(extra)
        sa_i18n.translations[locale] = merged


def lazy_gettext(message: str) -> str:
    """For labels defined at import time: translated when shown."""
    return sa_i18n.lazy_gettext(message)


def format_when(value: datetime | date | time | None, style: str = "short") -> str:
    """A date, a date and time or a time of day as the operator's language writes it
    (`7/12/26, 18:02` in Italian); nothing for no value."""
    if value is None:
        return ""
    locale = _format_locale()
    if isinstance(value, datetime):
        return format_datetime(value, style, locale=locale)
    if isinstance(value, time):
        return format_time(value, style, locale=locale)
    return format_date(value, style, locale=locale)


def format_number(value: float | None) -> str:
    """A number as the operator's language writes it (`1.234,5` in Italian)."""
    return "" if value is None else format_decimal(value, locale=_format_locale())


def _format_locale() -> str:
    return FORMAT_LOCALES.get(current_locale(), current_locale())


def install_formats(env: Environment) -> None:
    """Template filters: `when` for dates and times, `number` for numbers, per locale; and
    the gettext functions, with `pgettext` and `npgettext` and contexts kept by `_`."""
    filters: dict[str, Any] = {"when": format_when, "number": format_number}
    env.filters.update(filters)
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by jinja2.ext.i18n
        gettext, ngettext, newstyle=True, pgettext=pgettext, npgettext=npgettext
    )
