"""Cases benchmark: safepath on PostgreSQL with 250,000 cases, 20 users (locust), an export.

`make bench` (or `.venv/bin/python bench/cases.py`) does, start to end and bounded in time:

1. creates a fresh database `safepath_bench_cases` on the PostgreSQL server named by
   DATABASE_URL (default postgres://postgres@127.0.0.1:5432), migrates it, loads the
   demo organisations and users (`safepath demo --people 0`), then bulk-creates (COPY,
   `safepath.core.bulk.insert_many`) 250,000 synthetic people, each with one case:
   200,000 in IOM's Warsaw team owned by `caseworker.iom`, 50,000 in La Strada's owned
   by `caseworker.lastrada`; and a task on one case in 20 (a fifth of them still open,
   due from 30 days ago to 60 days ahead, so some are overdue);
2. exports La Strada's 50,000 cases with the real command, `safepath cases export-htcds
   --output FILE --as caseworker.lastrada`, in a subprocess: wall time and its own peak
   RSS (`os.wait4`), and checks the rows written;
3. starts gunicorn as bench/run.py does, follows next_cursor 999 times on
   GET /api/v1/cases?limit=50 to find the cursor of page 1,000, checks one response of
   each endpoint, then runs locust headless (bench/locust_cases.py) once per endpoint,
   20 users each signed in with their own session or token, no think time, for a
   bounded time, and reads the p95 from locust's CSV;
4. prints one JSON line per measurement and a summary with the targets (reported, not
   asserted), stops gunicorn and drops the database (`--keep-db` keeps it).

Progress goes to stderr; the figures, and only they, go to stdout. The exit status is 1
when a request or the export failed, not when a target is missed. See bench/README.md.
"""

import argparse
import csv
import datetime
import io
import logging
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import (  # noqa: E402  (after the sys.path line above)
    BENCH_SETTINGS,
    CpuMeter,
    Server,
    at_most,
    database_urls,
    deep_cursor,
    drop_database,
    emit,
    log,
    prepare_database,
    start_server,
    stop_server,
)

ISSUE = "cases benchmark"
DB_NAME = "safepath_bench_cases"
CASEWORKER = "caseworker.iom"
EXPORTER = "caseworker.lastrada"
BATCH_SIZE = 5_000
PAGE_LIMIT = 50
DEEP_PAGE = 1_000
P95_LIMIT_MS = 300.0
DEEP_PAGE_FACTOR = 1.5
EXPORT_SECONDS_LIMIT = 300.0
EXPORT_RSS_LIMIT_MB = 512.0
TASK_SHARE = 20  # one case in 20 has a task
OPEN_TASK_SHARE = 0.2
SAFEPATH = [sys.executable, "-m", "safepath"]

# "my work" last: the slowest, and whatever it leaves running would weigh on the others.
ENDPOINTS = {
    "list_page": "GET /en/app/cases/ (page 1, session)",
    "detail_page": "GET /en/app/cases/<uuid>/ (one of 1,000 random cases, session)",
    "api_page_1": f"GET /api/v1/cases?limit={PAGE_LIMIT} (bearer token)",
    "api_page_1000": f"GET /api/v1/cases?limit={PAGE_LIMIT}&cursor=<page {DEEP_PAGE}>"
    " (bearer token)",
    "my_work": "GET /en/app/cases/my-work/ (session of caseworker.iom)",
}
DRAIN_SECONDS = 120.0


