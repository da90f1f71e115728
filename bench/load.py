"""Operators at once against a real server: requests/s and latency per kind of request.

Starts `python main.py serve` (or targets a running server with --base-url), logs in N
operators, each with its own HTTP client, cookies and CSRF token, and for T seconds has
each of them work as a desk does, measuring every request's wall-clock time as the
operator's browser sees it (from sending the request to the last byte of the answer):

    lookup           the one-box lookup's drop-down (htmx GET /admin/lookup?q=...)
    member page      a member's page (/admin/members/detail?pk=...)
    members list     the members list: its first page or a page its pagination links to
    members search   the members list searched by name (/admin/members/list?q=...)
    kb search        a knowledge-base search (/admin/kb?q=...)
    resend form/resend      the "Resend password" row action: its form, then its POST
    validate form/validate  the "Validate" row action on a member of the validation queue
    booking form/booking    an appointment booked in a campaign: the form, then its POST

With think time (`--think 1-3`, the default) each operator waits 1 to 3 s before each
request, what a desk does; `--saturated` sends the next request as soon as the answer
arrives. `--ramp 5,10,20,50` runs one step of T seconds per operator count and says where
p95 passes 1 s. Errors are counted by kind: `HTTP <status>`, `timeout`, `connection`,
`logged out` (sent back to the login page); a row action's POST the server refuses with a
reason (e.g. the campaign is full, the member was validated meanwhile) counts as `refused`,
which is an answer, not an error.

Without --base-url the benchmark prepares a fresh database with the project's own code
(migrations, `demo-data`, N operators made with actions.operators.create_operator, the demo
campaigns renewed so that bookings never fill them), starts the server on a free port with
that database and a throw-away SMTP sink, and stops it at the end. SQLite by default (a
temporary file); with --database-url postgresql+psycopg://user:pw@host/db it creates a new
database next to the one named (the user needs CREATEDB) and drops it at the end
(--keep keeps it, and the SQLite file, and prints where they are). --workers N is passed to
`serve --workers N`. The server's log is scanned at the end for tracebacks, `database is
locked`, `QueuePool limit` and HTTP 500 lines.

With --base-url the server is yours: its operators must exist, named by --operators-from
(default `load-operator-{n}`, n from 1) with the password --password (or the environment's
LOAD_PASSWORD); `--server-log FILE` scans that server's log (the lines written during the
run). A server prepared by this script and kept running (`--serve-only`) has them; on
another, an administrator creates them once:

    for n in $(seq 1 50); do echo "$LOAD_PASSWORD" | python main.py create-operator load-operator-$n; done

Logging 50 operators in from one address is fine: the per-address limit counts failed
logins only, and the first refused login stops the others.

    .venv/bin/python bench/load.py                              # 50 operators, 1-3 s, 60 s
    .venv/bin/python bench/load.py --saturated --ramp 5,10,20,50 --duration 30
    .venv/bin/python bench/load.py --database-url \\
        postgresql+psycopg://sportello_ci:sportello_ci@127.0.0.1:5432/postgres --workers 4
    .venv/bin/python bench/load.py --base-url http://127.0.0.1:8000 --password '...'

Prints requests/s, p50/p95/p99 per kind of request and errors by kind; --json FILE also
writes them. The baseline is the same mix sent by one operator alone, back to back, for
--alone seconds first: the column p50/1op is each kind's p50 under load over its p50 alone.
The load generator runs in this one process: its own CPU share is printed, as on a small
machine it competes with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import json
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_PATTERN = "load-operator-{n}"
SLOW = 1.0  # seconds: the p95 a ramp looks for
TARGET_P95 = 0.2  # seconds: the target with think time
CAMPAIGN_BOXES_ADDED = 100_000  # bookings never fill a prepared campaign

# The desk's mix: (kind, weight). A row action is its form then its POST.
MIX = (
    ("lookup", 30),
    ("member page", 20),
    ("members list", 8),
    ("members search", 10),
    ("kb search", 10),
    ("resend", 10),
    ("validate", 4),
    ("booking", 8),
)
KINDS = (
    "lookup",
    "member page",
    "members list",
    "members search",
    "kb search",
    "resend form",
    "resend",
    "validate form",
    "validate",
    "booking form",
    "booking",
)
# What an operator types in the lookup box, the members search and the knowledge base.
SURNAMES = (
    *("Rossi", "Bianchi", "Russo", "Ferrari", "Esposito", "Dupont", "Martin", "Romano"),
    *("Colombo", "Ricci", "Bernard", "Marino", "Greco", "Bruno", "Gallo", "Smith"),
)
FIRST_NAMES = ("Mario", "Giulia", "Luca", "Francesca", "Marco", "Chiara", "Jean", "Sophie")
KB_TERMS = (  # (what is typed, the article language chosen)
    *(("cedolino pdf", "it"), ("fattura scartata", "it"), ("chiusura mese", "it")),
    *(("bulletin de paie", "fr"), ("facture rejetée", "fr"), ("licence", "fr")),
    *(("loonstrook", "nl"), ("btw-aangifte", "nl"), ("payslip pdf", "en")),
    *(("e-invoice duplicate", "en"), ("licence", "en"), ("password expired", "en")),
)
PROSPECTS = ("Ferramenta", "Bar", "Studio", "Boulangerie", "Garage", "Pharmacie", "Hotel")
ADDRESSES = ("Via Roma 1", "Corso Cavour 12", "Rue de la Paix 3", "Piazza Garibaldi 5")

CSRF_FIELD = re.compile(r'name="csrftoken" value="([^"]+)"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
PAGE_LINK = re.compile(r'class="page-link"\s+href="([^"]+)"')
ROW_PK = re.compile(r'data-sa-pk="(\d+)"')
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')
AGENT_SELECT = re.compile(r'name="agent"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
SERVER_TROUBLE = {
    "traceback": re.compile(r"Traceback \(most recent call last\)"),
    "database is locked": re.compile(r"database is locked"),
    "QueuePool limit": re.compile(r"QueuePool limit"),
    "HTTP 500 (access log)": re.compile(r'HTTP/1\.[01]" 500'),
    "HTTP 503 (access log)": re.compile(r'HTTP/1\.[01]" 503'),
    "ERROR lines": re.compile(r"\bERROR\b"),
}
EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Timeout)\b.*)$")
LOGGED = re.compile(r"^[\d-]+ [\d:,]+ (WARNING|ERROR|CRITICAL) (.*)$")
ACCESS = re.compile(r'"(GET|POST|PUT|DELETE|PATCH) ([^ ?"]+)[^"]*" ([45]\d\d)')
NUMBERS = re.compile(r"\b(?:[0-9a-f]{32}|\d+)\b")


class Abort(Exception):
    """The benchmark cannot run; the message says why."""


# --- results -------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    started: float
    latency: float
    outcome: str  # "ok", "refused", or the error's kind


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    recording: bool = True

    def add(self, kind: str, started: float, latency: float, outcome: str) -> None:
        if self.recording:
            self.samples.append(Sample(kind, started, latency, outcome))


def percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value at or above p percent of the values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def is_error(outcome: str) -> bool:
    return outcome not in ("ok", "refused")


@dataclass
class StepResult:
    operators: int
    elapsed: float
    samples: list[Sample]
    client_cpu: float

    def kinds(self) -> dict[str, list[Sample]]:
        by_kind: dict[str, list[Sample]] = defaultdict(list)
        for sample in self.samples:
            by_kind[sample.kind].append(sample)
        return by_kind

    def latencies(self, samples: list[Sample] | None = None) -> list[float]:
        return [s.latency for s in (self.samples if samples is None else samples)]

    def errors(self) -> Counter[str]:
        return Counter(s.outcome for s in self.samples if is_error(s.outcome))

    def p95(self) -> float:
        return percentile(self.latencies(), 95)

    def rate(self) -> float:
        return len(self.samples) / self.elapsed if self.elapsed else 0.0

    def as_json(self) -> dict[str, Any]:
        kinds = {}
        for kind, samples in self.kinds().items():
            values = self.latencies(samples)
            kinds[kind] = {
                "requests": len(samples),
                "per_second": round(len(samples) / self.elapsed, 2),
                "p50_ms": round(percentile(values, 50) * 1000, 1),
                "p95_ms": round(percentile(values, 95) * 1000, 1),
                "p99_ms": round(percentile(values, 99) * 1000, 1),
                "max_ms": round(max(values) * 1000, 1),
                "refused": sum(s.outcome == "refused" for s in samples),
                "errors": dict(Counter(s.outcome for s in samples if is_error(s.outcome))),
            }
        values = self.latencies()
        return {
            "operators": self.operators,
            "seconds": round(self.elapsed, 2),
            "requests": len(self.samples),
            "per_second": round(self.rate(), 2),
            "p50_ms": round(percentile(values, 50) * 1000, 1),
            "p95_ms": round(percentile(values, 95) * 1000, 1),
            "p99_ms": round(percentile(values, 99) * 1000, 1),
            "errors": dict(self.errors()),
            "load_generator_cpu": round(self.client_cpu, 2),
            "kinds": kinds,
        }


def ms(seconds: float) -> str:
    return "-" if math.isnan(seconds) else f"{seconds * 1000:.0f}"


def p50_ratio(values: list[float], alone: StepResult | None, kind: str | None) -> str:
    """This p50 over the same kind's p50 with one operator alone: what the load adds."""
    if alone is None:
        return ""
    baseline = alone.latencies(alone.kinds().get(kind, []) if kind else None)
    if not baseline or not values:
        return f"{'-':>8}"
    return f"{percentile(values, 50) / percentile(baseline, 50):>7.1f}x"


