"""The visits API's request and answer bodies. Texts are bounded by their columns and moments carry a time
zone within core.schemas' bounds, so bad input is a 422 with a reason, never a database error."""

from datetime import datetime

from ninja import Field, Schema
from pydantic import AwareDatetime

from yancheng.core.schemas import EARLIEST, LATEST, Id, Lines, SubmissionKey, text

from .choices import Direction, Kind, Purpose, Trigger


def moment(example: str):
    return Field(..., ge=EARLIEST, le=LATEST, description=f"带时区，例如 {example}")


class VisitorIn(Schema):
    username: text(150)
    certificate_no: text(40) = ""


class VisitRequestIn(Schema):
    enterprise_uscc: text(18)
    purpose: Purpose
    kind: Kind
    trigger: Trigger | None = None
    trigger_note: text(500) = ""
    items: Lines = ""
    legal_basis: Lines = ""
    starts_at: AwareDatetime = moment("2027-03-02T09:00:00+08:00")
    ends_at: AwareDatetime = moment("2027-03-02T11:00:00+08:00")
    visitors: list[VisitorIn]
    join_visit_id: Id | None = None
    submission_key: SubmissionKey = Field(..., description="每次提交唯一；重复提交返回同一申请")


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


class VisitReasonIn(Schema):
    reason: Lines


class PassOut(Schema):
    id: int
    token: str
    short_code: str
    enterprise_name: str
    starts_at: datetime
    ends_at: datetime
    revoked: bool


class PassCheckIn(Schema):
    token: text(4096) | None = None
    short_code: text(32) | None = None
    direction: Direction = Direction.IN
    confirm: bool = True


class PassCheckOut(Schema):
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


class VisitRatingIn(Schema):
    overall: int = Field(..., ge=1, le=5)
    conduct: int = Field(..., ge=1, le=5)
    necessity: int = Field(..., ge=1, le=5)
    efficiency: int = Field(..., ge=1, le=5)
    integrity: int = Field(..., ge=1, le=5)
    flag_repeated: bool = False
    flag_favours: bool = False
    flag_no_pass: bool = False
    flag_overstayed: bool = False
    comment: Lines = ""


class NoPassReportIn(Schema):
    unit_id: Id | None = None
    unit_text: text(100) = ""
    occurred_at: AwareDatetime = moment("2026-11-27T10:00:00+08:00")
    visitors_text: text(200)
    description: Lines
    submission_key: SubmissionKey
