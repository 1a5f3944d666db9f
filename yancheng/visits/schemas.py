from datetime import datetime

from ninja import Field, Schema

from .choices import Direction, Kind, Purpose, Trigger


class VisitorIn(Schema):
    username: str
    certificate_no: str = ""


class VisitRequestIn(Schema):
    enterprise_uscc: str
    purpose: Purpose
    kind: Kind
    trigger: Trigger | None = None
    trigger_note: str = ""
    items: str = ""
    legal_basis: str = ""
    starts_at: datetime
    ends_at: datetime
    visitors: list[VisitorIn]
    join_visit_id: int | None = None
    submission_key: str = Field(
        ..., min_length=8, max_length=64, description="每次提交唯一；重复提交返回同一申请"
    )


class VisitorOut(Schema):
    name: str
    unit: str
    certificate_no: str


class VisitRequestOut(Schema):
    id: int
    visit_id: int
    enterprise_uscc: str
    enterprise_name: str
    unit: str
    purpose: str
    kind: str
    trigger: str
    status: str
    status_label: str
    filed_late: bool
    auto_approved: bool
    starts_at: datetime
    ends_at: datetime
    decision_reason: str
    joint: bool
    visitors: list[VisitorOut]


class ReasonIn(Schema):
    reason: str


class PassOut(Schema):
    id: int
    token: str
    short_code: str
    enterprise_name: str
    starts_at: datetime
    ends_at: datetime
    revoked: bool


class CheckIn(Schema):
    token: str | None = None
    short_code: str | None = None
    direction: Direction = Direction.IN
    confirm: bool = True


class CheckOut(Schema):
    ok: bool
    result: str
    message: str
    recorded: bool
    checked_at: datetime | None = None
    visitor: str | None = None
    units: list[str] = []
    purpose: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


class RatingIn(Schema):
    overall: int = Field(..., ge=1, le=5)
    conduct: int = Field(..., ge=1, le=5)
    necessity: int = Field(..., ge=1, le=5)
    efficiency: int = Field(..., ge=1, le=5)
    integrity: int = Field(..., ge=1, le=5)
    flag_repeated: bool = False
    flag_favours: bool = False
    flag_no_pass: bool = False
    flag_overstayed: bool = False
    comment: str = ""


class NoPassReportIn(Schema):
    unit_id: int | None = None
    unit_text: str = ""
    occurred_at: datetime
    visitors_text: str
    description: str
    submission_key: str = Field(..., min_length=8, max_length=64)
