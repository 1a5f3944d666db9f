"""The bank API's request and answer bodies. Every text is bounded by its column, so bad input is a 422
with a code, never a database error."""

from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import AwareDatetime

from yancheng.core.schemas import EARLIEST, LATEST, text

from .choices import IdentityMethod, MortgageKind, Operation

# Bounds keep far-off days from overflowing on their way in (EARLIEST, LATEST: the same for times).
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2199, 12, 31)


class MortgagorIn(Schema):
    name: text(50, 1)
    id_number: text(18, 1)


class ApplicationIn(Schema):
    unit_number: text(40, 1)
    contract_number: text(60, 1) = Field(..., description="同一银行同一合同编号重复提交，返回同一申请")
    mortgagors: list[MortgagorIn] = Field(..., min_length=1, max_length=20)
    debtor: text(100, 1)
    kind: MortgageKind = MortgageKind.ORDINARY
    amount: Decimal = Field(
        ..., gt=0, max_digits=14, decimal_places=2, description="被担保主债权数额（元），十进制字符串"
    )
    term_start: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    term_end: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    identity_method: IdentityMethod
    identity_verified_at: AwareDatetime = Field(
        ..., ge=EARLIEST, le=LATEST, description="带时区，例如 2026-11-27T10:00:00+08:00"
    )
    operation: Operation = Operation.MORTGAGE
    cancels_right_id: int | None = Field(None, ge=1, le=2**62, description="注销登记时必填：要注销的抵押权")


class CheckOut(Schema):
    code: str
    label: str
    passed: bool
    reason: str


class MortgagorOut(Schema):
    name: str
    id_number: str


class ApplicationOut(Schema):
    id: int
    bank: str
    contract_number: str
    operation: str
    unit_number: str
    status: str
    status_label: str
    refusal_reason: str
    mortgagors: list[MortgagorOut]
    debtor: str
    kind: str
    amount: Decimal
    term_start: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    term_end: date = Field(..., ge=EARLIEST_DAY, le=LATEST_DAY)
    identity_method: str
    identity_verified_at: datetime
    cancels_right_id: int | None
    checks: list[CheckOut]
    certificate_number: str | None
    certificate_url: str | None
    received_at: datetime
    reviewed_at: datetime | None
    recorded_at: datetime | None
    certificate_signed_at: datetime | None
    bank_notified_at: datetime | None
    bank_acknowledged_at: datetime | None
    loan_released_at: datetime | None


class ApplicationPage(Schema):
    count: int
    items: list[ApplicationOut]
