"""Settings for the benchmark server: safepath's own, plus a bare endpoint to compare with."""

from safepath.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
