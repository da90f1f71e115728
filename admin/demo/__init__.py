"""Idempotent demo data: what a newcomer, QA and a reviewer first see."""

from __future__ import annotations

import datetime as dt
import os
import random
import secrets
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.it import codicefiscale

from actions.context import Actor
from actions.knowledge import search
from actions.operators import create_operator
from actions.passwords import hash_password
from actions.tickets import TARGETS
from admin.settings import DATA_DIR
from models import (
    AccessRequest,
    AccessRequestKind,
    AccountState,
    Agent,
    Appointment,
    AppointmentState,
    ArticleAudience,
    Campaign,
    Client,
    ClientEvent,
    ClientOrigin,
    CredentialPolicy,
    Enrollment,
    EnrollmentState,
    EventKind,
    KnowledgeArticle,
    LoginAccount,
    Member,
    MemberState,
    Operator,
    Organization,
    Role,
    SearchLog,
    Ticket,
    TicketComment,
    TicketPriority,
    TicketSource,
    TicketState,
    Training,
    Unavailability,
)

ACTOR = Actor.system("demo-data")
ORGANIZATIONS = [
    ("Welfare Aziendale Rossi S.p.A.", "ROSSI2026", "IT", "it"),
    ("Association Secours Var", "SECOURS83", "FR", "en"),
    ("Bibliotheek Utrecht", "BIBUTRECHT", "NL", "en"),
]
LIBRARY_ISIL = "NL-1234AB"
PIN_MEMBER = 0
# Library login accounts (seed 004): username, demo member number or None (unlinked), state,
# activation expired days ago, phone codes sent today.
ACCOUNTS = [
    ("20010045", None, AccountState.ACTIVE, None, 0),  # unlinked, found by card number
    ("NL-1234AB-20010046", None, AccountState.ACTIVE, None, 0),  # found by ISIL + card number
    (
        "20010047",
        2,
        AccountState.PENDING_ACTIVATION,
        3,
        0,
    ),  # activation expired 3 days ago
    ("20010048", 5, AccountState.ACTIVE, None, 3),  # phone-code limit reached today
    ("20010049", 8, AccountState.LOCKED, None, 0),  # locked after failed logins
]
# Clients (seed 001) with the duplicates an operator meets: the same name typed again, a
# district added, a near spelling, the same SIRET under another name; and their events.
CLIENTS = [
    ("Mairie de Toulon", "214 301 376 00015", "mairie@toulon.example.fr", 3),
    ("MAIRIE DE TOULON", None, "accueil@toulon.example.fr", 1),  # certain: same name
    ("Mairie de Toulon Ouest", None, None, 2),  # probable: same group of words
    ("Ville de Toulon", "21430137600015", None, 1),  # certain: same SIRET
    ("Comune di Roma", "IT00743110157", "protocollo@roma.example.it", 2),
    ("Comune di Rona", None, None, 1),  # probable: near spelling
    ("Gemeente Utrecht", None, "info@utrecht.example.nl", 2),
    ("Gemeente Utrect", None, None, 0),  # probable: near spelling, no events
    ("Association Secours Var", None, "contact@secours-var.example.fr", 2),
    ("Rossi S.r.l.", None, "ufficio@rossi.example.it", 1),
    ("Bakkerij Jansen B.V.", "NL004495445B01", "info@jansen.example.nl", 1),
]
TRAININGS = [  # type, days from today, public
    ("First aid", 10, True),
    ("First aid", 40, True),
    ("Fire safety", 20, False),
]
ENROLMENTS = [  # training index, trainee, e-mail, state
    (0, "Sophie Martin", "sophie.martin@example.fr", EnrollmentState.PENDING),
    (0, "Luca Bianchi", "luca.bianchi@example.it", EnrollmentState.VALIDATED),
    (2, "Anna de Vries", "anna.devries@example.nl", EnrollmentState.PENDING),
]
FIRST = [
    "Mario",
    "Giulia",
    "Luca",
    "Francesca",
    "Marco",
    "Chiara",
    "Jean",
    "Sophie",
    "Paolo",
    "Elena",
    "Claire",
    "Pierre",
    "Anna",
    "Davide",
    "Marie",
]
LAST = [
    "Rossi",
    "Bianchi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Dupont",
    "Martin",
    "Romano",
    "Colombo",
    "Ricci",
    "Bernard",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
]
STREETS = ["Via Roma", "Corso Italia", "Rue de la Paix", "Via Garibaldi", "Avenue Foch"]
OPERATORS = [
    ("demo-operator", Role.OPERATOR),
    ("demo-supervisor", Role.SUPERVISOR),
    ("demo-admin", Role.ADMIN),
]


