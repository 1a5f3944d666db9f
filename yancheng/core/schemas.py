from datetime import UTC, date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, StringConstraints

# Bounds keep far-off dates (year 9999 in a time zone west of UTC) from overflowing on their way in.
EARLIEST, LATEST = datetime(2000, 1, 1, tzinfo=UTC), datetime(2199, 12, 31, tzinfo=UTC)


def _printable(value: str) -> str:
    # A control character is never meant, and PostgreSQL refuses NUL in text (a 500, not a 422).
    if any(ord(c) < 32 for c in value):
        raise ValueError("不能包含控制字符。")
    return value


def _without_nul(value: str) -> str:
    # New lines and tabs are meant in a text of several lines; NUL never is.
    if "\x00" in value:
        raise ValueError("不能包含 NUL 字符。")
    return value


# A text of several lines (a description, a reply, a reason), as long as its column allows (no limit).
Lines = Annotated[str, AfterValidator(_without_nul)]


def text(max_length: int, min_length: int = 0):
    """A bounded, printable text: bad input is a 422 with a reason, never a database error."""
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(_printable),
    ]


class ErrorOut(Schema):
    code: str
    detail: str


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
