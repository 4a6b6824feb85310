"""Schedule specs as members type them, to cron expressions and slot times.

Accepted: a 5-field cron expression (``"30 9 * * 1-5"``) or a plain form:
``daily 09:30``, ``weekdays 9:30``, ``weekends 10:00``, ``mon,wed,fri 12:15``,
``hourly``. Time zones are IANA names through :mod:`zoneinfo`; slots are
computed by croniter in that zone, so "09:30" stays 09:30 across DST changes.
Every parse error is a :class:`ScheduleError` whose message tells the member
what would work.

Typed after ``/quiz schedule add``, the schedule needs no quotes:
:func:`read_add_words` finds where it ends (``hourly``: one word; days and a time:
two; a valid cron line: five) and reads the rest as time zone, decks and answer
window in any order. What it cannot read gets a hint that shows the quoted form.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterError, croniter

MIN_WINDOW_S = 10
MAX_WINDOW_S = 24 * 3600

_DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 0}
_TIME = re.compile(r"^([01]?\d|2[0-3])[:h.]([0-5]\d)$")
_CRON_WORD = re.compile(r"^[\d*?][\d*?/,\-]*$")
_DURATION = re.compile(r"^(\d{1,6})\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?$")


class ScheduleError(ValueError):
    """A schedule, time zone or window that cannot be used; the message says why."""


def parse_spec(text: str) -> str:
    """A cron expression for ``text``. Raises :class:`ScheduleError`."""
    spec = " ".join(text.strip().lower().split())
    if not spec:
        raise ScheduleError("empty schedule; try \"weekdays 09:30\" or a cron expression like \"30 9 * * 1-5\"")
    if spec == "hourly":
        return "0 * * * *"
    parts = spec.split(" ")
    if len(parts) == 2 and _TIME.match(parts[1]):
        hour, minute = (int(x) for x in _TIME.match(parts[1]).groups())  # type: ignore[union-attr]
        days = _days(parts[0])
        return f"{minute} {hour} * * {days}"
    if len(parts) == 5:
        if not croniter.is_valid(spec):
            raise ScheduleError(f"{text.strip()!r} is not a valid cron expression (minute hour day month weekday)")
        try:
            croniter(spec, datetime.now(timezone.utc)).get_next(datetime)
        except CroniterError:
            raise ScheduleError(never_happens(text)) from None
        return spec
    raise ScheduleError(
        f"cannot read schedule {text.strip()!r}; try \"daily 09:30\", \"weekdays 9:30\", "
        "\"mon,wed 12:00\" or a cron expression like \"30 9 * * 1-5\"")


def never_happens(text: str) -> str:
    return (f"{text.strip()!r} never happens (no date matches it, like February 31); "
            "check the day and month fields")


def _days(word: str) -> str:
    if word in {"daily", "everyday", "every-day"}:
        return "*"
    if word == "weekdays":
        return "1-5"
    if word == "weekends":
        return "6,0"
    names = word.split(",")
    if all(n[:3] in _DAYS for n in names):
        return ",".join(str(_DAYS[n[:3]]) for n in names)
    raise ScheduleError(f"unknown days {word!r}; use daily, weekdays, weekends or names like mon,wed,fri")


def parse_tz(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone {name!r}; use an IANA name like Europe/Berlin or UTC") from None


def parse_window(text: str) -> int:
    """Seconds from ``90``, ``90s``, ``10m``, ``2h``; between 10 s and 24 h."""
    match = _DURATION.match(text.strip().lower())
    if not match:
        raise ScheduleError(f"cannot read answer window {text!r}; try 90s, 10m or 1h")
    value, unit = int(match.group(1)), (match.group(2) or "s")[0]
    seconds = value * {"s": 1, "m": 60, "h": 3600}[unit]
    if not MIN_WINDOW_S <= seconds <= MAX_WINDOW_S:
        raise ScheduleError(f"answer window must be between {MIN_WINDOW_S}s and 24h, got {text!r}")
    return seconds


def looks_like_window(text: str) -> bool:
    return bool(_DURATION.match(text.strip().lower()))


def next_slot(cron: str, tz: ZoneInfo, after: float) -> float:
    """The first slot strictly after ``after`` (epoch seconds).

    When clocks fall back, a local time such as 01:30 happens twice and croniter
    yields both. A slot whose wall-clock time is not later than ``after``'s is
    such a repeat and is skipped, so a daily question is asked once that day.
    """
    start = datetime.fromtimestamp(after, timezone.utc).astimezone(tz)
    slots = croniter(cron, start)
    wall = start.replace(tzinfo=None)
    candidate = slots.get_next(datetime)
    for _ in range(100):  # an hour's repeats at most (a cron firing every minute)
        if candidate.replace(tzinfo=None) > wall:
            break
        candidate = slots.get_next(datetime)
    return float(candidate.timestamp())


@functools.lru_cache(maxsize=4096)
def slot_after(cron: str, tz_name: str, slot: float) -> float:
    """:func:`next_slot` after a slot time, memoised: thousands of schedules sharing one slot
    time (and cron) compute the following slot once, not once each (croniter is the
    costliest step of opening a scheduled round otherwise)."""
    return next_slot(cron, parse_tz(tz_name), slot)


def slots_between(cron: str, tz: ZoneInfo, first: float, before: float, cap: int = 10_000) -> int:
    """How many slots fall in ``[first, before)`` (at most ``cap``): the slots a restart skips."""
    count, moment = 0, first - 1e-3
    while count < cap:
        moment = next_slot(cron, tz, moment)
        if moment >= before - 1e-6:
            return count
        count += 1
    return count


def latest_slot(cron: str, tz: ZoneInfo, at: float) -> float:
    """The last slot at or before ``at``."""
    start = datetime.fromtimestamp(at + 1e-3, timezone.utc).astimezone(tz)
    return float(croniter(cron, start).get_prev(datetime).timestamp())


QUOTED_EXAMPLE = '/quiz schedule add "weekdays 09:30" Europe/Berlin dl-flashcards 10m'


@dataclass(frozen=True)
class AddWords:
    """``/quiz schedule add`` split into its parts (each still to be validated, except ``spec``)."""

    spec: str
    """The schedule as typed, spaces normalised ("weekdays 09:30"); :func:`parse_spec` reads it."""
    tz: str | None = None
    decks: str | None = None
    """Deck ids joined by commas."""
    window: str | None = None


def read_add_words(words: Sequence[str]) -> AddWords:
    """Split the words after ``/quiz schedule add``, quoted or not.

    The schedule is one quoted word, ``hourly``, a days word and a time
    (``weekdays 09:30``, ``mon,wed 12:00``) or a cron line (``30 9 * * 1-5``, taken only
    when its first five words are a valid cron expression). After it come, in any order,
    a time zone (``Europe/Berlin``, ``UTC``), an answer window (``10m``) and deck ids.
    Raises :class:`ScheduleError` whose message shows the quoted form.
    """
    if not words:
        raise ScheduleError(f"which schedule? For example `{QUOTED_EXAMPLE}`")
    first = words[0].strip()
    if " " in first:
        size = 1  # quoted
    elif first.lower() == "hourly":
        size = 1
    elif len(words) >= 5 and croniter.is_valid(" ".join(words[:5])):
        size = 5
        if len(words) > 5 and _CRON_WORD.match(words[5]):
            raise ScheduleError(
                f"is {words[5]!r} part of the schedule or the answer window? Quote the cron line and give "
                f"the window with its unit: `/quiz schedule add \"{' '.join(words[:5])}\" UTC 10m`")
    elif len(words) >= 2 and _TIME.match(words[1]):
        size = 2
    elif _CRON_WORD.match(first):  # a cron line that is not valid: show all of it in the error
        size = next((i for i, word in enumerate(words) if not _CRON_WORD.match(word)), len(words))
    else:
        size = 1
    spec = " ".join(" ".join(words[:size]).split())
    try:
        parse_spec(spec)
    except ScheduleError as exc:
        raise ScheduleError(f"{exc}. With spaces, quote it: `{QUOTED_EXAMPLE}`") from None
    tz = window = None
    decks: list[str] = []
    for word in words[size:]:
        if "/" in word or word.upper() in {"UTC", "GMT"}:
            if tz is not None:
                raise ScheduleError(f"two time zones ({tz!r} and {word!r}); give one, for example "
                                    f"`{QUOTED_EXAMPLE}`")
            tz = word
        elif looks_like_window(word):
            if window is not None:
                raise ScheduleError(f"two answer windows ({window!r} and {word!r}); give one, for example "
                                    f"`{QUOTED_EXAMPLE}`")
            window = word
        else:
            decks.append(word)
    return AddWords(spec, tz, ",".join(decks) or None, window)


def window_text(window_s: int) -> str:
    """An answer window in minutes: "10 min", "1.5 min"."""
    minutes = window_s / 60
    return f"{minutes:.0f} min" if window_s % 60 == 0 else f"{minutes:.1f} min"


def slot_text(at: float, tz: ZoneInfo) -> str:
    """A slot in its zone, as people read it: "Mon 7 Dec 09:30 CET"."""
    local = datetime.fromtimestamp(at, timezone.utc).astimezone(tz)
    return f"{local:%a} {local.day} {local:%b %H:%M %Z}"


def describe(spec: str, tz: str) -> str:
    """A schedule in the words it was given, with its zone: "weekdays 09:30 (Europe/Berlin)"."""
    return f"{spec} ({tz})"
