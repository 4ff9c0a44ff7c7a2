"""The dates people type for "since": what they mean as a stored UTC time. Pure.

Accepted: an ISO date (``2026-01-12``, from local midnight) or date and time, ``7d`` / ``2w``
(that many days / weeks before now), ``today`` and ``yesterday``. Anything else is an error:
``1/12/2026`` could be January or December, and a filter that quietly matches nothing (or
everything) is worse than a question.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from reading_list.errors import UsageError

_AGO = re.compile(r"(\d{1,5})\s*([dw])")
SINCE_HELP = "a date (2026-01-12), 7d, 2w, today or yesterday"


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def since_timestamp(text: str, now: datetime) -> str:
    """The UTC time (``YYYY-MM-DDTHH:MM:SSZ``, as papers' times are stored) ``text`` means,
    relative to ``now`` (an aware datetime in the user's time zone)."""
    value = text.strip().lower()
    midnight = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    if value == "today":
        return _utc(midnight)
    if value == "yesterday":
        return _utc(midnight - timedelta(days=1))
    if match := _AGO.fullmatch(value):
        count, unit = int(match.group(1)), match.group(2)
        return _utc(now - timedelta(days=count * (7 if unit == "w" else 1)))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}([t ]\d{2}:\d{2}(:\d{2})?(z|[+-]\d{2}:?\d{2})?)?", value):
        try:
            moment = datetime.fromisoformat(value.upper())
        except ValueError:
            raise UsageError(f"--since {text!r} is not a real date") from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=now.tzinfo)
        return _utc(moment)
    raise UsageError(f"--since {text!r} is not understood; use {SINCE_HELP}")
