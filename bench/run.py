"""First benchmark: safepath on PostgreSQL with 50,000 people, under 20 concurrent clients.

`make bench` (or `.venv/bin/python bench/run.py`) does, start to end and bounded in time:

1. creates a fresh database `safepath_bench` on the PostgreSQL server named by
   DATABASE_URL (default postgres://postgres@127.0.0.1:5432), migrates it and loads
   the demo organisations and users, then bulk-creates 50,000 synthetic people in
   the team of `caseworker.iom`, so that page 1,000 of their list exists;
2. starts gunicorn on 127.0.0.1 (a free port) with bench.bench_settings, which is
   safepath's settings plus a bare JSON endpoint;
3. follows next_cursor 999 times to find the cursor of page 1,000, warms up, times
   50 requests of each endpoint from a single client, then measures each endpoint
   with a bounded load (so many seconds or so many requests, whichever comes first,
   split into rounds) and prints one JSON object per line;
4. prints a summary line with the targets, stops gunicorn and drops the database
   (`--keep-db` keeps it, `--reuse-db` starts from a kept one: quicker when iterating).

Progress goes to stderr; the figures, and only they, go to stdout. The exit status
is 1 when any request failed, not when a target is missed: targets are reported.
See bench/README.md for how to read them.
"""

import argparse
import asyncio
import io
import json
import logging
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import psycopg
from django.utils import timezone
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import wrk_driver  # noqa: E402  (after the sys.path line above)

ISSUE = "first benchmark"
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/safepath_bench"
BENCH_SETTINGS = "bench.bench_settings"
CASEWORKER = "caseworker.iom"
CREATORS = ("caseworker.iom", "caseworker2.iom", "hotline.iom")
BATCH_SIZE = 2_000
DEEP_PAGE = 1_000
PAGE_LIMIT = 50
DETAIL_P95_LIMIT_MS = 100.0
DEEP_PAGE_P95_FACTOR = 1.5
SERIAL_REQUESTS = 50


STARTED = time.monotonic()


def log(message: str) -> None:
    # Seconds since start: Django's TIME_ZONE setting changes the process's local time.
    print(f"[bench +{time.monotonic() - STARTED:5.1f}s] {message}", file=sys.stderr, flush=True)


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


# --- the database ---------------------------------------------------------------------------


def database_urls(db_name: str) -> tuple[str, str]:
    """(URL of the bench database, URL of the server's `postgres` database), from DATABASE_URL.

    Only the server (host, port, user, password) is taken from DATABASE_URL: the
    benchmark always works in its own database and never touches the one named there.
    """
    raw = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    parts = urlsplit(raw)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise SystemExit(f"bench: DATABASE_URL must point at PostgreSQL, not {parts.scheme!r}")
    bench = urlunsplit((parts.scheme, parts.netloc, f"/{db_name}", parts.query, ""))
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", parts.query, ""))
    return bench, admin


def prepare_database(admin_url: str, db_name: str, *, reuse: bool) -> tuple[str, bool]:
    """(server version, whether an existing database is reused); a fresh one unless `reuse`."""
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        version = str(row[0]) if row else "?"
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name]).fetchone()
        if reuse and exists:
            return version, True
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    return version, False


def drop_database(admin_url: str, db_name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(db_name))
        )


# --- the data -------------------------------------------------------------------------------


@dataclass
class Fixture:
    person_ids: list[str]
    session_keys: list[str]
    tokens: list[str]
    session_cookie: str
    seed_seconds: float
    people: int


