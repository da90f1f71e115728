"""The ASGI application: the Admin with its views, the member-facing reset page, static
files, and (when serving) the outbox dispatcher running beside the console."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette_admin.contrib.sqla import Admin
from starlette_admin.i18n import I18nConfig
from starlette_admin.security.csrf import CSRFMiddleware

from actions import audit_diff, client_history, diagnosis, outbox, tickets
from admin import csp, delivery, errors, i18n, slots
from admin.auth import OperatorAuthProvider
from admin.db import engine_for, make_sessionmaker
from admin.middleware import RequestContextMiddleware, TranslatedCSRFMiddleware
from admin.settings import ROOT, Settings
from views import (
    access_requests,
    appointments,
    audit_trail,
    clients,
    duplicates,
    history,
    intake,
    knowledge,
    lookup,
    menu,
    my_actions,
    register,
    rendering,
    reset_page,
    row_actions,
    supervision,
    ticket_open,
)
from views.access_requests import AccessRequestView
from views.appointments import AgentView, AppointmentView, CampaignView, UnavailabilityView
from views.audit import AuditView
from views.audit import field_labels as audit_labels
from views.base import SportelloModelView
from views.clients import ClientEventView, ClientView
from views.knowledge import KnowledgeArticleView
from views.login_accounts import LoginAccountView
from views.members import MemberView, ValidationQueueView
from views.operators import OperatorView
from views.organizations import OrganizationView
from views.outbox import OutboxView
from views.tickets import MyTicketsView, OverdueTicketsView, TicketView, UnassignedTicketsView
from views.trainings import EnrollmentView, TrainingView

log = logging.getLogger("sportello")
TEMPLATES = ROOT / "views" / "templates"
STATIC = ROOT / "static"
DISPATCH_EVERY_SECONDS = 2.0


def build_app(
    settings: Settings,
    *,
    engine: Engine | None = None,
    dispatcher: bool = False,
    dispatch_every: float = DISPATCH_EVERY_SECONDS,
) -> Starlette:
    i18n.install()
    engine = engine or engine_for(settings)
    session_factory = make_sessionmaker(engine)
    admin = Admin(
        session_factory,
        title="Sportello",
        base_url="/admin",
        templates_dir=str(TEMPLATES),
        static_dir=str(STATIC / "admin"),  # flatpickr's it/nl locales, fetched at set-up
        auth_provider=OperatorAuthProvider(session_factory, secure_cookies=settings.secure_cookies),
        secret_key=settings.secret_key,
        middlewares=[Middleware(RequestContextMiddleware)],
        i18n_config=I18nConfig(
            default_locale=i18n.DEFAULT_LOCALE, language_switcher=list(i18n.LOCALES)
        ),
    )
    i18n.install()  # our wording over the catalogs the Admin merged while it was built
    _translate_csrf_refusals(admin, settings)
    csp.install(admin.templates.env)
    env = admin.templates.env
    env.globals["static_url"] = delivery.versioned_static_url(cast(Any, env.globals["static_url"]))
    env.globals["static_file"] = delivery.static_file
    rendering.install(env, reload=rendering.reload_templates())
    i18n.install_formats(admin.templates.env)
    views: list[SportelloModelView] = [
        MemberView(),
        ValidationQueueView(),
        LoginAccountView(),
        ClientView(),
        ClientEventView(),
        TrainingView(),
        EnrollmentView(),
        OrganizationView(),
        TicketView(),
        MyTicketsView(),
        UnassignedTicketsView(),
        OverdueTicketsView(),
        AccessRequestView(),
        KnowledgeArticleView(),
        CampaignView(),
        AppointmentView(),
        AgentView(),
        UnavailabilityView(),
        OutboxView(),
        AuditView(),
        OperatorView(),
    ]
    menu.register_views(admin, views)
    admin.routes[0:0] = [
        row_actions.route(views),
        *lookup.routes(),
        *register.routes(),
        *intake.routes(),
        *duplicates.routes(),
        *clients.routes(),
        *knowledge.routes(),
        *ticket_open.routes(),
        *access_requests.routes(),
        *appointments.routes(),
        *audit_trail.routes(),
        *history.routes(),
        *supervision.routes(),
        *my_actions.routes(),
    ]

    app = Starlette(
        routes=[
            Route("/", lambda request: RedirectResponse("/admin/")),
            *reset_page.routes(),
            *access_requests.public_routes(),
            Mount("/static", StaticFiles(directory=STATIC, check_dir=False), name="static"),
        ],
        middleware=[*delivery.middleware(), Middleware(RequestContextMiddleware)],
        lifespan=_lifespan(settings, engine, dispatch_every) if dispatcher else None,
    )
    admin.mount_to(app)
    rendering.index_routes(app.router)
    admin.templates.env.globals["diagnose"] = diagnosis.findings
    admin.templates.env.globals["audit_diff"] = audit_diff.diff
    admin.templates.env.globals["audit_labels"] = audit_labels
    admin.templates.env.globals["client_history"] = client_history.history_of
    admin.templates.env.globals["ticket_timeline"] = tickets.timeline_of
    admin.templates.env.globals["campaign_counters"] = appointments.campaign_counters
    for state in (app.state, admin.app.state):
        state.settings = settings
        state.templates = admin.templates
        state.session_factory = session_factory
        state.request_slots = slots.RequestSlots.for_engine(engine)
        state.views = views
    app.state.admin = admin
    errors.install(app, admin)
    return app


def _translate_csrf_refusals(admin: Admin, settings: Settings) -> None:
    admin.middlewares = [
        Middleware(TranslatedCSRFMiddleware, secret_key=settings.secret_key)
        if cast(Any, m).cls is CSRFMiddleware
        else m
        for m in admin.middlewares
    ]


def _lifespan(
    settings: Settings, engine: Engine, every: float
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        stop = threading.Event()
        worker = threading.Thread(
            target=run_dispatcher,
            args=(settings, engine, stop, every),
            daemon=True,
            name="outbox-dispatcher",
        )
        worker.start()
        try:
            yield
        finally:
            stop.set()
            worker.join(timeout=10)

    return lifespan


def run_dispatcher(
    settings: Settings, engine: Engine, stop: threading.Event, every: float = DISPATCH_EVERY_SECONDS
) -> None:
    """Deliver the outbox until `stop` is set; errors are logged, never fatal.

    Every `serve` process runs one, on the same database: each message is claimed by one
    of them (a conditional update, with `SKIP LOCKED` on PostgreSQL) and mailed once. A
    claim names the host and process that made it.

    Once a minute it also asks whether the audit trail's daily anchor is due (the latest is
    a day old): the first dispatcher to find it due anchors, the others then find it done."""
    import os
    import socket
    import time

    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    from actions.audit_anchor import anchor_if_due, anchor_is_due
    from actions.context import Actor
    from admin.db import reading
    from models import utcnow

    session_factory = make_sessionmaker(engine)
    transports = outbox.transports_from(settings.smtp_url, settings.mail_from)
    worker = f"{socket.gethostname()[:60]}:{os.getpid()}"
    anchorer = Actor.system("dispatcher")
    next_anchor_check = 0.0
    while not stop.is_set():
        if time.monotonic() >= next_anchor_check:
            next_anchor_check = time.monotonic() + 60
            try:
                with reading(), session_factory() as session:  # no write lock for the look
                    due = anchor_is_due(session, utcnow())
                if due:
                    with session_factory() as session:
                        session.info["actor"] = anchorer
                        if anchor_if_due(session, anchorer) is not None:
                            session.commit()
            except OperationalError as exc:  # busy or unreachable: the next look will do
                log.warning(
                    "daily audit anchor: the database refused (%s); again in a minute", exc.orig
                )
            except PoolTimeout:
                log.warning("daily audit anchor: no database connection free; again in a minute")
            except Exception:
                log.exception("daily audit anchor failed; asking again in a minute")
        try:
            outbox.dispatch_once(session_factory, transports, worker=worker)
        except OperationalError as exc:  # busy (another process writes) or unreachable
            log.warning(
                "outbox dispatch: the database refused (%s); again in %s s", exc.orig, every
            )
        except PoolTimeout:  # every connection of the process is in use by requests
            log.warning("outbox dispatch: no database connection free; again in %s s", every)
        except Exception:
            log.exception("outbox dispatch failed; retrying in %s s", every)
        stop.wait(every)


def static_path(name: str) -> Path:
    return STATIC / name