def print_step(result: StepResult, alone: StepResult | None = None, title: str = "") -> None:
    print(
        f"\n{title or f'{result.operators} operators'}, {result.elapsed:.1f} s: "
        f"{len(result.samples)} requests, {result.rate():.1f} requests/s "
        f"(load generator used {result.client_cpu:.0%} of a core)"
    )
    print(
        f"{'kind':<16}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'max ms':>8}{'refused':>8}{' p50/1op' if alone else ''}  errors"
    )
    by_kind = result.kinds()
    for kind in [*KINDS, *sorted(set(by_kind) - set(KINDS))]:
        samples = by_kind.get(kind)
        if not samples:
            continue
        values = result.latencies(samples)
        errors = Counter(s.outcome for s in samples if is_error(s.outcome))
        print(
            f"{kind:<16}{len(samples):>9}{len(samples) / result.elapsed:>8.1f}"
            f"{ms(percentile(values, 50)):>8}{ms(percentile(values, 95)):>8}"
            f"{ms(percentile(values, 99)):>8}{ms(max(values)):>8}"
            f"{sum(s.outcome == 'refused' for s in samples):>8}"
            f"{p50_ratio(values, alone, kind)}  "
            + (", ".join(f"{k}: {n}" for k, n in errors.most_common()) or "0")
        )
    values = result.latencies()
    errors = result.errors()
    print(
        f"{'all':<16}{len(values):>9}{result.rate():>8.1f}{ms(percentile(values, 50)):>8}"
        f"{ms(percentile(values, 95)):>8}{ms(percentile(values, 99)):>8}"
        f"{ms(max(values) if values else math.nan):>8}"
        f"{sum(s.outcome == 'refused' for s in result.samples):>8}"
        f"{p50_ratio(values, alone, None)}  "
        + (", ".join(f"{k}: {n}" for k, n in errors.most_common()) or "0")
    )