def seed(*, people: int, clients: int, sample: int) -> Fixture:
    """Migrate, load the demo accounts, bulk-create `people`, sign in `clients` times."""
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, connections
    from faker import Faker

    from safepath.accounts.middleware import SESSION_LOGIN_AT
    from safepath.accounts.models import Organisation, Team, User
    from safepath.accounts.services import token_issue
    from safepath.people import services
    from safepath.people.demo import person_data
    from safepath.people.models import Person, new_person_code

    # Django's logging config (root at INFO) would log every client request of httpx.
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", people=0, stdout=io.StringIO())
    log("migrated, demo organisations and users loaded")

    existing = Person.objects.count()
    if existing not in (0, people):
        raise RuntimeError(f"the database holds {existing:,} people, not {people:,}: drop it")
    caseworker = User.objects.get(username=CASEWORKER)
    organisation = Organisation.objects.get(code="IOM")
    team = Team.objects.get(organisation=organisation, name="Warsaw")
    assert caseworker.team_id == team.pk
    creators = list(User.objects.filter(username__in=CREATORS))
    rng = random.Random(2022)
    fakers = {"uk": Faker("uk_UA"), "pl": Faker("pl_PL")}
    fakers["uk"].seed_instance(2022)
    fakers["pl"].seed_instance(2023)
    today = timezone.localdate()
    codes: set[str] = set()
    batch: list[Person] = []
    created = 0
    if existing:
        created = people
        log(f"reusing the {existing:,} people already there")
    while created < people:
        code = new_person_code()
        while code in codes:  # 30**6 codes: a few collisions are expected in 50,000
            code = new_person_code()
        codes.add(code)
        person = Person(
            organisation=organisation, team=team, created_by=rng.choice(creators), code=code
        )
        services._apply(person, person_data(rng, fakers, today))
        batch.append(person)
        created += 1
        if len(batch) == BATCH_SIZE or created == people:
            Person.objects.bulk_create(batch)
            batch = []
            if created % 10_000 == 0 or created == people:
                log(f"{created:,} people created")
    if not existing:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

    session_keys = []
    for _ in range(clients):
        session = SessionStore()
        session[SESSION_KEY] = str(caseworker.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = caseworker.get_session_auth_hash()
        session[SESSION_LOGIN_AT] = time.time()
        session.save()
        assert session.session_key is not None
        session_keys.append(session.session_key)
    tokens = [token_issue(user=caseworker)[0] for _ in range(clients)]
    all_ids = list(Person.objects.values_list("public_id", flat=True))
    person_ids = [str(pid) for pid in rng.sample(all_ids, min(sample, len(all_ids)))]
    cookie_name = settings.SESSION_COOKIE_NAME
    connections.close_all()
    return Fixture(
        person_ids=person_ids,
        session_keys=session_keys,
        tokens=tokens,
        session_cookie=cookie_name,
        seed_seconds=time.perf_counter() - started,
        people=people,
    )


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base_url: str
    log_path: Path


def start_server(
    *, bench_url: str, workers: int, worker_class: str, threads: int, log_dir: Path
) -> Server:
    port = free_port()
    log_path = log_dir / "gunicorn.log"
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "SAFEPATH_ENV": "development",
        "SAFEPATH_DEBUG": "false",
        "DJANGO_SETTINGS_MODULE": BENCH_SETTINGS,
    }
    command = [
        sys.executable, "-m", "gunicorn", "safepath.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--worker-class", worker_class,
        "--threads", str(threads),
        "--env", f"DJANGO_SETTINGS_MODULE={BENCH_SETTINGS}",
        "--chdir", str(ROOT),
        "--backlog", "2048",
        "--timeout", "30",
        "--graceful-timeout", "5",
        "--log-level", "warning",
    ]  # fmt: skip
    with log_path.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process=process, base_url=f"http://127.0.0.1:{port}", log_path=log_path)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log_path.read_text()[-3000:]}")
        try:
            if httpx.get(f"{server.base_url}/bench/bare/", timeout=2).status_code == 200:
                log(f"gunicorn ready on {server.base_url} ({workers} {worker_class} workers)")
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"gunicorn did not answer in 30 s:\n{log_path.read_text()[-3000:]}")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait(timeout=5)


