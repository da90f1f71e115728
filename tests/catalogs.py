"""The console's messages as the source writes them, for the translation checks.

Sportello's are extracted with babel.cfg, the mapping scripts/messages.sh gives pybabel;
starlette-admin's from its own templates and code. `english_texts` says which of them a
page in a language must not show: a browser scenario looks for them in its pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import starlette_admin
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from admin import i18n

ROOT = Path(__file__).resolve().parent.parent
STARLETTE_ADMIN = Path(starlette_admin.__file__).parent
STARLETTE_ADMIN_TEMPLATES = "**/templates/**.html"
STARLETTE_ADMIN_KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
}
# %(name)s, %(count)d and starlette-admin's JavaScript {count}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
WORD = re.compile(r"[^\W\d_]{3,}")

Message = tuple[str, str | None]  # msgid (the singular of a plural), message context


@dataclass(frozen=True)
class Found:
    where: str  # file:line of its first use
    plural: str | None = None


def _extracted(root: Path, *args: object, **kwargs: object) -> dict[Message, Found]:
    found: dict[Message, Found] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(root), *args, **kwargs
    ):
        msgid, plural = message[:2] if isinstance(message, tuple) else (message, None)
        if msgid:
            found.setdefault((msgid, context), Found(f"{filename}:{lineno}", plural))
    return found


@cache
def sportello_messages() -> dict[Message, Found]:
    """Each msgid (with its context) found in Sportello's source tree."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")
    return _extracted(ROOT, method_map, options_map)


@cache
def starlette_admin_messages() -> dict[Message, Found]:
    """Each msgid starlette-admin's templates and code translate."""
    method_map = [(STARLETTE_ADMIN_TEMPLATES, "jinja2"), ("**.py", "python")]
    options = {
        STARLETTE_ADMIN_TEMPLATES: {"extensions": "jinja2.ext.i18n", "newstyle_gettext": "true"}
    }
    return _extracted(STARLETTE_ADMIN, method_map, options, keywords=STARLETTE_ADMIN_KEYWORDS)


def translation(locale: str, msgid: str, context: str | None = None) -> str | None:
    """The translation the console uses (`admin.i18n.catalog`), or None when it has none."""
    known: dict[object, str] = getattr(i18n.catalog(locale), "_catalog", {})
    key = msgid if context is None else f"{context}\x04{msgid}"
    return known.get(key) or known.get((key, 0)) or None


def english_texts(locale: str) -> dict[str, re.Pattern[str]]:
    """Each English text a page in `locale` must not show, with the pattern matching it as a
    whole text (`fullmatch`; a placeholder stands for any text): every msgid, singular and plural, but
    those the language writes the same ("Email", "SMS") and those that are, as they are, the
    translation of another msgid."""
    own_words = set(getattr(i18n.catalog(locale), "_catalog", {}).values())
    messages = {**starlette_admin_messages(), **sportello_messages()}
    english: dict[str, re.Pattern[str]] = {}
    for (msgid, context), found in messages.items():
        if translation(locale, msgid, context) == msgid:
            continue
        for text in (msgid, found.plural):
            if text and text not in own_words and WORD.search(PLACEHOLDER.sub("", text)):
                english[text] = _whole(text)
    return english


def _whole(text: str) -> re.Pattern[str]:
    """Matched with `fullmatch` against a text whose spaces are collapsed and stripped."""
    parts = PLACEHOLDER.split(" ".join(text.split()))
    return re.compile(".+?".join(re.escape(part) for part in parts), re.DOTALL)