# --- the operators -------------------------------------------------------------------------


@dataclass
class Targets:
    """What the operators work on, found through the console's own pages."""

    members: list[int]
    resendable: list[int]
    pending: list[int]
    campaigns: list[int]
    list_pages: int
    lookups: list[str]


def classify(response: httpx.Response) -> str:
    if response.status_code >= 400:
        return f"HTTP {response.status_code}"
    location = response.headers.get("location", "") + response.headers.get("hx-redirect", "")
    if "/login" in location:
        return "logged out"
    return "ok"


class Operator:
    def __init__(
        self,
        name: str,
        base_url: str,
        timeout: float,
        recorder: Recorder,
        rng: random.Random,
    ) -> None:
        self.name = name
        self.recorder = recorder
        self.rng = rng
        self.csrf = ""
        self.list_links: list[str] = []
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=timeout,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": "sportello-load/1", "Accept-Language": "en"},
        )

    async def close(self) -> None:
        await self.client.aclose()

    async def request(
        self, kind: str, method: str, url: str, *, htmx: str | None = None, **kwargs: Any
    ) -> httpx.Response | None:
        """One timed request; None when it failed at the transport (timeout, connection)."""
        headers = kwargs.pop("headers", {})
        if htmx is not None:  # what htmx adds to its requests
            headers |= {
                "HX-Request": "true",
                "HX-Current-URL": str(self.client.base_url.join(htmx)),
                "X-CSRFToken": self.csrf,
            }
        started = time.perf_counter()
        try:
            response = await self.client.request(method, url, headers=headers, **kwargs)
        except httpx.TimeoutException:
            self.recorder.add(kind, started, time.perf_counter() - started, "timeout")
            return None
        except (httpx.TransportError, OSError):  # refused, reset, closed mid-answer
            self.recorder.add(kind, started, time.perf_counter() - started, "connection")
            return None
        latency = time.perf_counter() - started
        outcome = classify(response)
        if outcome == "ok" and method == "POST" and response.headers.get("hx-retarget"):
            outcome = "refused"  # the form again, with the reason, in the action panel
        self.recorder.add(kind, started, latency, outcome)
        return response

    async def log_in(self, password: str) -> float:
        page = await self.client.get("/admin/login")
        token = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or token is None:
            raise Abort(f"the login page answered {page.status_code} without a CSRF token")
        started = time.perf_counter()
        response = await self.client.post(
            "/admin/login",
            data={"username": self.name, "password": password, "csrftoken": token.group(1)},
        )
        latency = time.perf_counter() - started
        if response.status_code != 303 or "/login" in response.headers.get("location", ""):
            reason = re.search(
                r'class="(?:alert-description|invalid-feedback)[^"]*"[^>]*>\s*([^<]+)',
                response.text,
            )
            raise Abort(
                f"{self.name} could not log in: HTTP {response.status_code}"
                + (f" ({reason.group(1).strip()})" if reason else "")
            )
        home = await self.client.get("/admin/")
        header = CSRF_HEADER.search(home.text)
        if header is None:
            raise Abort(f"{self.name}: the console's home page carries no CSRF token for htmx")
        self.csrf = header.group(1)
        return latency

    # --- what a desk does ----------------------------------------------------------------

    async def lookup(self, targets: Targets) -> None:
        query = self.rng.choice(targets.lookups)
        await self.request("lookup", "GET", "/admin/lookup", params={"q": query}, htmx="/admin/")

    async def member_page(self, targets: Targets) -> None:
        pk = self.rng.choice(targets.members)
        await self.request("member page", "GET", "/admin/members/detail", params={"pk": pk})

    async def members_list(self, targets: Targets) -> None:
        """The list's first page, or a page the last one links to (next, a number, ...), as
        an operator clicks through it, whatever the list's own way of paging."""
        url = "/admin/members/list"
        if self.list_links and self.rng.random() < 0.6:
            url = self.rng.choice(self.list_links)
        response = await self.request("members list", "GET", url)
        if response is not None and response.status_code == 200:
            links = {html.unescape(href) for href in PAGE_LINK.findall(response.text)}
            self.list_links = [link for link in links if "/admin/members/list" in link]

    async def members_search(self, targets: Targets) -> None:
        words = [self.rng.choice(SURNAMES)]
        if self.rng.random() < 0.3:
            words.insert(0, self.rng.choice(FIRST_NAMES))
        params = {"q": " ".join(words).lower()}
        await self.request("members search", "GET", "/admin/members/list", params=params)

    async def kb_search(self, targets: Targets) -> None:
        query, language = self.rng.choice(KB_TERMS)
        params = {"q": query, "language": language}
        await self.request("kb search", "GET", "/admin/kb", params=params)

    async def form_then_post(
        self,
        kind: str,
        url: str,
        origin: str,
        think: Callable[[], Awaitable[None]],
        fill: Callable[[str], dict[str, str] | None],
    ) -> None:
        """A row action as an operator runs it: its form, a pause, then its POST with the
        form's hidden fields and what `fill` types (None: the operator gives up)."""
        form = await self.request(f"{kind} form", "GET", url, htmx=origin)
        if form is None or form.status_code != 200:
            return
        typed = fill(form.text)
        if typed is None:
            return
        await think()
        data = dict(HIDDEN.findall(form.text)) | typed
        await self.request(kind, "POST", url, data=data, htmx=origin)

    async def resend(self, targets: Targets, think: Callable[[], Awaitable[None]]) -> None:
        if not targets.resendable:
            return await self.member_page(targets)
        pk = self.rng.choice(targets.resendable)
        url = f"/admin/do/members/{pk}/resend_password"

        def addressed(form: str) -> dict[str, str] | None:
            if 'name="email"' in form or "immutable-email" in form:
                # no address to send to: the operator would ask the caller; not this benchmark's
                with suppress(ValueError):
                    targets.resendable.remove(pk)
                return None
            return {}

        await self.form_then_post("resend", url, "/admin/members/list", think, addressed)
        return None

    async def validate(self, targets: Targets, think: Callable[[], Awaitable[None]]) -> None:
        if not targets.pending:
            return await self.resend(targets, think)
        pk = targets.pending.pop(self.rng.randrange(len(targets.pending)))
        url = f"/admin/do/validation/{pk}/validate"
        paid = {"dues_year": str(dt.date.today().year), "reason": "dues paid at the desk"}
        await self.form_then_post("validate", url, "/admin/validation/list", think, lambda _: paid)
        return None

    async def booking(self, targets: Targets, think: Callable[[], Awaitable[None]]) -> None:
        if not targets.campaigns:
            return await self.lookup(targets)
        pk = self.rng.choice(targets.campaigns)
        url = f"/admin/do/campaigns/{pk}/book"
        form = await self.request("booking form", "GET", url, htmx="/admin/campaigns/list")
        if form is None or form.status_code != 200:
            return None
        select = AGENT_SELECT.search(form.text)
        agents = OPTION.findall(select.group(1)) if select else []
        if not agents:  # ended campaign or no agent: the form says so
            with suppress(ValueError):
                targets.campaigns.remove(pk)
            return None
        await think()
        day = dt.date.today() + dt.timedelta(days=self.rng.randint(5, 700))
        number = self.rng.randrange(1000)
        data = dict(HIDDEN.findall(form.text)) | {
            "agent": self.rng.choice(agents),
            "prospect": f"{self.rng.choice(PROSPECTS)} {number}",
            "address": self.rng.choice(ADDRESSES),
            "starts_at": f"{day.isoformat()}T{self.rng.randint(8, 18):02d}:{self.rng.choice(('00', '30'))}",
            "notes": "",
        }
        await self.request("booking", "POST", url, data=data, htmx="/admin/campaigns/list")
        return None

    async def work(self, targets: Targets, until: float, think: tuple[float, float] | None) -> None:
        """Actions from the mix until `until` (loop time); a request under way finishes."""
        loop = asyncio.get_running_loop()

        async def pause() -> None:  # never past the end of the step
            if think is not None:
                await asyncio.sleep(min(self.rng.uniform(*think), max(0, until - loop.time())))

        if think is not None:  # operators do not all start in the same instant
            await asyncio.sleep(self.rng.uniform(0, think[1]))
        kinds, weights = zip(*MIX, strict=True)
        while loop.time() < until:
            kind = self.rng.choices(kinds, weights)[0]
            if kind == "lookup":
                await self.lookup(targets)
            elif kind == "member page":
                await self.member_page(targets)
            elif kind == "members list":
                await self.members_list(targets)
            elif kind == "members search":
                await self.members_search(targets)
            elif kind == "kb search":
                await self.kb_search(targets)
            elif kind == "resend":
                await self.resend(targets, pause)
            elif kind == "validate":
                await self.validate(targets, pause)
            else:
                await self.booking(targets, pause)
            if loop.time() < until:
                await pause()