@dataclass
class DemoReport:
    password: str
    created: dict[str, int] = field(default_factory=dict)


def demo_password() -> str:
    """SPORTELLO_DEMO_PASSWORD, or one generated once and kept in data/."""
    if os.environ.get("SPORTELLO_DEMO_PASSWORD"):
        return os.environ["SPORTELLO_DEMO_PASSWORD"]
    path = DATA_DIR / "demo_password"
    if path.exists():
        return path.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    path.write_text(password)
    path.chmod(0o600)
    return password


def load_demo_data(session: Session, password: str, members: int = 60) -> DemoReport:
    session.info["actor"] = ACTOR
    report = DemoReport(password)
    report.created["operators"] = _operators(session, password)
    organizations, report.created["organizations"] = _organizations(session)
    session.flush()
    report.created["members"] = _members(session, organizations, members)
    session.flush()
    report.created["login accounts"] = _accounts(session, organizations[2]) + _pin_account(
        session, organizations[0]
    )
    report.created["clients"] = _clients(session)
    report.created["trainings"] = _trainings(session)
    report.created["articles"] = _knowledge(session)
    report.created["portal companies"] = _portal_companies(session, password)
    report.created["tickets"] = _tickets(session)
    report.created["campaigns"] = _campaigns(session)
    return report


def _operators(session: Session, password: str) -> int:
    created = 0
    for username, role in OPERATORS:
        if session.scalar(select(Operator).where(Operator.username == username)) is None:
            display = username.replace("demo-", "Demo ").title()
            create_operator(session, ACTOR, username, password, role, display_name=display)
            created += 1
    return created


def _organizations(session: Session) -> tuple[list[Organization], int]:
    found, created = [], 0
    for name, code, country, language in ORGANIZATIONS:
        org = session.scalar(select(Organization).where(Organization.company_code == code))
        if org is None:
            org = Organization(name=name, company_code=code, country=country, language=language)
            if country == "NL":
                org.isil, org.timezone = LIBRARY_ISIL, "Europe/Amsterdam"
            if country == "IT":
                org.credential_policy = CredentialPolicy.PIN  # seed 000: members log in with a PIN
            session.add(org)
            created += 1
        found.append(org)
    return found, created


def demo_tax_code(index: int) -> str:
    """The valid codice fiscale of demo member number `index` (name, birth date, checksum)."""
    first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
    letters = (last[:3] + first[:3]).upper().ljust(6, "X")
    born = f"{(1950 + index % 50) % 100:02d}{'ABCDEHLMPRST'[index % 12]}{1 + index % 28:02d}"
    body = f"{letters}{born}{'ABCDEFGHILM'[index % 11]}{100 + index:03d}"
    return body + codicefiscale.calc_check_digit(body)


def _members(session: Session, organizations: list[Organization], count: int) -> int:
    existing = set(session.scalars(select(Member.tax_code)))
    states = [
        MemberState.PENDING,
        MemberState.PENDING,
        MemberState.VALIDATED,
        MemberState.INCOMPLETE,
        MemberState.REJECTED,
    ]
    created = 0
    for index in range(count):
        tax_code = demo_tax_code(index)
        if tax_code in existing:
            continue
        first, last = FIRST[index % len(FIRST)], LAST[(index * 7) % len(LAST)]
        state = states[index % len(states)]
        member = Member(
            organization=organizations[index % len(organizations)],
            first_name=first,
            last_name=last,
            tax_code=tax_code,
            birth_date=dt.date(1950 + index % 50, 1 + index % 12, 1 + index % 28),
            address=f"{STREETS[index % len(STREETS)]} {index + 1}",
            email=None if index % 6 == 1 else f"{first}.{last}{index}@example.org".lower(),
            mobile=f"+39333{1000000 + index}",
            state=state,
        )
        if state == MemberState.INCOMPLETE or index % 10 == 7:
            member.address = None  # some pending members too: not in the validation queue
        if state == MemberState.VALIDATED:
            member.dues_year = 2026
            member.validated_at = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
            # certified with a phone code: nobody else registers with this number
            member.mobile_verified_at = dt.datetime(2026, 1, 10, 18, 5, tzinfo=dt.UTC)
        session.add(member)
        created += 1
    return created