def drain(meter: CpuMeter) -> float:
    """Wait until gunicorn is idle (under 5% of a CPU for a second), at most
    DRAIN_SECONDS: requests that locust abandoned at the end of its run are still being
    served, and would weigh on the next endpoint. Answers how long it waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < DRAIN_SECONDS:
        before = meter.server()
        time.sleep(1.0)
        if CpuMeter.delta(before, meter.server()) < 0.05:
            break
    return time.perf_counter() - started


# --- the data -------------------------------------------------------------------------------


@dataclass
class Fixture:
    case_ids: list[str]
    session_keys: list[str]
    tokens: list[str]
    session_cookie: str
    seed_seconds: float
    counts: dict[str, int]


def seed(*, cases: int, exported: int, users: int) -> Fixture:
    """Migrate, load the demo accounts, bulk-create people with one case each and tasks,
    sign `caseworker.iom` in `users` times."""
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, connections, transaction
    from django.utils import timezone

    from bench.seed_people import fakers_for, new_person
    from safepath.accounts.middleware import SESSION_LOGIN_AT
    from safepath.accounts.models import Organisation, Team, User
    from safepath.accounts.services import token_issue
    from safepath.cases.models import Case, CaseTask
    from safepath.cases.models.workflow import TaskKind
    from safepath.cases.vocabularies import CaseStatus, RiskLevel, TraffickingStatus
    from safepath.core.bulk import insert_many
    from safepath.people.models import Person

    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo", people=0, stdout=io.StringIO())
    log("migrated, demo organisations and users loaded")
    if Case.objects.exists():
        raise RuntimeError("the database already holds cases: drop it")

    caseworker = User.objects.get(username=CASEWORKER)
    exporter = User.objects.get(username=EXPORTER)
    groups = []  # (owner, organisation, team, how many)
    for owner, count in ((caseworker, cases - exported), (exporter, exported)):
        assert owner.organisation_id is not None
        assert owner.team_id is not None
        organisation = Organisation.objects.get(pk=owner.organisation_id)
        team = Team.objects.get(pk=owner.team_id)
        groups.append((owner, organisation, team, count))
    rng = random.Random(2026)
    fakers = fakers_for(2026)
    today = timezone.localdate()
    statuses = [
        (CaseStatus.ACTIVE, 0.6),
        (CaseStatus.FOLLOW_UP, 0.2),
        (CaseStatus.CLOSED, 0.15),
        (CaseStatus.CLOSED_REFERRED, 0.05),
    ]
    trafficking = ["", TraffickingStatus.POSSIBLE, TraffickingStatus.POSSIBLE]
    codes: set[str] = set()
    created = tasks_total = tasks_open = tasks_overdue = 0
    for owner, organisation, team, count in groups:
        done = 0
        while done < count:
            size = min(BATCH_SIZE, count - done)
            people: list[Person] = [
                new_person(
                    rng,
                    fakers,
                    today,
                    organisation=organisation,
                    team=team,
                    created_by=owner,
                    codes=codes,
                )
                for _ in range(size)
            ]
            batch_cases: list[Case] = []
            for person in people:
                status = rng.choices([s for s, _w in statuses], weights=[w for _s, w in statuses])[
                    0
                ]
                batch_cases.append(
                    Case(
                        organisation=organisation,
                        team=team,
                        created_by=owner,
                        owner=owner,
                        person=person,
                        status=status,
                        trafficking_status=rng.choice(trafficking),
                        exploitation_types=rng.sample(["ForcedLabour", "SexualExploitation"], 1)
                        if rng.random() < 0.4
                        else [],
                        risk_level=rng.choice(list(RiskLevel.values)),
                        safety_concerns="Threats from the recruiter." if rng.random() < 0.2 else "",
                        closed_at=timezone.now()
                        if status in (CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED)
                        else None,
                    )
                )
            batch_tasks: list[CaseTask] = []
            for case in batch_cases[::TASK_SHARE]:
                is_open = rng.random() < OPEN_TASK_SHARE
                due_on = today + datetime.timedelta(days=rng.randint(-30, 60))
                batch_tasks.append(
                    CaseTask(
                        case=case,
                        kind=rng.choice([TaskKind.TASK, TaskKind.FOLLOW_UP]),
                        title="Call back about accommodation",
                        due_on=due_on,
                        assignee=owner,
                        created_by=owner,
                        done_at=None if is_open else timezone.now(),
                    )
                )
                tasks_open += is_open
                tasks_overdue += is_open and due_on < today
            with transaction.atomic():
                insert_many(Person, people)
                insert_many(Case, batch_cases)
                insert_many(CaseTask, batch_tasks)
            tasks_total += len(batch_tasks)
            done += size
            created += size
            if created % 25_000 == 0 or created == cases:
                log(f"{created:,} people and cases created")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    log("vacuumed and analysed")

    session_keys = []
    for _ in range(users):
        session = SessionStore()
        session[SESSION_KEY] = str(caseworker.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = caseworker.get_session_auth_hash()
        session[SESSION_LOGIN_AT] = time.time()
        session.save()
        assert session.session_key is not None
        session_keys.append(session.session_key)
    tokens = [token_issue(user=caseworker)[0] for _ in range(users)]
    own = list(Case.objects.filter(owner=caseworker).values_list("public_id", flat=True))
    case_ids = [str(case) for case in rng.sample(own, min(1_000, len(own)))]
    counts = {
        "cases": Case.objects.count(),
        "people": Person.objects.count(),
        "cases_of_caseworker": len(own),
        "cases_exported_by": Case.objects.filter(owner=exporter).count(),
        "tasks": tasks_total,
        "open_tasks": tasks_open,
        "open_tasks_overdue": tasks_overdue,
        "open_tasks_of_caseworker": CaseTask.objects.filter(
            assignee=caseworker, done_at__isnull=True
        ).count(),
        "open_cases_of_caseworker": Case.objects.filter(owner=caseworker)
        .exclude(status__in=[CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED])
        .count(),
    }
    connections.close_all()
    return Fixture(
        case_ids=case_ids,
        session_keys=session_keys,
        tokens=tokens,
        session_cookie=settings.SESSION_COOKIE_NAME,
        seed_seconds=time.perf_counter() - started,
        counts=counts,
    )


# --- the export -----------------------------------------------------------------------------


def export(*, bench_url: str, expected: int, scratch: Path) -> dict[str, Any]:
    """`safepath cases export-htcds` as the exporter, in a subprocess: wall time, its own
    peak RSS (from wait4, so not this script's nor gunicorn's), and the rows it wrote."""
    output = scratch / "export.csv"
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DATABASE_URL": bench_url,
        "SAFEPATH_ENV": "development",
        "SAFEPATH_DEBUG": "false",
    }
    command = [*SAFEPATH, "cases", "export-htcds", "--output", str(output), "--as", EXPORTER]
    err_path = scratch / "export.stderr"
    with err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=ROOT
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
    returncode = os.waitstatus_to_exitcode(status)
    rows = 0
    size_mb = 0.0
    if output.exists():
        size_mb = output.stat().st_size / 1e6
        with output.open(newline="") as handle:
            rows = sum(1 for _ in csv.reader(handle)) - 1  # without the header
    peak_rss_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    correct = returncode == 0 and rows == expected
    record = {
        "issue": ISSUE,
        "measurement": "export",
        "command": f"safepath cases export-htcds --output FILE --as {EXPORTER}",
        "rows": rows,
        "expected_rows": expected,
        "returncode": returncode,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1) if seconds else None,
        "peak_rss_mb": round(peak_rss_mb, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
        "file_mb": round(size_mb, 1),
        "correct": correct,
    }
    if returncode != 0:
        record["stderr"] = err_path.read_text()[-2000:]
    return record


# --- the load -------------------------------------------------------------------------------


def preflight(base_url: str, fixture: Fixture, deep: str) -> dict[str, float]:
    """One request to each endpoint, checked, before any figure is taken; answers how
    long each took (one client alone, cold)."""
    took: dict[str, float] = {}
    cookies = {fixture.session_cookie: fixture.session_keys[0]}
    bearer = {"Authorization": f"Bearer {fixture.tokens[0]}"}
    checks = [
        ("my_work", "/en/app/cases/my-work/", cookies, {}),
        ("list_page", "/en/app/cases/", cookies, {}),
        ("detail_page", f"/en/app/cases/{fixture.case_ids[0]}/", cookies, {}),
        ("api_page_1", f"/api/v1/cases?limit={PAGE_LIMIT}", {}, bearer),
        ("api_page_1000", f"/api/v1/cases?limit={PAGE_LIMIT}&cursor={deep}", {}, bearer),
    ]
    for name, path, jar, headers in checks:
        with httpx.Client(base_url=base_url, timeout=60.0, cookies=jar, headers=headers) as client:
            started = time.perf_counter()
            response = client.get(path)
            took[name] = round(1000 * (time.perf_counter() - started), 1)
        if response.status_code != 200:
            raise RuntimeError(f"{name}: HTTP {response.status_code} before measuring")
        if name.startswith("api_"):
            items = response.json()["items"]
            if len(items) != PAGE_LIMIT:
                raise RuntimeError(f"{name}: {len(items)} items, not {PAGE_LIMIT}")
        elif "/accounts/" in str(response.url):
            raise RuntimeError(f"{name}: the session is not signed in")
    return took


def run_locust(
    endpoint: str,
    *,
    base_url: str,
    fixture: Fixture,
    deep: str,
    users: int,
    seconds: float,
    scratch: Path,
    meter: CpuMeter,
) -> dict[str, Any]:
    """One headless locust run on one endpoint; its figures from locust's CSV."""
    prefix = scratch / endpoint
    env = {
        **os.environ,
        "BENCH_ENDPOINT": endpoint,
        "BENCH_SESSION_COOKIE": fixture.session_cookie,
        "BENCH_SESSIONS": ",".join(fixture.session_keys),
        "BENCH_TOKENS": ",".join(fixture.tokens),
        "BENCH_CASE_IDS": ",".join(fixture.case_ids),
        "BENCH_DEEP_CURSOR": deep,
    }
    command = [
        sys.executable, "-m", "locust",
        "-f", str(ROOT / "bench" / "locust_cases.py"),
        "--headless", "--only-summary",
        "--host", base_url,
        "--users", str(users),
        "--spawn-rate", str(users),
        "--run-time", f"{int(seconds)}s",
        "--stop-timeout", "10",
        "--csv", str(prefix),
        "--loglevel", "WARNING",
    ]  # fmt: skip
    server_before, db_before = meter.server(), meter.database()
    log_path = scratch / f"{endpoint}.log"
    with log_path.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        _pid, _status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    server_cpu = CpuMeter.delta(server_before, meter.server())
    db_cpu = CpuMeter.delta(db_before, meter.database())
    stats_path = Path(f"{prefix}_stats.csv")
    if not stats_path.exists():
        raise RuntimeError(f"locust wrote no stats for {endpoint}:\n{log_path.read_text()[-3000:]}")
    with stats_path.open(newline="") as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    # No row when no request finished within the run (and locust's stop timeout).
    row = rows.get(endpoint, {"Request Count": "0", "Failure Count": "0"})
    requests = int(row["Request Count"])
    failures = int(row["Failure Count"])
    ok = requests - failures

    def number(key: str) -> float | None:
        value = row.get(key, "N/A")
        return None if value in ("", "N/A") else round(float(value), 1)

    def per_request(cpu: float) -> float | None:
        return round(1000 * cpu / ok, 2) if ok else None

    record: dict[str, Any] = {
        "issue": ISSUE,
        "measurement": "load",
        "endpoint": endpoint,
        "request": ENDPOINTS[endpoint],
        "users": users,
        "seconds": round(seconds, 1),
        "requests": requests,
        "errors": failures,
        "rps": number("Requests/s"),
        "p50_ms": number("50%"),
        "p95_ms": number("95%"),
        "p99_ms": number("99%"),
        "max_ms": number("Max Response Time"),
        "mean_ms": number("Average Response Time"),
        "cpu_ms_per_request": {
            "server": per_request(server_cpu),
            "db": per_request(db_cpu),
            "client": per_request(usage.ru_utime + usage.ru_stime),
        },
        "locust_wall_seconds": round(wall, 1),
    }
    if not requests:
        # Locust counts neither success nor failure for requests it abandons at the end.
        record["note"] = f"no request finished within {seconds:.0f} s and locust's stop timeout"
    if failures:
        failures_path = Path(f"{prefix}_failures.csv")
        if failures_path.exists():
            record["error_samples"] = failures_path.read_text().splitlines()[1:4]
    return record


