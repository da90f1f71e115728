"""Settings read from the environment, with safe defaults for a laptop.

A missing or malformed setting stops start-up with one line naming it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"

# htmx is pinned: the CDN URL, its integrity hash and the copy fetched by
# `make htmx` are the same release.
HTMX_VERSION = "2.0.8"
HTMX_CDN_URL = f"https://cdn.jsdelivr.net/npm/htmx.org@{HTMX_VERSION}/dist/htmx.min.js"
HTMX_CDN_INTEGRITY = "sha384-/TgkGk7p307TH7EXJDuUlgG3Ce1UVolAOFopFekQkkXihi5u/6OCvVKyz1W+idaz"
HTMX_LOCAL_URL = "/static/vendor/htmx.min.js"
# Chart.js draws the appointment reports' chart; pinned the same way.
CHART_VERSION = "4.5.1"
CHART_CDN_URL = f"https://cdn.jsdelivr.net/npm/chart.js@{CHART_VERSION}/dist/chart.umd.min.js"
CHART_CDN_INTEGRITY = "sha384-jb8JQMbMoBUzgWatfe6COACi2ljcDdZQ2OxczGA3bGNeWe+6DChMTBJemed7ZnvJ"
CHART_LOCAL_URL = "/static/vendor/chart.umd.min.js"


N = TypeVar("N", int, float)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    smtp_url: str
    mail_from: str
    htmx_url: str
    base_url: str
    chart_url: str
    demo: bool
    # How long a writer waits for SQLite's write lock, and how many connections a process
    # keeps (None: the backend's default, see admin.db); past them a request answers 503.
    database_busy_timeout: float = 5.0
    database_pool_size: int | None = None

    @property
    def htmx_integrity(self) -> str | None:
        return HTMX_CDN_INTEGRITY if self.htmx_url == HTMX_CDN_URL else None

    @property
    def chart_integrity(self) -> str | None:
        return CHART_CDN_INTEGRITY if self.chart_url == CHART_CDN_URL else None

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")


def load(env: Mapping[str, str] | None = None, *, demo: bool = False) -> Settings:
    env = os.environ if env is None else env
    demo = demo or _flag(env, "SPORTELLO_DEMO")
    return Settings(
        database_url=_database_url(env),
        secret_key=_secret_key(env, demo),
        smtp_url=_url(env, "SMTP_URL", "smtp://localhost:25", ("smtp", "smtps")),
        mail_from=_mail_from(env),
        htmx_url=env.get("HTMX_URL", HTMX_CDN_URL),
        base_url=_url(env, "BASE_URL", "http://127.0.0.1:8000", ("http", "https")).rstrip("/"),
        chart_url=env.get("CHART_URL", CHART_CDN_URL),
        demo=demo,
        database_busy_timeout=_positive(env, "DATABASE_BUSY_TIMEOUT", float, None) or 5.0,
        database_pool_size=_positive(env, "DATABASE_POOL_SIZE", int, None),
    )


def _positive(env: Mapping[str, str], name: str, kind: type[N], default: N | None) -> N | None:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = kind(value)
    except ValueError:
        number = kind(0)
    if number <= 0:
        raise SettingsError(f"{name} must be a positive {kind.__name__}, got {value!r}")
    return number


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").lower() in {"1", "true", "yes", "on"}


def _database_url(env: Mapping[str, str]) -> str:
    url = env.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'sportello.db'}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise SettingsError(
            "DATABASE_URL is not a database URL (sqlite:///... or postgresql+psycopg://...)"
        ) from None
    if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
        raise SettingsError("DATABASE_URL must point to SQLite or PostgreSQL")
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _secret_key(env: Mapping[str, str], demo: bool) -> str:
    key = env.get("SECRET_KEY", "")
    if key:
        if len(key) < 32:
            raise SettingsError("SECRET_KEY must be at least 32 characters long")
        return key
    if not demo:
        raise SettingsError("SECRET_KEY is required outside demo mode (at least 32 characters)")
    return _demo_secret_key()


def _demo_secret_key() -> str:
    """The demo keeps a generated key in data/ so sessions survive a restart."""
    path = DATA_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _url(env: Mapping[str, str], name: str, default: str, schemes: tuple[str, ...]) -> str:
    value = env.get(name) or default
    parts = urlsplit(value)
    if parts.scheme not in schemes or not parts.hostname:
        raise SettingsError(
            f"{name} must be a {' or '.join(schemes)} URL with a host, got {value!r}"
        )
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise SettingsError(f"{name} has a malformed port: {value!r}") from None
    return value


def _mail_from(env: Mapping[str, str]) -> str:
    value = env.get("MAIL_FROM", "Sportello <sportello@localhost>")
    address = value.rsplit("<", 1)[-1].rstrip(">").strip()
    if "@" not in address:
        raise SettingsError(f"MAIL_FROM must contain an e-mail address, got {value!r}")
    return value