def _pin_account(session: Session, welfare: Organization) -> int:
    """Demo member number 0 logs in to the welfare platform with a PIN (seed 000)."""
    member = session.scalar(select(Member).where(Member.tax_code == demo_tax_code(PIN_MEMBER)))
    if member is None or member.email is None or member.login_account is not None:
        return 0
    session.add(
        LoginAccount(
            organization=welfare,
            member=member,
            username=member.email,
            login_email=member.email,
            state=AccountState.ACTIVE,
        )
    )
    return 1


def _accounts(session: Session, library: Organization) -> int:
    now = dt.datetime.now(dt.UTC)
    today = now.astimezone(ZoneInfo(library.timezone)).date()
    created = 0
    for username, member_number, state, expired_days, codes in ACCOUNTS:
        if (
            session.scalar(select(LoginAccount).where(LoginAccount.username == username))
            is not None
        ):
            continue
        member = (
            session.scalar(select(Member).where(Member.tax_code == demo_tax_code(member_number)))
            if member_number is not None
            else None
        )
        if member is not None:
            member.organization, member.card_number = library, username.rsplit("-", 1)[-1]
        account = LoginAccount(
            organization=library,
            member=member,
            username=username,
            state=state,
            login_email=member.email
            if member and member.email
            else f"reader{username[-2:]}@example.nl",
            activation_expires_at=now - dt.timedelta(days=expired_days) if expired_days else None,
            phone_sends_today=codes,
            phone_sends_day=today if codes else None,
            failed_attempts=10 if state == AccountState.LOCKED else 0,
        )
        session.add(account)
        created += 1
    return created


def _clients(session: Session) -> int:
    if session.scalar(select(Client.id).limit(1)) is not None:
        return 0
    kinds = [EventKind.EVENT_COVER, EventKind.TRAINING_REQUEST, EventKind.OTHER]
    for index, (name, identifier, email, events) in enumerate(CLIENTS, start=1):
        client = Client(
            client_number=f"C{index:06d}",
            legal_name=name,
            identifier=identifier,
            email=email,
            origin=ClientOrigin.IMPORT,
        )
        session.add(client)
        for number in range(events):
            session.add(
                ClientEvent(
                    client=client,
                    kind=kinds[(index + number) % len(kinds)],
                    description=f"{name}: request {number + 1}",
                    requester_email=email,
                )
            )
    return len(CLIENTS)


def _trainings(session: Session) -> int:
    if session.scalar(select(Training.id).limit(1)) is not None:
        return 0
    today = dt.date.today()
    trainings = [
        Training(training_type=kind, starts_on=today + dt.timedelta(days=days), public=public)
        for kind, days, public in TRAININGS
    ]
    session.add_all(trainings)
    for index, name, email, state in ENROLMENTS:
        session.add(
            Enrollment(
                training=trainings[index], trainee_name=name, trainee_email=email, state=state
            )
        )
    return len(trainings)


