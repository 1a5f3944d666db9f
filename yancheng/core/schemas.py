from datetime import UTC, date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, StringConstraints

# Bounds keep far-off dates (year 9999 in a time zone west of UTC) from overflowing on their way in.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2199, 12, 31, tzinfo=UTC)


# The characters no text of the API may hold: a lone surrogate cannot be encoded (UnicodeEncodeError, a
# 500), PostgreSQL refuses NUL, and a control character is never meant. New lines and tabs are, in a
# text of several lines.
_LINE_BREAKS = "\n\r\t"


def _refuse_unmeant(value: str, allowed: str) -> str:
    for c in value:
        if "\ud800" <= c <= "\udfff":
            raise ValueError("含有无法识别的字符（不成对的代理字符），请重新输入。")
        if (ord(c) < 32 or 0x7F <= ord(c) < 0xA0) and c not in allowed:
            raise ValueError("不能包含控制字符。" if c != "\x00" else "不能包含 NUL 字符。")
    return value


def _one_line(value: str) -> str:
    return _refuse_unmeant(value, "")


def _lines(value: str) -> str:
    return _refuse_unmeant(value, _LINE_BREAKS)


# A text of several lines (a description, a reply, a reason), as long as its column allows (no limit).
Lines = Annotated[str, AfterValidator(_lines)]


def text(max_length: int, min_length: int = 0):
    """A bounded, one-line text: bad input is a 422 with a reason, never a database error."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_one_line),
    ]


# The key a client sends with a filing so that sending it again returns the first record.
SubmissionKey = text(64, 8)

# Every text validator of the API: core/tests/test_api_rules.py checks each input string uses one.
TEXT_VALIDATORS = (_one_line, _lines)

# A record's id in a path or a filter: bounded by the column (BigAutoField), so a number the database
# cannot hold is a 422, not an overflow inside the driver.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class ErrorOut(Schema):
    code: str
    detail: str


class EvidenceOut(Schema):
    """A file filed to show a deadline met (core.evidence): fetched on the record's page."""

    id: int
    name: str
    size: int
    uploaded_at: datetime


def evidence_of(record) -> list[dict]:
    return [
        {"id": e.pk, "name": e.name, "size": e.size, "uploaded_at": e.uploaded_at}
        for e in record.evidence.all()
    ]


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_id: str | None


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    region_id: str
    parent_id: int | None


class EnterpriseOut(Schema):
    uscc: str
    name: str
    region_id: str
    industry: str
    above_designated_size: bool
    specialized: bool
    little_giant: bool
    single_champion: bool
    risk_grade: str
    exempt: bool
    pilot: bool


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[str]
    unit: str | None
    enterprise: str | None


class NotificationOut(Schema):
    id: int
    title: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class TokenIn(Schema):
    name: text(100)
    expires_at: AwareDatetime | None = Field(
        None, ge=EARLIEST, le=LATEST, description="带时区，例如 2027-06-30T18:00:00+08:00"
    )


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class WorkdayOut(Schema):
    start: date
    working_days: int
    result: date


class ReasonIn(Schema):
    """Why a step is taken (a return, a dispute): what the other side is told."""

    reason: text(500, 1)