async def discover(operator: Operator) -> Targets:
    """Members, the validation queue and the open campaigns, read from the list pages."""
    client = operator.client

    async def pks(path: str, pages: int = 10) -> tuple[list[int], int]:
        found: list[int] = []
        page = 1
        for page in range(1, pages + 1):
            response = await client.get(path, params={"page": page, "page_size": 100})
            if response.status_code != 200:
                raise Abort(f"{path} answered {response.status_code} while looking for targets")
            new = [int(pk) for pk in dict.fromkeys(ROW_PK.findall(response.text))]
            if not new or set(new) <= set(found):
                break
            found += [pk for pk in new if pk not in found]
        return found, page

    members, _ = await pks("/admin/members/list")
    if not members:
        raise Abort("the members list is empty: load the demo data (python main.py demo-data)")
    pending, _ = await pks("/admin/validation/list")
    campaigns, _ = await pks("/admin/campaigns/list", pages=2)
    first = await client.get("/admin/members/list")
    pages = [int(n) for n in re.findall(r"[?&]page=(\d+)", first.text)]
    lookups = [
        *SURNAMES,
        *(f"{f} {s}".lower() for f, s in zip(FIRST_NAMES, SURNAMES, strict=False)),
    ]
    with suppress(ImportError):
        from admin.demo.members import demo_tax_code  # the demo's tax codes, as typed

        lookups += [demo_tax_code(i).lower() for i in range(0, 60, 3)]
        lookups += [f"+39 333 {1000000 + i}" for i in range(0, 60, 4)]
    return Targets(
        members=members,
        resendable=list(members),
        pending=pending,
        campaigns=campaigns,
        list_pages=max([1, *pages]),
        lookups=lookups,
    )