# Knowledge base (seed 002): two product lines, articles in the desk's four languages, some
# for resellers only; and the searches of the last days, for "frequent searches".
PRODUCTS = {
    "Payroll Cloud": "Payroll",
    "Payroll Desktop": "Payroll",
    "Accounting Cloud": "Accounting",
    "E-invoicing": "Accounting",
}
ARTICLES = [  # language, product, resellers only, title, body (Markdown)
    (
        "it",
        "Payroll Cloud",
        False,
        "Stampare il cedolino in PDF",
        "Dal menu **Cedolini** scegliere il mese, poi *Stampa* → *PDF*.\n\n"
        "Se il PDF è vuoto, verificare che il mese sia **chiuso** "
        "(vedi «Chiusura del mese paghe»).",
    ),
    (
        "it",
        "Payroll Desktop",
        False,
        "Chiusura del mese paghe",
        "Ordine delle operazioni:\n\n1. elaborare i cedolini;\n2. controllare il riepilogo;\n"
        "3. chiudere il mese da *Utilità* → *Chiusura mese*.\n\n"
        "Dopo la chiusura il cedolino si stampa anche in PDF.",
    ),
    (
        "it",
        "E-invoicing",
        False,
        "Fattura elettronica scartata dallo SdI (codice 00404)",
        "Lo scarto **00404** indica una fattura duplicata: stesso numero, data e partita IVA "
        "del cedente. Correggere il numero e inviare di nuovo.",
    ),
    (
        "it",
        "Accounting Cloud",
        True,
        "Rivenditori: attivare la licenza di un cliente",
        "Dal portale partner, *Clienti* → *Licenze* → **Attiva**. Il codice di attivazione "
        "arriva al cliente per e-mail.\n\n> Riservato ai rivenditori: non leggerlo al cliente.",
    ),
    (
        "fr",
        "Payroll Cloud",
        False,
        "Imprimer le bulletin de paie en PDF",
        "Menu **Bulletins**, choisir le mois, puis *Imprimer* → *PDF*. Un PDF vide signifie "
        "que le mois n'est pas encore **clôturé**.",
    ),
    (
        "fr",
        "E-invoicing",
        False,
        "Facture électronique rejetée : que faire ?",
        "Un rejet pour doublon signifie que le numéro de facture a déjà été envoyé. "
        "Corriger le numéro, puis envoyer de nouveau.",
    ),
    (
        "fr",
        "Accounting Cloud",
        True,
        "Revendeurs : transférer une licence",
        "Depuis le portail partenaire, *Clients* → *Licences* → **Transférer**. "
        "Le client d'origine perd l'accès à la fin du mois.",
    ),
    (
        "nl",
        "Payroll Cloud",
        False,
        "Loonstrook afdrukken als PDF",
        "Kies in het menu **Loonstroken** de maand en daarna *Afdrukken* → *PDF*. "
        "Een lege PDF betekent dat de maand nog niet is **afgesloten**.",
    ),
    (
        "nl",
        "Accounting Cloud",
        False,
        "Btw-aangifte voorbereiden",
        "Controleer eerst alle boekingen van het kwartaal; daarna *Btw* → *Aangifte* → "
        "**Voorbereiden**. Zie ook de [handleiding](https://example.org/handleiding-btw).",
    ),
    (
        "en",
        "Payroll Cloud",
        False,
        "Print a payslip as PDF",
        "In **Payslips**, choose the month, then *Print* → *PDF*. An empty PDF means the "
        "month is not **closed** yet: close it first.",
    ),
    (
        "en",
        "E-invoicing",
        False,
        "E-invoice rejected as a duplicate",
        "A rejection for a duplicate means the invoice number, date and VAT number were "
        "already sent. Correct the number and send the invoice again.",
    ),
    (
        "en",
        "Accounting Cloud",
        True,
        "Resellers: transfer a licence to another customer",
        "In the partner portal, *Customers* → *Licences* → **Transfer**. The first customer "
        "keeps access until the end of the month.\n\n| Step | Who |\n|---|---|\n"
        "| Transfer | reseller |\n| Confirm | new customer |",
    ),
]
SEARCHES = [  # days ago, words, language, audience
    (1, "cedolino PDF", "it", "public"),
    (2, "Cedolino  pdf", "it", "public"),
    (3, "cedolino pdf", "it", "public"),
    (1, "fattura scartata", "it", "public"),
    (4, "Fattura scartata", "it", "public"),
    (2, "licenza", "it", "resellers"),
    (1, "payslip", "en", "public"),
    (5, "payslip PDF", "en", "public"),
    (6, "payslip", "en", "public"),
    (3, "bulletin de paie", "fr", "public"),
]


def _knowledge(session: Session) -> int:
    if session.scalar(select(KnowledgeArticle.id).limit(1)) is not None:
        return 0
    for language, product, resellers, title, body in ARTICLES:
        session.add(
            KnowledgeArticle(
                title=title,
                body=body,
                product_line=PRODUCTS[product],
                product=product,
                audience=ArticleAudience.RESELLERS if resellers else ArticleAudience.PUBLIC,
                language=language,
            )
        )
    session.flush()  # the full-text index is filled as the rows are inserted
    now = dt.datetime.now(dt.UTC)
    for days, words, language, audience in SEARCHES:
        result = search(
            session, words, language=language, audience=audience, operator_username="demo-operator"
        )
        session.get_one(SearchLog, result.search_log_id).created_at = now - dt.timedelta(days=days)
    return len(ARTICLES)


