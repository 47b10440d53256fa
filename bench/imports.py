"""Import benchmark: 100,000 synthetic submissions of the offline form (issue 3, §6).

`make bench` runs it after bench/engine.py and before bench/run.py; alone:
`.venv/bin/python bench/imports.py` (`--help` for the options).

It writes 100,000 seeded synthetic submissions shaped like KoboToolbox's JSON export of
the form that `safepath screening xlsform` writes (the `/api/v2/assets/{uid}/data/`
page: `count`, `next`, `previous`, then `results`; field names with their group paths,
taken from the form itself; KoboToolbox's own `_id`, `_uuid`, `_submission_time`, ...;
instance ids `uuid:...`). They mix adults and children, indicator answers, vulnerability
factors, needs, voivodeships, site types and interview languages; about a third record
consent with a name, phone and date of birth.

Then, for each database, it runs the real command, `safepath screening import FILE
--organisation IOM`, in a subprocess, twice: the first import creates everything, the
second (the same file again) finds only duplicates. The peak RSS is that subprocess's
own (`os.wait4`), so it counts Python, Django and the file reading, not this script.

- PostgreSQL: a fresh database `safepath_bench_import` on the server of DATABASE_URL
  (default postgres://postgres@127.0.0.1:5432; only the server is taken from it),
  migrated, with the demo organisations and accounts (`safepath demo --people 0`),
  dropped at the end.
- SQLite: a fresh file in a temporary directory, prepared the same way.

One JSON line per database goes to stdout (rows, seconds, rows_per_second,
peak_rss_mb, the re-import, the targets with `pass`); progress goes to stderr. The
targets (≥ 2,000 rows/s and peak RSS ≤ 300 MB) are the issue's targets on PostgreSQL;
the SQLite line reports the same figures against them for comparison
(`targets_apply: false`). The exit status is 1 when an import fails or stores the
wrong number of rows, not when a target is missed.
"""

import argparse
import datetime
import json
import os
import platform
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import psycopg

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.run import database_urls, drop_database, prepare_database  # noqa: E402

