"""Screening engine benchmark: assessments per second, in-process (issue 3, target ≥ 50,000/s).

`make bench` runs it before `bench/run.py`; alone: `.venv/bin/python bench/engine.py`.

It draws 10,000 seeded random screenings for each built-in catalogue (AL and CL): 0 to
20 indicator codes each (a few repeated, as a form may send them), `act` true or false.
It checks that every one assesses, then times `assess` over all of them, round after
round, for about `--seconds` seconds, and prints one JSON line to stdout. The figure is
the median of the rounds, so a round disturbed by other work on the machine does not
decide it. Only the engine is timed: no Django, no database, no explanation text.

The exit status is 0 even when the target is missed: the target is reported in `pass`.
"""

import argparse
import json
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from safepath.screening.indicators import (  # noqa: E402  (after the sys.path line above)
    RULE_VERSION,
    Catalogue,
    assess,
    builtin_catalogues,
)

ISSUE = "screening engine"
TARGET = 50_000
SEED = 20091


def screenings(
    catalogue: Catalogue, count: int, rng: random.Random
) -> list[tuple[list[str], bool]]:
    codes = sorted(catalogue.indicators)
    inputs: list[tuple[list[str], bool]] = []
    for _ in range(count):
        chosen = rng.sample(codes, rng.randint(0, 20))
        if chosen and rng.random() < 0.1:
            chosen.append(rng.choice(chosen))  # a repeated code counts once
        inputs.append((chosen, rng.random() < 0.5))
    return inputs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-catalogue", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=SEED)
    arguments = parser.parse_args()

    rng = random.Random(arguments.seed)
    work = [
        (catalogue, codes, act)
        for catalogue in builtin_catalogues()
        for codes, act in screenings(catalogue, arguments.per_catalogue, rng)
    ]
    rng.shuffle(work)
    indicated = sum(assess(c, codes, act=act).trafficking_indicated for c, codes, act in work)

    rounds: list[float] = []
    started = time.perf_counter()
    while time.perf_counter() - started < arguments.seconds or len(rounds) < 3:
        begin = time.perf_counter()
        for catalogue, codes, act in work:
            assess(catalogue, codes, act=act)
        rounds.append(len(work) / (time.perf_counter() - begin))
    per_second = statistics.median(rounds)

    print(
        json.dumps(
            {
                "issue": ISSUE,
                "assessments_per_second": round(per_second),
                "target": TARGET,
                "pass": per_second >= TARGET,
                "microseconds_per_assessment": round(1e6 / per_second, 2),
                "rounds": len(rounds),
                "slowest_round_per_second": round(min(rounds)),
                "fastest_round_per_second": round(max(rounds)),
                "screenings": len(work),
                "catalogues": sorted({f"{c.code} {c.version}" for c, _codes, _act in work}),
                "trafficking_indicated_share": round(indicated / len(work), 3),
                "rule_version": RULE_VERSION,
                "seed": arguments.seed,
                "python": platform.python_version(),
            }
        ),
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