async def log_in_all(operators: list[Operator], password: str, at_once: int = 4) -> list[float]:
    """Log everyone in, a few at a time (a password check costs a core for a moment). The
    first refusal stops the others: failed logins count against this address's limit."""
    gate = asyncio.Semaphore(at_once)
    refused: list[Abort] = []

    async def one(operator: Operator) -> float:
        async with gate:
            if refused:
                return math.nan
            try:
                return await operator.log_in(password)
            except Abort as abort:
                refused.append(abort)
            except httpx.HTTPError as error:
                refused.append(Abort(f"{operator.name} could not log in: {error!r}"))
            return math.nan

    latencies = list(await asyncio.gather(*(one(op) for op in operators)))
    if refused:
        raise refused[0]
    return latencies


async def run_step(
    operators: list[Operator],
    targets: Targets,
    seconds: float,
    think: tuple[float, float] | None,
    recorder: Recorder,
) -> StepResult:
    loop = asyncio.get_running_loop()
    recorder.samples = []
    cpu, started = time.process_time(), loop.time()
    await asyncio.gather(*(op.work(targets, started + seconds, think) for op in operators))
    elapsed = loop.time() - started
    return StepResult(
        len(operators), elapsed, recorder.samples, (time.process_time() - cpu) / elapsed
    )