ISSUE = "screening import"
DB_NAME = "safepath_bench_import"
ORGANISATION = "IOM"
ROWS = 100_000
SEED = 20251130
RATE_TARGET = 2_000.0  # rows per second, on PostgreSQL
RSS_TARGET_MB = 300.0
CONSENT_SHARE = 0.35
CHILD_FACTORS = frozenset({"child", "unaccompanied_child", "separated_child"})
SAFEPATH = [sys.executable, "-m", "safepath"]
STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[imports +{time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


# --- the submissions -------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    """What the generator needs of the form: each field's export path, the catalogues."""

    paths: dict[str, str]  # field name -> KoboToolbox column (`site/site_type`)
    indicators: dict[str, list[str]]  # catalogue code -> its indicator fields
    versions: dict[str, str]  # catalogue code -> version
    version: str  # the form's version
    factors: list[str]
    needs: list[str]
    site_types: list[str]
    languages: list[str]
    voivodeships: list[str]


def load_form() -> Form:
    """The field names and groups of the form `safepath screening xlsform` writes."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepath.settings")
    import django

    django.setup()
    from safepath.core.geography import VOIVODESHIP_CODES
    from safepath.people.models import SPOKEN_LANGUAGES
    from safepath.screening.catalogues import registry
    from safepath.screening.models import SiteType
    from safepath.screening.vulnerability import FACTORS, NEED_CODES
    from safepath.screening.xlsform import build_form, indicator_field

    catalogues = [registry().get("AL"), registry().get("CL")]
    form = build_form(catalogues)
    paths: dict[str, str] = {}
    groups: list[str] = []
    for row in form.survey:
        kind, name = row["type"], row["name"]
        if kind == "begin_group":
            groups.append(name)
        elif kind == "end_group":
            groups.pop()
        elif kind != "note":
            paths[name] = "/".join([*groups, name])
    return Form(
        paths=paths,
        indicators={
            c.code: [indicator_field(code) for code in sorted(c.indicators)] for c in catalogues
        },
        versions={c.code: c.version for c in catalogues},
        version=form.settings[0]["version"],
        factors=[factor.code for factor in FACTORS],
        needs=list(NEED_CODES),
        site_types=list(SiteType.values),
        languages=[code for code, _label in SPOKEN_LANGUAGES],
        voivodeships=list(VOIVODESHIP_CODES),
    )


class Generator:
    """Seeded synthetic submissions, one dict at a time."""

    def __init__(self, form: Form, seed: int) -> None:
        from faker import Faker

        self.form = form
        self.rng = random.Random(seed)
        self.fakers = {"uk": Faker("uk_UA"), "pl": Faker("pl_PL"), "ru": Faker("ru_RU")}
        for offset, faker in enumerate(self.fakers.values()):
            faker.seed_instance(seed + offset)
        self.phones = self._phones(500)
        self.day = datetime.datetime(2025, 10, 1, 8, 0, tzinfo=datetime.UTC)

    def _phones(self, count: int) -> list[str]:
        """Valid Ukrainian and Polish mobile numbers, as a caseworker types them."""
        import phonenumbers

        found: list[str] = []
        while len(found) < count:
            if self.rng.random() < 0.7:
                number = f"+380 {self.rng.choice(['50', '63', '67', '68', '93', '97'])} "
                number += f"{self.rng.randrange(10**7):07d}"
            else:
                number = f"+48 {self.rng.choice(['501', '512', '600', '660', '691', '725'])} "
                number += f"{self.rng.randrange(10**6):06d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                found.append(number)
        return found

    def put(self, record: dict[str, Any], name: str, value: str) -> None:
        record[self.form.paths[name]] = value

    def submission(self, number: int) -> dict[str, Any]:
        rng = self.rng
        form = self.form
        instance = uuid.UUID(int=rng.getrandbits(128), version=4)
        started = self.day + datetime.timedelta(seconds=number * 40 + rng.randrange(30))
        ended = started + datetime.timedelta(minutes=rng.randint(6, 25))
        child = rng.random() < 0.22
        age = rng.randint(1, 17) if child else rng.randint(18, 80)
        catalogue = "CL" if child else "AL"
        record: dict[str, Any] = {"_id": 500_000 + number, "formhub/uuid": "a3f1c9e2b7d84c5e"}
        self.put(record, "start", started.isoformat(timespec="milliseconds"))
        self.put(record, "end", ended.isoformat(timespec="milliseconds"))
        self.put(record, "today", started.date().isoformat())
        consent = rng.random() < CONSENT_SHARE
        self.put(record, "consent", "yes" if consent else "no")
        if consent:
            faker = self.fakers[rng.choice(["uk", "uk", "ru", "pl"])]
            sex = rng.choice(["female", "female", "male", "unknown"])
            self.put(record, "consent_method", rng.choice(["oral_witnessed", "written"]))
            if child:
                record[form.paths["consent_method"]] = "guardian"
            given = faker.first_name_female() if sex == "female" else faker.first_name_male()
            self.put(record, "given_name", given)
            self.put(record, "family_name", faker.last_name())
            if rng.random() < 0.8:
                self.put(record, "phone", rng.choice(self.phones))
            if rng.random() < 0.7:
                day = started.date()
                born = day.replace(year=day.year - age, day=min(day.day, 28)) - datetime.timedelta(
                    days=rng.randint(1, 360)
                )
                self.put(record, "date_of_birth", born.isoformat())
            self.put(record, "sex", sex)
        voivodeship = rng.choice(["06", "06", "18", "18", "14", "12", "02", "", *form.voivodeships])
        if voivodeship:
            self.put(record, "voivodeship", voivodeship)
        self.put(record, "site_type", rng.choice(form.site_types))
        self.put(
            record, "interview_language", rng.choice(["uk", "uk", "uk", "ru", *form.languages])
        )
        if rng.random() < 0.8:
            self.put(record, "age_known", "yes")
            self.put(record, "age", str(age))
        else:
            self.put(record, "age_known", "no")
            self.put(record, "age_band", "12-17" if child else rng.choice(["18-59", "60+"]))
        self.put(record, "population", "child" if child else "adult")
        self.put(record, "catalogue", catalogue)
        self.put(record, "catalogue_version", form.versions[catalogue])
        # Every question of the path answered, as the form asks them: mostly no; a few
        # submissions with many yes (so some are indicated), and some don't know.
        heavy = rng.random() < 0.15
        for field in form.indicators[catalogue]:
            draw = rng.random()
            if draw < (0.35 if heavy else 0.05):
                answer = "yes"
            elif draw < (0.45 if heavy else 0.12):
                answer = "dont_know"
            else:
                answer = "no"
            self.put(record, field, answer)
        if child:
            self.put(record, "act", rng.choice(["yes", "no", "dont_know"]))
        factors = rng.sample(form.factors, rng.randint(0, 4))
        factors = [code for code in factors if code not in CHILD_FACTORS]
        if child:
            factors.append("child")
            if rng.random() < 0.1:
                factors.append(rng.choice(["unaccompanied_child", "separated_child"]))
        self.put(record, "factors", " ".join(sorted(set(factors))))
        self.put(record, "needs", " ".join(rng.sample(form.needs, rng.randint(0, 3))))
        record.update(
            {
                "meta/instanceID": f"uuid:{instance}",  # pyxform adds it to every form
                "__version__": "vHk3pQ8mZxR2",
                "_xform_id_string": "safepath_screening",
                "_uuid": str(instance),
                "_attachments": [],
                "_status": "submitted_via_web",
                "_geolocation": [None, None],
                "_submission_time": (ended + datetime.timedelta(hours=rng.randint(0, 72)))
                .replace(tzinfo=None)
                .isoformat(timespec="seconds"),
                "_tags": [],
                "_notes": [],
                "_validation_status": {},
                "_submitted_by": None,
            }
        )
        return record

    def submissions(self, count: int) -> Iterator[dict[str, Any]]:
        for number in range(1, count + 1):
            yield self.submission(number)


def write_submissions(path: Path, rows: int, seed: int) -> dict[str, int]:
    """KoboToolbox's API page, written one submission at a time."""
    generator = Generator(load_form(), seed)
    consented = children = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f'{{"count": {rows}, "next": null, "previous": null, "results": [\n')
        for number, record in enumerate(generator.submissions(rows), start=1):
            if number > 1:
                handle.write(",\n")
            handle.write(json.dumps(record, ensure_ascii=False))
            consented += record.get("consent") == "yes"
            children += record.get("catalogue") == "CL"
            if number % 25_000 == 0:
                log(f"{number:,} submissions written")
        handle.write("\n]}\n")
    return {"consented": consented, "children": children}


# --- the runs --------------------------------------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


def run_measured(command: list[str], env: dict[str, str], scratch: Path) -> Run:
    """Run a command and answer its wall time and its own peak RSS (from wait4)."""
    out_path, err_path = scratch / "stdout.txt", scratch / "stderr.txt"
    with out_path.open("w") as out, err_path.open("w") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux.
    return Run(
        seconds=seconds,
        peak_rss_mb=usage.ru_maxrss / 1024,
        returncode=process.returncode,
        stdout=out_path.read_text(),
        stderr=err_path.read_text(),
    )


def run_quiet(command: list[str], env: dict[str, str], what: str, log_to: TextIO) -> None:
    completed = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if completed.returncode != 0:
        log_to.write(completed.stderr[-4000:])
        raise RuntimeError(f"{what} failed with status {completed.returncode}")


def prepare(env: dict[str, str]) -> None:
    run_quiet([*SAFEPATH, "migrate", "--no-input", "-v0"], env, "migrate", sys.stderr)
    run_quiet([*SAFEPATH, "demo", "--people", "0"], env, "demo", sys.stderr)


def counts_postgresql(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return _counts(lambda query: conn.execute(query).fetchone())


def counts_sqlite(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return _counts(lambda query: conn.execute(query).fetchone())


def _counts(one: Any) -> dict[str, int]:
    return {
        "screenings": one("SELECT count(*) FROM screening_screening")[0],
        "people": one("SELECT count(*) FROM people_person")[0],
        "consents": one("SELECT count(*) FROM people_consent")[0],
        "audit_events": one("SELECT count(*) FROM audit_auditevent")[0],
    }


def target(value: float, limit: float, *, at_least: bool) -> dict[str, Any]:
    return {
        "value": value,
        "limit": limit,
        "pass": value >= limit if at_least else value <= limit,
    }


def measure(
    database: str,
    env: dict[str, str],
    submissions: Path,
    rows: int,
    consented: int,
    scratch: Path,
    counts: Any,
) -> tuple[dict[str, Any], bool]:
    """Import twice; answer the line to print and whether the imports were right."""
    command = [*SAFEPATH, "screening", "import", str(submissions), "--organisation", ORGANISATION]
    log(f"{database}: importing {rows:,} submissions")
    first = run_measured(command, env, scratch)
    log(f"{database}: first import done in {first.seconds:.1f} s (status {first.returncode})")
    stored = counts()
    log(f"{database}: importing the same file again")
    again = run_measured(command, env, scratch)
    log(f"{database}: re-import done in {again.seconds:.1f} s (status {again.returncode})")
    ok = True
    summaries: list[dict[str, int] | None] = []
    for run in (first, again):
        if run.returncode != 0:
            ok = False
            sys.stderr.write(run.stderr[-4000:])
            summaries.append(None)
        else:
            summaries.append(json.loads(run.stdout.strip().splitlines()[-1]))
    expected = [
        {"created": rows, "duplicates_skipped": 0},
        {"created": 0, "duplicates_skipped": rows},
    ]
    ok = ok and summaries == expected and stored["screenings"] == rows
    ok = ok and stored["people"] == consented and stored["consents"] == consented
    rate = rows / first.seconds
    targets = {
        "rows_per_second_ge_2000": target(round(rate, 1), RATE_TARGET, at_least=True),
        "peak_rss_mb_le_300": target(round(first.peak_rss_mb, 1), RSS_TARGET_MB, at_least=False),
        "reimport_peak_rss_mb_le_300": target(
            round(again.peak_rss_mb, 1), RSS_TARGET_MB, at_least=False
        ),
    }
    return {
        "issue": ISSUE,
        "database": database,
        "rows": rows,
        "summary": summaries[0],
        "seconds": round(first.seconds, 2),
        "rows_per_second": round(rate, 1),
        "peak_rss_mb": round(first.peak_rss_mb, 1),
        "reimport": {
            "summary": summaries[1],
            "seconds": round(again.seconds, 2),
            "rows_per_second": round(rows / again.seconds, 1),
            "peak_rss_mb": round(again.peak_rss_mb, 1),
        },
        "stored": stored,
        "targets": targets,
        "targets_apply": database == "postgresql",
        "all_targets_pass": all(t["pass"] for t in targets.values()),
        "correct": ok,
    }, ok


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--databases",
        default="postgresql,sqlite",
        help="comma-separated: postgresql, sqlite (default: both)",
    )
    parser.add_argument("--db-name", default=DB_NAME, help="the PostgreSQL database to create")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"postgresql", "sqlite"}
    if unknown:
        raise SystemExit(f"bench: unknown database {sorted(unknown)}")
    base_env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    base_env["SAFEPATH_ENV"] = "development"
    base_env["SAFEPATH_DEBUG"] = "false"
    bench_url, admin_url = database_urls(args.db_name)  # before DATABASE_URL is unset below
    os.environ.pop("DATABASE_URL", None)  # the generator's Django never opens a database
    all_ok = True
    with tempfile.TemporaryDirectory(prefix="safepath-bench-import-") as directory:
        scratch = Path(directory)
        submissions = scratch / "submissions.json"
        log(f"writing {args.rows:,} submissions to {submissions}")
        mix = write_submissions(submissions, args.rows, args.seed)
        size_mb = submissions.stat().st_size / 1024 / 1024
        log(f"{size_mb:.0f} MB, {mix['consented']:,} with consent, {mix['children']:,} children")
        common = {
            "file_mb": round(size_mb, 1),
            "consented": mix["consented"],
            "children": mix["children"],
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "seed": args.seed,
            "loadavg_before": round(os.getloadavg()[0], 2),
        }
        if "postgresql" in databases:
            pg_version, _reused = prepare_database(admin_url, args.db_name, reuse=False)
            log(f"created database {args.db_name} (PostgreSQL {pg_version})")
            env = {**base_env, "DATABASE_URL": bench_url}
            try:
                prepare(env)
                record, ok = measure(
                    "postgresql",
                    env,
                    submissions,
                    args.rows,
                    mix["consented"],
                    scratch,
                    lambda: counts_postgresql(bench_url),
                )
                emit({**record, **common, "postgresql": pg_version})
                all_ok = all_ok and ok
            finally:
                drop_database(admin_url, args.db_name)
                log(f"database {args.db_name} dropped")
        if "sqlite" in databases:
            sqlite_path = scratch / "bench.sqlite3"
            env = {**base_env, "DATABASE_URL": f"sqlite:///{sqlite_path}"}
            prepare(env)
            log(f"created {sqlite_path}")
            record, ok = measure(
                "sqlite",
                env,
                submissions,
                args.rows,
                mix["consented"],
                scratch,
                lambda: counts_sqlite(sqlite_path),
            )
            emit({**record, **common, "sqlite": sqlite3.sqlite_version})
            all_ok = all_ok and ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
