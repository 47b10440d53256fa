"""Opening hours for "find help": `Schedule` rows read as weekly rules, "open now" and
the hours in words, always in Europe/Warsaw time (the directory is for Poland; HSDS
`timezone` is not read):

- `freq` empty, WEEKLY or DAILY; `byday` a comma list of RFC 5545 days ("MO,TU");
  an empty `byday` means every day. Any other `freq` (MONTHLY, …) is not a weekly
  rule: it is never "open now" and is shown by its `description` only.
- A rule is open from `opens_at` (inclusive) to `closes_at` (exclusive) on each of its
  days. Without both times it is never "open now" (its description is shown).
- Open 24 hours: `opens_at` equal to `closes_at` (00:00-00:00), or 00:00 to 23:59 or
  later; `closes_at` 23:59 means "until midnight" (23:59:30 is still open).
- A rule whose `closes_at` is before its `opens_at` crosses midnight: Fri 22:00-06:00
  is open Friday from 22:00 and Saturday until 06:00.
- `valid_from`/`dtstart` and `valid_to`/`until` bound the days a rule opens on (for a
  rule that crosses midnight, the day it opened).
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext as _

from safepath.directory.models import Schedule

WARSAW: Final = ZoneInfo("Europe/Warsaw")
DAY_CODES: Final = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
ALL_DAYS: Final = frozenset(range(7))
WEEKLY_FREQS: Final = frozenset({"", "WEEKLY", "DAILY"})
MIDNIGHT: Final = time(0, 0)
LAST_MINUTE: Final = time(23, 59)


def current_time() -> datetime:
    """Now; one place for tests to move the clock."""
    return timezone.now()


@dataclass(frozen=True)
class Rule:
    """One weekly rule of opening hours (see the module docstring)."""

    days: frozenset[int]  # 0 = Monday
    opens: time | None
    closes: time | None
    valid_from: date | None = None
    valid_to: date | None = None
    weekly: bool = True

    @property
    def timed(self) -> bool:
        return self.weekly and self.opens is not None and self.closes is not None

    @property
    def all_day(self) -> bool:
        if not self.timed:
            return False
        assert self.opens is not None
        assert self.closes is not None
        return self.opens == self.closes or (self.opens == MIDNIGHT and self.closes >= LAST_MINUTE)

    @property
    def overnight(self) -> bool:
        return self.timed and not self.all_day and self.closes < self.opens  # type: ignore[operator]

    def _valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to

    def _opens_on(self, day: date) -> bool:
        return day.weekday() in self.days and self._valid_on(day)

    def is_open(self, at: datetime) -> bool:
        if not self.timed:
            return False
        assert self.opens is not None
        assert self.closes is not None
        local = at.astimezone(WARSAW)
        today, now = local.date(), local.time()
        if self.all_day:
            return self._opens_on(today)
        if self.overnight:
            return (self._opens_on(today) and now >= self.opens) or (
                self._opens_on(today - timedelta(days=1)) and now < self.closes
            )
        until_midnight = self.closes >= LAST_MINUTE
        return self._opens_on(today) and self.opens <= now and (until_midnight or now < self.closes)


def _days(byday: str) -> frozenset[int] | None:
    """RFC 5545 BYDAY as weekday numbers; empty means every day, None when unreadable."""
    codes = [part.strip().upper()[-2:] for part in byday.split(",") if part.strip()]
    if not codes:
        return ALL_DAYS
    if any(code not in DAY_CODES for code in codes):
        return None
    return frozenset(DAY_CODES.index(code) for code in codes)


def rule_from(schedule: Schedule) -> Rule:
    days = _days(schedule.byday)
    weekly = schedule.freq.strip().upper() in WEEKLY_FREQS and days is not None
    return Rule(
        days=days or frozenset(),
        opens=schedule.opens_at,
        closes=schedule.closes_at,
        valid_from=schedule.valid_from or schedule.dtstart,
        valid_to=schedule.valid_to or schedule.until,
        weekly=weekly,
    )


def is_open(rules: Iterable[Rule], at: datetime) -> bool:
    return any(rule.is_open(at) for rule in rules)


def _day_ranges(days: frozenset[int]) -> str:
    if days == ALL_DAYS:
        return _("Every day")
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{WEEKDAYS_ABBR[run[0]]}–{WEEKDAYS_ABBR[run[-1]]}")
        else:
            parts.extend(str(WEEKDAYS_ABBR[day]) for day in run)
    return ", ".join(parts)


def hours_in_words(rules: Sequence[Rule]) -> list[str]:
    """The weekly rules in the reader's language, one line per set of hours, such as
    "Mon-Fri 09:00-17:00" (with an en dash), "Sat, Sun 10:00-14:00", "Open 24 hours"."""
    groups: dict[tuple[time, time] | None, set[int]] = defaultdict(set)
    for rule in rules:
        if not rule.timed:
            continue
        assert rule.opens is not None
        assert rule.closes is not None
        groups[None if rule.all_day else (rule.opens, rule.closes)].update(rule.days)
    lines: list[tuple[int, str]] = []
    for hours, days in groups.items():
        if not days:
            continue
        first = min(days)
        if hours is None:
            if days == ALL_DAYS:
                lines.append((first, _("Open 24 hours")))
            else:
                lines.append(
                    (first, _("%(days)s: open 24 hours") % {"days": _day_ranges(frozenset(days))})
                )
            continue
        opens, closes = hours
        span = f"{opens:%H:%M}–{closes:%H:%M}"
        lines.append(
            (first, _("%(days)s %(hours)s") % {"days": _day_ranges(frozenset(days)), "hours": span})
        )
    return [line for _first, line in sorted(lines)]