# --- the server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_sink() -> Iterator[str]:
    """A local SMTP server that accepts and forgets every mail, so the outbox delivers."""
    try:
        from aiosmtpd.controller import Controller
    except ImportError:  # deliveries then fail and are retried by the outbox
        yield "smtp://127.0.0.1:1"
        return

    class Forget:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            return "250 OK"

    port = free_port()
    controller = Controller(Forget(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@contextmanager
def fresh_database(url: str | None, keep: bool) -> Iterator[str]:
    """A new SQLite file, or a new PostgreSQL database beside the one `url` names."""
    if url is None or url.startswith("sqlite"):
        folder = Path(tempfile.mkdtemp(prefix="sportello-load-"))
        try:
            yield url or f"sqlite:///{folder / 'load.db'}"
        finally:
            if keep:
                print(f"kept: {folder}")
            else:
                shutil.rmtree(folder, ignore_errors=True)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(url)
    if server.drivername == "postgresql":
        server = server.set(drivername="postgresql+psycopg")
    name = f"sportello_load_{secrets.token_hex(4)}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        raise Abort(f"cannot create a database with {url}: {error}".splitlines()[0]) from None
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept: database {name}")
        else:
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def prepare(url: str, operators: int, pattern: str, password: str, members: int) -> None:
    """Migrations, the demo data, the operators and room in every campaign: the project's
    own code, as `migrate`, `demo-data` and `create-operator` do."""
    from sqlalchemy import select

    from actions.appointments import renew
    from actions.context import Actor
    from actions.operators import create_operator
    from admin.db import make_engine, make_sessionmaker
    from admin.demo import load_demo_data
    from admin.migrate import upgrade
    from models import Campaign, Operator, Role

    upgrade(url)
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    actor = Actor.system("load benchmark")
    with factory() as session:
        load_demo_data(session, password, members)
        session.commit()
    with factory() as session:
        session.info["actor"] = actor
        existing = set(session.scalars(select(Operator.username)))
        for n in range(1, operators + 1):
            if pattern.format(n=n) not in existing:
                create_operator(session, actor, pattern.format(n=n), password, Role.OPERATOR)
        supervisor = session.scalar(select(Operator).where(Operator.role == Role.SUPERVISOR))
        if supervisor is not None:  # renewing is a supervisor's
            for campaign_id in session.scalars(select(Campaign.id)).all():
                renew(session, Actor.of(supervisor), campaign_id, CAMPAIGN_BOXES_ADDED)
        session.commit()
    engine.dispose()


class Server:
    """`python main.py serve` in its own process group, its output in a log file."""

    def __init__(self, database_url: str, smtp_url: str, workers: int | None, log: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [sys.executable, "main.py", "serve", "--port", str(self.port)]
        if workers is not None:
            command += ["--workers", str(workers)]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SPORTELLO_")}
        env |= {
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(48),
            "SMTP_URL": smtp_url,
            "BASE_URL": self.base_url,
            "HTMX_URL": "/static/vendor/htmx.min.js",
            "CHART_URL": "/static/vendor/chart.umd.min.js",
            "PYTHONUNBUFFERED": "1",
        }
        self.command = command
        with log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace").strip().splitlines()[-8:]
                hint = ""
                if any("--workers" in line for line in tail):
                    hint = (
                        "\nthis server has no `serve --workers` option yet: run without --workers"
                    )
                raise Abort(
                    f"the server exited ({self.process.returncode}): {' '.join(self.command)}\n  "
                    + "\n  ".join(tail)
                    + hint
                )
            with suppress(httpx.HTTPError):
                if httpx.get(f"{self.base_url}/admin/login", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        raise Abort(f"the server did not answer within {seconds:.0f} s; its log: {self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)


def scan_log(path: Path, offset: int = 0) -> dict[str, Any]:
    """Trouble the server wrote from `offset` on: counts, and its distinct exception lines."""
    if not path.exists():
        return {}
    with path.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    counts = {
        name: sum(bool(rx.search(line)) for line in lines) for name, rx in SERVER_TROUBLE.items()
    }
    exceptions = Counter(
        match.group(1)[:200] for line in lines if (match := EXCEPTION_LINE.match(line.strip()))
    )
    logged = Counter(
        NUMBERS.sub("N", f"{match.group(1)} {match.group(2)}")[:200]
        for line in lines
        if (match := LOGGED.match(line))
    )
    failed = Counter(
        f"{match.group(3)} {match.group(1)} {NUMBERS.sub('N', match.group(2))}"
        for line in lines
        if (match := ACCESS.search(line))
    )
    return {
        "counts": counts,
        "exceptions": exceptions.most_common(8),
        "logged": logged.most_common(8),
        "failed_requests": failed.most_common(12),
    }


def print_log_scan(scan: dict[str, Any], path: Path) -> None:
    if not scan:
        return
    found = {k: n for k, n in scan["counts"].items() if n}
    print(f"\nserver log {path}: " + (", ".join(f"{k}: {n}" for k, n in found.items()) or "clean"))
    for title, key in (
        ("answers >= 400, by path", "failed_requests"),
        ("warnings and errors logged", "logged"),
        ("exceptions", "exceptions"),
    ):
        if scan[key]:
            print(f"  {title}:")
            for line, n in scan[key]:
                print(f"  {n:>6} x {line}")


# --- main ----------------------------------------------------------------------------------


def think_range(value: str) -> tuple[float, float]:
    low, _, high = value.partition("-")
    try:
        bounds = (float(low), float(high or low))
    except ValueError:
        raise argparse.ArgumentTypeError("think time is MIN-MAX seconds, e.g. 1-3") from None
    if not 0 <= bounds[0] <= bounds[1]:
        raise argparse.ArgumentTypeError("think time is MIN-MAX seconds with MIN <= MAX")
    return bounds


def counts(value: str) -> list[int]:
    try:
        steps = [int(n) for n in value.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError("a ramp is operator counts, e.g. 5,10,20,50") from None
    if not steps or min(steps) < 1:
        raise argparse.ArgumentTypeError("a ramp is positive operator counts")
    return steps


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--operators", type=int, default=50, help="operators at once (50)")
    parser.add_argument("--duration", type=float, default=60, help="seconds per step (60)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--think", type=think_range, default=(1.0, 3.0), help="seconds between requests (1-3)"
    )
    mode.add_argument("--saturated", action="store_true", help="no think time")
    parser.add_argument("--ramp", type=counts, help="operator counts, one step each: 5,10,20,50")
    parser.add_argument("--warmup", type=float, default=5, help="unmeasured seconds first (5)")
    parser.add_argument(
        "--alone",
        type=float,
        default=10,
        help="seconds of one operator alone first, the baseline of the p50/1op column (10; 0: none)",
    )
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds (30)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    server = parser.add_argument_group("a server started here")
    server.add_argument(
        "--database-url", help="PostgreSQL server to create a fresh database on (default SQLite)"
    )
    server.add_argument("--workers", type=int, help="passed to `serve --workers N`")
    server.add_argument("--members", type=int, default=60, help="demo members (60)")
    server.add_argument("--keep", action="store_true", help="keep the database and the log")
    server.add_argument(
        "--serve-only",
        action="store_true",
        help="prepare and start the server, print its URL and password, wait for Ctrl-C",
    )
    target = parser.add_argument_group("a running server")
    target.add_argument("--base-url", help="e.g. http://127.0.0.1:8000 (nothing is started)")
    target.add_argument(
        "--operators-from",
        default=DEFAULT_PATTERN,
        help=f"operator usernames, {{n}} from 1 ({DEFAULT_PATTERN})",
    )
    target.add_argument("--password", help="their password (or LOAD_PASSWORD)")
    target.add_argument("--server-log", type=Path, help="that server's log, to scan")
    args = parser.parse_args()
    if "{n}" not in args.operators_from:
        parser.error("--operators-from needs {n}, e.g. desk-{n}")
    if args.base_url and (args.database_url or args.workers or args.serve_only):
        parser.error(
            "--base-url targets a running server: --database-url/--workers/--serve-only start one"
        )
    args.steps = args.ramp or [args.operators]
    args.password = args.password or os.environ.get("LOAD_PASSWORD")
    if args.base_url and not args.password:
        parser.error("--base-url needs the operators' password: --password or LOAD_PASSWORD")
    return args


@dataclass
class Measured:
    alone: StepResult | None  # the baseline: one operator, back to back
    steps: list[StepResult]


async def measure(args: argparse.Namespace, base_url: str, password: str) -> Measured:
    think = None if args.saturated else args.think
    recorder = Recorder(recording=False)
    rng = random.Random(args.seed)
    operators = [
        Operator(
            args.operators_from.format(n=n),
            base_url,
            args.timeout,
            recorder,
            random.Random(rng.random()),
        )
        for n in range(1, max(args.steps) + 1)
    ]
    try:
        started = time.perf_counter()
        logins = await log_in_all(operators, password)
        print(
            f"{len(operators)} operators logged in from one address in "
            f"{time.perf_counter() - started:.1f} s (login p50 {ms(percentile(logins, 50))} ms, "
            f"max {ms(max(logins))} ms)"
        )
        targets = await discover(operators[0])
        print(
            f"targets: {len(targets.members)} members ({targets.list_pages} list pages), "
            f"{len(targets.pending)} in the validation queue, {len(targets.campaigns)} campaigns"
        )
        mode = "saturated" if think is None else f"think {think[0]:g}-{think[1]:g} s"
        print(f"mode: {mode}; {args.duration:g} s per step; timeout {args.timeout:g} s")
        if args.warmup > 0:
            await run_step(operators[: args.steps[0]], targets, args.warmup, think, recorder)
        alone = None
        if args.alone > 0:
            recorder.recording = True
            alone = await run_step(operators[:1], targets, args.alone, None, recorder)
            recorder.recording = False
            print_step(alone, title="baseline: one operator alone, back to back")
        results = []
        for count in args.steps:
            recorder.recording = True
            result = await run_step(operators[:count], targets, args.duration, think, recorder)
            recorder.recording = False
            print_step(result, alone)
            results.append(result)
        return Measured(alone, results)
    finally:
        await asyncio.gather(*(op.close() for op in operators))


def verdict(args: argparse.Namespace, results: list[StepResult], scan: dict[str, Any]) -> None:
    server_500 = scan.get("counts", {}).get("HTTP 500 (access log)", 0) if scan else 0
    print()
    if args.saturated:
        print("step summary (saturated):")
        print(f"{'operators':>10}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  errors")
        for r in results:
            values = r.latencies()
            print(
                f"{r.operators:>10}{r.rate():>9.1f}{ms(percentile(values, 50)):>9}"
                f"{ms(r.p95()):>9}{ms(percentile(values, 99)):>9}  {sum(r.errors().values())}"
            )
        slow = next((r for r in results if r.p95() > SLOW), None)
        best = max(results, key=lambda r: r.rate())
        print(f"throughput: {best.rate():.1f} requests/s at {best.operators} operators")
        if slow is None:
            print(f"p95 stays under {SLOW:g} s up to {results[-1].operators} operators")
        else:
            print(f"p95 passes {SLOW:g} s at {slow.operators} operators ({ms(slow.p95())} ms)")
        http_500 = sum(r.errors().get("HTTP 500", 0) for r in results)
        print(f"HTTP 500 answers: {http_500} (server log: {server_500})")
        return
    for r in results:
        errors = sum(r.errors().values())
        ok = r.p95() <= TARGET_P95 and errors == 0
        print(
            f"target with think time, {r.operators} operators: p95 {ms(r.p95())} ms "
            f"(<= {TARGET_P95 * 1000:.0f}), {errors} errors (0): {'met' if ok else 'NOT met'}"
        )


def main() -> int:
    args = arguments()
    measured = Measured(None, [])
    scan: dict[str, Any] = {}
    try:
        if args.base_url:
            log_offset = (
                args.server_log.stat().st_size
                if args.server_log and args.server_log.exists()
                else 0
            )
            print(f"target: {args.base_url} (operators {args.operators_from})")
            measured = asyncio.run(measure(args, args.base_url.rstrip("/"), args.password))
            if args.server_log:
                scan = scan_log(args.server_log, log_offset)
                print_log_scan(scan, args.server_log)
        else:
            password = args.password or secrets.token_urlsafe(15)
            with fresh_database(args.database_url, args.keep) as url, smtp_sink() as smtp:
                backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
                started = time.perf_counter()
                prepare(url, max(args.steps), args.operators_from, password, args.members)
                print(
                    f"{backend} database prepared in {time.perf_counter() - started:.1f} s: "
                    f"demo data, {max(args.steps)} operators"
                )
                log = Path(tempfile.mkstemp(prefix="sportello-load-", suffix=".log")[1])
                server = Server(url, smtp, args.workers, log)
                try:
                    server.wait_ready()
                    workers = args.workers or 1
                    print(
                        f"server: {' '.join(server.command[1:])} ({backend}, {workers} process(es))"
                    )
                    if args.serve_only:
                        print(
                            f"{server.base_url}/admin/  operators {args.operators_from}, n=1..{max(args.steps)}"
                        )
                        print(f"password: {password}\nlog: {log}\nCtrl-C stops it")
                        with suppress(KeyboardInterrupt):
                            server.process.wait()
                        return 0
                    measured = asyncio.run(measure(args, server.base_url, password))
                finally:
                    server.stop()
                    scan = scan_log(log)
                    print_log_scan(scan, log)
                    if not args.keep and not args.serve_only:
                        log.unlink(missing_ok=True)
    except Abort as abort:
        print(f"load: {abort}", file=sys.stderr)
        return 2
    except httpx.HTTPError as error:  # the server stopped answering outside a timed request
        print(f"load: {error!r}", file=sys.stderr)
        return 2
    verdict(args, measured.steps, scan)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "mode": "saturated"
                    if args.saturated
                    else f"think {args.think[0]:g}-{args.think[1]:g}",
                    "alone": measured.alone.as_json() if measured.alone else None,
                    "steps": [r.as_json() for r in measured.steps],
                    "server_log": scan,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