# --- the run --------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    cpus = os.cpu_count() or 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--cases", type=int, default=250_000, help="people, one case each")
    parser.add_argument("--export-cases", type=int, default=50_000, help="of them, La Strada's")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0, help="locust run per endpoint")
    parser.add_argument("--workers", type=int, default=min(4, max(2, 2 * cpus)))
    parser.add_argument("--worker-class", default="gthread", choices=["gthread", "sync"])
    parser.add_argument("--threads", type=int, default=4, help="per worker, for gthread")
    parser.add_argument("--db-name", default=DB_NAME)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    if args.cases - args.export_cases < DEEP_PAGE * PAGE_LIMIT + 1:
        parser.error(f"caseworker.iom needs over {DEEP_PAGE * PAGE_LIMIT} cases for page 1,000")
    return args


def main() -> int:
    args = parse_args()
    run_started = time.perf_counter()
    bench_url, admin_url = database_urls(args.db_name)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["SAFEPATH_ENV"] = "development"
    os.environ["DJANGO_SETTINGS_MODULE"] = BENCH_SETTINGS

    import django

    pg_version, _reused = prepare_database(admin_url, args.db_name, reuse=False)
    log(f"created database {args.db_name}")
    load_before = os.getloadavg()[0]
    server: Server | None = None
    records: dict[str, dict[str, Any]] = {}
    export_record: dict[str, Any] = {}
    try:
        fixture = seed(cases=args.cases, exported=args.export_cases, users=args.users)
        log(f"seeded in {fixture.seed_seconds:.1f} s: {fixture.counts}")
        with tempfile.TemporaryDirectory(prefix="safepath-bench-cases-") as directory:
            scratch = Path(directory)
            log(f"exporting {args.export_cases:,} cases as {EXPORTER}")
            export_record = export(bench_url=bench_url, expected=args.export_cases, scratch=scratch)
            emit(export_record)
            log(f"export: {export_record['seconds']} s, {export_record['peak_rss_mb']} MB")
            server = start_server(
                bench_url=bench_url,
                workers=args.workers,
                worker_class=args.worker_class,
                threads=args.threads,
                log_dir=scratch,
            )
            log(f"following next_cursor {DEEP_PAGE - 1} times on /api/v1/cases")
            walk_started = time.perf_counter()
            deep = deep_cursor(
                server.base_url,
                fixture.tokens[0],
                DEEP_PAGE - 1,
                path="/api/v1/cases",
                max_seconds=300,
                timeout=30.0,
            )
            walk_seconds = time.perf_counter() - walk_started
            log(f"cursor of page {DEEP_PAGE} found in {walk_seconds:.1f} s")
            single = preflight(server.base_url, fixture, deep)
            log(f"one request each, alone: {single} ms")
            meter = CpuMeter(server.process.pid, bench_url)
            drain(meter)
            for endpoint in ENDPOINTS:
                log(f"locust: {endpoint}, {args.users} users, {args.seconds:.0f} s")
                records[endpoint] = run_locust(
                    endpoint,
                    base_url=server.base_url,
                    fixture=fixture,
                    deep=deep,
                    users=args.users,
                    seconds=args.seconds,
                    scratch=scratch,
                    meter=meter,
                )
                records[endpoint]["single_request_ms"] = single[endpoint]
                records[endpoint]["drain_seconds_after"] = round(drain(meter), 1)
                if endpoint == "api_page_1000":
                    records[endpoint]["cursor_walk_seconds"] = round(walk_seconds, 1)
                emit(records[endpoint])
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

    targets: dict[str, dict[str, Any]] = {}
    for name in ("my_work", "list_page", "detail_page", "api_page_1", "api_page_1000"):
        value = records[name]["p95_ms"]
        targets[f"{name}_p95_ms_le_300"] = {
            "value": value,
            "limit": P95_LIMIT_MS,
            "pass": at_most(value, P95_LIMIT_MS),
        }
    page_1, page_deep = records["api_page_1"]["p95_ms"], records["api_page_1000"]["p95_ms"]
    deep_ratio = round(page_deep / page_1, 2) if page_1 and page_deep is not None else None
    targets["api_page_1000_p95_le_1.5x_page_1"] = {
        "value": deep_ratio,
        "limit": DEEP_PAGE_FACTOR,
        "pass": at_most(deep_ratio, DEEP_PAGE_FACTOR),
    }
    targets["export_seconds_le_300"] = {
        "value": export_record["seconds"],
        "limit": EXPORT_SECONDS_LIMIT,
        "pass": at_most(export_record["seconds"], EXPORT_SECONDS_LIMIT),
    }
    targets["export_peak_rss_mb_le_512"] = {
        "value": export_record["peak_rss_mb"],
        "limit": EXPORT_RSS_LIMIT_MB,
        "pass": at_most(export_record["peak_rss_mb"], EXPORT_RSS_LIMIT_MB),
    }
    failed_requests = sum(int(r["errors"]) for r in records.values())
    emit(
        {
            "issue": ISSUE,
            "summary": True,
            "targets": targets,
            "all_targets_pass": all(t["pass"] for t in targets.values()),
            "errors": failed_requests,
            "export_correct": export_record["correct"],
            **fixture.counts,
            "users": args.users,
            "load_generator": "locust (headless, no think time)",
            "server": f"gunicorn, {args.workers} {args.worker_class} workers"
            + (f" x {args.threads} threads" if args.worker_class == "gthread" else ""),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "django": django.get_version(),
            "postgresql": pg_version,
            "loadavg_before": round(load_before, 2),
            "loadavg_after": round(load_after, 2),
            "seed_seconds": round(fixture.seed_seconds, 1),
            "total_seconds": round(time.perf_counter() - run_started, 1),
        }
    )
    return 0 if failed_requests == 0 and export_record["correct"] else 1


if __name__ == "__main__":
    sys.exit(main())