# Support portal (seed 002): a registered company with its administrator, one not yet
# registered (its access code can be mailed), tickets in every state, open access requests.
PORTAL_ADMIN_TAX_CODE = "BNCGLI80A41H501C"
PORTAL_COMPANIES = [  # name, VAT, address on file, registered
    ("Gestionali Bianchi S.r.l.", "04123450019", "amministrazione@gestionali.example.it", True),
    ("Studio Verdi Associati", "05123450016", "segreteria@studioverdi.example.it", False),
]
TICKETS = [  # subject, state, priority, hours ago, assigned to demo-operator, search
    ("Stampa dei cedolini bloccata", TicketState.NEW, TicketPriority.NORMAL, 1, False, "stampa"),
    ("Errore all'invio F24", TicketState.OPEN, TicketPriority.HIGH, 3, True, None),
    ("Licenza scaduta dopo il rinnovo", TicketState.WAITING, TicketPriority.NORMAL, 20, True, None),
    ("Import del bilancio molto lento", TicketState.OPEN, TicketPriority.URGENT, 30, False, None),
    ("Password dimenticata del portale", TicketState.RESOLVED, TicketPriority.LOW, 50, True, None),
]


def _portal_companies(session: Session, password: str) -> int:
    created = 0
    for name, vat, email, registered in PORTAL_COMPANIES:
        if session.scalar(select(Organization).where(Organization.vat_number == vat)):
            continue
        company = Organization(name=name, vat_number=vat, email=email, country="IT")
        session.add(company)
        created += 1
        if not registered:
            continue
        administrator = Member(
            organization=company,
            first_name="Giulia",
            last_name="Bianchi",
            tax_code=PORTAL_ADMIN_TAX_CODE,
            email="giulia.bianchi@gestionali.example.it",
            state=MemberState.VALIDATED,
        )
        session.add(administrator)
        session.add(
            LoginAccount(
                organization=company,
                member=administrator,
                username="giulia.bianchi",
                login_email=administrator.email,
                secret_hash=hash_password(password),
                secret_kind=CredentialPolicy.PASSWORD,
                state=AccountState.ACTIVE,
            )
        )
        session.flush()
        company.administrator_id = administrator.id
        company.registered_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=90)
        session.add_all(
            [
                AccessRequest(
                    kind=AccessRequestKind.JOIN,
                    organization_id=company.id,
                    vat_number=vat,
                    requester_name="Marco Gialli",
                    requester_email="marco.gialli@gestionali.example.it",
                    tax_code="GLLMRC80A01H501O",
                    outcome="waiting for the administrator",
                ),
                AccessRequest(
                    kind=AccessRequestKind.USERNAME,
                    requester_email="chi.sono@example.it",
                    tax_code="RSSMRA85T10A562S",
                    outcome="no match: contact requested",
                ),
            ]
        )
    return created


def _tickets(session: Session) -> int:
    if session.scalar(select(Ticket.id).limit(1)) is not None:
        return 0
    now = dt.datetime.now(dt.UTC)
    operator = session.scalar(select(Operator).where(Operator.username == "demo-operator"))
    company = session.scalar(select(Organization).where(Organization.vat_number == "04123450019"))
    for index, (subject, state, priority, hours, mine, query) in enumerate(TICKETS, start=1):
        opened = now - dt.timedelta(hours=hours)
        first, resolution = TARGETS[priority]
        ticket = Ticket(
            number=f"T{index:06d}",
            organization_id=company.id if company else None,
            requester_name="Giulia Bianchi",
            requester_email="giulia.bianchi@gestionali.example.it",
            product_line="Paghe",
            product="Cedolini",
            subject=subject,
            description=subject,
            state=state,
            priority=priority,
            assignee_id=operator.id if operator and mine else None,
            source=TicketSource.SEARCH if query else TicketSource.OPERATOR,
            search_query=query,
            search_article_ids=[] if query else None,
            created_at=opened,
            first_response_due_at=opened + first,
            resolution_due_at=opened + resolution,
            waiting_since=now - dt.timedelta(hours=2) if state == TicketState.WAITING else None,
            resolved_at=now if state == TicketState.RESOLVED else None,
        )
        session.add(ticket)
        if state in (TicketState.WAITING, TicketState.RESOLVED):
            session.flush()
            ticket.first_responded_at = opened + dt.timedelta(hours=1)
            session.add(
                TicketComment(
                    ticket_id=ticket.id,
                    author="demo-operator",
                    body="Può inviarci la schermata dell'errore?",
                    public=True,
                    created_at=opened + dt.timedelta(hours=1),
                )
            )
    return len(TICKETS)


