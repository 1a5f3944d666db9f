from datetime import date, datetime

from ninja import Schema


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
    name: str
    expires_at: datetime | None = None


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
