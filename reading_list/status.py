"""Reading statuses and what they mean, defined once (pure and dependency-free, so the hot
paths stay light). The schema's CHECK constraint is a shipped migration's own copy."""

from enum import StrEnum


class Status(StrEnum):
    TO_READ = "to-read"
    READING = "reading"
    READ = "read"
    SKIMMED = "skimmed"
    ABANDONED = "abandoned"


STATUSES = tuple(s.value for s in Status)
# Still in the reading queue: what `next` picks from, and what holds back a paper that comes
# after it.
OPEN = (Status.TO_READ.value, Status.READING.value)
# Finished: read as far as you meant to. Stats count these as read, per list and per week.
# An abandoned paper is neither open nor finished.
FINISHED = (Status.READ.value, Status.SKIMMED.value)
# Status changes whose recorded version is "the version you read" (`check` compares with it).
READ_VERSION_FROM = (Status.READING.value, *FINISHED)