# Seed 003's boxes: 200 purchased, 189 taken of which 21 to confirm; a second campaign full.
CAMPAIGNS = (
    # name, customer, company code, time zone, purchased, (done, confirmed, to confirm,
    # postponed, cancelled), agents as (name, zone)
    (
        "Infissi autunno",
        "Infissi Marchigiani S.r.l.",
        "INFISSI",
        "Europe/Rome",
        200,
        (120, 48, 15, 6, 7),
        (("Marco Neri", "Macerata"), ("Lucia Gallo", "Ancona"), ("Paolo Riva", "Pesaro")),
    ),
    (
        "Cuisines printemps",
        "Cuisines du Sud SARL",
        "CUISUD",
        "Europe/Paris",
        30,
        (10, 12, 8, 0, 2),
        (("Claire Martin", "Toulouse"), ("Hugo Bernard", "Montpellier")),
    ),
)


def _campaigns(session: Session) -> int:
    """Campaigns whose appointments make the seed's boxes; some start within two days, so
    that a cancellation is refused, and one agent has a day declared unavailable."""
    if session.scalar(select(Campaign.id).limit(1)) is not None:
        return 0
    rng = random.Random(3)  # noqa: S311 - repeatable demo data, not a secret
    now = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    for name, customer, code, zone, purchased, counts, agents in CAMPAIGNS:
        org = session.scalar(select(Organization).where(Organization.company_code == code))
        if org is None:
            org = Organization(name=customer, company_code=code, timezone=zone)
            session.add(org)
        campaign = Campaign(organization=org, name=name, purchased=purchased, time_zone=zone)
        campaign.agents = [Agent(name=agent, zone=area) for agent, area in agents]
        session.add(campaign)
        session.flush()
        done, confirmed, to_confirm, postponed, cancelled = counts
        plan = (
            [(AppointmentState.DONE, -60, -1)] * done
            + [(AppointmentState.CONFIRMED, 1, 30)] * confirmed
            + [(AppointmentState.TO_CONFIRM, 1, 20)] * to_confirm
            + [(AppointmentState.POSTPONED, 5, 25)] * postponed
            + [(AppointmentState.CANCELLED, 3, 30)] * cancelled
        )
        away = (now + dt.timedelta(days=12)).date()  # the first agent's unavailable day
        for number, (state, first_day, last_day) in enumerate(plan):
            start = now + dt.timedelta(days=rng.randint(first_day, last_day))
            start = start.replace(hour=rng.choice((7, 8, 9, 12, 13, 14, 15)))
            agent = rng.choice(campaign.agents)
            if agent is campaign.agents[0] and start.date() == away:
                start += dt.timedelta(days=1)
            session.add(
                Appointment(
                    campaign_id=campaign.id,
                    agent_id=agent.id,
                    prospect=f"{PROSPECTS[number % len(PROSPECTS)]} {number + 1}",
                    address=f"{ADDRESSES[number % len(ADDRESSES)]}",
                    starts_at=start,
                    state=state,
                    booked_at=start - dt.timedelta(days=rng.randint(3, 20)),
                    booked_by="demo-operator",
                )
            )
        session.add(
            Unavailability(
                agent_id=campaign.agents[0].id,
                day=away,
                reason="riunione / réunion",
                declared_at=now - dt.timedelta(days=2),
                declared_by="demo-operator",
            )
        )
    return len(CAMPAIGNS)


PROSPECTS = ("Ferramenta", "Bar", "Studio", "Boulangerie", "Garage", "Pharmacie", "Hotel")
ADDRESSES = ("Via Roma 1", "Corso Cavour 12", "Rue de la Paix 3", "Piazza Garibaldi 5")