# --- where the CPU goes --------------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process, from /proc (Linux); None when unreadable."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU seconds of the gunicorn processes and of the PostgreSQL backends of the bench
    database, sampled around each load. Only meaningful when PostgreSQL runs on this
    machine; otherwise the database column stays empty."""

    def __init__(self, server_pid: int, bench_url: str) -> None:
        self.server_pid = server_pid
        self.available = Path(f"/proc/{server_pid}/stat").exists()
        self.conn: psycopg.Connection[tuple[Any, ...]] | None = None
        if self.available:
            conn = psycopg.connect(
                bench_url.replace("postgres://", "postgresql://", 1), autocommit=True
            )
            self.conn = conn

    def _snapshot(self, pids: list[int]) -> dict[int, float]:
        values = {pid: _cpu_seconds(pid) for pid in pids}
        return {pid: value for pid, value in values.items() if value is not None}

    def server(self) -> dict[int, float]:
        return self._snapshot([self.server_pid, *_children(self.server_pid)])

    def database(self) -> dict[int, float]:
        if self.conn is None:
            return {}
        rows = self.conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        ).fetchall()
        return self._snapshot([int(row[0]) for row in rows])

    @staticmethod
    def delta(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(value - before.get(pid, 0.0) for pid, value in after.items())

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


# --- the load -------------------------------------------------------------------------------


@dataclass
class Endpoint:
    name: str
    label: str
    path: Callable[[random.Random], str]
    client_kwargs: Callable[[int], dict[str, Any]] = field(default=lambda _i: {})


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    client_cpu_seconds: float = 0.0
    server_cpu_seconds: float = 0.0
    db_cpu_seconds: float = 0.0
    # With wrk, latencies_ms holds the histogram's per-mille points and this the count.
    succeeded: int | None = None

    @property
    def ok(self) -> int:
        return self.succeeded if self.succeeded is not None else len(self.latencies_ms)

    def add(self, other: "Result") -> None:
        if self.succeeded is not None or other.succeeded is not None:
            self.succeeded = self.ok + other.ok
        self.latencies_ms += other.latencies_ms
        self.errors += other.errors
        self.error_samples = (self.error_samples + other.error_samples)[:3]
        self.seconds += other.seconds
        self.client_cpu_seconds += other.client_cpu_seconds
        self.server_cpu_seconds += other.server_cpu_seconds
        self.db_cpu_seconds += other.db_cpu_seconds


async def _load(
    endpoint: Endpoint,
    *,
    base_url: str,
    concurrency: int,
    seconds: float,
    max_requests: int,
    seed: int,
) -> Result:
    result = Result()
    issued = 0
    deadline = time.perf_counter() + seconds

    async def one_client(index: int) -> None:
        nonlocal issued
        rng = random.Random(seed * 1_000 + index)
        async with httpx.AsyncClient(
            base_url=base_url,
            timeout=10.0,
            limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
            **endpoint.client_kwargs(index),
        ) as client:
            while issued < max_requests and time.perf_counter() < deadline:
                issued += 1
                path = endpoint.path(rng)
                began = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                    problem = f"HTTP {response.status_code}"
                except httpx.HTTPError as exc:
                    ok = False
                    problem = type(exc).__name__
                elapsed_ms = (time.perf_counter() - began) * 1000
                if ok:
                    result.latencies_ms.append(elapsed_ms)
                else:
                    result.errors += 1
                    if len(result.error_samples) < 3:
                        result.error_samples.append(problem)

    await asyncio.gather(*(one_client(i) for i in range(concurrency)))
    return result


def run_load(
    endpoint: Endpoint,
    *,
    base_url: str,
    concurrency: int,
    seconds: float,
    max_requests: int,
    seed: int = 0,
    meter: CpuMeter | None = None,
    driver: str = "python",
) -> Result:
    """`concurrency` clients, each with its own connection, until the time or the budget is up
    (with wrk: for the time only)."""
    server_before = meter.server() if meter else {}
    db_before = meter.database() if meter else {}
    if driver == "wrk":
        result = _wrk_load(
            endpoint, base_url=base_url, concurrency=concurrency, seconds=seconds, seed=seed
        )
    else:
        result = _python_load(
            endpoint,
            base_url=base_url,
            concurrency=concurrency,
            seconds=seconds,
            max_requests=max_requests,
            seed=seed,
        )
    if meter:
        result.server_cpu_seconds = meter.delta(server_before, meter.server())
        result.db_cpu_seconds = meter.delta(db_before, meter.database())
    return result


def _wrk_load(
    endpoint: Endpoint, *, base_url: str, concurrency: int, seconds: float, seed: int
) -> Result:
    rng = random.Random(seed)
    kwargs = endpoint.client_kwargs(0)
    headers = dict(kwargs.get("headers", {}))
    cookies = kwargs.get("cookies", {})
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    run = wrk_driver.run(
        base_url=base_url,
        paths=[endpoint.path(rng) for _ in range(500)],
        headers=headers,
        concurrency=concurrency,
        seconds=seconds,
    )
    ok = max(0, run.requests - run.errors)
    return Result(
        latencies_ms=run.latency_points_ms if ok else [],
        errors=run.errors,
        error_samples=["non-2xx or socket error (wrk)"] if run.errors else [],
        seconds=run.seconds,
        client_cpu_seconds=run.client_cpu_seconds,
        succeeded=ok,
    )


def _python_load(
    endpoint: Endpoint,
    *,
    base_url: str,
    concurrency: int,
    seconds: float,
    max_requests: int,
    seed: int,
) -> Result:
    wall, cpu = time.perf_counter(), time.process_time()
    result = asyncio.run(
        _load(
            endpoint,
            base_url=base_url,
            concurrency=concurrency,
            seconds=seconds,
            max_requests=max_requests,
            seed=seed,
        )
    )
    result.seconds = time.perf_counter() - wall
    result.client_cpu_seconds = time.process_time() - cpu
    return result


def percentiles(values: list[float]) -> tuple[float | None, float | None, float | None]:
    """p50, p95 and p99 in milliseconds, rounded; None when nothing succeeded (JSON has no NaN)."""
    if not values:
        return None, None, None
    if len(values) == 1:
        return round(values[0], 1), round(values[0], 1), round(values[0], 1)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return round(cuts[49], 1), round(cuts[94], 1), round(cuts[98], 1)


def summarise(
    endpoint: Endpoint, result: Result, serial: Result, *, concurrency: int
) -> dict[str, Any]:
    lat = result.latencies_ms
    ok = result.ok
    p50, p95, p99 = percentiles(lat)

    def per_request(seconds: float) -> float | None:
        return round(1000 * seconds / ok, 2) if ok else None

    return {
        "issue": ISSUE,
        "endpoint": endpoint.name,
        "request": endpoint.label,
        "concurrency": concurrency,
        "requests": ok + result.errors,
        "errors": result.errors,
        **({"error_samples": result.error_samples} if result.error_samples else {}),
        "seconds": round(result.seconds, 2),
        "rps": round(ok / result.seconds, 1) if result.seconds else 0.0,
        "p50_ms": p50,
        "p95_ms": p95,
        "p99_ms": p99,
        "max_ms": round(max(lat), 1) if lat else None,
        # One client alone: the service time, without queueing behind 19 others.
        "serial_p50_ms": percentiles(serial.latencies_ms)[0],
        # CPU per request of gunicorn, of the PostgreSQL backends and of the load generator
        # (which, on a small machine, competes with the server for the same cores).
        "cpu_ms_per_request": {
            "server": per_request(result.server_cpu_seconds),
            "db": per_request(result.db_cpu_seconds),
            "client": per_request(result.client_cpu_seconds),
        },
    }


def deep_cursor(
    base_url: str,
    token: str,
    pages: int,
    *,
    path: str = "/api/v1/people",
    max_seconds: float = 180,
    timeout: float = 10.0,
) -> str:
    """The cursor of page `pages` + 1 of a cursor-paginated list, found by following
    next_cursor `pages` times."""
    cursor: str | None = None
    deadline = time.monotonic() + max_seconds
    with httpx.Client(
        base_url=base_url, timeout=timeout, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        for page in range(1, pages + 1):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"walking to page {pages + 1} took over {max_seconds:.0f} s (at page {page})"
                )
            params = {"limit": str(PAGE_LIMIT), **({"cursor": cursor} if cursor else {})}
            response = client.get(path, params=params)
            response.raise_for_status()
            cursor = response.json()["next_cursor"]
            if cursor is None:
                raise RuntimeError(
                    f"the list ended at page {page}; page {pages + 1} does not exist"
                )
    assert cursor is not None
    return cursor


def preflight(endpoints: list[Endpoint], base_url: str) -> None:
    """One request to each endpoint, checked, before any figure is taken."""
    rng = random.Random(0)
    for endpoint in endpoints:
        with httpx.Client(base_url=base_url, timeout=10.0, **endpoint.client_kwargs(0)) as client:
            response = client.get(endpoint.path(rng))
        if response.status_code != 200:
            raise RuntimeError(f"{endpoint.name}: HTTP {response.status_code} before measuring")
        if endpoint.name == "detail_page" and "Identity" not in response.text:
            raise RuntimeError("detail_page: the caseworker does not see the person's identity")
        if endpoint.name.startswith("list_"):
            body = response.json()
            if len(body["items"]) != PAGE_LIMIT:
                raise RuntimeError(f"{endpoint.name}: {len(body['items'])} items, not {PAGE_LIMIT}")


def ratio(value: float | None, base: float | None, digits: int) -> float | None:
    return round(value / base, digits) if value is not None and base else None


def at_most(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit


# --- the run --------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint, at most")
    parser.add_argument("--requests", type=int, default=2_000, help="per endpoint, at most")
    parser.add_argument("--warmup", type=int, default=200, help="requests per endpoint, discarded")
    parser.add_argument("--workers", type=int, default=min(4, max(2, 2 * cpus)))
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=4, help="per worker, for gthread")
    parser.add_argument("--rounds", type=int, default=2, help="the load of each endpoint is split")
    parser.add_argument(
        "--driver",
        choices=["wrk", "python"],
        default="wrk" if wrk_driver.available() else "python",
        help="load generator: wrk (Debian package, light on CPU) when installed, else Python",
    )
    parser.add_argument("--db-name", default="safepath_bench")
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database at the end"
    )
    parser.add_argument(
        "--reuse-db", action="store_true", help="use a kept database instead of seeding again"
    )
    args = parser.parse_args()
    if args.people < DEEP_PAGE * PAGE_LIMIT:
        parser.error(f"--people must be at least {DEEP_PAGE * PAGE_LIMIT} for page {DEEP_PAGE}")
    return args


def main() -> int:
    args = parse_args()
    run_started = time.perf_counter()
    bench_url, admin_url = database_urls(args.db_name)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["SAFEPATH_ENV"] = "development"
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS

    import django

    pg_version, reused = prepare_database(admin_url, args.db_name, reuse=args.reuse_db)
    log(f"{'reusing' if reused else 'created'} database {args.db_name}")
    load_before = os.getloadavg()[0]
    server: Server | None = None
    records: dict[str, dict[str, Any]] = {}
    try:
        fixture = seed(people=args.people, clients=args.concurrency, sample=1_000)
        log(f"seeded in {fixture.seed_seconds:.1f} s")
        with tempfile.TemporaryDirectory(prefix="safepath-bench-") as log_dir:
            server = start_server(
                bench_url=bench_url,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
                log_dir=Path(log_dir),
            )
            ids = fixture.person_ids

            def session(i: int) -> dict[str, Any]:
                key = fixture.session_keys[i % len(fixture.session_keys)]
                return {"cookies": {fixture.session_cookie: key}}

            def bearer(i: int) -> dict[str, Any]:
                token = fixture.tokens[i % len(fixture.tokens)]
                return {"headers": {"Authorization": f"Bearer {token}"}}

            log(f"following next_cursor {DEEP_PAGE - 1} times")
            walk_started = time.perf_counter()
            deep = deep_cursor(server.base_url, fixture.tokens[0], DEEP_PAGE - 1)
            walk_seconds = time.perf_counter() - walk_started
            log(f"cursor of page {DEEP_PAGE} found in {walk_seconds:.1f} s")

            endpoints = [
                Endpoint("bare", "GET /bench/bare/", lambda _r: "/bench/bare/"),
                Endpoint(
                    "detail_page",
                    "GET /en/app/people/<uuid>/ (session of caseworker.iom)",
                    lambda r: f"/en/app/people/{r.choice(ids)}/",
                    session,
                ),
                Endpoint(
                    "detail_api",
                    "GET /api/v1/people/<uuid> (bearer token)",
                    lambda r: f"/api/v1/people/{r.choice(ids)}",
                    bearer,
                ),
                Endpoint(
                    "list_page_1",
                    f"GET /api/v1/people?limit={PAGE_LIMIT} (bearer token)",
                    lambda _r: f"/api/v1/people?limit={PAGE_LIMIT}",
                    bearer,
                ),
                Endpoint(
                    f"list_page_{DEEP_PAGE}",
                    f"GET /api/v1/people?limit={PAGE_LIMIT}&cursor=<page {DEEP_PAGE}>"
                    " (bearer token)",
                    lambda _r: f"/api/v1/people?limit={PAGE_LIMIT}&cursor={deep}",
                    bearer,
                ),
            ]
            preflight(endpoints, server.base_url)
            meter = CpuMeter(server.process.pid, bench_url)
            load = {
                "base_url": server.base_url,
                "concurrency": args.concurrency,
                "meter": meter,
                "driver": args.driver,
            }
            results = {endpoint.name: Result() for endpoint in endpoints}
            serials = {}
            for endpoint in endpoints:
                warmup_seconds = 2.0 if args.driver == "wrk" else 5.0
                run_load(
                    endpoint, **load, seconds=warmup_seconds, max_requests=args.warmup, seed=99
                )
                serials[endpoint.name] = run_load(
                    endpoint,
                    base_url=server.base_url,
                    concurrency=1,
                    seconds=3.0,
                    max_requests=SERIAL_REQUESTS,
                    seed=98,
                    meter=meter,
                )
            # Rounds, endpoint after endpoint, so that a slow spell of the machine is
            # shared among them rather than falling on one.
            for round_no in range(args.rounds):
                log(f"round {round_no + 1} of {args.rounds}")
                for endpoint in endpoints:
                    results[endpoint.name].add(
                        run_load(
                            endpoint,
                            **load,
                            seconds=args.seconds / args.rounds,
                            max_requests=args.requests // args.rounds,
                            seed=round_no,
                        )
                    )
            for endpoint in endpoints:
                records[endpoint.name] = summarise(
                    endpoint,
                    results[endpoint.name],
                    serials[endpoint.name],
                    concurrency=args.concurrency,
                )
            bare = records["bare"]
            for name, record in records.items():
                record["rps_vs_bare"] = ratio(record["rps"], bare["rps"], 3)
                record["p50_vs_bare"] = ratio(record["p50_ms"], bare["p50_ms"], 2)
                record["p95_vs_bare"] = ratio(record["p95_ms"], bare["p95_ms"], 2)
                if name == f"list_page_{DEEP_PAGE}":
                    record["cursor_walk_seconds"] = round(walk_seconds, 1)
                emit(record)
            load_after = os.getloadavg()[0]
            meter.close()
            stop_server(server)
            server = None
    finally:
        if server is not None:
            stop_server(server)
        from django.apps import apps
        from django.db import connections

        if apps.ready:
            connections.close_all()
        if args.keep_db:
            log(f"database {args.db_name} kept")
        else:
            drop_database(admin_url, args.db_name)
            log(f"database {args.db_name} dropped")

    deep_vs_page1 = ratio(
        records[f"list_page_{DEEP_PAGE}"]["p95_ms"], records["list_page_1"]["p95_ms"], 2
    )
    targets = {
        f"{name}_p95_ms_le_100": {
            "value": records[name]["p95_ms"],
            "limit": DETAIL_P95_LIMIT_MS,
            "pass": at_most(records[name]["p95_ms"], DETAIL_P95_LIMIT_MS),
        }
        for name in ("detail_page", "detail_api")
    }
    targets[f"list_page_{DEEP_PAGE}_p95_le_1.5x_page_1"] = {
        "value": deep_vs_page1,
        "limit": DEEP_PAGE_P95_FACTOR,
        "pass": at_most(deep_vs_page1, DEEP_PAGE_P95_FACTOR),
    }
    failed_requests = sum(r["errors"] for r in records.values())
    emit(
        {
            "issue": ISSUE,
            "summary": True,
            "targets": targets,
            "all_targets_pass": all(t["pass"] for t in targets.values()),
            "errors": failed_requests,
            "people": fixture.people,
            "concurrency": args.concurrency,
            "load_generator": args.driver,
            "server": f"gunicorn, {args.workers} {args.worker_class} workers"
            + (f" x {args.threads} threads" if args.worker_class == "gthread" else ""),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "postgresql": pg_version,
            # Load average (1 min) before and after: other work on the machine shows here.
            "loadavg_before": round(load_before, 2),
            "loadavg_after": round(load_after, 2),
            "seed_seconds": round(fixture.seed_seconds, 1),
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
    )
    return 0 if failed_requests == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
