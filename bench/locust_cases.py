"""The locustfile of bench/cases.py: one endpoint per run, 20 users, no think time.

bench/cases.py runs `locust --headless -f bench/locust_cases.py` once per endpoint and
passes everything through the environment (locust's own options stay on its command
line):

- BENCH_ENDPOINT: `my_work`, `list_page`, `detail_page`, `api_page_1` or `api_page_1000`;
- BENCH_SESSION_COOKIE and BENCH_SESSIONS (comma-separated session keys): each user
  takes its own signed-in session of caseworker.iom, as a browser would keep one;
- BENCH_TOKENS (comma-separated): each user its own API token, for the API endpoints;
- BENCH_CASE_IDS (comma-separated UUIDs): the cases the detail page picks from;
- BENCH_DEEP_CURSOR: the cursor of page 1,000 of GET /api/v1/cases?limit=50.

Requests are grouped under one name per endpoint (`name=`), so locust's CSV has one
row per endpoint and the detail page's random UUIDs do not split it.
"""

import itertools
import os
import random
from typing import Any

from locust import HttpUser, constant, task

ENDPOINT = os.environ.get("BENCH_ENDPOINT", "my_work")
SESSION_COOKIE = os.environ.get("BENCH_SESSION_COOKIE", "sessionid")
SESSIONS = [key for key in os.environ.get("BENCH_SESSIONS", "").split(",") if key]
TOKENS = [token for token in os.environ.get("BENCH_TOKENS", "").split(",") if token]
CASE_IDS = [case for case in os.environ.get("BENCH_CASE_IDS", "").split(",") if case]
DEEP_CURSOR = os.environ.get("BENCH_DEEP_CURSOR", "")
PAGE_LIMIT = 50

_numbers = itertools.count()


class Caseworker(HttpUser):
    """caseworker.iom, signed in, asking for one page after another without pause."""

    wait_time = constant(0)

    def on_start(self) -> None:
        number = next(_numbers)
        self.rng = random.Random(number)
        if SESSIONS:
            self.client.cookies.set(SESSION_COOKIE, SESSIONS[number % len(SESSIONS)])
        self.headers: dict[str, str] = {}
        if TOKENS:
            self.headers["Authorization"] = f"Bearer {TOKENS[number % len(TOKENS)]}"

    def _get(self, path: str, name: str, **kwargs: Any) -> None:
        with self.client.get(path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif response.url is not None and "/accounts/" in response.url:
                response.failure("redirected to sign in")
            else:
                response.success()

    @task
    def request(self) -> None:
        if ENDPOINT == "my_work":
            self._get("/en/app/cases/my-work/", "my_work")
        elif ENDPOINT == "list_page":
            self._get("/en/app/cases/", "list_page")
        elif ENDPOINT == "detail_page":
            case = self.rng.choice(CASE_IDS)
            self._get(f"/en/app/cases/{case}/", "detail_page")
        elif ENDPOINT == "api_page_1":
            self._get(f"/api/v1/cases?limit={PAGE_LIMIT}", "api_page_1", headers=self.headers)
        elif ENDPOINT == "api_page_1000":
            self._get(
                f"/api/v1/cases?limit={PAGE_LIMIT}&cursor={DEEP_CURSOR}",
                "api_page_1000",
                headers=self.headers,
            )
        else:
            raise RuntimeError(f"unknown BENCH_ENDPOINT {ENDPOINT!r}")
